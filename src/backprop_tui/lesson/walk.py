"""Section 4's walk: its steps in order, each one chain-rule factor, engine event or exercise.

Each step has an id (how tests and progress name it), the label of the step bar, what it works
out (``kind`` and ``name``), the parts of the network picture it lights (``focus``), and the
gradients it reveals in the table (``reveals``). The screen draws each kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop_tui.lesson import exercises as words


@dataclass(frozen=True, slots=True)
class Factor:
    """One step of the walk: its id and label, what it works out (``kind``, ``name``), the parts of
    the picture it lights (``focus``), and the gradients it reveals in the table (``reveals``)."""

    id: str
    label: str
    kind: str
    name: str = ""
    focus: frozenset[str] = frozenset()
    reveals: tuple[str, ...] = ()


def _f(id: str, label: str, kind: str, name: str = "", focus: str = "", reveals: tuple[str, ...] = ()) -> Factor:
    return Factor(id, label, kind, name, frozenset(focus.split()), reveals)


def _try(id: str, exercise: str, focus: str) -> Factor:
    """A typed exercise on the learner's own numbers (``name`` is the exercise's id in progress)."""
    return Factor(id, f"Your turn: {words.TITLES[exercise]}", "try", exercise, frozenset(focus.split()))


FACTORS: tuple[Factor, ...] = (
    _f("network", "The network", "network", focus="L"),
    _f("dy", "∂L/∂ŷ", "dy", focus="y L t"),
    _f("v1", "∂L/∂v1", "v", "v1", "v1 h1 y", ("v1",)),
    _try("try-v1", "backward-v1", "v1 h1 y t"),
    _f("v2", "∂L/∂v2", "v", "v2", "v2 h2 y", ("v2",)),
    _f("bo", "∂L/∂bo", "bo", "bo", "y", ("bo",)),
    _f("da-h1", "∂L/∂a for h1", "da", "h1", "h1 v1"),
    _f("da-h2", "∂L/∂a for h2", "da", "h2", "h2 v2"),
    _f("dz-h1", "∂L/∂z for h1: σ′", "dz", "h1", "h1"),
    _try("try-dz-h1", "backward-dz-h1", "h1 v1 y t"),
    _f("dz-h2", "∂L/∂z for h2: σ′", "dz", "h2", "h2"),
    _try("your-turn", "backward-w11", "w11 x1 h1"),
    _f("w11", "∂L/∂w11", "w", "w11", "w11 x1 h1", ("w11",)),
    _f("w21", "∂L/∂w21", "w", "w21", "w21 x2 h1", ("w21",)),
    _f("w12", "∂L/∂w12", "w", "w12", "w12 x1 h2", ("w12",)),
    _try("try-w12", "backward-w12", "w12 x1 h2 v2 y t"),
    _f("w22", "∂L/∂w22", "w", "w22", "w22 x2 h2", ("w22",)),
    _f("bh", "∂L/∂bh1, ∂L/∂bh2", "bh", focus="h1 h2", reveals=("bh1", "bh2")),
    _f("matrices", "The same pass as matrices", "matrix"),
    _f("bars", "Blamed or praised", "bars"),
    _f("update", "The update", "update", focus="L"),
    _try("try-update", "backward-update", "v1"),
    _f("train", "Keep training", "train", focus="L"),
)
"""The section's own steps, in order: one chain-rule factor, engine event or exercise each."""
