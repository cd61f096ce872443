"""Section 4's numbers: the lesson network walked backward, updated, and trained.

:func:`lesson_walk` runs the 2-2-1 lesson network forward and backward once
and keeps every value the section shows under the names the learner reads
(w11 … bo), with the brute-force gradients of :mod:`backprop_tui.engine.numeric`
beside the engine's. :func:`lesson_update` takes one SGD step, and
:func:`lesson_losses` a run of them, through the one training loop.
:func:`lesson_run` is the section's "keep training" run, stopped and labelled
by the same rules as section 5's sweep, so the two sections never disagree
about what a learning rate did. :func:`matrix_pass` is the same backward pass
as matrix products, and :func:`nudge` moves one parameter by hand and reruns
the network forward, so that ΔL ≈ ∂L/∂w·Δw can be seen to hold.

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backprop_tui.engine.activations import get_activation
from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.numeric import STEP as NUDGE_H
from backprop_tui.engine.numeric import numerical_gradients
from backprop_tui.engine.optim import make_optimizer
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_PARAMS, LESSON_TARGET
from backprop_tui.models.training import Training

PARAMS = LESSON_PARAMS
"""The nine parameters in the order the section lists them."""

FD_STEP = NUDGE_H
"""The nudge h of the brute-force gradients in :attr:`Walk.numeric`: (L(w + h) − L(w − h)) / 2h."""

PLACES: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "w11": (0, 0, (0, 0)), "w12": (0, 0, (0, 1)), "w21": (0, 0, (1, 0)), "w22": (0, 0, (1, 1)),
    "bh1": (0, 1, (0,)), "bh2": (0, 1, (1,)), "v1": (1, 0, (0, 0)), "v2": (1, 0, (1, 0)), "bo": (1, 1, (0,)),
}
"""Where each named parameter lives: (layer − 1, 0 for W or 1 for b, index)."""


@dataclass(frozen=True, slots=True)
class Walk:
    """One forward and backward pass of the lesson network, as the section shows it.

    Lists are per neuron (hidden: two entries); ``params`` and ``grads`` map
    the names of :data:`PARAMS` to values; ``numeric`` holds the
    finite-difference gradients under the same names.
    """

    x: tuple[float, float]
    target: float
    z1: tuple[float, float]
    a1: tuple[float, float]
    y: float
    loss: float
    dL_dy: float
    dL_da1: tuple[float, float]
    sigma_prime: tuple[float, float]
    dL_dz1: tuple[float, float]
    params: dict[str, float] = field(default_factory=dict)
    grads: dict[str, float] = field(default_factory=dict)
    numeric: dict[str, float] = field(default_factory=dict)


def _named(W1, b1, W2, b2) -> dict[str, float]:  # noqa: ANN001 - numpy arrays
    """The nine numbers of a layer pair under their names."""
    return {
        "w11": float(W1[0][0]), "w12": float(W1[0][1]), "w21": float(W1[1][0]), "w22": float(W1[1][1]),
        "bh1": float(b1[0]), "bh2": float(b1[1]), "v1": float(W2[0][0]), "v2": float(W2[1][0]), "bo": float(b2[0]),
    }


def lesson_walk(x: Sequence[float] = LESSON_INPUT, target: Sequence[float] = LESSON_TARGET) -> Walk:
    """Run the lesson network forward and backward once on ``x`` and ``target`` (by default the
    source lesson's) and collect what the section shows."""
    net = lesson_network()
    init = net.init_event()
    events = [*net.forward(x, target), *net.backward()]
    hidden, _out = (e for e in events if isinstance(e, ForwardEvent))
    loss = next(e for e in events if isinstance(e, LossEvent))
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    sigma_prime = get_activation("sigmoid").df(hidden.z, hidden.a)
    numeric = numerical_gradients(net, x, target)
    p1, p2 = init.params
    return Walk(
        x=(float(x[0]), float(x[1])),
        target=float(loss.target[0]),
        z1=tuple(hidden.z.tolist()),
        a1=tuple(hidden.a.tolist()),
        y=float(loss.prediction[0]),
        loss=loss.loss,
        dL_dy=float(back[2].dL_da[0]),
        dL_da1=tuple(back[1].dL_da.tolist()),
        sigma_prime=tuple(sigma_prime.tolist()),
        dL_dz1=tuple(back[1].dL_dz.tolist()),
        params=_named(p1.W, p1.b, p2.W, p2.b),
        grads=_named(back[1].dL_dW, back[1].dL_db, back[2].dL_dW, back[2].dL_db),
        numeric=_named(*numeric),
    )


@dataclass(frozen=True, slots=True)
class Update:
    """One SGD step of the lesson network at ``alpha``: new parameters and the loss before and after."""

    alpha: float
    new: dict[str, float]
    loss_before: float
    loss_after: float
    diverged: bool


def lesson_update(alpha: float) -> Update:
    """The lesson network after one SGD step at ``alpha`` (from the engine's update events)."""
    run = Training(lesson_network(), LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", alpha))
    first = run.step()
    assert first is not None
    upd = {e.layer: e for e in first.update}
    after = next(e for e in run.net.forward(LESSON_INPUT, LESSON_TARGET) if isinstance(e, LossEvent))
    return Update(alpha, _named(upd[1].W, upd[1].b, upd[2].W, upd[2].b), first.loss, after.loss, after.diverged)


def lesson_losses(alpha: float, steps: int) -> list[float]:
    """The loss before each of ``steps`` SGD steps at ``alpha`` and after the last (stops if it diverges)."""
    run = Training(lesson_network(), LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", alpha))
    for _ in run.run(steps):
        pass
    return list(run.losses) if run.diverged else [*run.losses, run.loss_now()]


@dataclass(frozen=True, slots=True)
class LessonRun:
    """Section 4's training run: SGD at ``alpha`` from the lesson's start, as section 5 would judge it.

    Attributes:
        alpha: the learning rate.
        losses: the loss at the start and after each step taken (``losses[k]``: after ``k`` steps).
        diverged: the run was stopped: its loss stopped being a number or passed ``BLOWUP``
            times its start (the last loss is the one that did).
        label: what the run did, by :func:`backprop_tui.models.sweep.label_run`.
    """

    alpha: float
    losses: tuple[float, ...]
    diverged: bool
    label: str

    @property
    def steps(self) -> int:
        """Steps taken (the last loss is the one after them)."""
        return len(self.losses) - 1


def lesson_run(alpha: float, steps: int) -> LessonRun:
    """``steps`` SGD steps at ``alpha`` on the lesson network (fewer if it diverges), labelled.

    It is section 5's run (:func:`backprop_tui.models.sweep.train_run`) one step longer: the loss
    a step sees before its update is the loss after the steps before it.
    """
    from backprop_tui.models.sweep import label_run, train_run

    run = train_run(alpha, steps + 1)
    return LessonRun(float(alpha), run.losses, run.diverged, label_run(run.losses, run.diverged))


@dataclass(frozen=True, slots=True)
class MatrixPass:
    """The lesson network's backward pass as matrix products, one sample as a row (z = a·W + b).

    Shapes: ``x`` and ``a1`` are 1×2, ``W1`` 2×2 (row i: input i, column j: hidden neuron j),
    ``W2`` 2×1, ``delta2`` = ∂L/∂z2 1×1, ``back`` = δ2·W2ᵀ = ∂L/∂a1 1×2, ``sigma_prime`` = σ′(z1)
    1×2, ``delta1`` = ∂L/∂z1 1×2, ``dW2`` = a1ᵀ·δ2 2×1 and ``dW1`` = xᵀ·δ1 2×2.
    """

    x: np.ndarray
    a1: np.ndarray
    W2: np.ndarray
    delta2: np.ndarray
    dW2: np.ndarray
    back: np.ndarray
    sigma_prime: np.ndarray
    delta1: np.ndarray
    dW1: np.ndarray


def matrix_pass(walk: Walk) -> MatrixPass:
    """The four matrix formulas of backprop computed from ``walk``'s forward values alone.

    δ2 = ŷ − t holds because the loss is ½(ŷ − t)² and the output is linear (ŷ = z2);
    then ∂L/∂W2 = a1ᵀ·δ2, δ1 = (δ2·W2ᵀ) ⊙ σ′(z1) with σ′ = a(1 − a), ∂L/∂W1 = xᵀ·δ1.
    """
    p = walk.params
    x = np.array([walk.x])
    a1 = np.array([walk.a1])
    W2 = np.array([[p["v1"]], [p["v2"]]])
    delta2 = np.array([[walk.y - walk.target]])
    back = delta2 @ W2.T
    sigma_prime = a1 * (1.0 - a1)
    delta1 = back * sigma_prime
    return MatrixPass(x, a1, W2, delta2, a1.T @ delta2, back, sigma_prime, delta1, x.T @ delta1)


@dataclass(frozen=True, slots=True)
class Nudge:
    """One parameter moved by ``delta`` by hand, and the network run forward again.

    ``gradient`` is the engine's ∂L/∂(that parameter) before the nudge; ``predicted`` is
    gradient × delta, what the slope says the loss will do.
    """

    name: str
    delta: float
    gradient: float
    loss_before: float
    loss_after: float

    @property
    def change(self) -> float:
        """ΔL, the loss after the nudge minus the loss before."""
        return self.loss_after - self.loss_before

    @property
    def predicted(self) -> float:
        """∂L/∂w × Δw: the change the gradient predicts."""
        return self.gradient * self.delta


def nudge(name: str, delta: float, x: Sequence[float] = LESSON_INPUT, target: Sequence[float] = LESSON_TARGET) -> Nudge:
    """The lesson network's loss on ``x``, ``target`` before and after adding ``delta`` to the parameter ``name``."""
    net = lesson_network()
    grads = net.gradients(x, target)
    layer, which, index = PLACES[name]
    before = net.loss_at(x, target)
    params = [(np.array(W), np.array(b)) for W, b in zip(net.W, net.b)]
    params[layer][which][index] += delta
    net.set_params(params)
    return Nudge(name, float(delta), float(grads[2 * layer + which][index]), before, net.loss_at(x, target))
