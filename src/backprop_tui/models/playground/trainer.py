"""A playground run: the network built from a :class:`~.setup.Setup`, trained by the one training loop.

:class:`Trainer` steps a :class:`backprop_tui.models.training.Training` and
keeps what the playground shows of the run: each layer's gradient health and
its history, the last gradients, how many samples come out right.
:meth:`Trainer.snapshot` hands all of it over at once, as plain values that
never change afterwards, so a screen can draw while a worker thread trains.

Importing this module costs no numpy: the engine loads when a trainer is built.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backprop_tui.models.playground.datasets import dataset
from backprop_tui.models.playground.setup import Setup

if TYPE_CHECKING:
    from backprop_tui.engine.health import LayerHealth

TRAIN_STEPS = 100
"""Steps one press of ``t`` trains."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """One training step: its number, the loss before its update, each layer's gradient health."""

    step: int
    loss: float
    health: tuple[LayerHealth, ...]
    diverged: bool


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """A run as it stood at one moment: everything the playground draws, never changed afterwards.

    Attributes:
        sizes: layer sizes, input first.
        activations: layer 1..L's activation.
        skip_layers: the layers with a skip connection.
        steps: steps taken.
        diverged: the run has run away (no more steps).
        loss: the loss with the weights as they are now (``nan`` once diverged).
        right: samples a 0/1 data set gets right, of how many (``None`` otherwise).
        curve: the loss after 0, 1, 2, … updates.
        health: the last step's gradient health per layer (empty before any step).
        grad_history: per layer 1..L, its mean |dL/dW| at each step.
        weights: each layer's W, now.
        grads: the last step's dL/dW per layer (empty before any step).
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    skip_layers: tuple[int, ...]
    steps: int
    diverged: bool
    loss: float
    right: tuple[int, int] | None
    curve: tuple[float, ...]
    health: tuple[LayerHealth, ...]
    grad_history: tuple[tuple[float, ...], ...]
    weights: tuple[Any, ...]
    grads: tuple[Any, ...]


class Trainer:
    """A network built from a :class:`Setup`, its optimiser, and the history of its run.

    ``step()`` may be called from a worker thread while the screen takes
    snapshots: :attr:`lock` keeps a snapshot from seeing half a step, and two
    steps from running at once.

    Attributes:
        training: the run (network, data, optimiser, losses), stepped by the one training loop.
        start_loss: the loss before any step.
        grad_history: per layer 1..L, its mean |dL/dW| at each step.
        health: the last step's gradient health per layer (empty before any step).
        grads: the last step's dL/dW per layer (empty before any step).
    """

    def __init__(self, setup: Setup) -> None:
        import numpy as np

        from backprop_tui.engine import MLP, make_optimizer
        from backprop_tui.models.training import Training, blowup_limit

        self.setup = setup
        self.data = dataset(setup)
        net = MLP(
            setup.sizes, activations=setup.activations, loss=setup.loss, init=setup.init, seed=setup.seed,
            residual=setup.skips,
        )  # fmt: skip
        x = np.array(self.data.inputs, dtype=float)
        t = np.array(self.data.targets, dtype=float)
        self.start_loss = net.loss_at(x, t)
        # A loss past BLOWUP times its start (or times 1, if it starts lower) has run away, as in section 5.
        limit = blowup_limit(self.start_loss, floor=1.0)
        optimizer = make_optimizer(setup.optimizer, setup.lr, l2=setup.l2, clip=setup.clip)
        self.training = Training(net, x, t, optimizer, limit=limit)
        self.grad_history: list[list[float]] = [[] for _ in range(net.depth)]
        self.health: tuple[LayerHealth, ...] = ()
        self.grads: list[Any] = []
        self.lock = threading.RLock()
        self._current: tuple[int, float] = (0, self.start_loss)
        self._snapshot: tuple[tuple[int, int], Snapshot] | None = None

    @property
    def net(self) -> Any:
        """The network being trained (an engine ``MLP``)."""
        return self.training.net

    @property
    def limit(self) -> float:
        """A loss above this has run away: the run counts as diverged."""
        return self.training.limit

    @property
    def losses(self) -> list[float]:
        """The loss before each step's update (``losses[k]``: after k updates)."""
        return self.training.losses

    @property
    def steps(self) -> int:
        """Steps taken so far (the last may have stopped at a loss that ran away)."""
        return self.training.steps

    @property
    def diverged(self) -> bool:
        """True once the loss or a weight stopped being a finite number, or the loss passed :attr:`limit`.

        No more steps are taken after that.
        """
        return self.training.diverged

    def step(self) -> StepResult | None:
        """One step on the whole data set (forward, loss, backward, update); ``None`` once diverged."""
        from backprop_tui.engine.health import from_events

        with self.lock:
            result = self.training.step()
            if result is None:
                return None
            health = tuple(from_events(result.forward, result.backward, self.setup.activations))
            if health:
                for history, layer in zip(self.grad_history, health):
                    history.append(layer.magnitude)
                self.grads = [e.dL_dW for e in sorted(result.backward, key=lambda e: e.layer)]
            else:  # the forward pass already ran away: nothing was backpropagated
                for history in self.grad_history:
                    history.append(math.nan)
            self.health = health
            return StepResult(result.step, result.loss, health, result.over)

    def current_loss(self) -> float:
        """The loss with the weights as they are now (after the last update)."""
        with self.lock:
            if self._current[0] != self.net.step:
                self._current = (self.net.step, self.training.loss_now())
            return self._current[1]

    def curve(self) -> list[float]:
        """The loss after 0, 1, 2, … updates, up to now."""
        with self.lock:
            losses = list(self.losses)
            if self.diverged:
                return losses
            return [*losses, self.current_loss()] if losses else [self.start_loss]

    def right(self) -> tuple[int, int] | None:
        """How many samples a 0/1 data set gets right (output on the right side of 0.5), of how many."""
        if not self.data.classes or self.diverged:
            return None
        with self.lock:
            y = self.net.predict(self.training.x)
        hits = int(((y > 0.5) == (self.training.t > 0.5)).all(axis=1).sum())
        return hits, self.data.samples

    def snapshot(self) -> Snapshot:
        """The run as it stands now (waits for a step under way to finish): the same object until a
        step is taken, so that handing it on again costs nothing (a widget sees no change)."""
        with self.lock:
            key = (self.steps, self.net.step)
            if self._snapshot is None or self._snapshot[0] != key:
                self._snapshot = (key, self._take_snapshot())
            return self._snapshot[1]

    def _take_snapshot(self) -> Snapshot:
        with self.lock:
            diverged = self.diverged
            return Snapshot(
                sizes=self.setup.sizes,
                activations=self.setup.activations,
                skip_layers=self.setup.skip_layers,
                steps=self.steps,
                diverged=diverged,
                loss=math.nan if diverged else self.current_loss(),
                right=self.right(),
                curve=tuple(self.curve()),
                health=self.health,
                grad_history=tuple(tuple(h) for h in self.grad_history),
                weights=tuple(self.net.W),
                grads=tuple(self.grads),
            )
