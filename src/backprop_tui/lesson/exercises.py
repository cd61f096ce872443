"""The typed-answer exercises of section 4, in the order the lesson asks for them.

Each id is the exercise's key in the learner's progress: never rename one, or
the learners who solved it lose it. The title names what the learner types.
"""

from __future__ import annotations

from typing import NamedTuple


class Exercise(NamedTuple):
    """One typed-answer exercise: its id in progress and what it asks for, in words."""

    id: str
    title: str


EXERCISES: tuple[Exercise, ...] = (
    Exercise("backward-v1", "∂L/∂v1"),
    Exercise("backward-dz-h1", "∂L/∂z for h1"),
    Exercise("backward-w11", "∂L/∂w11"),
    Exercise("backward-w12", "∂L/∂w12, with its sign"),
    Exercise("backward-update", "one update of a weight"),
)
"""Every exercise; the certificate needs them all solved."""

EXERCISE_IDS: tuple[str, ...] = tuple(e.id for e in EXERCISES)
