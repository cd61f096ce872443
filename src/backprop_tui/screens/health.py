"""Section 6 — gradient health: vanishing, exploding and dead units in deep nets, and their remedies.

Every bar is a real forward and backward pass (after real training steps,
where asked) of a deep net on the section's fixed batch, from
:mod:`backprop_tui.models.health`, which also says which nets each step
compares and the set-up each step opens on. The screen keeps the learner's
:class:`~backprop_tui.models.health.Settings` for each step (a change made on
a step stays with that step, and ``r`` brings back the step's own set-up),
turns keys into new settings and draws.

Nothing slow runs on the event loop. A step whose passes are cached draws at
once; otherwise it says ``computing…`` and a thread worker measures them
(cancelled by the next key, between two passes) and posts :class:`Measured`,
on which the step is drawn if it still wants those passes. Once a step is
drawn and no key has come for :data:`PREFETCH_DELAY`, another worker measures
the passes one key away, so the next key usually draws at once too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from backprop_tui.engine.names import MAX_DEPTH, MIN_DEPTH
from backprop_tui.lesson.health import (
    CHANGED,
    COMPUTING,
    DEPTH_LIMITS,
    MORE,
    MORE_HEADING,
    PRODUCTS_HEADING,
    READING_HEADING,
)
from backprop_tui.models import health
from backprop_tui.models.health import DeepHealth, DeepSetup, Plan, Remedies, Settings
from backprop_tui.renderables.health_notes import columns, heading, note, panel, products, reading, step_label
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import step
from backprop_tui.widgets.health_bars import HealthBars
from backprop_tui.widgets.step_bar import StepBar

PREFETCH_DELAY = 0.2
"""Seconds without a key before the passes one key away are measured in the background."""
REMEDY_KEYS = "init residual clip leaky training"


@dataclass
class Measured(Message):
    """A worker has measured (and cached) everything ``wanted`` needs; ``None``: the σ′ peak."""

    wanted: Plan[DeepSetup] | None


class HealthScreen(SectionScreen):
    """Deep nets' per-layer gradients: sigmoid against ReLU, the three failures, then remedies live.

    Each bar step keeps its own settings: what the learner changes on one step never changes another.
    """

    SECTION_ID = "health"
    STEPS = (
        step("products", PRODUCTS_HEADING),
        step("reading", READING_HEADING),
        step("side", "Sigmoid or ReLU", "draw_bars", keys="depth left restore"),
        step("vanish", "Vanishing", "draw_bars", keys="depth restore"),
        step("explode", "Exploding", "draw_bars", keys="depth restore"),
        step("dead", "Dead neurons", "draw_bars", keys="depth restore"),
        step("remedies", "Remedies, live", "draw_bars", keys=f"depth left restore {REMEDY_KEYS}"),
        step("more", "More remedies"),
    )

    BINDINGS: ClassVar = [
        Binding("plus,equals_sign,up", "depth(1)", "Deeper", key_display="+"),
        Binding("minus,underscore,down", "depth(-1)", "Shallower", key_display="-"),
        Binding("f", "left", "Activation", key_display="f"),
        Binding("i", "init", "Init"),
        Binding("k", "residual", "Skips"),
        Binding("g", "clip", "Clip"),
        Binding("l", "leaky", "Leaky"),
        Binding("o", "training", "Optimiser"),
        Binding("r", "restore", "This step's own set-up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.set_ups: dict[str, Settings] = {}
        """The learner's settings on each bar step they changed (the others are as :func:`health.start` has them)."""
        self._notice: tuple[str, str] | None = None
        self._prefetch_timer: Timer | None = None

    @property
    def settings(self) -> Settings:
        """The settings of the step on show: its own set-up, or what the learner made of it there."""
        return self.settings_of(self.step_id)

    def settings_of(self, step_id: str) -> Settings:
        """Step ``step_id``'s settings as the learner left them (its own set-up if untouched)."""
        return self.set_ups.get(step_id, health.start(step_id))

    @property
    def changed(self) -> bool:
        """The learner has changed the set-up of the step on show."""
        own, now = health.start(self.step_id), self.settings
        return (now.depth, now.left, now.remedies) != (own.depth, own.left, own.remedies)

    @property
    def depth(self) -> int:
        """Weight layers of every net on show (the output layer included)."""
        return self.settings.depth

    @property
    def left(self) -> str:
        """The left column's activation on the side-by-side step."""
        return self.settings.left

    @property
    def remedies(self) -> Remedies:
        """The remedy panel's switches."""
        return self.settings.remedies

    @property
    def computing(self) -> bool:
        """The step on show is waiting for a worker's passes."""
        return self.is_mounted and self.query_one(HealthBars).computing

    def compose_body(self) -> ComposeResult:
        """Heading, the remedy switches, the bars and their note; the first step's words."""
        yield Static(id="heading")
        yield Static(id="panel", classes="caption")
        yield HealthBars(id="bars")
        yield Static(id="prose", classes="prose")

    # -- keys -----------------------------------------------------------------------------------

    def action_depth(self, delta: int) -> None:
        """One layer more or fewer, within 2–20 (beyond them, the heading says so)."""
        deeper = self.settings.deeper(delta)
        if deeper is None:
            self._notice = (self.step_id, DEPTH_LIMITS.format(low=MIN_DEPTH, high=MAX_DEPTH, depth=self.depth))
            self.redraw()
            return
        self.settle(deeper)

    def action_restore(self) -> None:
        """Back to the step's own set-up."""
        self.set_ups.pop(self.step_id, None)
        self._notice = None
        self.redraw()

    def action_left(self) -> None:
        """The next activation for the left column."""
        self.settle(self.settings.next_left() if self.on_step("side") else self.settings.pressed("left"))

    def action_init(self) -> None:
        """The next initialisation: naive, Xavier, He."""
        self.settle(self.settings.pressed("init"))

    def action_residual(self) -> None:
        """Skip connections on or off."""
        self.settle(self.settings.pressed("residual"))

    def action_clip(self) -> None:
        """Gradient clipping on or off."""
        self.settle(self.settings.pressed("clip"))

    def action_leaky(self) -> None:
        """Leaky ReLU in place of ReLU, or back."""
        self.settle(self.settings.pressed("leaky"))

    def action_training(self) -> None:
        """No training, then a few steps of SGD, then as many of Adam."""
        self.settle(self.settings.pressed("training"))

    def settle(self, settings: Settings) -> None:
        """Take the new settings for the step on show and redraw."""
        self.set_ups[self.step_id] = settings
        self._notice = None
        self.redraw()

    # -- drawing --------------------------------------------------------------------------------

    def show_parts(self, *, panel_on: bool, bars_on: bool) -> None:
        """Which of the body's parts the step uses."""
        self.query_one("#panel").display = panel_on
        self.query_one(HealthBars).display = bars_on
        self.query_one("#prose").display = not bars_on

    def put_heading(self, text: str) -> None:
        """The heading, and under it what the learner should know about the set-up: a depth out of
        range, or how to bring back the step's own set-up (in the section, never over its text)."""
        heading_text = Text(text, style="bold")
        extra = []
        if self._notice is not None and self._notice[0] == self.step_id:
            extra.append(self._notice[1])
        if self.changed and self.step_id != "remedies":  # the remedy panel has r on show
            extra.append(CHANGED.format(depth=health.start(self.step_id).depth))
        if extra:
            heading_text.append("\n" + " ".join(extra), style="dim")
        self.query_one("#heading", Static).update(heading_text)

    def draw_products(self) -> None:
        """The idea, with the sampled σ′ peak (sampled by a worker the first time)."""
        self.show_parts(panel_on=False, bars_on=False)
        self.put_heading(PRODUCTS_HEADING)
        peak = health.known_sigmoid_peak()
        prose = self.query_one("#prose", Static)
        if peak is None:
            prose.update(Text(COMPUTING, style="dim"))
            self.measure(None)
            return
        prose.update(products(peak, health.start("vanish").depth - 1))
        self.schedule_prefetch()

    def draw_reading(self) -> None:
        """What the bars and numbers are: the batch, |∂L/∂W| and |∂L/∂z|, the rule of thumb, the inits."""
        self.show_parts(panel_on=False, bars_on=False)
        self.put_heading(READING_HEADING)
        self.query_one("#prose", Static).update(reading())
        self.schedule_prefetch()

    def draw_more(self) -> None:
        """The remedies the panel has no switch for."""
        self.show_parts(panel_on=False, bars_on=False)
        self.put_heading(MORE_HEADING)
        self.query_one("#prose", Static).update(MORE)

    def draw_bars(self) -> None:
        """One of the comparisons, or the remedy panel: at once if its passes are cached, else after a worker's."""
        step_id, settings = self.step_id, self.settings
        on_remedies = step_id == "remedies"
        self.show_parts(panel_on=on_remedies, bars_on=True)
        label = step_label(step_id, settings)
        if label is not None:
            self.query_one(StepBar).label = label
        if on_remedies:
            self.query_one("#panel", Static).update(panel(settings.remedies, health.TRAININGS))
        wanted = health.plan(step_id, settings)
        measured: Plan[DeepHealth] | None = health.lookup(wanted)
        self.put_heading(heading(step_id, settings, measured))
        bars = self.query_one(HealthBars)
        if measured is None:
            bars.computing = True
            self.measure(wanted)
            return
        bars.show(columns(measured), note(measured))
        self.schedule_prefetch()

    # -- workers ----------------------------------------------------------------------------------

    def wanted(self) -> Plan[DeepSetup] | None:
        """What the step on show needs: its plan, or ``None`` for the σ′ peak (``None`` too on a quick check)."""
        current = self.current
        if current is None or current.id not in health.BAR_STEPS:
            return None
        return health.plan(current.id, self.settings)

    def measure(self, wanted: Plan[DeepSetup] | None) -> None:
        """Measure ``wanted`` (or sample the σ′ peak) in a thread; the next call cancels this one."""
        self.stop_prefetch()
        self.run_worker(partial(self._measure, wanted), group="measure", exclusive=True, thread=True, exit_on_error=False)

    def _measure(self, wanted: Plan[DeepSetup] | None) -> None:
        """In the worker's thread: measure, then post :class:`Measured` (nothing if cancelled). Touches no widget."""
        worker = get_current_worker()
        if wanted is None:
            health.sigmoid_peak()
        elif health.measure(wanted, lambda: worker.is_cancelled) is None:
            return
        if not worker.is_cancelled:
            self.post_message(Measured(wanted))

    @on(Measured)
    def measured(self, message: Measured) -> None:
        """Draw the step if it still wants what was measured (a later key may have moved on)."""
        if self.current is not None and message.wanted == self.wanted():
            self.redraw()

    def schedule_prefetch(self) -> None:
        """Prefetch once no key has come for :data:`PREFETCH_DELAY` (keys in a burst are not slowed by it)."""
        self.stop_prefetch()
        self._prefetch_timer = self.set_timer(PREFETCH_DELAY, self.prefetch)

    def stop_prefetch(self) -> None:
        """Forget a prefetch not yet started, stop one under way (between two passes)."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
            self._prefetch_timer = None
        self.workers.cancel_group(self, "prefetch")

    def prefetch(self) -> None:
        """Measure, in a thread, every plan one key away: other settings of this step, and the steps beside it."""
        self._prefetch_timer = None
        current = self.current
        if current is None or not self.is_mounted:
            return
        i = self.step
        beside = [(s.id, self.settings_of(s.id)) for s in self.STEPS[max(0, i - 1) : i + 2] if s.id != current.id]
        plans = health.nearby(current.id, self.settings, beside)

        def work() -> None:
            worker = get_current_worker()
            for wanted in plans:
                if health.measure(wanted, lambda: worker.is_cancelled) is None:
                    return

        self.run_worker(work, group="prefetch", exclusive=True, thread=True, exit_on_error=False)
