"""Section 3's numbers: one forward pass of the lesson network, and each activation's curve.

:func:`lesson_anatomy` runs the lesson network forward once and keeps every
value the anatomy shows, by the names the section uses. :func:`activation_curve`
samples an activation and its derivative from the engine over z ∈ [−5, 5].

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from backprop_tui.engine.activations import get_activation
from backprop_tui.engine.events import ForwardEvent, LossEvent
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET

Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]

Z_RANGE = (-5.0, 5.0)
"""Where the activation curves are drawn."""
SAMPLES = 201
"""Points per curve: 0.05 apart, so z = 0 is sampled exactly."""


@dataclass(frozen=True, slots=True)
class Anatomy:
    """The lesson network's parameters and one forward pass, from the engine's events.

    ``W1[i][j]`` joins input i to hidden neuron j; ``W2[j][0]`` joins hidden neuron j to the output.
    """

    x: Vector
    W1: Matrix
    b1: Vector
    W2: Matrix
    b2: Vector
    z1: Vector
    a1: Vector
    z2: Vector
    output: Vector
    target: Vector
    loss: float

    def value(self, name: str) -> Vector | Matrix | float:
        """A field by its name in the anatomy (``"z1"``, ``"loss"`` …)."""
        value: Vector | Matrix | float = getattr(self, name)
        return value


def _vector(values: np.ndarray) -> Vector:
    return tuple(float(v) for v in np.ravel(values))


def _matrix(values: np.ndarray) -> Matrix:
    return tuple(_vector(row) for row in values)


@lru_cache(maxsize=1)
def lesson_anatomy() -> Anatomy:
    """The lesson network's forward pass (computed once)."""
    net = lesson_network()
    init = net.init_event()
    events = list(net.forward(LESSON_INPUT, LESSON_TARGET))
    hidden, out = (e for e in events if isinstance(e, ForwardEvent))
    loss = next(e for e in events if isinstance(e, LossEvent))
    first, second = init.params
    return Anatomy(
        x=tuple(LESSON_INPUT),
        W1=_matrix(first.W),
        b1=_vector(first.b),
        W2=_matrix(second.W),
        b2=_vector(second.b),
        z1=_vector(hidden.z),
        a1=_vector(hidden.a),
        z2=_vector(out.z),
        output=_vector(out.a),
        target=_vector(loss.target),
        loss=float(loss.loss),
    )


@dataclass(frozen=True, slots=True)
class ActivationCurve:
    """An activation and its derivative sampled over :data:`Z_RANGE`, and where its slope is largest.

    Attributes:
        name: the engine's name of the activation.
        z: the sample points.
        a: f(z).
        slope: f′(z), from the engine's derivative.
        top: the index of the largest slope (the first, if it is flat there).
        flat_from, flat_to: the first and last z at which the slope is at its largest
            (equal when the largest slope is reached at one point only).
    """

    name: str
    z: np.ndarray
    a: np.ndarray
    slope: np.ndarray
    top: int
    flat_from: float
    flat_to: float

    @property
    def max_slope(self) -> float:
        """The largest slope sampled."""
        return float(self.slope[self.top])

    @property
    def at(self) -> float:
        """The z of the largest slope."""
        return float(self.z[self.top])


@lru_cache(maxsize=16)
def activation_curve(name: str) -> ActivationCurve:
    """Sample ``name``'s activation and derivative from the engine (computed once per activation)."""
    act = get_activation(name)
    z = np.linspace(*Z_RANGE, SAMPLES)
    a = act.f(z)
    d = act.df(z, a)
    top = int(np.argmax(d))
    flat = np.flatnonzero(d >= d[top] - 1e-12)  # where the slope stays at its largest
    for arr in (z, a, d):
        arr.setflags(write=False)
    return ActivationCurve(name, z, a, d, top, float(z[flat[0]]), float(z[flat[-1]]))
