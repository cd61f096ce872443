"""Learning-rate sweeps: one network trained from one start with several α, each run labelled.

:func:`sweep` trains a fresh copy of a network (every copy from exactly the
same starting parameters) for each learning rate, and records the loss of
every step. :func:`label_run` then names what each run did, judging only its
loss curve (never α itself):

``diverging``
    the run blew up: the engine reported a loss or a parameter that is no
    longer a finite number (``diverged``), or any loss is NaN or ±∞, or the
    last loss is more than :data:`FAR_ABOVE` (10) times the first loss *and*
    is the highest loss of the run (it is still climbing).
``overshooting``
    not diverging, and the loss went the wrong way in a big way: at some step
    it climbed above where it started by more than :data:`RISE` (1 %) of the
    first loss (so ending above the start counts), or it rose by more than
    1 % of the first loss from one step to the next on at least
    :data:`RISE_SHARE` (a fifth) of the steps (it bounces).
``converging``
    neither of those, and the last loss is at most :data:`CONVERGED` (10 %)
    of the first.
``crawling``
    everything else: finite, hardly ever going up, but after all its steps
    still above 10 % of where it started.

The rules are tried in that order, so every loss sequence gets exactly one
label. Edge cases: an empty sequence is ``crawling`` (``diverging`` if
flagged); a first loss of 0 (already at the minimum) gives ``converging`` if
the loss stays at 0 and ``overshooting`` if it leaves it (unless it stops
being finite, which is always ``diverging``).

How a run ends (what :attr:`Run.losses` holds): the sweep stops a run at the
first step whose loss is not finite, after which the engine has flagged the
network as diverged, or whose update left a parameter non-finite, or whose
loss passed :data:`BLOWUP` (a million) times the first loss — from there the
lesson's runs only grow until the numbers overflow (the tests check it), and
stopping keeps the runs fast and the plots readable. Such a run has
``diverged`` set and its losses end at that step; the last one is kept as
the engine computed it (it may be ``nan`` or ``inf``). Otherwise a run has
exactly ``steps`` losses. ``losses[i]`` is the loss of step ``i + 1``: the
loss of the parameters after ``i`` updates.

:func:`batch_gradient` is the section's case for batches: one weight's
gradient for each of a few examples alone, and for the batch of them in one
backward pass, which is their mean (the loss of a batch is the mean of its
examples' losses).

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from backprop_tui.engine.names import (
    BLOWUP,
    COMPARE_LRS,
    CONVERGED,
    FAR_ABOVE,
    RISE,
    RISE_SHARE,
    RUN_LABELS,
    SWEEP_LRS,
    SWEEP_STEPS,
)
from backprop_tui.engine.network import MLP, lesson_network
from backprop_tui.engine.optim import make_optimizer
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
from backprop_tui.models.training import Training

__all__ = [
    "BATCH_EXAMPLES", "BLOWUP", "COMPARE_LRS", "CONVERGED", "DEFAULT_LRS", "DEFAULT_STEPS", "FAR_ABOVE", "LABELS",
    "RISE", "RISE_SHARE", "BatchGradient", "FirstStep", "LessonRuns", "Run", "batch_gradient", "first_step",
    "lesson_batch",
    "label_run", "lesson_runs", "sweep", "train_run",
]

LABELS = RUN_LABELS
"""Every label, from too low a learning rate to too high."""
DEFAULT_LRS = SWEEP_LRS
"""The lesson's learning rates. 1.5 is added to the usual list: on the lesson network
1 still converges and 3 already diverges; the overshooting lies between them."""
DEFAULT_STEPS = SWEEP_STEPS
"""Steps per run in the lesson."""


@dataclass(frozen=True, slots=True)
class Run:
    """One training run of a sweep.

    Attributes:
        optimizer: the optimiser's name (``sgd``, ``adam``, …).
        lr: the learning rate α.
        losses: the loss of each step, in order (see the module docstring for how a run ends).
        diverged: the run was stopped because it blew up.
        label: what the run did: one of :data:`LABELS`, from :func:`label_run`.
        predictions: the network's (first) output at each step, as scored by ``losses``.
    """

    optimizer: str
    lr: float
    losses: tuple[float, ...]
    diverged: bool
    label: str
    predictions: tuple[float, ...] = ()

    @property
    def steps(self) -> int:
        """How many steps the run took."""
        return len(self.losses)

    @property
    def first(self) -> float:
        """The loss at the start (the same for every run of a sweep)."""
        return self.losses[0]

    @property
    def final(self) -> float:
        """The last loss (``nan`` or ``inf`` if that is what the engine computed)."""
        return self.losses[-1]

    @property
    def diverged_at(self) -> int | None:
        """The step (from 1) at which the run was stopped for blowing up, or ``None``."""
        return len(self.losses) if self.diverged else None

    @property
    def peak(self) -> tuple[int, float]:
        """The step (from 1) and value of the highest finite loss."""
        finite = [(v, i) for i, v in enumerate(self.losses) if math.isfinite(v)]
        if not finite:
            return (1, math.nan)
        value, i = max(finite, key=lambda p: (p[0], -p[1]))
        return (i + 1, value)

    @property
    def rises(self) -> int:
        """On how many steps the loss went up by more than :data:`RISE` of the first loss."""
        return _rises(self.losses)

    def first_at_or_below(self, fraction: float) -> int | None:
        """The first step (from 1) whose loss is at most ``fraction`` of the first loss, or ``None``."""
        bound = fraction * self.first
        return next((i + 1 for i, v in enumerate(self.losses) if v <= bound), None)


def _rises(losses: Sequence[float]) -> int:
    values = [float(v) for v in losses]
    if not values:
        return 0
    rise = RISE * values[0]
    return sum(1 for a, b in zip(values, values[1:]) if b - a > rise)


def label_run(losses: Sequence[float], diverged: bool = False) -> str:
    """What a run did, from its losses alone: ``crawling``, ``converging``, ``overshooting`` or ``diverging``.

    The rules, tried in this order (the module docstring says them in words):

    1. ``diverging`` if ``diverged``, or any loss is not finite, or
       ``last > FAR_ABOVE·first`` and ``last`` is the largest loss;
    2. ``overshooting`` if some later loss is ``> first + RISE·first``, or the
       number of steps with ``L[i+1] − L[i] > RISE·first`` is at least
       ``RISE_SHARE·(n − 1)`` (n > 1 losses);
    3. ``converging`` if ``last ≤ CONVERGED·first``;
    4. ``crawling`` otherwise.

    A first loss of 0: ``converging`` if every loss is 0, else ``overshooting``
    (after rule 1). No losses: ``crawling`` (``diverging`` if ``diverged``).
    """
    values = [float(v) for v in losses]
    if diverged or not all(math.isfinite(v) for v in values):
        return "diverging"
    if not values:
        return "crawling"
    first, last, top = values[0], values[-1], max(values)
    if first <= 0:
        return "converging" if top <= first else "overshooting"
    if last > FAR_ABOVE * first and last >= top:
        return "diverging"
    steps = len(values) - 1
    if max(values[1:], default=first) > first + RISE * first or (steps and _rises(values) >= RISE_SHARE * steps):
        return "overshooting"
    if last <= CONVERGED * first:
        return "converging"
    return "crawling"


def _start(net_factory: Callable[[], MLP]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The factory's starting parameters, copied once so that every run begins from exactly them."""
    net = net_factory()
    return [(W.copy(), b.copy()) for W, b in zip(net.W, net.b)]


