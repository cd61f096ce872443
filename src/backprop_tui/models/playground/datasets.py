"""What a playground network learns: XOR, a circle, a sine curve, or one sample of the learner's own."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Protocol

DATA_NAMES = ("xor", "circle", "sine", "custom")
"""The data sets: three built in, and the learner's own sample."""
CIRCLE_RADIUS = math.sqrt(2.0 / math.pi)
"""Half the square [−1, 1]² lies inside this radius."""
CIRCLE_SEED = 7


@dataclass(frozen=True, slots=True)
class DataSet:
    """Samples to learn: ``inputs[i]`` should give ``targets[i]``."""

    name: str
    inputs: tuple[tuple[float, ...], ...]
    targets: tuple[tuple[float, ...], ...]
    about: str
    classes: bool
    """True when the targets are 0/1 labels (so "how many right" makes sense)."""

    @property
    def samples(self) -> int:
        """How many samples."""
        return len(self.inputs)

    @property
    def n_in(self) -> int:
        """Values per input (the input layer's size)."""
        return len(self.inputs[0])

    @property
    def n_out(self) -> int:
        """Values per target (the output layer's size)."""
        return len(self.targets[0])

    @property
    def target_range(self) -> tuple[float, float]:
        """The smallest and largest target value."""
        values = [v for row in self.targets for v in row]
        return min(values), max(values)

    def size_text(self) -> str:
        """``4 samples · 2 in → 1 out``."""
        s = "s" if self.samples != 1 else ""
        return f"{self.samples} sample{s} · {self.n_in} in → {self.n_out} out"


def _xor() -> DataSet:
    inputs = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
    return DataSet("xor", inputs, ((0.0,), (1.0,), (1.0,), (0.0,)), "1 when exactly one input is 1", True)


def _circle() -> DataSet:
    """40 points of [−1, 1]², 20 inside the circle (target 1) and 20 outside, from a fixed seed."""
    rng = random.Random(CIRCLE_SEED)
    inside: list[tuple[float, float]] = []
    outside: list[tuple[float, float]] = []
    while len(inside) < 20 or len(outside) < 20:
        x, y = round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)
        pile = inside if math.hypot(x, y) < CIRCLE_RADIUS else outside
        if len(pile) < 20:
            pile.append((x, y))
    inputs = tuple(p for pair in zip(inside, outside) for p in pair)
    targets = tuple((1.0,) if i % 2 == 0 else (0.0,) for i in range(len(inputs)))
    return DataSet("circle", inputs, targets, "1 inside a circle, 0 outside", True)


def _sine() -> DataSet:
    """20 evenly spaced x on [−π, π] and sin x."""
    xs = [-math.pi + 2 * math.pi * i / 19 for i in range(20)]
    targets = tuple((math.sin(x),) for x in xs)
    return DataSet("sine", tuple((x,) for x in xs), targets, "sin x for x from −π to π", False)


DATASETS: dict[str, DataSet] = {d.name: d for d in (_xor(), _circle(), _sine())}
"""The built-in data sets by name."""


class ChoosesData(Protocol):
    """What picks a data set: its name, and the sample used when it is ``custom``."""

    @property
    def data(self) -> str: ...
    @property
    def inputs(self) -> tuple[float, ...]: ...
    @property
    def target(self) -> tuple[float, ...]: ...


def dataset(setup: ChoosesData) -> DataSet:
    """The samples ``setup`` trains on."""
    if setup.data == "custom":
        return DataSet("custom", (setup.inputs,), (setup.target,), "your own sample", False)
    return DATASETS[setup.data]
