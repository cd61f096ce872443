"""The bars of section 6: one or two deep nets, layer by layer, and the note under them.

A thin widget over :class:`~backprop_tui.renderables.health_table.HealthTable`:
the screen sets what to draw (:attr:`HealthBars.columns`, :attr:`HealthBars.note`)
or that it is still being measured (:attr:`HealthBars.computing`); the widget
takes the rest of the body's height and the table fits its rows into it, so a
new terminal size redraws it without the screen's help.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from backprop_tui.lesson.health import COMPUTING
from backprop_tui.renderables.health_table import Column, HealthTable


class HealthBars(Widget):
    """Log-scale gradient bars of the nets on show, with the note under them, fitted to the widget's height."""

    DEFAULT_CSS = """
    HealthBars {
        height: 1fr;
    }
    """

    columns: reactive[tuple[Column, ...]] = reactive(tuple, layout=False)
    """The passes to draw, one column each (empty: nothing)."""
    note: reactive[Text | None] = reactive(None)
    """The words under the table, with the passes' numbers in them."""
    computing: reactive[bool] = reactive(False)
    """A pass that should be on show is still being measured: say so rather than show other nets' bars."""

    def show(self, columns: tuple[Column, ...], note: Text) -> None:
        """Draw ``columns`` with ``note`` under them (one repaint)."""
        self.columns = columns
        self.note = note
        self.computing = False

    def render(self) -> RenderableType:
        """The table and note in the widget's height, or a short word while a pass is measured."""
        if self.computing:
            return Text(COMPUTING, style="dim")
        if not self.columns:
            return Text("")
        return HealthTable(self.columns, self.note, self.content_size.height)
