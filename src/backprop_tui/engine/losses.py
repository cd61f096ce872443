"""Loss functions: mean squared error and binary cross-entropy.

Both sum over the output neurons and average over the samples of a batch
(one sample: no averaging). With ``y`` the prediction and ``t`` the target:

* ``mse = Σ 0.5·(y − t)²`` so ``dL/dy = y − t``;
* ``bce = −Σ [t·log y + (1 − t)·log(1 − y)]`` so ``dL/dy = (y − t) / (y·(1 − y))``.

bce is only defined here on a sigmoid output. It is computed from the
output's pre-activation ``z`` (``bce = Σ softplus(z) − t·z``), which is exact
and never takes the log of 0; for the same reason the gradient at the output
uses ``dL/dz = y − t`` directly instead of ``dL/dy · σ′(z)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.names import LOSS_NAMES

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class Loss:
    """A loss function over a batch.

    Attributes:
        name: the id used on the command line and in traces.
        formula: the loss for one sample, as a learner reads it.
        value: ``(y, z, t) -> L`` averaged over the batch (rows).
        dL_dy: ``(y, z, t) -> ∂L/∂y`` for each sample (not divided by the batch size).
        dL_dz: ``(y, z, t) -> ∂L/∂z`` for each sample, when the loss requires a
            particular output activation and fuses with it; else ``None``.
        requires_output: the output activation this loss requires, if any.
    """

    name: str
    formula: str
    value: Callable[[Array, Array, Array], float]
    dL_dy: Callable[[Array, Array, Array], Array]
    dL_dz: Callable[[Array, Array, Array], Array] | None = None
    requires_output: str | None = None


def mse_value(y: Array, z: Array, t: Array) -> float:
    """Σ 0.5·(y − t)² over outputs, averaged over samples."""
    d = y - t
    return 0.5 * float(np.vdot(d, d)) / y.shape[0]


def mse_dL_dy(y: Array, z: Array, t: Array) -> Array:
    """∂/∂y of 0.5·(y − t)² = y − t."""
    return y - t


def bce_value(y: Array, z: Array, t: Array) -> float:
    """−Σ [t·log σ(z) + (1 − t)·log(1 − σ(z))] = Σ [softplus(z) − t·z], averaged over samples."""
    return float(np.sum(np.logaddexp(0.0, z) - t * z) / y.shape[0])


def bce_dL_dy(y: Array, z: Array, t: Array) -> Array:
    """(y − t) / (y·(1 − y)), with 1/(σ(z)·σ(−z)) = 2 + e^z + e^−z so that y = 0 or 1 is no division by 0."""
    return (y - t) * (2.0 + np.exp(z) + np.exp(-z))


def bce_dL_dz(y: Array, z: Array, t: Array) -> Array:
    """Through the sigmoid: (y − t)/(y·(1 − y)) · y·(1 − y) = y − t."""
    return y - t


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", "L = Σ ½·(y − t)²", mse_value, mse_dL_dy),
    "bce": Loss(
        "bce",
        "L = −Σ [t·log y + (1 − t)·log(1 − y)]",
        bce_value,
        bce_dL_dy,
        dL_dz=bce_dL_dz,
        requires_output="sigmoid",
    ),
}
"""Every loss by name."""
assert tuple(LOSSES) == LOSS_NAMES


def get_loss(name: str) -> Loss:
    """The loss called ``name``; ``ValueError`` naming the choices otherwise."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r} (choose from {', '.join(LOSS_NAMES)})") from None
