"""Section 7 — the playground: build a network, train it a step or a hundred at a time, watch it.

The left column is the set-up form (:class:`~backprop_tui.widgets.setup_form.SetupForm`,
one field per choice of :data:`backprop_tui.models.playground.FIELDS`); the right
is the run (:class:`~backprop_tui.widgets.run_board.RunBoard`). All the logic
(checking a field, the share code, training) is in
:mod:`backprop_tui.models.playground`; this screen wires the keys, hands the
widgets what to show, and runs training in a worker (:mod:`.playground_run`).

Keys: ``s`` one step, ``t`` 100 steps in a worker thread at a pace that can be
watched (``+``/``-`` change it, ``f`` skips to the end, ``t`` again or
``escape`` stops), ``r`` starts again, ``g`` draws the last step's gradients
instead of the weights, ``e`` (or tab) goes into the fields. In a field, letters
type: enter applies the value and leaves, tab applies and moves on, escape
puts the last good value back and leaves.

Under both columns, the set-up's share code, whole on one line (where the
window is too narrow for it, the line says where the whole code is).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from backprop_tui.lesson.playground import INTRO_TEXT
from backprop_tui.models import playground as pg
from backprop_tui.progress.store import data_dir
from backprop_tui.renderables.run_board import share_line
from backprop_tui.screens.playground_run import PlaygroundRun
from backprop_tui.screens.steps import step
from backprop_tui.widgets.run_board import RunBoard
from backprop_tui.widgets.setup_form import Said, SetupForm
from backprop_tui.widgets.show import show

IDLE_HINT = "s: one step · t: 100 steps · r: reset · g: gradients"
CUSTOM_ONLY = frozenset({"inputs", "target"})
"""Fields shown only for a sample of the learner's own."""


def sentence(words: str) -> str:
    """``words`` to start a sentence: a Latin first letter in capitals; a symbol such as α as it is
    (its capital Α would read as the letter A)."""
    return words[:1].upper() + words[1:] if words[:1].isascii() else words


class PlaygroundScreen(PlaygroundRun):
    """Section 7: a network of the learner's own, trained on demand, with its health on show."""

    SECTION_ID = "playground"
    STEPS = (
        step("intro", "Your own network"),
        step(
            "play",
            "Playground",
            keys="step_once train faster slower finish reset toggle_view edit stop leave_field",
            resize=True,
        ),
    )

    DEFAULT_CSS = """
    PlaygroundScreen #body { scrollbar-size-vertical: 1; layers: below overlay; }
    PlaygroundScreen #intro-page { layer: overlay; width: 100%; height: auto; min-height: 100%; }
    PlaygroundScreen #intro { max-width: 100; }
    PlaygroundScreen #playground { height: auto; }
    PlaygroundScreen #share { color: $text-muted; }
    """

    BINDINGS: ClassVar = [
        Binding("s", "step_once", "Step"),
        Binding("t", "train", "Train 100"),
        Binding("plus,equals_sign", "faster", "Faster", key_display="+"),
        Binding("minus,underscore", "slower", "Slower", key_display="-"),
        Binding("f", "finish", "Skip to end"),
        Binding("r", "reset", "Reset"),
        Binding("g", "toggle_view", "Weights/gradients", show=False),
        Binding("e", "edit", "Edit the set-up", show=False),
        Binding("escape", "stop", "Stop", key_display="esc"),
        Binding("escape", "leave_field", "Leave field", key_display="esc"),
    ]

    BOX_KEYS = (
        ("enter", "enter", "Apply"),
        ("tab", "tab", "Apply, next field"),
        ("escape", "esc", "Undo and leave"),
        ("f1", "f1", "Help"),
    )
    """The keys the footer shows while a field has focus (every other key is typed into it)."""

    # -- layout ---------------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        """The intro text; the form on the left and the run on the right.

        The intro's page lies over the form and the run (a layer of its own), so the step
        between them shows or hides one widget: the form and the run stay laid out and
        drawn underneath, and showing them again costs no layout of their forty widgets.
        """
        with Vertical(id="intro-page", classes="overlay"):
            yield Static(id="intro", classes="prose")
        with Horizontal(id="playground"):
            yield SetupForm(pg.FIELDS, self.field_texts(), id="form")
            yield RunBoard(id="board")
        yield Static(id="share")

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
                self.board.notice = Text("Opened from a share code: the same set-up, trained the same way.", style="bold")
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
        self.query_one("#intro-page").display = True
        show(self.query_one("#intro", Static), Text(INTRO_TEXT.format(pace=pg.pace_text(pg.PACES[pg.DEFAULT_PACE]))))
        self.form.can_focus_children = False  # under the page: tab must not reach a field nobody can see
        if self.form.focused_name is not None:
            self.set_focus(None)

    def draw_play(self) -> None:
        """The form and the run as they stand (the run's layout follows a new terminal size, after it)."""
        self.query_one("#intro-page").display = False
        self.form.can_focus_children = True
        self.show_share()
        self.show_fields()
        self.report()

    def recolour(self) -> None:
        """A new theme: the run is drawn again in its colours (a step key leaves the board as it is)."""
        self.board.redraw()
        super().recolour()

    def show_share(self) -> None:
        """The share code, whole on a line under both columns; the form and board leave it its rows.

        A code too wide for the window is written whole to a file in the learner's data
        directory, and the line says where (a served lesson keeps nothing on the server:
        it says how wide a window would show the code).
        """
        code = pg.encode(self.setup)
        width = max(1, self.app.size.width - 2)  # the body's padding
        saved = ""
        if len(code) > width and not self.app.served:
            try:
                saved = shorter(pg.save_code(code, data_dir()))
            except OSError:  # nowhere to write it: the line says how wide a window shows it
                pass
        text = share_line(code, width, saved)
        rows = len(text.wrap(self.app.console, width))
        show(self.query_one("#share", Static), text)
        self.form.reserve = self.board.reserve = rows
        self.form.fit()
        self.board.fit()

    # -- keys ---------------------------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        """Draw the weights, or the last step's gradients."""
        self.board.view = "gradients" if self.view == "weights" else "weights"

    def action_stop(self) -> None:
        """Stop the run (and leave the field, if one has focus)."""
        self.stop_training()
        if self.form.focused_name is not None:
            self.action_leave_field()

    def moved_on(self) -> None:
        """Training or a reset: a field's message is about text that is gone, so it goes too."""
        self.form.message = None

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
        said = form.message
        if text == pg.field_text(self.setup, name) and not (said is not None and said.name == name and said.error):
            return True
        result = pg.edit(self.setup, name, text)
        if not result.ok:  # one message at a time: the newest says what is wrong now
            form.message = Said(name, f"✗ {result.error} (still {kept(pg.field_text(self.setup, name))})", True)
            return False
        form.message = Said(name, f"Note: {result.note}.", False) if result.note else None
        changed = result.setup != self.setup
        self.setup = result.setup
        self.show_fields()
        form.put_back(name)
        if changed:
            what = pg.FIELD_BY_NAME[name].what
            now = f"{sentence(what)} is now {pg.field_text(self.setup, name)}: "
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
        form.fit()  # the room may have changed with the window


def kept(text: str, most: int = 16) -> str:
    """A field's last good value as a message quotes it: at most ``most`` characters (``0.5, 0.3, 0.…``)."""
    return text if len(text) <= most else text[: most - 1] + "…"


def shorter(path: Path) -> str:
    """``path`` as text, the home directory written ``~``."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
