"""The footer: the keys that work now, drawn as one line that a change of keys only repaints.

Textual's Footer is a row of key widgets, rebuilt (removed and mounted again)
whenever the keys change. Each rebuild costs a layout of the whole screen, and
the new widgets arrive a frame after the step that changed them, so a step
key painted twice. This footer is one widget of fixed size that draws the same
line as Textual's (the same component styles and theme variables): a change
of keys repaints one row and never moves anything else. A click on a key
presses it; hovering shows its tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widget import Widget

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
        keys: dict[str, Shown] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = Shown(
                    binding.key, self.app.get_key_display(binding), binding.description, binding.action, not enabled, tooltip
                )
        self.keys = tuple(keys.values())
        self.palette = self._palette_key(screen)

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

    def _item(self, key: Shown, hovered: bool, compact: bool = False) -> Text:
        """One key as Textual's FooterKey draws it: `` key `` then ``description ``
        (compact, as the palette's: ``key`` then `` description``)."""
        base = self.get_component_rich_style("footer-key--item")
        if key.disabled:
            base += Style(dim=True)
        if hovered:
            base += self.get_component_rich_style("footer-key--hover")
        shown, described = (key.display, f" {key.description}") if compact else (f" {key.display} ", f"{key.description} ")
        text = Text.assemble(
            (shown, self.get_component_rich_style("footer-key--key")),
            (described, self.get_component_rich_style("footer-key--description")),
        )
        text.stylize_before(base)
        return text

    def _spans(self) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """Where each key sits on the line (start, end), and the palette's key."""
        spans: list[tuple[int, int]] = []
        x = 0
        for key in self.keys:
            width = cell_len(key.display) + cell_len(key.description) + 3
            spans.append((x, x + width))
            x += width
        if self.palette is None:
            return spans, None
        width = cell_len(self.palette.display) + cell_len(self.palette.description) + 3  # a border, a space, a padding
        return spans, (max(0, self.size.width - width), self.size.width)

    def render(self) -> Text:
        """The keys from the left, the palette's key at the right end (over any key that runs into it)."""
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        for i, key in enumerate(self.keys):
            line.append_text(self._item(key, self.hover == i))
        if self.palette is not None:
            palette = Text.assemble(("▏", self.get_component_rich_style("footer-key--border")))
            palette.append_text(self._item(self.palette, self.hover == len(self.keys), compact=True))
            palette.append(" ", self.get_component_rich_style("footer-key--item"))
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
