"""The playground's set-up form: one labelled box per field, a message under any box that needs one.

The form holds no set-up of its own: the screen tells it what each field
shows (:attr:`SetupForm.texts`), what to say under each
(:attr:`SetupForm.messages`), which fields to hide and the data set's size.
What the learner types goes back to the screen as :class:`SetupForm.Entered`;
the screen decides whether it is taken.

In a box, letters type; enter hands the text over (and, if it is taken, the
screen leaves the form), tab moves on and hands over what changed, and the
screen's escape puts the last good value back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

FORM_WIDTH = 26
"""Cells across the form (the run board takes the rest)."""


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
    messages: reactive[Mapping[str, tuple[str, bool]]] = reactive(dict, init=False)
    """Each field's message, if it has one: (text, is it an error). A note (not an error) is drawn softer."""
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

    def watch_messages(self) -> None:
        """Each field's message under it, shown only when there is one (and its field is)."""
        for field in self.fields:
            self._show_message(field.name)

    def watch_hidden(self, hidden: frozenset[str]) -> None:
        """Show the fields in use; hide the rest, with their messages."""
        for field in self.fields:
            self.query_one(f"#row-{field.name}").display = field.name not in hidden
            self._show_message(field.name)

    def watch_summary(self, summary: str) -> None:
        """The data set's size under the form."""
        self.query_one("#data-size", Static).update(summary)

    def _show_message(self, name: str) -> None:
        text, error = self.messages.get(name, ("", False))
        message = self.query_one(f"#msg-{name}", Static)
        message.update(text)
        message.set_class(not error, "-note")
        message.display = bool(text) and name not in self.hidden
