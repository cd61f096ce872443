"""The playground's run board: the readout and progress bar, a notice, the weights, the layers, the loss, the share code.

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
from backprop_tui.widgets.setup_form import FORM_WIDTH

PROGRESS_TOTAL = 100
"""Steps the progress bar counts to (a run of ``t``)."""


class RunBoard(Vertical):
    """The right-hand column of the playground: the run as it stands."""

    DEFAULT_CSS = """
    RunBoard { width: 1fr; height: auto; }
    RunBoard #layers, RunBoard #drawing { text-wrap: nowrap; text-overflow: ellipsis; }
    RunBoard #share { color: $text-muted; }
    RunBoard #status-row { height: 1; }
    RunBoard #readout { width: 1fr; }
    RunBoard #progress { width: auto; }
    RunBoard #progress Bar { width: 10; }
    """

    run: reactive[draw.Run | None] = reactive(None, init=False)
    """The run as it stood when last reported (a snapshot: it never changes once given)."""
    view: reactive[str] = reactive("weights", init=False)
    """What the drawing shows: ``weights``, or ``gradients`` of the last step."""
    notice: reactive[Text] = reactive(Text, init=False)
    """A line (or a few) under the readout: what just happened, or what to do."""
    share: reactive[str] = reactive("", init=False)
    """The share code of the set-up (shown as ``Share bp1_…``)."""
    progress: reactive[int] = reactive(0, init=False)
    """Steps of the current ``t`` run taken, of :data:`PROGRESS_TOTAL`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layout: tuple[Any, ...] = ()
        self._width = 0
        """Cells across the board when last laid out (a hidden board has no size, but keeps this)."""

    def compose(self) -> ComposeResult:
        """Readout with the progress bar beside it, notice, drawing, layer table, loss plot, share code."""
        with Horizontal(id="status-row"):
            yield Static(id="readout")
            yield ProgressBar(total=PROGRESS_TOTAL, show_eta=False, show_percentage=False, id="progress")
        yield Static(id="notice")
        yield Static(id="drawing")
        yield Static(id="layers")
        yield Static(id="loss")
        yield Static(id="share")

    def watch_run(self) -> None:
        """A new snapshot: draw it."""
        self.redraw()

    def watch_view(self) -> None:
        """Weights or gradients: draw the other."""
        self.redraw()

    def watch_notice(self) -> None:
        """A new notice: it may take more or fewer rows."""
        self.redraw()

    def watch_share(self) -> None:
        """A new share code."""
        self.redraw()

    def watch_progress(self, progress: int) -> None:
        """Move the progress bar."""
        self.query_one("#progress", ProgressBar).update(total=PROGRESS_TOTAL, progress=progress)

    def on_resize(self, event: events.Resize) -> None:
        """A new width (the terminal's, or the body's scroll bar coming or going): lay the parts out again."""
        if self.content_size.width > 0:
            self._width = self.content_size.width
            self.redraw()

    def room(self) -> tuple[int, int]:
        """Cells across the board, and rows of the screen's body.

        While hidden (the playground's first step) the board has no size: it is
        drawn for the width it last had, or, never laid out, for what the body
        leaves beside the form, so that showing it takes one layout, not two.
        """
        width = self.content_size.width or self._width or self.app.size.width - 2 - FORM_WIDTH
        return max(30, width), max(10, self.app.size.height - 3)

    def redraw(self) -> None:
        """Every part from :attr:`run` as it stands (nothing before the first run is given)."""
        run = self.run
        if run is None or not self.is_mounted:
            return
        width, rows = self.room()
        share = draw.share_line(self.share)
        plan = draw.plan(run.sizes, width, rows, self.notice.cell_len, share.cell_len)
        key = (width, rows, plan, share.cell_len, run.sizes, run.steps > 0, self.view, bool(run.grads))
        layout, self._layout = key != self._layout, key
        picture = self.query_one("#drawing", Static)
        picture.display = plan.grid
        if plan.grid:
            picture.update(draw.drawing(run, self.view), layout=layout)
        self.query_one("#readout", Static).update(draw.readout(run), layout=layout)
        self.query_one("#notice", Static).update(self.notice, layout=layout)
        self.query_one("#layers", Static).update(draw.layer_table(run, self.view, width, not plan.grid), layout=layout)
        self.query_one("#loss", Static).update(draw.loss_plot(run.curve, plan.plot_rows), layout=layout)
        self.query_one("#share", Static).update(share, layout=layout)
