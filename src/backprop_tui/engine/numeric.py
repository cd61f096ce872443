"""Gradients by brute force: central finite differences, for the learner to compare with backprop.

Each parameter is nudged by ±h in turn and the loss evaluated twice, so the
cost is two forward passes per parameter: fine for the lesson's nine
parameters, not for training. The network is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from backprop_tui.engine.network import MLP

STEP = 1e-6
"""The nudge h: small enough for the slope, large enough to stay clear of rounding."""


def numerical_gradients(
    net: MLP, x: np.ndarray | Sequence[float], t: np.ndarray | Sequence[float], h: float = STEP
) -> list[np.ndarray]:
    """``[dL/dW1, dL/db1, …]`` by ``(L(p + h) − L(p − h)) / 2h`` for every parameter ``p``."""
    layers = [(np.array(W), np.array(b)) for W, b in zip(net.W, net.b)]
    out: list[np.ndarray] = []
    try:
        for l in range(len(layers)):
            for k in (0, 1):  # W, then b
                base = layers[l][k]
                grad = np.zeros_like(base)
                for idx in np.ndindex(base.shape):
                    keep = base[idx]
                    losses = []
                    for sign in (1.0, -1.0):
                        base[idx] = keep + sign * h
                        net.set_params(layers)
                        losses.append(net.loss_at(x, t))
                    base[idx] = keep
                    grad[idx] = (losses[0] - losses[1]) / (2.0 * h)
                out.append(grad)
    finally:
        net.set_params(layers)
    return out
