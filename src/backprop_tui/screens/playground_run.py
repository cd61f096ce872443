"""The playground's run: its trainer, ``s`` and ``t``, and the worker that trains while the screen stays live.

``t`` starts a thread worker that steps the trainer up to 100 times, at the
pace the learner chose (:mod:`backprop_tui.models.playground.pace`: 40 steps
a second to begin with, so the curve can be watched as it grows; ``+`` and
``-`` change it, ``f`` finishes the run at full speed). The pace is a wait
between steps, never slower maths. The worker never touches a widget: it
posts :class:`TrainingProgress` messages (a dataclass, as Toolong's are) to
the screen, at most every :data:`REDRAW_EVERY` seconds and once at its end.
A report that is still waiting when a newer one of the same run arrives is
dropped (:meth:`TrainingProgress.can_replace`), so a slow terminal draws the
latest state once instead of catching up on every step. The screen answers a
report by handing the board a fresh snapshot of the run.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from backprop_tui.lesson.playground import READINGS
from backprop_tui.models import playground as pg
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.run_board import alarm
from backprop_tui.screens.base import SectionScreen
from backprop_tui.widgets.run_board import RunBoard

REDRAW_EVERY = 0.08
"""A training run reports (and so redraws the screen) at most this often (seconds)."""
READING_DIGITS = {"weight": 0, "ratio": 0}
"""Decimals of the numbers the reading of the bars quotes, where not a loss's 4."""


@dataclass(eq=False)
class TrainingProgress(Message):
    """The worker has taken ``done`` steps of its run on ``trainer`` (``finished``: and stopped)."""

    trainer: pg.Trainer
    worker: Worker[None]
    done: int
    finished: bool = False

    def can_replace(self, message: Message) -> bool:
        """May this report be dropped for ``message``, the next one waiting? Yes for a newer report of the
        same run: it says all this one does. The last report (``finished``) is never dropped."""
        return not self.finished and isinstance(message, TrainingProgress) and message.worker is self.worker


