"""Section 7 — the playground: build a network, train it a step or a hundred at a time, watch it.

The left column is the set-up form (:class:`~backprop_tui.widgets.setup_form.SetupForm`,
one field per choice of :data:`backprop_tui.models.playground.FIELDS`); the right
is the run (:class:`~backprop_tui.widgets.run_board.RunBoard`). All the logic
(checking a field, the share code, training) is in
:mod:`backprop_tui.models.playground`; this screen wires the keys, hands the
widgets what to show, and runs training in a worker (:mod:`.playground_run`).

Keys: ``s`` one step, ``t`` 100 steps in a worker thread (``t`` again or
``escape`` stops), ``r`` starts again, ``g`` draws the last step's gradients
instead of the weights, ``e`` (or tab) goes into the fields. In a field, letters
type: enter applies the value and leaves, tab applies and moves on, escape
puts the last good value back and leaves.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from backprop_tui.lesson.playground import INTRO_TEXT
from backprop_tui.models import playground as pg
from backprop_tui.screens.base import step
from backprop_tui.screens.playground_run import PlaygroundRun
from backprop_tui.widgets.run_board import RunBoard
from backprop_tui.widgets.setup_form import SetupForm

IDLE_HINT = "s: one step · t: 100 steps · r: reset · g: gradients"
CUSTOM_ONLY = frozenset({"inputs", "target"})
"""Fields shown only for a sample of the learner's own."""


class PlaygroundScreen(PlaygroundRun):
    """Section 7: a network of the learner's own, trained on demand, with its health on show."""

    SECTION_ID = "playground"
    STEPS = (
        step("intro", "Your own network"),
        step("play", "Playground", keys="step_once train reset toggle_view edit stop leave_field", resize=True),
    )

    DEFAULT_CSS = """
    PlaygroundScreen #body { scrollbar-size-vertical: 1; }
    PlaygroundScreen #intro { max-width: 100; }
    PlaygroundScreen #playground { height: auto; }
    """

    BINDINGS: ClassVar = [
        Binding("s", "step_once", "Step"),
        Binding("t", "train", "Train 100"),
        Binding("r", "reset", "Reset"),
        Binding("g", "toggle_view", "Weights/gradients", show=False),
        Binding("e", "edit", "Edit the set-up", show=False),
        Binding("escape", "stop", "Stop", key_display="esc"),
        Binding("escape", "leave_field", "Leave field", key_display="esc"),
    ]

    # -- layout ---------------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        """The intro text; the form on the left and the run on the right."""
        yield Static(id="intro", classes="prose")
        with Horizontal(id="playground"):
            yield SetupForm(pg.FIELDS, self.field_texts(), id="form")
            yield RunBoard(id="board")

    @property
    def form(self) -> SetupForm:
        """The set-up form."""
        return self.query_one(SetupForm)

    def on_mount(self) -> None:
        """Open a shared set-up if the app was given one (``--playground CODE``), then the usual start."""
        self.board.notice = Text(IDLE_HINT, style="dim")
        code = getattr(self.app, "playground", None)
        if code:
            try:
                self.setup = pg.decode(code)
            except ValueError as e:
                self.app.notify(f"That playground code could not be read: {e}", severity="warning", timeout=10)
            else:
                self.start_step = self.step_index("play")
                self.board.notice = Text(f"Opened from a share code: {pg.encode(self.setup)}", style="bold")
        # SectionScreen.on_mount runs after this one (Textual calls each class's handler) and opens start_step.

    # -- state ----------------------------------------------------------------------------------------------

    @property
    def view(self) -> str:
        """What the drawing shows: ``weights`` or ``gradients`` (of the last step)."""
        return self.board.view

    def allows(self, action: str) -> bool:
        """esc works only while there is a run to stop, or a field to leave."""
        if action == "stop":
            return self.training
        if action == "leave_field":
            return self.form.focused_name is not None
        return True

    # -- the steps ------------------------------------------------------------------------------------------

    def draw_intro(self) -> None:
        """What the playground is, and what to try."""
        intro = self.query_one("#intro", Static)
        intro.display = True
        self.query_one("#playground").display = False
        intro.update(Text(INTRO_TEXT))
        if self.form.focused_name is not None:
            self.set_focus(None)

    def draw_play(self) -> None:
        """The form and the run as they stand (the run's layout follows a new terminal size, after it)."""
        self.query_one("#intro").display = False
        self.query_one("#playground").display = True
        self.show_fields()
        self.board.share = pg.encode(self.setup)
        self.report()

    # -- keys ---------------------------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        """Draw the weights, or the last step's gradients."""
        self.board.view = "gradients" if self.view == "weights" else "weights"

    def action_stop(self) -> None:
        """Stop the run (and leave the field, if one has focus)."""
        self.stop_training()
        if self.form.focused_name is not None:
            self.action_leave_field()

    def action_edit(self) -> None:
        """Into the first field."""
        self.form.focus_first()

    def action_leave_field(self) -> None:
        """Out of the field, putting back its last good value."""
        name = self.form.focused_name
        if name is None:
            return
        self.form.put_back(name)  # so leaving applies nothing
        self.set_focus(None)
        self._refresh_keys()

    # -- the form ---------------------------------------------------------------------------------------------

    def on_setup_form_entered(self, message: SetupForm.Entered) -> None:
        """Text for a field: with enter, leave the form if it is taken; by leaving the box, show the last good value."""
        taken = self.apply(message.name, message.text)
        if message.leave and taken:
            self.set_focus(None)
        if not message.leave:
            self.form.put_back(message.name)
        self._refresh_keys()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Entering a field: esc now leaves it."""
        self._refresh_keys()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving a field: esc no longer does."""
        self._refresh_keys()

    def apply(self, name: str, text: str) -> bool:
        """Set field ``name`` from ``text``: a new network if taken, else a message beside it. True if taken."""
        form = self.form
        messages = dict(form.messages)
        if text == pg.field_text(self.setup, name) and not messages.get(name, ("", False))[1]:
            return True
        result = pg.edit(self.setup, name, text)
        if not result.ok:
            messages[name] = (f"✗ {result.error} (still {pg.field_text(self.setup, name)})", True)
            form.messages = messages
            return False
        messages.pop(name, None)
        if result.note:
            messages[name] = (f"Note: {result.note}.", False)
        form.messages = messages
        changed = result.setup != self.setup
        self.setup = result.setup
        self.show_fields()
        form.put_back(name)
        if changed:
            what = pg.FIELD_BY_NAME[name].what
            now = f"{what[0].upper()}{what[1:]} is now {pg.field_text(self.setup, name)}: "
            self.rebuild(Text.assemble((now, "bold"), "a fresh network, step 0."))
        return True

    def field_texts(self) -> dict[str, str]:
        """Each field's text for the set-up in force."""
        return {field.name: pg.field_text(self.setup, field.name) for field in pg.FIELDS}

    def show_fields(self) -> None:
        """Every field's text from the set-up; the custom sample's fields only for custom data."""
        form = self.form
        form.texts = self.field_texts()
        form.hidden = frozenset() if self.setup.data == "custom" else CUSTOM_ONLY
        data = pg.dataset(self.setup)
        form.summary = f"{data.size_text()}\n{data.about}"
