"""A run's loss, step by step, as a plot between a heading and a caption.

The widget keeps no training state: the screen sets :attr:`LossChart.losses`
(a new tuple whenever the run moves on) and the words around it; the plot is
:func:`backprop_tui.renderables.plot.loss_curve`.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from backprop_tui.renderables.plot import loss_curve


class LossChart(Widget):
    """Heading, the loss curve (a hint instead until there are two points), caption."""

    DEFAULT_CSS = "LossChart { height: auto; }"

    losses: reactive[tuple[float, ...]] = reactive((), layout=True)
    """The loss at the start and after each step (``losses[k]``: after ``k`` steps)."""
    heading: reactive[Text] = reactive(Text, layout=True)
    """A line over the plot: the settings of the run and its keys."""
    caption: reactive[Text] = reactive(Text, layout=True)
    """Under the plot: what the run did, in words."""
    hint: reactive[str] = reactive("", layout=True)
    """Shown in place of the plot while there are fewer than two losses."""
    rows: reactive[int] = reactive(9, layout=True)
    """Rows of the plot itself."""

    def render(self) -> RenderableType:
        if len(self.losses) < 2:
            return Group(self.heading, Text(""), Text(self.hint), self.caption)
        return Group(self.heading, loss_curve(self.losses, self.rows), self.caption)