class PlaygroundRun(SectionScreen):
    """A section screen with a training run: the trainer of :attr:`setup`, one step or a worker's hundred, the board.

    Subclasses compose a :class:`RunBoard` and keep :attr:`setup` up to date.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setup = pg.Setup()
        """The set-up the network was built from (always a valid one)."""
        self.pace = pg.DEFAULT_PACE
        """The pace of a ``t`` run: an index into :data:`~backprop_tui.models.playground.PACES`."""
        self._trainer: pg.Trainer | None = None
        self._worker: Worker[None] | None = None
        self._stopped: Worker[None] | None = None
        self._wake = threading.Event()
        """Set to wake the run's worker from its wait between steps (a new pace, a stop)."""
        self._rush = False
        """The run on now goes on at full speed to its end (``f``)."""
        self._run_start = 0

    @property
    def board(self) -> RunBoard:
        """The run board."""
        return self.query_one(RunBoard)

    @property
    def trainer(self) -> pg.Trainer:
        """The network being trained (built from :attr:`setup` on first use)."""
        if self._trainer is None:
            self._trainer = pg.Trainer(self.setup)
        return self._trainer

    @property
    def training(self) -> bool:
        """Is a ``t`` run going on?"""
        return self._worker is not None

    @property
    def rate(self) -> float:
        """Steps per second of a ``t`` run (infinite: full speed)."""
        return pg.FULL_SPEED if self._rush else pg.PACES[self.pace]

    def report(self) -> None:
        """Hand the board the run as it stands now (only while the playground is on show), and
        the words for its bars once no run is going on."""
        if not self.on_step("play"):
            return
        board = self.board
        snapshot = self.trainer.snapshot()
        board.pace = pg.short_pace(self.rate)
        board.reading = Text() if self.training else self.reading_text(snapshot)
        board.run = snapshot

    def say(self, notice: Text) -> None:
        """Put ``notice`` under the readout."""
        self.board.notice = notice

    def rebuild(self, notice: Text) -> None:
        """A fresh network from the set-up (stopping any run)."""
        self.cancel_training()
        self._trainer = None
        self.board.progress = 0
        self.show_share()
        self.say(notice)
        self.report()

    def show_share(self) -> None:
        """Show the set-up's share code (subclasses that have one)."""

    # -- s, t, r, and the pace ------------------------------------------------------------------------------

    def moved_on(self) -> None:
        """The learner went on to train or reset: subclasses drop what no longer applies (a field's message)."""

    def action_step_once(self) -> None:
        """One training step (a run going on stops first)."""
        self.moved_on()
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
            self.say(self.diverged_text())
        else:
            self.say(Text.assemble(
                (f"Step {result.step}: ", "bold"),
                f"loss {format_number(before)} → {format_number(trainer.current_loss())}",
                ("  (g: its gradients)" if self.board.view == "weights" else "", "dim"),
            ))  # fmt: skip
        self.report()

    def action_train(self) -> None:
        """100 steps in a worker thread, at the chosen pace; pressed during a run, stops it."""
        self.moved_on()
        if self.training:
            self.stop_training()
            return
        trainer = self.trainer
        if trainer.diverged:
            self.app.say(self.diverged_hint())
            return
        self._run_start = trainer.steps
        self._rush = False
        self._wake = wake = threading.Event()
        self.board.progress = 0
        self._worker = self.run_worker(
            partial(self._train, trainer, pg.TRAIN_STEPS, wake),
            name="train",
            group="train",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        self.say(self.training_text())
        self._refresh_keys()
        self.report()

    def action_faster(self) -> None:
        """A faster pace (for the run going on, and the next)."""
        self._set_pace(self.pace + 1)

    def action_slower(self) -> None:
        """A slower pace (for the run going on, and the next)."""
        self._set_pace(self.pace - 1)

    def action_finish(self) -> None:
        """The run going on goes to its end at full speed."""
        if not self.training:
            self.app.say("f skips a run of t to its end: no run is going on.")
            return
        self._rush = True
        self._wake.set()
        self.say(self.training_text())
        self.board.pace = pg.short_pace(self.rate)

    def _set_pace(self, pace: int) -> None:
        if not 0 <= pace < len(pg.PACES):
            fastest = pace >= len(pg.PACES)
            self.app.say(f"That is the {'fastest' if fastest else 'slowest'} pace: {pg.pace_text(self.rate)}.")
            return
        self.pace = pace
        self._rush = False
        self._wake.set()  # a run waiting for its next step waits for the new pace instead
        self.board.pace = pg.short_pace(self.rate)
        if self.training:
            self.say(self.training_text())
        else:
            self.say(Text.assemble(("Pace ", "bold"), f"{pg.pace_text(self.rate)}: {pg.run_text(self.rate)}."))

    def action_reset(self) -> None:
        """Fresh weights from the set-up's seed: the run starts over."""
        self.moved_on()
        self.rebuild(Text.assemble(("Reset: ", "bold"), f"fresh weights from seed {self.setup.seed}, step 0."))

    # -- the worker ------------------------------------------------------------------------------------------

    def step_wait(self) -> float:
        """Seconds from one step of a run to the next, as the pace stands now (0 at full speed)."""
        return pg.step_wait(self.rate)

    def _train(self, trainer: pg.Trainer, total: int, wake: threading.Event) -> None:
        """In a thread: up to ``total`` steps at the pace, a progress report at most every :data:`REDRAW_EVERY` seconds.

        Between steps the worker waits on ``wake`` until the pace says the next is due, so a new
        pace, ``f`` or a stop takes effect at once.
        """
        worker = get_current_worker()
        done = 0
        last_report = last_step = time.monotonic()
        while done < total and not worker.is_cancelled:
            if done:
                while (wait := last_step + self.step_wait() - time.monotonic()) > 0 and not worker.is_cancelled:
                    wake.wait(wait)
                    wake.clear()
                if worker.is_cancelled:
                    break
            last_step = time.monotonic()
            if trainer.step() is None:
                break
            done += 1
            if trainer.diverged:
                break
            now = time.monotonic()
            if now - last_report >= REDRAW_EVERY and done < total:
                last_report = now
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
            self.board.progress = message.done
            if message.finished:
                self._worker = None
                self._rush = False
                self._refresh_keys()
                self.say(self.diverged_text() if trainer.diverged else self.trained_text(message.done))
        elif message.finished and message.worker is self._stopped:  # a stopped run's very last step
            self._stopped = None
            self.board.progress = message.done
            self.say(self.diverged_text() if trainer.diverged else self.stopped_text())
        self.report()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A run that failed (it should not) is over too: say so instead of seeming to train for ever."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            self._worker = None
            self._refresh_keys()
            self.say(Text(f"The run stopped: {event.worker.error}", style="bold"))
            self.report()

    def stop_training(self) -> None:
        """Stop the run (the worker stops after the step it is taking) and say where it got to."""
        worker = self._worker
        if worker is None:
            return
        self._worker = None
        self._stopped = worker
        self._rush = False
        worker.cancel()
        self._wake.set()
        self.say(self.stopped_text())
        self._refresh_keys()
        self.report()

    def cancel_training(self) -> None:
        """Stop the run without a word (its network is about to be replaced)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            self._rush = False
            worker.cancel()
            self._wake.set()
            self._refresh_keys()

    # -- what to say -------------------------------------------------------------------------------------------

    def training_text(self) -> Text:
        """A run is going on: its pace, and the keys that change it."""
        how = "to the end at full speed" if self._rush else pg.pace_text(self.rate)
        return Text.assemble(("Training… ", "bold"), how, (" (+/- pace, f: to the end)", "dim"))

    def trained_text(self, done: int) -> Text:
        """A run finished: the loss it started and ended at."""
        trainer = self.trainer
        start, now = trainer.curve()[self._run_start], trainer.current_loss()
        return Text.assemble((f"Trained {done} steps: ", "bold"), f"loss {format_number(start)} → {format_number(now)}.")

    def stopped_text(self) -> Text:
        """The run was stopped: where it got to."""
        steps = self.trainer.steps - self._run_start
        return Text.assemble(("Stopped ", "bold"), f"after {steps} of {pg.TRAIN_STEPS} steps (step {self.trainer.steps}).")

    def diverged_text(self) -> Text:
        """The run has diverged: what that means and the way back."""
        return Text.assemble(
            alarm(f"DIVERGED at step {self.trainer.steps}: "), ("the loss ran away. ", "bold"), self.diverged_hint()
        )

    def diverged_hint(self) -> str:
        """The way back from a diverged run."""
        return f"Press r to start again, or try a lower α (e.g. {pg.number_text(self.setup.lr / 10)})."

    def reading_text(self, run: pg.Snapshot) -> Text:
        """What the bars of ``run`` show, in words (empty when the rule of thumb reads right)."""
        reading = pg.read_health(run)
        if reading is None:
            return Text()
        values = {
            k: format_number(v, READING_DIGITS.get(k, 4)) if isinstance(v, float) else str(v) for k, v in reading.values.items()
        }
        return Text(READINGS[reading.kind].format(**values), style="italic")
