"""The one training loop: every section that trains a network steps it through :class:`Training`.

A step is forward, loss, backward and update on the whole data given (one
sample or rows of samples); :class:`Training` keeps the loss of each step and
says when the run is over. A run is over (``diverged``) once the engine
reports a loss or parameter that stopped being finite, or once a loss passes
``limit`` — from there a run only grows until the numbers overflow, so
stopping keeps runs fast and plots readable. The step that ran away is still
recorded, its loss as the engine computed it (``nan`` or ``inf`` included).

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent, UpdateEvent
from backprop_tui.engine.names import BLOWUP
from backprop_tui.engine.network import MLP
from backprop_tui.engine.optim import Optimizer


@dataclass(frozen=True, slots=True)
class TrainStep:
    """One step of a run, as the engine's events reported it.

    Attributes:
        step: 1 for the first step.
        loss: the loss of this step's forward pass (before its update).
        prediction: the network's output on that pass.
        forward: layer 1..L's forward events.
        backward: layer L..1's backward events (empty if the forward pass already diverged).
        update: layer 1..L's update events (empty if the forward pass already diverged).
        over: the run is over after this step (it diverged or ran away).
    """

    step: int
    loss: float
    prediction: np.ndarray
    forward: tuple[ForwardEvent, ...]
    backward: tuple[BackwardEvent, ...]
    update: tuple[UpdateEvent, ...]
    over: bool


def blowup_limit(start_loss: float, floor: float = 0.0) -> float:
    """The loss past which a run starting at ``start_loss`` has run away: :data:`BLOWUP` times it.

    ``floor`` raises the start it is measured from (a start of 0 gives no limit without one).
    """
    start = max(start_loss, floor)
    return BLOWUP * start if start > 0 and math.isfinite(start) else math.inf


class Training:
    """A network, its data and optimiser, and the losses of the steps taken so far.

    Args:
        net: the network; it is trained in place.
        x: inputs, one sample or rows of samples.
        t: targets, matching ``x``.
        optimizer: the engine optimiser (it keeps its own state between steps).
        limit: a loss above this ends the run as diverged (default: never, only the engine's flag).
    """

    def __init__(
        self,
        net: MLP,
        x: np.ndarray | Sequence[float],
        t: np.ndarray | Sequence[float],
        optimizer: Optimizer,
        *,
        limit: float = math.inf,
    ) -> None:
        self.net = net
        self.x = np.asarray(x, dtype=float)
        self.t = np.asarray(t, dtype=float)
        self.optimizer = optimizer
        self.limit = limit
        self.losses: list[float] = []
        """The loss of each step taken, before its update."""
        self._ran_away = False

    @property
    def steps(self) -> int:
        """Steps taken so far."""
        return len(self.losses)

    @property
    def diverged(self) -> bool:
        """The engine flagged the network, or a loss passed :attr:`limit`: no more steps are taken."""
        return self._ran_away or self.net.diverged

    def step(self) -> TrainStep | None:
        """One step on the whole data; ``None`` (and nothing done) once the run is over."""
        if self.diverged:
            return None
        forward: list[ForwardEvent] = []
        backward: list[BackwardEvent] = []
        update: list[UpdateEvent] = []
        loss_event: LossEvent | None = None
        for event in self.net.train_step(self.x, self.t, self.optimizer):
            if isinstance(event, ForwardEvent):
                forward.append(event)
            elif isinstance(event, BackwardEvent):
                backward.append(event)
            elif isinstance(event, UpdateEvent):
                update.append(event)
            elif isinstance(event, LossEvent):
                loss_event = event
        assert loss_event is not None
        loss = float(loss_event.loss)
        self.losses.append(loss)
        if not (math.isfinite(loss) and loss <= self.limit):
            self._ran_away = True
        return TrainStep(
            len(self.losses), loss, loss_event.prediction, tuple(forward), tuple(backward), tuple(update), self.diverged
        )

    def run(self, steps: int) -> Iterator[TrainStep]:
        """Up to ``steps`` more steps, one at a time; stops early when the run is over."""
        for _ in range(max(0, int(steps))):
            result = self.step()
            if result is None:
                return
            yield result
            if result.over:
                return

    def loss_now(self) -> float:
        """The loss with the parameters as they are now (after the last update); no events, no state change."""
        return self.net.loss_at(self.x, self.t)
