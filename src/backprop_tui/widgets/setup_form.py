"""The playground's set-up form: one labelled box per field, and one message under the field it is about.

The form holds no set-up of its own: the screen tells it what each field
shows (:attr:`SetupForm.texts`), what to say and under which field
(:attr:`SetupForm.message`: one at a time, so messages never pile up),
which fields to hide and the data set's size. The form always fits the rows
it has: the data set's summary gives way to the message, and every field
stays on screen.
What the learner types goes back to the screen as :class:`SetupForm.Entered`;
the screen decides whether it is taken.

In a box, letters type; enter hands the text over (and, if it is taken, the
screen leaves the form), tab moves on and hands over what changed, and the
screen's escape puts the last good value back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from backprop_tui.widgets.show import show

FORM_WIDTH = 26
"""Cells across the form (the run board takes the rest)."""
MESSAGE_WIDTH = FORM_WIDTH - 3
"""Cells across a field's message (the form's right padding, and the message's own two on the left)."""
SCREEN_ROWS = 3
"""Rows of a section screen that are not its body: the header, the step bar, the footer."""


class Said(NamedTuple):
    """A message under field ``name``: ``text``, and whether it is an error (else a note, drawn softer)."""

    name: str
    text: str
    error: bool


class FormField(Protocol):
    """What the form needs to know of a field (a ``models.playground.Field`` is one)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...


class SetupForm(Vertical):
    """The set-up, one field per row: a short label and a box to type in."""

    DEFAULT_CSS = (
        f"SetupForm {{ width: {FORM_WIDTH}; height: auto; padding-right: 1; }}"
        """
    SetupForm .form-title { text-style: bold; }
    SetupForm .field { height: 1; }
    SetupForm .field-label { width: 8; }
    SetupForm .field-input { width: 1fr; background: $boost; }
    SetupForm .field-input:focus { background: $accent 40%; }
    SetupForm .field-message { color: $error; padding-left: 2; }
    SetupForm .field-message.-note { color: $warning; }
    SetupForm #data-size { color: $text-muted; }
    """
    )

    texts: reactive[Mapping[str, str]] = reactive(dict, init=False)
    """Each field's text for the set-up in force: what a box shows unless the learner is typing in it."""
    message: reactive[Said | None] = reactive(None, init=False)
    """The one message on show, under its field (the latest: a new one replaces it)."""
    hidden: reactive[frozenset[str]] = reactive(frozenset, init=False)
    """Fields not shown (the custom sample's, unless the data is custom)."""
    summary: reactive[str] = reactive("", init=False)
    """Under the form: the data set's size and what it is."""

    @dataclass(eq=False)
    class Entered(Message):
        """The learner gave field ``name`` the text ``text``: with enter (``leave``), or by leaving the box."""

        form: SetupForm
        name: str
        text: str
        leave: bool

    def __init__(self, fields: Sequence[FormField], texts: Mapping[str, str], *, id: str | None = None) -> None:
        """A form of ``fields`` showing ``texts`` (each field's text by name) to begin with."""
        super().__init__(id=id)
        self.fields = tuple(fields)
        self.set_reactive(SetupForm.texts, dict(texts))
        self.reserve = 0
        """Rows of the screen's body under the form that it must leave free (the share code's)."""

    def compose(self) -> ComposeResult:
        """The title, a row per field with its (hidden) message under it, the data set's size."""
        yield Label("Set-up  (e or tab: edit)", classes="form-title", id="form-title")
        for field in self.fields:
            with Horizontal(classes="field", id=f"row-{field.name}"):
                yield Label(field.label, classes="field-label")
                yield Input(
                    self.texts.get(field.name, ""),
                    placeholder=field.hint,
                    id=f"field-{field.name}",
                    classes="field-input",
                    compact=True,
                    select_on_focus=True,
                    suggester=SuggestFromList(field.choices, case_sensitive=False) if field.choices else None,
                )
            message = Static(id=f"msg-{field.name}", classes="field-message")
            message.display = False
            yield message
        yield Static(id="data-size")

    # -- the boxes --------------------------------------------------------------------------------------------

    def box(self, name: str) -> Input:
        """Field ``name``'s box."""
        return self.query_one(f"#field-{name}", Input)

    def name_of(self, widget: object) -> str | None:
        """The field whose box ``widget`` is, or ``None``."""
        if isinstance(widget, Input) and (widget.id or "").startswith("field-"):
            name = widget.id.removeprefix("field-")  # type: ignore[union-attr]
            return name if any(f.name == name for f in self.fields) else None
        return None

    @property
    def focused_name(self) -> str | None:
        """The field being typed in, if any."""
        return self.name_of(self.screen.focused) if self.is_mounted else None

    def focus_first(self) -> None:
        """Into the first field."""
        self.box(self.fields[0].name).focus()

    def put_back(self, name: str) -> None:
        """Show field ``name``'s last good value in its box (even while it has focus)."""
        text = self.texts.get(name, "")
        box = self.box(name)
        if box.value != text:
            box.value = text

    # -- what was typed -------------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: hand the text over."""
        name = self.name_of(event.input)
        if name is not None:
            event.stop()
            self.post_message(self.Entered(self, name, event.value, leave=True))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving a box hands over what was typed, if it differs from what the field holds."""
        name = self.name_of(event.widget)
        if name is not None and event.widget.value != self.texts.get(name):  # type: ignore[attr-defined]
            self.post_message(self.Entered(self, name, event.widget.value, leave=False))  # type: ignore[attr-defined]

    # -- drawing ---------------------------------------------------------------------------------------------------

    def watch_texts(self, old: Mapping[str, str], new: Mapping[str, str]) -> None:
        """Put each field's text in its box, but not where the learner is typing something else."""
        focused = self.screen.focused
        for field in self.fields:
            box = self.box(field.name)
            text = new.get(field.name, "")
            typing = box is focused and box.value != old.get(field.name, "")
            if box.value != text and not typing:
                box.value = text

    def watch_message(self) -> None:
        """The message under its field, the others' hidden."""
        self.fit()

    def watch_hidden(self, hidden: frozenset[str]) -> None:
        """Show the fields in use; hide the rest."""
        for field in self.fields:
            self.query_one(f"#row-{field.name}").display = field.name not in hidden
        self.fit()

    def watch_summary(self) -> None:
        """The data set's size under the form."""
        self.fit()

    def rows(self) -> int:
        """Rows the form may take: the screen's body, less :attr:`reserve`."""
        return max(0, self.app.size.height - SCREEN_ROWS - self.reserve)

    def fit(self) -> None:
        """Draw the message and the summary in the rows left under the fields.

        The message comes first: the summary gives way to it (what the data is, then
        its size), then the title; a message that still does not fit is cut to the
        rows there are, ending in ``…``. So the fields, ``data`` last among them,
        always show.
        """
        if not self.is_mounted:
            return
        shown = [f for f in self.fields if f.name not in self.hidden]
        said = self.message if self.message is not None and self.message.name not in self.hidden else None
        lines = self._wrap(said.text, MESSAGE_WIDTH) if said else []
        left = self.rows() - len(shown)  # a row per field, and the title if there is room for it too
        title = len(lines) < left
        self.query_one("#form-title").display = title
        left -= title
        summary: list[str] = []
        for part in self.summary.split("\n"):  # whole parts only: the size, then what the data is
            wrapped = self._wrap(part, FORM_WIDTH - 1)
            if len(lines) + len(summary) + len(wrapped) > left:
                break
            summary += wrapped
        if len(lines) > left - len(summary):
            lines = lines[: max(0, left - len(summary))]
            if lines:
                lines[-1] = lines[-1].rstrip()[: MESSAGE_WIDTH - 1] + "…"
        for field in self.fields:
            static = self.query_one(f"#msg-{field.name}", Static)
            mine = said is not None and said.name == field.name and bool(lines)
            static.display = mine
            if mine and said is not None:
                show(static, Text("\n".join(lines)))
                static.set_class(not said.error, "-note")
        size = self.query_one("#data-size", Static)
        size.display = bool(summary)
        show(size, Text("\n".join(summary)))

    def _wrap(self, text: str, width: int) -> list[str]:
        """``text`` as the lines it takes ``width`` cells across (words kept whole where they fit)."""
        if not text:
            return []
        return [line.plain for line in Text(text).wrap(self.app.console, max(1, width))]
