"""Section 4's typed exercises on each learner's own numbers, and how to mark an answer.

Every learner keeps the lesson network's weights but gets their own inputs and
target, drawn from a hash of their name (:func:`draw`): the same name always
gets the same numbers, on any machine, and neighbours get different ones. The
guided walk keeps the source lesson's numbers; only the exercises use these.

Each exercise is a :class:`Problem`: the right value, worked out by the engine
on the learner's network, and the values that typical slips give (a missing
σ′, a flipped sign, the wrong input, forgetting α …), each under a ``kind``
that :mod:`backprop_tui.lesson.exercises` turns into a hint. A draw is kept
only if every slip lands well away from the right answer and from every other
slip, so a wrong answer is never marked right and each hint names its own slip.

numpy only (through :mod:`.lesson`): no Textual, no Rich.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from backprop_tui.engine.presets import LESSON_INPUT, LESSON_LR, LESSON_TARGET
from backprop_tui.models.lesson import Walk, lesson_walk

ABS_TOL = 5e-5
"""An answer may be off by this much (rounding to 4 decimals) …"""
REL_TOL = 0.03
"""… plus this share of its size (a hand calculation with rounded factors)."""
ALPHA = LESSON_LR
"""The learning rate of the update exercise (the lesson's own)."""
MIN_ERROR = 0.15
"""A draw's prediction misses its target by at least this much: every gradient is worth computing."""
MIN_ANSWER = 0.0005
"""Every answer of a draw is at least this large: it shows at 4 decimals."""
MAX_DRAWS = 10_000
"""Draws tried for one name before giving up (a few are enough: see the tests)."""


def tolerance(size: float) -> float:
    """How far a typed answer may be from a value of ``size``: rounding, plus 3 % of it."""
    return ABS_TOL + REL_TOL * abs(size)


@dataclass(frozen=True, slots=True)
class Problem:
    """One exercise on the learner's numbers.

    Attributes:
        id: the exercise's id (see :data:`backprop_tui.lesson.exercises.EXERCISES`).
        want: the right answer, from the engine.
        mistakes: ``(kind, value)`` for each slip the hints know, tried in this order.
        scale: the size the 3 % tolerance is taken of; ``None``: of the value compared with.
            (A new weight is marked by the size of its step, not of the weight.)
    """

    id: str
    want: float
    mistakes: tuple[tuple[str, float], ...]
    scale: float | None = None

    def tolerance(self, value: float) -> float:
        """How close an answer must come to ``value`` to count as it."""
        return tolerance(value if self.scale is None else self.scale)

    def is_right(self, answer: float) -> bool:
        """Whether ``answer`` is the right value, within rounding of a careful hand calculation."""
        return abs(answer - self.want) <= self.tolerance(self.want)

    def mistake(self, answer: float) -> str | None:
        """The kind of the first slip that ``answer`` matches, or ``None``."""
        for kind, value in self.mistakes:
            if abs(answer - value) <= self.tolerance(value):
                return kind
        return None

    def value_of(self, kind: str) -> float:
        """The value the slip ``kind`` gives."""
        return dict(self.mistakes)[kind]

    def well_separated(self) -> bool:
        """Every slip far from the right answer (twice both tolerances) and from every other slip."""
        want = self.want
        if abs(want) < MIN_ANSWER:
            return False
        values = [v for _, v in self.mistakes]
        if any(abs(v - want) <= 2 * (self.tolerance(v) + self.tolerance(want)) for v in values):
            return False
        return all(
            abs(a - b) > self.tolerance(a) + self.tolerance(b) for i, a in enumerate(values) for b in values[i + 1:]
        )


@dataclass(frozen=True, slots=True)
class Exercises:
    """A learner's exercises: their network's forward and backward pass and one problem per exercise.

    ``walk`` is the lesson network run on the learner's own ``x`` and ``target`` (same weights);
    ``draw`` counts the draws tried before this one was kept.
    """

    name: str
    walk: Walk
    problems: dict[str, Problem]
    alpha: float = ALPHA
    draw: int = 0

    def __getitem__(self, exercise_id: str) -> Problem:
        return self.problems[exercise_id]


def draw(name: str, attempt: int = 0) -> tuple[tuple[float, float], float]:
    """Inputs and target for ``name``'s ``attempt``-th draw, from SHA-256 (stable everywhere).

    Inputs are ±0.10 … ±0.95 and the target 0.00 … 1.00, with two decimals like the lesson's own.
    """
    digest = hashlib.sha256(f"backprop-tui exercises\n{name}\n{attempt}".encode()).digest()
    n = [int.from_bytes(digest[i:i + 4], "big") for i in range(0, 16, 4)]
    x1 = (10 + n[0] % 86) / 100 * (1 if n[3] & 1 else -1)
    x2 = (10 + n[1] % 86) / 100 * (1 if n[3] & 2 else -1)
    return (x1, x2), (n[2] % 101) / 100


def problems(walk: Walk, alpha: float = ALPHA) -> dict[str, Problem]:
    """The five problems on ``walk``'s numbers, each with the slips its hints name."""
    g, x, a, s = walk.grads, walk.x, walk.a1, walk.sigma_prime
    d, da, dz = walk.dL_dy, walk.dL_da1, walk.dL_dz1
    v1 = walk.params["v1"]
    step = alpha * g["v1"]
    return {
        "backward-v1": Problem("backward-v1", g["v1"], (
            ("sign", -g["v1"]),
            ("no-input", d),
            ("other-unit", d * a[1]),
            ("input-x", d * x[0]),
            ("weight", d * v1),
        )),
        "backward-dz-h1": Problem("backward-dz-h1", dz[0], (
            ("sign", -dz[0]),
            ("no-sigma", da[0]),
            ("sigma-as-a", da[0] * a[0]),
            ("sigma-one-minus-a", da[0] * (1 - a[0])),
            ("no-weight", d * s[0]),
            ("other-unit", dz[1]),
        )),
        "backward-w11": Problem("backward-w11", g["w11"], (
            ("sign", -g["w11"]),
            ("no-sigma", da[0] * x[0]),
            ("sigma-as-a", da[0] * a[0] * x[0]),
            ("no-input", dz[0]),
            ("wrong-input", dz[0] * x[1]),
            ("stopped", da[0]),
        )),
        "backward-w12": Problem("backward-w12", g["w12"], (
            ("sign", -g["w12"]),
            ("other-unit", dz[0] * x[0]),
            ("swapped", dz[0] * x[1]),
            ("wrong-input", dz[1] * x[1]),
            ("no-sigma", da[1] * x[0]),
            ("no-weight", d * s[1] * x[0]),
            ("no-input", dz[1]),
        )),
        "backward-update": Problem("backward-update", v1 - step, (
            ("sign", v1 + step),
            ("no-alpha", v1 - g["v1"]),
            ("divided", v1 - g["v1"] / alpha),
            ("change", -step),
            ("step", step),
        ), scale=step),
    }


def for_learner(name: str) -> Exercises:
    """``name``'s exercises: the first draw whose slips are all told apart (and not the lesson's own numbers)."""
    for attempt in range(MAX_DRAWS):
        x, target = draw(name, attempt)
        if (x, (target,)) == (LESSON_INPUT, LESSON_TARGET):
            continue
        walk = lesson_walk(x, (target,))
        if abs(walk.dL_dy) < MIN_ERROR:
            continue
        found = problems(walk)
        if all(p.well_separated() for p in found.values()):
            return Exercises(name, walk, found, ALPHA, attempt)
    raise RuntimeError(f"no usable draw for {name!r}")  # pragma: no cover - the tests try many names
