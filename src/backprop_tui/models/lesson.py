"""Section 4's numbers: the lesson network walked backward, updated, and trained.

:func:`lesson_walk` runs the 2-2-1 lesson network forward and backward once
and keeps every value the section shows under the names the learner reads
(w11 … bo), with the brute-force gradients of :mod:`backprop_tui.engine.numeric`
beside the engine's. :func:`lesson_update` takes one SGD step, and
:func:`lesson_losses` a run of them, through the one training loop.
:func:`lesson_run` is the section's "keep training" run, stopped and labelled
by the same rules as section 5's sweep, so the two sections never disagree
about what a learning rate did.

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backprop_tui.engine.activations import get_activation
from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.numeric import numerical_gradients
from backprop_tui.engine.optim import make_optimizer
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_PARAMS, LESSON_TARGET
from backprop_tui.models.training import Training

PARAMS = LESSON_PARAMS
"""The nine parameters in the order the section lists them."""


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


def lesson_walk() -> Walk:
    """Run the lesson network forward and backward once and collect what the section shows."""
    net = lesson_network()
    init = net.init_event()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    hidden, _out = (e for e in events if isinstance(e, ForwardEvent))
    loss = next(e for e in events if isinstance(e, LossEvent))
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    sigma_prime = get_activation("sigmoid").df(hidden.z, hidden.a)
    numeric = numerical_gradients(net, LESSON_INPUT, LESSON_TARGET)
    p1, p2 = init.params
    return Walk(
        x=(float(LESSON_INPUT[0]), float(LESSON_INPUT[1])),
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
