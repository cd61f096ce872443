"""The playground's run board: the readout, progress bar and pace, a notice, the weights, the layers, the loss.

The board draws what it is given and keeps no training state: the screen
sets :attr:`RunBoard.run` to a snapshot of the run whenever it moves on, and
the other reactives for what the learner chose to see. Every drawing is a
renderable of :mod:`backprop_tui.renderables.run_board`.

A redraw is kept cheap (a training run asks for one every few hundredths of
a second): plain text lines, and a new layout only when some part's height
changed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from backprop_tui.renderables import run_board as draw
from backprop_tui.widgets.setup_form import FORM_WIDTH, SCREEN_ROWS

PROGRESS_TOTAL = 100
"""Steps the progress bar counts to (a run of ``t``)."""


class RunBoard(Vertical):
    """The right-hand column of the playground: the run as it stands."""

    DEFAULT_CSS = """
    RunBoard { width: 1fr; height: auto; }
    RunBoard #layers, RunBoard #drawing { text-wrap: nowrap; text-overflow: ellipsis; }
    RunBoard #status-row { height: 1; }
    RunBoard #readout { width: 1fr; }
    RunBoard #progress { width: auto; padding-left: 1; }
    RunBoard #progress Bar { width: 8; }
    RunBoard #pace { width: auto; padding-left: 1; color: $text-muted; }
    RunBoard #legend { color: $text-muted; }
    """

    run: reactive[draw.Run | None] = reactive(None, init=False)
    """The run as it stood when last reported (a snapshot: it never changes once given)."""
    view: reactive[str] = reactive("weights", init=False)
    """What the drawing shows: ``weights``, or ``gradients`` of the last step."""
    notice: reactive[Text] = reactive(Text, init=False)
    """A line (or a few) under the readout: what just happened, or what to do."""
    reading: reactive[Text] = reactive(Text, init=False)
    """Under the layer table: what its bars mean for this run (empty when they need no words)."""
    pace: reactive[str] = reactive("", init=False)
    """Beside the progress bar: the pace of a ``t`` run (``40/s``)."""
    progress: reactive[int] = reactive(0, init=False)
    """Steps of the current ``t`` run taken, of :data:`PROGRESS_TOTAL`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reserve = 0
        """Rows of the screen's body under the board that it must leave free (the share code's)."""
        self._layout: tuple[Any, ...] = ()
        """What the last :meth:`redraw` laid the parts out for: its :meth:`room` first, then the plan."""
        self._width = 0
        """Cells across the board when last laid out (a hidden board has no size, but keeps this)."""

    def compose(self) -> ComposeResult:
        """Readout with the progress bar and pace beside it, notice, drawing, layer table, reading, loss plot."""
        with Horizontal(id="status-row"):
            yield Static(id="readout")
            yield ProgressBar(total=PROGRESS_TOTAL, show_eta=False, show_percentage=False, id="progress")
            yield Static(id="pace")
        yield Static(id="notice")
        yield Static(id="drawing")
        yield Static(id="layers")
        yield Static(id="legend")
        yield Static(id="reading")
        yield Static(id="loss")

    def watch_run(self) -> None:
        """A new snapshot: draw it."""
        self.redraw()

    def watch_view(self) -> None:
        """Weights or gradients: draw the other."""
        self.redraw()

    def watch_notice(self) -> None:
        """A new notice: it may take more or fewer rows."""
        self.redraw()

    def watch_reading(self) -> None:
        """New words for the bars: they may take more or fewer rows."""
        self.redraw()

    def watch_pace(self, pace: str) -> None:
        """The pace beside the progress bar."""
        self.query_one("#pace", Static).update(pace)

    def watch_progress(self, progress: int) -> None:
        """Move the progress bar."""
        self.query_one("#progress", ProgressBar).update(total=PROGRESS_TOTAL, progress=progress)

    def on_resize(self, event: events.Resize) -> None:
        """A new width (the terminal's, or the body's scroll bar coming or going): lay the parts out again."""
        if self.content_size.width > 0:
            self._width = self.content_size.width
        self.fit()

    def fit(self) -> None:
        """Draw again if the room (the window, or the rows the share code leaves) changed since the
        last drawing: shown again at the size it was drawn for, the board has nothing to do."""
        if self.room() != self._layout[:2]:
            self.redraw()

    def room(self) -> tuple[int, int]:
        """Cells across the board, and rows of the screen's body it may take.

        Before its first layout the board has no size: it is drawn for the width
        it last had, or, never laid out, for what the body leaves beside the form,
        so that showing it takes one layout, not two.
        """
        width = self.content_size.width or self._width or self.app.size.width - 2 - FORM_WIDTH
        return max(30, width), max(10, self.app.size.height - SCREEN_ROWS - self.reserve)

    def _rows(self, text: Text, width: int) -> int:
        """Rows ``text`` takes ``width`` cells across (0 if it is empty)."""
        return len(text.wrap(self.app.console, width)) if text.plain else 0

    def redraw(self) -> None:
        """Every part from :attr:`run` as it stands (nothing before the first run is given)."""
        run = self.run
        if run is None or not self.is_mounted:
            return
        width, rows = self.room()
        notice_rows = max(1, self._rows(self.notice, width))
        reading_rows = self._rows(self.reading, width)
        legend = draw.histogram_legend(self.view)
        plan = draw.plan(run.sizes, width, rows, notice_rows + reading_rows, self._rows(legend, width))
        key = (width, rows, plan, notice_rows, reading_rows, run.sizes, run.steps > 0, self.view, bool(run.grads))
        layout, self._layout = key != self._layout, key
        picture = self.query_one("#drawing", Static)
        picture.display = plan.grid
        if plan.grid:
            picture.update(draw.drawing(run, self.view), layout=layout)
        self.query_one("#readout", Static).update(draw.readout(run), layout=layout)
        self.query_one("#notice", Static).update(self.notice, layout=layout)
        self.query_one("#layers", Static).update(draw.layer_table(run, self.view, width, not plan.grid), layout=layout)
        key_of_bins = self.query_one("#legend", Static)
        key_of_bins.display = not plan.grid
        key_of_bins.update(legend, layout=layout)
        reading = self.query_one("#reading", Static)
        reading.display = bool(self.reading.plain)
        reading.update(self.reading, layout=layout)
        self.query_one("#loss", Static).update(draw.loss_plot(run.curve, plan.plot_rows), layout=layout)