def train_run(
    lr: float,
    steps: int = DEFAULT_STEPS,
    optimizer: str = "sgd",
    net_factory: Callable[[], MLP] = lesson_network,
    x: Sequence[float] | np.ndarray = LESSON_INPUT,
    t: Sequence[float] | np.ndarray = LESSON_TARGET,
    *,
    start: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Run:
    """One run: a fresh network (set to ``start`` if given), ``steps`` steps of ``optimizer`` at ``lr``.

    Stops early, as diverged, at the step whose loss is not finite, whose update
    left a parameter non-finite (the engine's ``diverged``), or whose loss passed
    ``BLOWUP`` times the first loss.
    """
    net = net_factory()
    if start is not None:
        net.set_params(start)
    xa, ta = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    first = net.loss_at(xa, ta)
    run = Training(net, xa, ta, make_optimizer(optimizer, lr), limit=BLOWUP * first if first > 0 else math.inf)
    predictions = [float(np.ravel(s.prediction)[0]) for s in run.run(steps)]
    losses, diverged = run.losses, run.diverged
    return Run(optimizer, float(lr), tuple(losses), diverged, label_run(losses, diverged), tuple(predictions))


def sweep(
    lrs: Sequence[float] = DEFAULT_LRS,
    steps: int = DEFAULT_STEPS,
    optimizer: str = "sgd",
    net_factory: Callable[[], MLP] = lesson_network,
    x: Sequence[float] | np.ndarray = LESSON_INPUT,
    t: Sequence[float] | np.ndarray = LESSON_TARGET,
) -> list[Run]:
    """One :class:`Run` per learning rate in ``lrs``, all from the same starting parameters.

    The start is taken from one call of ``net_factory`` and copied into every
    run's network, so even a factory that draws random weights gives every α
    the same start. ``x`` and ``t`` are one sample (or rows of samples).
    """
    start = _start(net_factory)
    return [train_run(lr, steps, optimizer, net_factory, x, t, start=start) for lr in lrs]


@dataclass(frozen=True, slots=True)
class FirstStep:
    """The first update of a run, in sizes: how steep it was, and how far the parameters moved.

    Attributes:
        optimizer: the optimiser's name.
        lr: the learning rate α.
        mean_gradient: the mean |dL/dp| over every parameter at the start.
        mean_move: the mean |Δp| of the first update over every parameter.
    """

    optimizer: str
    lr: float
    mean_gradient: float
    mean_move: float


def first_step(
    lr: float,
    optimizer: str = "sgd",
    net_factory: Callable[[], MLP] = lesson_network,
    x: Sequence[float] | np.ndarray = LESSON_INPUT,
    t: Sequence[float] | np.ndarray = LESSON_TARGET,
) -> FirstStep:
    """How big the start's gradients are and how far ``optimizer`` at ``lr`` moves the parameters in one step."""
    net = net_factory()
    before = [p.copy() for p in net.params()]
    grads = net.gradients(x, t)
    for _ in net.train_step(x, t, make_optimizer(optimizer, lr)):
        pass
    after = net.params()
    count = sum(p.size for p in before)
    with np.errstate(all="ignore"):
        grad = sum(float(np.abs(g).sum()) for g in grads) / count
        move = sum(float(np.abs(a - b).sum()) for a, b in zip(after, before)) / count
    return FirstStep(optimizer, float(lr), grad, move)


@dataclass(frozen=True, slots=True)
class LessonRuns:
    """Everything section 5 shows, from the engine.

    Attributes:
        sgd: one SGD run per learning rate of the lesson.
        compare: for each comparison α, its SGD run and its Adam run.
        first_steps: for each comparison α, the first update of SGD and of Adam.
        target: the lesson example's target.
    """

    sgd: tuple[Run, ...]
    compare: tuple[tuple[Run, Run], ...]
    first_steps: tuple[tuple[FirstStep, FirstStep], ...]
    target: float


@cache
def lesson_runs() -> LessonRuns:
    """Section 5's runs: computed once, on the first step that needs them (about 40 ms)."""
    sgd = tuple(sweep(DEFAULT_LRS))
    by_lr = {r.lr: r for r in sgd}
    missing = [lr for lr in COMPARE_LRS if lr not in by_lr]
    by_lr.update({r.lr: r for r in sweep(missing)} if missing else {})
    adam = sweep(COMPARE_LRS, optimizer="adam")
    return LessonRuns(
        sgd=sgd,
        compare=tuple((by_lr[float(lr)], a) for lr, a in zip(COMPARE_LRS, adam)),
        first_steps=tuple((first_step(lr, "sgd"), first_step(lr, "adam")) for lr in COMPARE_LRS),
        target=float(LESSON_TARGET[0]),
    )


BATCH_EXAMPLES: tuple[tuple[tuple[float, float], float], ...] = (
    ((float(LESSON_INPUT[0]), float(LESSON_INPUT[1])), float(LESSON_TARGET[0])),
    ((0.9, 0.1), 0.2),
    ((0.2, 0.8), 0.4),
)
"""A batch of three examples for the lesson network: its own one first, then two more (inputs, target)."""


@dataclass(frozen=True, slots=True)
class BatchGradient:
    """The gradient of one weight, v1 (hidden unit h1 → the output), for a batch, from the lesson's start.

    Attributes:
        inputs: each example's inputs.
        targets: each example's target.
        each: ∂L/∂v1 of each example alone (one backward pass each).
        batch: ∂L/∂v1 of the batch's mean loss, from one backward pass over every row at once.
    """

    inputs: tuple[tuple[float, ...], ...]
    targets: tuple[float, ...]
    each: tuple[float, ...]
    batch: float

    @property
    def mean(self) -> float:
        """The average of :attr:`each`: what :attr:`batch` equals, since the slope of a mean is the mean of the slopes."""
        return sum(self.each) / len(self.each)


def batch_gradient(
    examples: Sequence[tuple[Sequence[float], float]] = BATCH_EXAMPLES,
    net_factory: Callable[[], MLP] = lesson_network,
) -> BatchGradient:
    """∂L/∂v1 (``dL/dW2[0, 0]``) of each example alone and of the batch of them all, every pass from the same weights."""
    each = tuple(float(net_factory().gradients(np.asarray(x, dtype=float), np.array([t]))[2][0, 0]) for x, t in examples)
    xs = np.array([list(x) for x, _ in examples], dtype=float)
    ts = np.array([[t] for _, t in examples], dtype=float)
    batch = float(net_factory().gradients(xs, ts)[2][0, 0])
    return BatchGradient(tuple(tuple(map(float, x)) for x, _ in examples), tuple(float(t) for _, t in examples), each, batch)


@cache
def lesson_batch() -> BatchGradient:
    """Section 5's batch of :data:`BATCH_EXAMPLES`: computed once, on the step that shows it."""
    return batch_gradient()
