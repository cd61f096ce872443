"""Optimisers, L2 and gradient clipping.

One update of the parameters ``p`` (every ``W`` and ``b``, in layer order)
from the backpropagated gradients ``g`` goes, in this order:

1. L2: ``g_W ← g_W + λ·W`` for every weight matrix (biases excluded);
2. clipping: with ``n = √(Σ g²)`` over every W and b, if ``c = max_norm / (n + 1e-6)``
   is below 1, every ``g ← c·g`` (as PyTorch's ``clip_grad_norm_``);
3. the optimiser's rule, with PyTorch's default hyperparameters:

   * sgd:      ``p ← p − α·g``
   * momentum: ``v ← 0.9·v + g`` (``v = g`` on the first step); ``p ← p − α·v``
   * rmsprop:  ``s ← 0.99·s + 0.01·g²``; ``p ← p − α·g / (√s + 1e-8)``
   * adam:     ``m ← 0.9·m + 0.1·g``; ``v ← 0.999·v + 0.001·g²``;
     ``p ← p − α·m̂ / (√v̂ + 1e-8)`` with ``m̂ = m/(1 − 0.9ᵗ)``, ``v̂ = v/(1 − 0.999ᵗ)``

The optimiser keeps its state (``v``, ``s``, ``m``, ``t``) between steps. It
never changes an array it was given: new parameters are new arrays, so
events that hold the old ones stay true.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backprop_tui.engine.names import OPTIMIZERS

Array = np.ndarray

MOMENTUM = 0.9
RMSPROP_ALPHA = 0.99
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
EPS = 1e-8
CLIP_EPS = 1e-6


@dataclass
class Optimizer:
    """An optimiser with its hyperparameters and its state.

    Attributes:
        kind: one of :data:`OPTIMIZERS`.
        lr: the learning rate α (> 0).
        l2: λ of the L2 penalty ½·λ·ΣW² (0 = off).
        clip: the largest global gradient norm allowed (``None`` = off).
        t: how many steps this optimiser has taken.
        last_norm: the global gradient norm of the last step, after L2 and before clipping.
    """

    kind: str = "sgd"
    lr: float = 0.5
    l2: float = 0.0
    clip: float | None = None
    t: int = 0
    last_norm: float = 0.0
    _state: list[list[Array]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.kind!r} (choose from {', '.join(OPTIMIZERS)})")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {self.lr!r}")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be zero or a positive number, got {self.l2!r}")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise ValueError(f"clip must be a positive number, got {self.clip!r}")

    def reset(self) -> None:
        """Forget the state (moments, step count), as a fresh optimiser."""
        self.t = 0
        self.last_norm = 0.0
        self._state = []

    def effective_gradients(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """The gradients after L2 and clipping (steps 1 and 2); sets :attr:`last_norm`.

        ``params`` and ``grads`` alternate ``W, b, W, b, …`` so even indices are weights.
        """
        if self.l2:
            grads = [g + self.l2 * p if i % 2 == 0 else g for i, (p, g) in enumerate(zip(params, grads))]
        else:
            grads = list(grads)
        total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
        self.last_norm = total
        if self.clip is not None:
            coef = self.clip / (total + CLIP_EPS)
            if coef < 1.0:
                grads = [g * coef for g in grads]
        return grads

    def step(self, params: Sequence[Array], grads: Sequence[Array]) -> list[Array]:
        """New parameters from ``params`` and their gradients ``grads`` (one step)."""
        grads = self.effective_gradients(params, grads)
        self.t += 1
        lr = self.lr
        kind = self.kind
        if kind == "sgd":
            return [_descend(p, g, lr) for p, g in zip(params, grads)]
        if not self._state:
            self._state = [[np.zeros_like(p) for p in params] for _ in range(2 if kind == "adam" else 1)]
        if kind == "momentum":
            (bufs,) = self._state
            out = []
            for i, (p, g) in enumerate(zip(params, grads)):
                buf = bufs[i]
                buf *= MOMENTUM
                buf += g
                out.append(_descend(p, buf, lr))
            return out
        if kind == "rmsprop":
            (sq,) = self._state
            out = []
            for i, (p, g) in enumerate(zip(params, grads)):
                s = sq[i]
                s *= RMSPROP_ALPHA
                s += (1.0 - RMSPROP_ALPHA) * g * g
                out.append(p - lr * g / (np.sqrt(s) + EPS))
            return out
        # adam
        m1, m2 = self._state
        c1 = 1.0 - ADAM_BETA1**self.t
        c2 = 1.0 - ADAM_BETA2**self.t
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            m, v = m1[i], m2[i]
            m *= ADAM_BETA1
            m += (1.0 - ADAM_BETA1) * g
            v *= ADAM_BETA2
            v += (1.0 - ADAM_BETA2) * g * g
            out.append(p - lr * (m / c1) / (np.sqrt(v / c2) + EPS))
        return out


def _descend(p: Array, g: Array, lr: float) -> Array:
    """``p − lr·g`` as a new array, with one temporary fewer than the expression (big nets feel it)."""
    out = g * -lr
    out += p
    return out


def make_optimizer(kind: str = "sgd", lr: float = 0.5, *, l2: float = 0.0, clip: float | None = None) -> Optimizer:
    """A fresh optimiser (``ValueError`` with a plain message for a bad setting)."""
    return Optimizer(kind=kind, lr=lr, l2=l2, clip=clip)
