"""The footer: the keys that work now, drawn as one line that a change of keys only repaints.

Textual's Footer is a row of key widgets, rebuilt (removed and mounted again)
whenever the keys change. Each rebuild costs a layout of the whole screen, and
the new widgets arrive a frame after the step that changed them, so a step
key painted twice. This footer is one widget of fixed size that draws the same
line as Textual's (the same component styles and theme variables): a change
of keys repaints one row and never moves anything else. A click on a key
presses it; hovering shows its tooltip.

What it shows follows what the learner can do:

* while a text box has focus, the keys that work in the box (the screen's
  ``BOX_KEYS``: enter, escape, f1 …), since every other key is typed into it;
* otherwise the step's own keys first (the screen's ``own_actions``), then the
  rest. When they don't fit the width, the rest lose their words first (``?``
  keeps "Help", which lists everything), then the palette's key its words; then
  the keys every step has (next, back, quit) and the palette's key make way;
  last, the step's own words are shortened, the longest first. A step's own
  key is never left off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.screen import Screen


class Shown(NamedTuple):
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    action: str
    disabled: bool
    tooltip: str
    own: bool = False
    """One of the step's own keys (shown first, shortened last)."""


HELP_ACTION = "help"
"""The key that lists every key: it keeps its words when the others lose theirs."""

_DROPPED = "\0"
"""A key left off the line for want of room (``?`` lists it)."""

DEFAULT_BOX_KEYS: tuple[tuple[str, str, str], ...] = (
    ("enter", "enter", "Check"),
    ("escape", "esc", "Leave the box"),
    ("f1", "f1", "Help"),
)
"""(key, display, description) of the keys that work in a text box, unless the screen says otherwise."""


