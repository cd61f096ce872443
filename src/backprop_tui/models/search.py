"""Guessing against the gradient: random steps of a network's weights beside one gradient step.

Section 1 says why nobody trains a network by trying random changes. The
claim is checked here on a real network (the engine's, with a few hundred
weights and a batch of examples): every random step has exactly the length
of one gradient step, in a direction drawn uniformly at random, and is tried
from the same starting weights.

What comes out is what the section says: about half of the random steps do
lower the loss (a small step in a random direction is downhill half the
time), but each lowers it by a sliver of what the gradient step does, and
each costs a forward pass to find out, where one forward and one backward
pass give every weight's gradient at once.

numpy only: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.network import MLP

SIZES = (8, 16, 16, 1)
"""The network raced: 8 inputs, two hidden layers of 16 (tanh), one output."""
BATCH = 32
"""Examples in the batch the loss is measured on."""
TRIES = 200
"""Random steps tried."""
STEP = 0.05
"""The length of every step (of the whole weight vector), random or along the gradient."""


@dataclass(frozen=True, slots=True)
class Race:
    """Random steps against one gradient step, all of length :data:`STEP` from the same weights.

    Attributes:
        weights: how many numbers the network learns.
        loss: the loss before any step.
        tries: random steps tried (each one forward pass).
        lowered: how many of them lowered the loss.
        best_drop: the largest drop in loss any random step gave.
        typical_drop: the median drop among the random steps that lowered it.
        gradient_drop: the drop in loss of the one gradient step.
    """

    weights: int
    loss: float
    tries: int
    lowered: int
    best_drop: float
    typical_drop: float
    gradient_drop: float


def race(tries: int = TRIES, seed: int = 0) -> Race:
    """Random steps against the gradient step on the :data:`SIZES` network (seeded: the same every time)."""
    rng = np.random.default_rng(seed)
    net = MLP(SIZES, "tanh", "linear", "mse", "xavier", seed)
    x = rng.normal(size=(BATCH, SIZES[0]))
    t = np.tanh(x @ rng.normal(size=(SIZES[0], SIZES[-1])))  # a target the network can learn
    start = [p.copy() for p in net.params()]
    shapes = [p.shape for p in start]
    flat = np.concatenate([p.ravel() for p in start])
    loss = net.loss_at(x, t)

    def loss_after(direction: np.ndarray) -> float:
        moved = flat + STEP * direction / np.linalg.norm(direction)
        parts, i = [], 0
        for shape in shapes:
            n = int(np.prod(shape))
            parts.append(moved[i : i + n].reshape(shape))
            i += n
        net.set_params(list(zip(parts[0::2], parts[1::2])))
        return net.loss_at(x, t)

    drops = np.array([loss - loss_after(rng.normal(size=flat.size)) for _ in range(tries)])
    net.set_params(list(zip(start[0::2], start[1::2])))
    gradient = np.concatenate([g.ravel() for g in net.gradients(x, t)])
    gradient_drop = loss - loss_after(-gradient)
    better = drops[drops > 0]
    return Race(
        weights=int(flat.size),
        loss=float(loss),
        tries=tries,
        lowered=int(better.size),
        best_drop=float(drops.max()),
        typical_drop=float(np.median(better)) if better.size else 0.0,
        gradient_drop=float(gradient_drop),
    )
