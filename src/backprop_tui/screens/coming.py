"""Sections 4–7 until they are built: what each will show, then its quick checks.

Each placeholder is a real section screen (keys, step bar, progress, quick
checks), so jumping to it, visiting it and answering its checks already count.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from backprop_tui.screens.base import SectionScreen


class ComingScreen(SectionScreen):
    """A section still being written: one step saying what is coming."""

    STEP_LABELS = ("Coming soon",)
    PLAN: ClassVar[str] = ""

    def compose_body(self) -> ComposeResult:
        """The plan for the section."""
        yield Static(id="heading")
        yield Static(id="prose", classes="prose")

    def show_step(self, step: int) -> None:
        """The one step: what the section will show."""
        self.query_one("#heading", Static).update(Text(f"{self.section.title}: coming soon", style="bold"))
        follow = "its quick check follows" if len(self.questions) == 1 else "its quick checks follow"
        if not self.questions:
            follow = "press n to go on"
        self.query_one("#prose", Static).update(f"{self.PLAN}\n\nThis section is still being written; {follow}.")


class HealthComingScreen(ComingScreen):
    """Section 6, gradient health."""

    SECTION_ID = "health"
    PLAN = (
        "Deep networks with a bar for each layer's gradient: vanishing with sigmoid, exploding "
        "with a careless start, dead ReLU units, and the remedies switched on live."
    )


class PlaygroundComingScreen(ComingScreen):
    """Section 7, the playground."""

    SECTION_ID = "playground"
    PLAN = (
        "Build a network of your own (layers, neurons, activation, learning rate, optimiser), "
        "train it one step or a hundred at a time, and watch its loss and gradients."
    )
