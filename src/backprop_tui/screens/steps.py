"""A section's step table: each step's id, label, drawing method, extra keys and resize rule.

Sections declare ``STEPS = (step(...), ...)``; :class:`~backprop_tui.screens.base.SectionScreen`
derives the step bar, the footer's keys, which keys work and resize handling from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a section's own, as its table declares it.

    Attributes:
        id: how tests and code name the step (stable when steps are reordered).
        label: what the step bar says it shows.
        draw: the screen method that draws it (default ``draw_<id>``, dashes as underscores).
        keys: the section's extra actions that work on this step (``"alpha"``, ``"train"`` …).
        resize: a new terminal size redraws the step (its drawing depends on the room).
    """

    id: str
    label: str
    draw: str = ""
    keys: frozenset[str] = frozenset()
    resize: bool = False

    @property
    def method(self) -> str:
        """The name of the method that draws the step."""
        return self.draw or "draw_" + self.id.replace("-", "_")


def step(id: str, label: str, draw: str = "", keys: str = "", *, resize: bool = False) -> Step:
    """A :class:`Step`, with ``keys`` written as one space-separated string of actions."""
    return Step(id, label, draw, frozenset(keys.split()), resize)


def index_of(steps: tuple[Step, ...], step_id: str) -> int:
    """The position of the step ``step_id`` in a step table (``KeyError`` if it has none)."""
    for i, s in enumerate(steps):
        if s.id == step_id:
            return i
    raise KeyError(f"no step {step_id!r}")
