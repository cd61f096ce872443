"""Where a network starts: its sizes checked, and its first weights drawn.

numpy only. Every initialisation draws from a generator seeded with the
network's seed, so the same seed gives the same weights on any machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from backprop_tui.engine import presets
from backprop_tui.engine.names import INIT_NAMES, MAX_LAYERS, MAX_WIDTH

Array = np.ndarray


INITS: dict[str, str] = {
    "lesson": "the lesson's fixed weights (2-2-1 only)",
    "xavier": "Glorot uniform: U(±√(6/(n_in+n_out))), zero biases",
    "he": "Kaiming normal: N(0, √(2/n_in)), zero biases",
    "normal": "naive N(0, 1), zero biases",
    "uniform": "naive U(−1, 1), zero biases",
}
"""Every initialisation by name, with what it draws."""
assert tuple(INITS) == INIT_NAMES


def check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` as a tuple, or ``ValueError`` saying what is wrong with it."""
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2:
        raise ValueError("a network needs at least an input size and an output size")
    if len(sizes) - 1 > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers (got {len(sizes) - 1})")
    for n in sizes:
        if not 1 <= n <= MAX_WIDTH:
            raise ValueError(f"every layer needs 1 to {MAX_WIDTH} neurons (got {n})")
    return sizes


def init_params(sizes: Sequence[int], init: str, seed: int) -> list[tuple[Array, Array]]:
    """Fresh ``(W, b)`` for each layer, drawn by ``init`` from a generator seeded with ``seed``."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r} (choose from {', '.join(INIT_NAMES)})")
    if init == "lesson":
        if tuple(sizes) != presets.LESSON_LAYERS:
            shape = ",".join(map(str, presets.LESSON_LAYERS))
            raise ValueError(f"the lesson init only fits layers {shape}")
        return [
            (np.array(presets.LESSON_W1, dtype=float), np.array(presets.LESSON_B1, dtype=float)),
            (np.array(presets.LESSON_W2, dtype=float), np.array(presets.LESSON_B2, dtype=float)),
        ]
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        size = (n_in, n_out)
        if init == "xavier":
            limit = math.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-limit, limit, size)
        elif init == "he":
            W = rng.normal(0.0, math.sqrt(2.0 / n_in), size)
        elif init == "normal":
            W = rng.normal(0.0, 1.0, size)
        else:
            W = rng.uniform(-1.0, 1.0, size)
        params.append((W, np.zeros(n_out)))
    return params