class LessonFooter(Widget):
    """The screen's keys in one line: each shown binding once, the command palette's key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--item",
        "footer-key--hover",
        "footer-key--border",
    }
    DEFAULT_CSS = """
    LessonFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        .footer-key--item { background: $footer-item-background; }
        .footer-key--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .footer-key--description { color: $footer-description-foreground; background: $footer-description-background; }
        .footer-key--hover { color: $footer-key-foreground; background: $block-hover-background; }
        .footer-key--border { color: $foreground 20%; }
    }
    """

    keys: reactive[tuple[Shown, ...]] = reactive((), layout=False)
    """The keys on show, left to right (the palette's is :attr:`palette`)."""
    palette: reactive[Shown | None] = reactive(None, layout=False)
    """The command palette's key, drawn at the right end, if the screen has one."""
    hover: reactive[int | None] = reactive(None, layout=False)
    """The key under the mouse (its index in :attr:`keys`, or ``len(keys)`` for the palette's)."""

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    # -- which keys ----------------------------------------------------------------------------------

    def bindings_changed(self, screen: Screen) -> None:
        """Take the screen's keys as they are now (a repaint if they changed; never a layout)."""
        if not self.is_attached or screen is not self.screen:
            return
        if isinstance(screen.focused, Input):
            self.keys = self._box_keys(screen)
            self.palette = None
            return
        own: frozenset[str] = getattr(screen, "own_actions", frozenset())
        keys: dict[str, Shown] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = Shown(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    not enabled,
                    tooltip,
                    binding.action.partition("(")[0] in own,
                )
        shown = keys.values()
        self.keys = (*(k for k in shown if k.own), *(k for k in shown if not k.own))
        self.palette = self._palette_key(screen)

    def _box_keys(self, screen: Screen) -> tuple[Shown, ...]:
        """The keys that work while a text box has focus (everything else is typed into it)."""
        box_keys = getattr(screen, "BOX_KEYS", DEFAULT_BOX_KEYS)
        return tuple(Shown(key, display, description, "", False, "", True) for key, display, description in box_keys)

    def _palette_key(self, screen: Screen) -> Shown | None:
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        try:
            _node, binding, enabled, _tooltip = screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return None
        tooltip = binding.tooltip or binding.description
        return Shown(binding.key, self.app.get_key_display(binding), binding.description, binding.action, not enabled, tooltip)

    # -- drawing -------------------------------------------------------------------------------------

    def _item(self, key: Shown, hovered: bool, compact: bool = False, words: str | None = None) -> Text:
        """One key as Textual's FooterKey draws it: `` key `` then ``description ``
        (compact, as the palette's: ``key`` then `` description``); ``words`` replaces the
        description (``""``: the key alone)."""
        base = self.get_component_rich_style("footer-key--item")
        if key.disabled:
            base += Style(dim=True)
        if hovered:
            base += self.get_component_rich_style("footer-key--hover")
        description = key.description if words is None else words
        if compact:
            shown, described = key.display, f" {description}" if description else ""
        else:
            shown, described = f" {key.display} ", f"{description} " if description else ""
        text = Text.assemble(
            (shown, self.get_component_rich_style("footer-key--key")),
            (described, self.get_component_rich_style("footer-key--description")),
        )
        text.stylize_before(base)
        return text

    def _words(self) -> tuple[list[str | None], str | None]:
        """What each key says (``None``: its description; ``""``: the key alone; ``_DROPPED``: left
        off) and what the palette's key says likewise, in the fullest form that fits the width (see
        the module docstring)."""
        width = self.size.width
        keys = self.keys

        def fits(words: list[str | None], palette: str | None) -> bool:
            used = sum(
                cell_len(k.display) + 2 + (cell_len(k.description if w is None else w) + 1 if (w is None or w) else 0)
                for k, w in zip(keys, words)
                if w != _DROPPED
            )
            if self.palette is not None and palette != _DROPPED:
                used += 2 + cell_len(self.palette.display) + (cell_len(self.palette.description) + 1 if palette is None else 0)
            return used <= width

        full: list[str | None] = [None] * len(keys)
        terse: list[str | None] = [None if k.own or k.action == HELP_ACTION else "" for k in keys]
        # The keys every step has (next, back, quit) are under ? too: the step's own keys come first.
        bare: list[str | None] = [w if k.own or k.action == HELP_ACTION else _DROPPED for k, w in zip(keys, terse)]
        for words, palette in ((full, None), (terse, None), (terse, ""), (bare, ""), (bare, _DROPPED)):
            if fits(words, palette):
                return words, palette
        # Still too wide: the step's own words are shortened, the longest first, a letter at a time.
        room = {i: cell_len(k.description) for i, k in enumerate(keys) if k.own}
        while True:
            short = [_shorten(k.description, room[i]) if i in room else w for i, (k, w) in enumerate(zip(keys, bare))]
            longest = max(room, key=lambda i: room[i], default=None)
            if fits(short, _DROPPED) or longest is None or room[longest] <= 3:
                return short, _DROPPED
            room[longest] -= 1

    def _pieces(self) -> tuple[list[Text], Text]:
        """Each key's piece of the line (an empty one for a key left off), and the palette's key at
        the right end: ``▏^p palette ``, ``▏^p `` when room is short, or nothing when the step's own
        keys need the room (``?`` lists it). The fit is worked out once."""
        words, palette_words = self._words()
        items = [
            Text() if w == _DROPPED else self._item(key, self.hover == i, words=w)
            for i, (key, w) in enumerate(zip(self.keys, words))
        ]
        if self.palette is None or palette_words == _DROPPED:
            return items, Text()
        palette = Text.assemble(("▏", self.get_component_rich_style("footer-key--border")))
        hovered = self.hover == len(self.keys)
        palette.append_text(self._item(self.palette, hovered, compact=True, words=palette_words))
        palette.append(" ", self.get_component_rich_style("footer-key--item"))
        return items, palette

    def _spans(self) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """Where each key sits on the line (start, end), and the palette's key."""
        items, palette = self._pieces()
        spans: list[tuple[int, int]] = []
        x = 0
        for item in items:
            spans.append((x, x + item.cell_len))
            x += item.cell_len
        if self.palette is None:
            return spans, None
        return spans, (max(0, self.size.width - palette.cell_len), self.size.width)

    def render(self) -> Text:
        """The keys from the left, the palette's key at the right end (over any key that runs into it)."""
        width = self.size.width
        items, palette = self._pieces()
        line = Text(no_wrap=True, overflow="crop", end="")
        for item in items:
            line.append_text(item)
        if self.palette is not None:
            room = max(0, width - palette.cell_len)
            line.truncate(room, pad=True)
            line.append_text(palette)
        line.truncate(width)
        return line

    # -- the mouse -----------------------------------------------------------------------------------

    def _key_at(self, x: int) -> int | None:
        spans, palette = self._spans()
        if palette is not None and palette[0] <= x < palette[1]:
            return len(self.keys)
        return next((i for i, (start, end) in enumerate(spans) if start <= x < end), None)

    def _shown(self, index: int | None) -> Shown | None:
        if index is None:
            return None
        return self.keys[index] if index < len(self.keys) else self.palette

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Light the key under the mouse and show what it does."""
        self.hover = self._key_at(event.x)
        key = self._shown(self.hover)
        self.tooltip = (key.tooltip or None) if key is not None else None

    def on_leave(self, event: events.Leave) -> None:
        self.hover = None

    def on_click(self, event: events.Click) -> None:
        """Press the key that was clicked (a disabled one rings the bell)."""
        key = self._shown(self._key_at(event.x))
        if key is None:
            return
        if key.disabled:
            self.app.bell()
        else:
            self.app.simulate_key(key.key)


def _shorten(words: str, room: int) -> str:
    """``words`` in at most ``room`` cells: whole if it fits, else cut with a full stop (``Optimiser`` → ``Opt.``)."""
    if cell_len(words) <= room:
        return words
    cut = words[: max(1, room - 1)].rstrip()
    return cut + "."
