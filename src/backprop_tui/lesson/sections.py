"""The eight lesson sections: order, ids, jump keys and titles (DESIGN §3, a contract)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """One lesson section: its jump key (1–8), its id and its title."""

    key: int
    id: str
    title: str

    @property
    def place(self) -> str:
        """Where it stands in the lesson, e.g. ``3/8 · Forward pass``."""
        return f"{self.key}/{len(SECTIONS)} · {self.title}"


SECTIONS: tuple[Section, ...] = (
    Section(1, "intro", "Why backpropagation"),
    Section(2, "chain-rule", "The chain rule"),
    Section(3, "forward", "Forward pass"),
    Section(4, "backward", "Backward pass"),
    Section(5, "learning-rate", "The learning rate"),
    Section(6, "health", "Gradient health"),
    Section(7, "playground", "Playground"),
    Section(8, "finish", "Finish"),
)
"""Every section in lesson order."""

SECTION_IDS: tuple[str, ...] = tuple(s.id for s in SECTIONS)
"""The section ids in lesson order."""

BY_ID: dict[str, Section] = {s.id: s for s in SECTIONS}
"""Each section by its id."""


def neighbour(section: str, offset: int) -> str | None:
    """The id ``offset`` sections after (or before) ``section``, or ``None`` past either end."""
    i = SECTION_IDS.index(section) + offset
    return SECTION_IDS[i] if 0 <= i < len(SECTION_IDS) else None
