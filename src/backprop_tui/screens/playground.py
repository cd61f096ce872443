"""Section 7 — the playground: build a network, train it a step or a hundred at a time, watch it.

The left column is the set-up, one field per choice (:data:`backprop_tui.playground.FIELDS`);
the right is the run: a readout with a progress bar, the weights drawn, each
layer's gradient health with its history as a sparkline, the loss curve. All
the logic (checking a field, the share code, training) is in
:mod:`backprop_tui.playground`; this module draws it and wires the keys.

Keys: ``s`` one step, ``t`` 100 steps in a worker thread (``t`` again or
``escape`` stops), ``r`` starts again, ``g`` draws the last step's gradients
instead of the weights, ``e`` (or tab) goes into the fields. In a field, letters
type: enter applies the value and leaves, tab applies and moves on, escape
puts the last good value back and leaves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from backprop_tui import playground as pg
from backprop_tui.renderables.bars import HealthBar
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.plot import LinePlot, Series
from backprop_tui.screens.base import SectionScreen

if TYPE_CHECKING:
    from backprop_tui.playground import Trainer

INTRO, PLAY = 0, 1
FORM_WIDTH = 26
MIN_PLOT, MAX_PLOT = 3, 20
"""Rows of the loss plot: at least, at most (it takes what the terminal has left)."""
REDRAW_EVERY = 0.08
"""A training run redraws the screen at most this often (seconds)."""

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_LO, SPARK_HI = 1e-4, 10.0
"""The sparklines' log scale, the same as the health bars'."""
WEIGHT_LEVELS = (0.1, 1.0)
"""|w| below the first is drawn ``·``; from the second up, heavy."""
GRADIENT_LEVELS = (0.01, 0.1)
"""|dL/dw| thresholds for the gradient view (the health classes' warning and healthy floors)."""
POSITIVE, NEGATIVE = "cyan", "magenta"

INTRO_TEXT = """\
Up to now the lesson chose every network; here you do. On the next step \
(press n) the left column holds the whole set-up: how many hidden layers and how many neurons in each, their \
activation, the output and the loss, how the weights start, the optimiser \
with its α, L2 and clipping, the seed, and what to learn — XOR, points \
inside a circle, a sine curve, or a sample of your own.

On the right the network trains. s takes one step (forward, backward, \
update) and shows the gradients it found; t takes 100 steps while you watch \
(t again or esc stops it); r starts over from fresh weights. Each layer has \
a health bar for its latest gradients and a sparkline of their size over the \
run, so gradients that fade away or blow up show as they happen.

Things to try: eight layers of sigmoid, and watch the first layers' bars; \
relu with he against xavier; the sine curve with sgd at α = 5, which diverges.

Under the run is its share code: backprop-tui --playground CODE opens \
exactly the same set-up, on any machine — hand it to a class."""

IDLE_HINT = "s: one step · t: 100 steps · r: reset · g: gradients"

LEGEND = {
    "weights": f"╋ ≥{WEIGHT_LEVELS[1]:g}  ┼ +  · <{WEIGHT_LEVELS[0]:g}  ─ −  ━ ≤−{WEIGHT_LEVELS[1]:g}",
    "gradients": f"╋ ≥{GRADIENT_LEVELS[1]:g}  ┼ +  · <{GRADIENT_LEVELS[0]:g}  ─ −  ━ ≤−{GRADIENT_LEVELS[1]:g}",
}


# -- small renderables ---------------------------------------------------------------------------------


def sparkline(values: Sequence[float], width: int, lo: float = SPARK_LO, hi: float = SPARK_HI) -> Text:
    """``values`` (gradient magnitudes) as ``width`` cells of ▁…█ on a log scale from ``lo`` to ``hi``.

    A longer history is squeezed: each cell shows the mean log of its share of
    steps. A value that is not a number is ``!``; zero is ``_``. Each cell takes
    the colour of its health class.
    """
    from backprop_tui.engine.health import classify

    text = Text()
    n = len(values)
    if n == 0 or width <= 0:
        return Text(" " * max(0, width))
    cells = min(n, width)
    span = math.log10(hi) - math.log10(lo)
    for i in range(cells):
        chunk = values[i * n // cells : (i + 1) * n // cells] or values[-1:]
        if any(not math.isfinite(v) for v in chunk):
            text.append("!", style="bold red")
            continue
        positive = [v for v in chunk if v > 0]
        if not positive:
            text.append("_", style="red")
            continue
        mean_log = sum(math.log10(v) for v in positive) / len(positive)
        level = (mean_log - math.log10(lo)) / span
        char = SPARKS[max(0, min(len(SPARKS) - 1, round(level * (len(SPARKS) - 1))))]
        text.append(char, style=classify(10**mean_log).colour)
    text.append(" " * (width - cells))
    return text


def glyph(value: float, levels: tuple[float, float]) -> tuple[str, str]:
    """One weight as a character and a style: sign by shape (┼ ╋ plus, ─ ━ minus), size by weight."""
    if not math.isfinite(value):
        return "!", "bold red"
    size = abs(value)
    if size < levels[0]:
        return "·", "dim"
    heavy = size >= levels[1]
    if value > 0:
        return ("╋", f"bold {POSITIVE}") if heavy else ("┼", POSITIVE)
    return ("━", f"bold {NEGATIVE}") if heavy else ("─", NEGATIVE)


def weight_grid(arrays: Sequence[Any], levels: tuple[float, float], gap: int = 2) -> list[Text]:
    """Each layer's matrix side by side: row j is neuron j's incoming weights, one glyph each (spaced).

    The first line names the layers (W1, W2, …).
    """
    blocks: list[list[Text]] = []
    for l, W in enumerate(arrays, start=1):
        n_in, n_out = W.shape
        width = max(2 * n_in - 1, len(f"W{l}"))
        lines = [Text(f"W{l}".ljust(width), style="bold")]
        for j in range(n_out):
            line = Text()
            for i in range(n_in):
                if i:
                    line.append(" ")
                line.append(*glyph(float(W[i, j]), levels))
            line.append(" " * (width - 2 * n_in + 1))
            lines.append(line)
        blocks.append(lines)
    height = max(len(b) for b in blocks)
    out = []
    for r in range(height):
        line = Text()
        for k, block in enumerate(blocks):
            if k:
                line.append(" " * gap)
            width = block[0].cell_len
            line.append_text(block[r] if r < len(block) else Text(" " * width))
        out.append(line)
    return out


def grid_size(sizes: Sequence[int], gap: int = 2) -> tuple[int, int]:
    """Width and height of :func:`weight_grid` for a network of ``sizes`` (input first)."""
    widths = [max(2 * n_in - 1, len(f"W{l}")) for l, n_in in enumerate(sizes[:-1], start=1)]
    return sum(widths) + gap * (len(widths) - 1), 1 + max(sizes[1:])


def histogram(W: Any, side: int = 4) -> Text:
    """A layer's values as a tiny histogram: ``side`` bins of negatives, ``┊``, ``side`` of positives.

    Each half spans 0 to the largest |value|; a bar's height is its share of the fullest bin.
    """
    import numpy as np

    values = np.asarray(W, dtype=float).ravel()
    if not np.isfinite(values).all():
        return Text("!" * side + "┊" + "!" * side, style="bold red")
    top = float(np.abs(values).max()) if values.size else 0.0
    counts = [0] * (2 * side)
    if top > 0:
        k = np.minimum(side - 1, (np.abs(values) / top * side).astype(int))
        index = np.where(values >= 0, side + k, side - 1 - k)
        counts = np.bincount(index, minlength=2 * side).tolist()
    most = max(counts) or 1
    text = Text()
    for i, c in enumerate(counts):
        if i == side:
            text.append("┊", style="dim")
        char = SPARKS[max(0, math.ceil(c / most * len(SPARKS)) - 1)] if c else " "
        text.append(char, style=NEGATIVE if i < side else POSITIVE)
    return text


# -- messages from the training worker -------------------------------------------------------------------


class TrainingProgress(Message):
    """The worker has taken ``done`` steps of its run on ``trainer`` (``finished``: and stopped)."""

    def __init__(self, trainer: Trainer, worker: Worker[None], done: int, finished: bool = False) -> None:
        super().__init__()
        self.trainer = trainer
        self.worker = worker
        self.done = done
        self.finished = finished

    def can_replace(self, message: Message) -> bool:
        """A newer progress report makes an older one waiting in the queue pointless."""
        return isinstance(message, TrainingProgress) and not message.finished and message.worker is self.worker


class PlaygroundScreen(SectionScreen):
    """Section 7: a network of the learner's own, trained on demand, with its health on show."""

    SECTION_ID = "playground"
    STEP_LABELS = ("Your own network", "Playground")

    DEFAULT_CSS = """
    PlaygroundScreen #body { scrollbar-size-vertical: 1; }
    PlaygroundScreen #intro { max-width: 100; }
    PlaygroundScreen #playground { height: auto; }
    PlaygroundScreen #form { width: %(form)d; height: auto; padding-right: 1; }
    PlaygroundScreen #board { width: 1fr; height: auto; }
    PlaygroundScreen .form-title { text-style: bold; }
    PlaygroundScreen .field { height: 1; }
    PlaygroundScreen .field-label { width: 8; }
    PlaygroundScreen .field-input { width: 1fr; background: $boost; }
    PlaygroundScreen .field-input:focus { background: $accent 40%%; }
    PlaygroundScreen .field-message { color: $error; padding-left: 2; }
    PlaygroundScreen .field-message.-note { color: $warning; }
    PlaygroundScreen #layers, PlaygroundScreen #drawing { text-wrap: nowrap; text-overflow: ellipsis; }
    PlaygroundScreen #data-size, PlaygroundScreen #share { color: $text-muted; }
    PlaygroundScreen #status-row { height: 1; }
    PlaygroundScreen #readout { width: 1fr; }
    PlaygroundScreen #progress { width: auto; }
    PlaygroundScreen #progress Bar { width: 10; }
    """ % {"form": FORM_WIDTH}

    BINDINGS: ClassVar = [
        Binding("s", "step_once", "Step"),
        Binding("t", "train", "Train 100"),
        Binding("r", "reset", "Reset"),
        Binding("g", "toggle_view", "Weights/gradients", show=False),
        Binding("e", "edit", "Edit the set-up", show=False),
        Binding("escape", "stop", "Stop", key_display="esc"),
        Binding("escape", "leave_field", "Leave field", key_display="esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.setup = pg.Setup()
        """The set-up the network was built from (always a valid one)."""
        self._trainer: Trainer | None = None
        self._worker: Worker[None] | None = None
        self._run_start = 0
        self.view = "weights"
        """What the drawing shows: ``weights`` or ``gradients`` (of the last step)."""
        self.notice: Text = Text(IDLE_HINT, style="dim")
        self.messages: dict[str, tuple[str, bool]] = {}
        """Each field's message: (text, is_error)."""
        self._stopped: Worker[None] | None = None
        self._layout: tuple[object, ...] = ()

    # -- layout ---------------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        """The intro text; the form on the left and the run on the right."""
        yield Static(id="intro", classes="prose")
        with Horizontal(id="playground"):
            with Vertical(id="form"):
                yield Label("Set-up  (e or tab: edit)", classes="form-title", id="form-title")
                for field in pg.FIELDS:
                    with Horizontal(classes="field", id=f"row-{field.name}"):
                        yield Label(field.label, classes="field-label")
                        yield Input(
                            pg.field_text(self.setup, field.name),
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
            with Vertical(id="board"):
                with Horizontal(id="status-row"):
                    yield Static(id="readout")
                    yield ProgressBar(total=pg.TRAIN_STEPS, show_eta=False, show_percentage=False, id="progress")
                yield Static(id="notice")
                yield Static(id="drawing")
                yield Static(id="layers")
                yield Static(id="loss")
                yield Static(id="share")

    def on_mount(self) -> None:
        """Open a shared set-up if the app was given one (``--playground CODE``), then the usual start."""
        code = getattr(self.app, "playground", None)
        if code:
            try:
                self.setup = pg.decode(code)
            except ValueError as e:
                self.app.notify(f"That playground code could not be read: {e}", severity="warning", timeout=10)
            else:
                self.start_step = PLAY
                self.notice = Text(f"Opened from a share code: {pg.encode(self.setup)}", style="bold")
        # SectionScreen.on_mount runs after this one (Textual calls each class's handler) and opens start_step.

    # -- state ----------------------------------------------------------------------------------------------

    @property
    def trainer(self) -> Trainer:
        """The network being trained (built from :attr:`setup` on first use)."""
        if self._trainer is None:
            self._trainer = pg.Trainer(self.setup)
        return self._trainer

    @property
    def training(self) -> bool:
        """Is a ``t`` run going on?"""
        return self._worker is not None

    def focused_field(self) -> Input | None:
        """The field being typed in, if any."""
        focused = self.focused
        if isinstance(focused, Input) and (focused.id or "").startswith("field-"):
            return focused
        return None

    # -- keys ---------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The playground's keys work on its second step; esc only while there is something to stop or leave."""
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        if action in ("step_once", "train", "reset", "toggle_view", "edit", "stop", "leave_field"):
            if self.question is not None or self.step != PLAY:
                return False
            if action == "stop":
                return self.training
            if action == "leave_field":
                return self.focused_field() is not None
        return allowed

    def action_step_once(self) -> None:
        """One training step (a run going on stops first)."""
        if self.training:
            self.stop_training()
        trainer = self.trainer
        if trainer.diverged:
            self.app.say(self.diverged_hint())
            return
        before = trainer.current_loss()
        result = trainer.step()
        if result is None:
            return
        if trainer.diverged:
            self.notice = self.diverged_text()
        else:
            self.notice = Text.assemble(
                (f"Step {result.step}: ", "bold"),
                f"loss {format_number(before)} → {format_number(trainer.current_loss())}",
                ("  (g: its gradients)" if self.view == "weights" else "", "dim"),
            )
        self.draw()

    def action_train(self) -> None:
        """100 steps in a worker thread; pressed during a run, stops it."""
        if self.training:
            self.stop_training()
            return
        trainer = self.trainer
        if trainer.diverged:
            self.app.say(self.diverged_hint())
            return
        self._run_start = trainer.steps
        self.notice = Text.assemble(("Training… ", "bold"), ("t or esc stops; other keys still work.", "dim"))
        self.query_one("#progress", ProgressBar).update(total=pg.TRAIN_STEPS, progress=0)
        self._worker = self.run_worker(
            partial(self._train, trainer, pg.TRAIN_STEPS),
            name="train",
            group="train",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        self._refresh_keys()
        self.draw()

    def action_stop(self) -> None:
        """Stop the run (and leave the field, if one has focus)."""
        self.stop_training()
        if self.focused_field() is not None:
            self.action_leave_field()

    def action_reset(self) -> None:
        """Fresh weights from the set-up's seed: the run starts over."""
        self.rebuild(Text.assemble(("Reset: ", "bold"), f"fresh weights from seed {self.setup.seed}, step 0."))

    def action_toggle_view(self) -> None:
        """Draw the weights, or the last step's gradients."""
        self.view = "gradients" if self.view == "weights" else "weights"
        self.draw()

    def action_edit(self) -> None:
        """Into the first field."""
        self.query_one(f"#field-{pg.FIELDS[0].name}", Input).focus()

    def action_leave_field(self) -> None:
        """Out of the field, putting back its last good value."""
        field = self.focused_field()
        if field is None:
            return
        self._put_back(field)  # so leaving applies nothing
        self.set_focus(None)
        self._refresh_keys()

    # -- the training worker ---------------------------------------------------------------------------------

    def _train(self, trainer: Trainer, total: int) -> None:
        """In a thread: up to ``total`` steps, a progress report at most every :data:`REDRAW_EVERY` seconds."""
        worker = get_current_worker()
        done = 0
        last = time.monotonic()
        while done < total and not worker.is_cancelled:
            if trainer.step() is None:
                break
            done += 1
            if trainer.diverged:
                break
            now = time.monotonic()
            if now - last >= REDRAW_EVERY and done < total:
                last = now
                self._post(TrainingProgress(trainer, worker, done))
        self._post(TrainingProgress(trainer, worker, done, finished=True))

    def _post(self, message: Message) -> None:
        try:
            self.post_message(message)
        except RuntimeError:  # the app closed meanwhile
            pass

    def on_training_progress(self, message: TrainingProgress) -> None:
        """Redraw for the worker's progress; at its end, say how the run went."""
        if message.trainer is not self._trainer:
            return  # a run of a network since replaced
        trainer = message.trainer
        if message.worker is self._worker:
            self.query_one("#progress", ProgressBar).update(progress=message.done)
            if message.finished:
                self._worker = None
                self._refresh_keys()
                if trainer.diverged:
                    self.notice = self.diverged_text()
                else:
                    start, now = trainer.curve()[self._run_start], trainer.current_loss()
                    self.notice = Text.assemble(
                        (f"Trained {message.done} steps: ", "bold"), f"loss {format_number(start)} → {format_number(now)}."
                    )
                    if now < 0.01 * trainer.start_loss:
                        self.notice.append(" Tiny gradients now mean little is left to learn.", style="dim")
        elif message.finished and message.worker is self._stopped:  # a stopped run's very last step
            self._stopped = None
            self.query_one("#progress", ProgressBar).update(progress=message.done)
            self.notice = self.diverged_text() if trainer.diverged else self.stopped_text()
        self.draw()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A run that failed (it should not) is over too: say so instead of seeming to train for ever."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self._worker = None
            self._refresh_keys()
            self.notice = Text(f"The run stopped: {event.worker.error}", style="bold")
            self.draw()

    def stop_training(self) -> None:
        """Cancel the run (the worker stops after the step it is taking)."""
        worker = self._worker
        if worker is None:
            return
        self._worker = None
        self._stopped = worker
        worker.cancel()
        self.notice = self.stopped_text()
        self._refresh_keys()
        self.draw()

    def stopped_text(self) -> Text:
        """The run was stopped: where it got to."""
        steps = self.trainer.steps - self._run_start
        return Text.assemble(("Stopped ", "bold"), f"after {steps} of {pg.TRAIN_STEPS} steps (step {self.trainer.steps}).")

    # -- the form ---------------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: apply the field; if taken, leave the form so the keys work again."""
        name = (event.input.id or "").removeprefix("field-")
        if name not in pg.FIELD_BY_NAME:
            return
        event.stop()
        if self.apply(name, event.value):
            self.set_focus(None)
            self._refresh_keys()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving a field applies what was typed (escape instead puts the last good value back)."""
        widget = event.widget
        if not isinstance(widget, Input) or not (widget.id or "").startswith("field-"):
            return
        name = widget.id.removeprefix("field-")
        if widget.value != pg.field_text(self.setup, name):
            self.apply(name, widget.value)
            self._put_back(widget)
        self._refresh_keys()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Entering a field: esc now leaves it."""
        self._refresh_keys()

    def apply(self, name: str, text: str) -> bool:
        """Set field ``name`` from ``text``: a new network if taken, else a message beside it. True if taken."""
        if text == pg.field_text(self.setup, name) and self.messages.get(name, ("", False))[1] is False:
            return True
        result = pg.edit(self.setup, name, text)
        if not result.ok:
            kept = pg.field_text(self.setup, name)
            self.messages[name] = (f"✗ {result.error} (still {kept})", True)
            self._show_message(name)
            return False
        old, changed = self.setup, result.setup != self.setup
        self.messages.pop(name, None)
        if result.note:
            self.messages[name] = (f"Note: {result.note}.", False)
        self._show_message(name)
        self.setup = result.setup
        self._put_back(self.query_one(f"#field-{name}", Input))
        if changed:
            self._show_fields(old)
            what = pg.FIELD_BY_NAME[name].what
            now = f"{what[0].upper()}{what[1:]} is now {pg.field_text(self.setup, name)}: "
            self.rebuild(Text.assemble((now, "bold"), "a fresh network, step 0."))
        return True

    def _put_back(self, field: Input) -> None:
        """Show the field's last good value."""
        name = (field.id or "").removeprefix("field-")
        text = pg.field_text(self.setup, name)
        if field.value != text:
            field.value = text

    def _show_message(self, name: str) -> None:
        """The message beside field ``name``: shown only when there is one (and its field is)."""
        text, error = self.messages.get(name, ("", False))
        message = self.query_one(f"#msg-{name}", Static)
        message.update(text)
        message.set_class(not error, "-note")
        message.display = bool(text) and self.query_one(f"#row-{name}").display

    def _show_fields(self, old: pg.Setup | None = None) -> None:
        """Every field's text from the set-up (not one being typed in); the custom sample's only for custom data.

        ``old`` is the set-up before a change: a field with focus still showing its old value is updated too.
        """
        focused = self.focused_field()
        for field in pg.FIELDS:
            box = self.query_one(f"#field-{field.name}", Input)
            text = pg.field_text(self.setup, field.name)
            typing = box is focused and (old is None or box.value != pg.field_text(old, field.name))
            if box.value != text and not typing:
                box.value = text
        custom = self.setup.data == "custom"
        for name in ("inputs", "target"):
            self.query_one(f"#row-{name}").display = custom
            self._show_message(name)
        data = pg.dataset(self.setup)
        self.query_one("#data-size", Static).update(f"{data.size_text()}\n{data.about}")

    # -- the run, drawn ------------------------------------------------------------------------------------------

    def rebuild(self, notice: Text) -> None:
        """A fresh network from the set-up (stopping any run)."""
        if self.training:
            worker, self._worker = self._worker, None
            worker.cancel()
            self._refresh_keys()
        self._trainer = None
        self.query_one("#progress", ProgressBar).update(total=pg.TRAIN_STEPS, progress=0)
        self.notice = notice
        self.draw()

    def diverged_text(self) -> Text:
        """The run has diverged: what that means and the way back."""
        return Text.assemble(
            (f"DIVERGED at step {self.trainer.steps}: ", "bold reverse red"),
            ("the loss ran away. ", "bold"),
            self.diverged_hint(),
        )

    def diverged_hint(self) -> str:
        """The way back from a diverged run."""
        lower = pg.number_text(self.setup.lr / 10)
        return f"Press r to start again, or try a lower α (e.g. {lower})."

    def show_step(self, step: int) -> None:
        """The intro, or the playground."""
        intro = self.query_one("#intro", Static)
        play = self.query_one("#playground")
        intro.display = step == INTRO
        play.display = step == PLAY
        if step == INTRO:
            intro.update(Text(INTRO_TEXT))
            if self.focused_field() is not None:
                self.set_focus(None)
        else:
            self._show_fields()
            self.draw()

    def on_resize(self, event: events.Resize) -> None:
        """Redraw for the new size (the base class's handler then deals with the too-small notice)."""
        if self.is_mounted and self.question is None and self.step == PLAY:
            self.call_after_refresh(self.draw)

    def board_size(self) -> tuple[int, int]:
        """Cells across the right-hand column, and rows of the body."""
        width = self.query_one("#board").content_size.width
        if width <= 0:
            width = self.app.size.width - 2 - FORM_WIDTH - 1
        return max(30, width), max(10, self.app.size.height - 3)

    def draw(self) -> None:
        """Readout, drawing, layers and loss curve from the trainer as it stands now.

        Called for every report of a training run, so it is kept cheap: plain
        text lines, and a new layout only when some block's height changed.
        """
        if self.step != PLAY or self.question is not None:
            return
        trainer = self.trainer
        width, rows = self.board_size()
        sizes = trainer.setup.sizes
        depth = len(sizes) - 1
        grid_w, grid_h = grid_size(sizes)
        code = Text.assemble(("Share ", "bold"), pg.encode(self.setup))
        rows_of = lambda n: max(1, math.ceil(n / width))  # noqa: E731
        notice_rows = rows_of(self.notice.cell_len)
        # the readout, the notice, the share code, the layer table with its heading
        fixed = 1 + notice_rows + rows_of(code.cell_len) + 1 + depth
        grid = grid_w <= width and fixed + 1 + grid_h + MIN_PLOT + 4 <= rows
        used = fixed + (1 + grid_h if grid else 0)
        plot_rows = max(MIN_PLOT, min(MAX_PLOT, rows - used - 4))
        key = (width, rows, notice_rows, code.cell_len, sizes, grid, plot_rows,
               trainer.steps > 0, self.view, bool(trainer.grads))
        layout, self._layout = key != self._layout, key
        drawing = self.query_one("#drawing", Static)
        drawing.display = grid
        if grid:
            drawing.update(self.drawing(), layout=layout)
        self.query_one("#readout", Static).update(self.readout(), layout=layout)
        self.query_one("#notice", Static).update(self.notice, layout=layout)
        self.query_one("#layers", Static).update(self.layer_lines(width, histograms=not grid), layout=layout)
        self.query_one("#loss", Static).update(self.loss_plot(plot_rows), layout=layout)
        self.query_one("#share", Static).update(code, layout=layout)

    def readout(self) -> Text:
        """``step 12 · loss 0.1234 · 3/4 right``."""
        trainer = self.trainer
        text = Text.assemble(("Step ", "dim"), (str(trainer.steps), "bold"), (" · loss ", "dim"))
        if trainer.diverged:
            text.append("diverged", style="bold reverse red")
        else:
            text.append(format_number(trainer.current_loss()), style="bold")
            right = trainer.right()
            if right is not None:
                text.append(" · ", style="dim")
                text.append(f"{right[0]}/{right[1]} right", style="bold")
        return text

    def drawing(self) -> Group:
        """The weights (or the last step's gradients), one glyph each, with the legend."""
        trainer = self.trainer
        view = self.view
        arrays = list(trainer.net.W) if view == "weights" else list(trainer.grads)
        name = "Weights" if view == "weights" else "Gradients dL/dW"
        title = Text.assemble((name, "bold"), "  ", (LEGEND[view], "dim"))
        if not arrays:
            return Group(title, Text("Take a step (s) to see its gradients; g goes back to the weights.", style="dim"))
        levels = WEIGHT_LEVELS if view == "weights" else GRADIENT_LEVELS
        return Group(title, *weight_grid(arrays, levels))

    def layer_lines(self, width: int, histograms: bool) -> Text:
        """Per layer: its size, (its weights' histogram), its gradient sparkline, the last step's health bar."""
        trainer = self.trainer
        sizes = trainer.setup.sizes
        depth = len(sizes) - 1
        names = [f"L{l} {sizes[l - 1]}→{sizes[l]}" for l in range(1, depth + 1)]
        name_w = max(len(n) for n in names)
        relu = "relu" in trainer.setup.activations
        rest = width - name_w - (10 if histograms else 0) - 3 - 14 - (11 if relu else 0)  # 11: "  dead 3/16"
        spark_w = max(6, min(30, rest // 2))
        bar_w = max(4, min(24, rest - spark_w))
        text = Text("layer".ljust(name_w + 1), style="dim")
        if histograms:
            text.append(("W −┊+" if self.view == "weights" else "dW −┊+").ljust(10), style="dim")
        text.append("history"[:spark_w].ljust(spark_w), style="dim")
        text.append(" |dL/dW| of the last step", style="dim")
        health = {h.layer: h for h in trainer.health}
        activations = trainer.setup.activations
        arrays = list(trainer.net.W) if self.view == "weights" or not trainer.grads else list(trainer.grads)
        for l in range(1, depth + 1):
            text.append("\n" + names[l - 1].ljust(name_w + 1))
            if histograms:
                text.append_text(histogram(arrays[l - 1]))
                text.append(" ")
            text.append_text(sparkline(trainer.grad_history[l - 1], spark_w))
            h = health.get(l)
            if h is None and trainer.diverged and trainer.steps:
                text.append_text(HealthBar("", math.nan, width=bar_w).line())
            elif h is None:
                text.append(" no step yet", style="dim")
            else:
                dead = (h.dead, h.units) if activations[l - 1] == "relu" else None
                text.append_text(HealthBar("", h.magnitude, width=bar_w, dead=dead).line())
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    def loss_plot(self, rows: int) -> LinePlot | Text:
        """The loss after each step of the run so far."""
        curve = self.trainer.curve()
        if len(curve) < 2:
            lines = ["The loss curve draws itself here."] + [""] * (rows + 2)
            return Text("\n".join(lines), style="dim")
        finite = [v for v in curve if math.isfinite(v)]
        top = max(finite, default=1.0) or 1.0
        steps = list(range(len(curve)))
        return LinePlot([Series("loss", steps, curve, "bold cyan")], height=rows, x_label="step", y_range=(0.0, top))
