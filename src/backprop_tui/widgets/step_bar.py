"""The line under the header: which step of the section this is, and what it shows."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StepBar(Widget):
    """``Step 3 of 12 · Forward flow`` on the left, one dot per step on the right."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $panel; color: $text; }
    """

    step: reactive[int] = reactive(0)
    """The current step, from 0."""
    total: reactive[int] = reactive(1)
    """How many steps the section has."""
    label: reactive[str] = reactive("")
    """What the current step shows."""

    def render(self) -> Text:
        """The bar as one line of text, the dots trimmed to fit."""
        left = Text.assemble(("Step ", "dim"), (f"{self.step + 1}", "bold"), (f" of {self.total}", "dim"))
        if self.label:
            left.append(" · ")
            left.append(self.label, "bold")
        room = self.size.width - left.cell_len - 2
        dots = "".join("●" if i <= self.step else "○" for i in range(self.total))
        if room >= len(dots):
            left.append(" " * (room - len(dots) + 2))
            left.append(dots, "dim")
        return left
