"""The playground's run, drawn: the readout, the weights, the layer table and the loss curve.

Each drawing takes a :class:`Run`, a run as it stood at one moment (the
playground's trainer hands one over as a snapshot), and returns Rich text or
a plot; :func:`plan` decides what fits in the room there is. Pure Rich: no
Textual, no numpy of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rich.console import Group
from rich.text import Text

from backprop_tui.renderables.bars import HealthBar
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style
from backprop_tui.renderables.playground import (
    GRADIENT_LEVELS,
    LEGEND,
    WEIGHT_LEVELS,
    grid_size,
    histogram,
    sparkline,
    weight_grid,
)
from backprop_tui.renderables.plot import LinePlot, loss_curve

MIN_PLOT, MAX_PLOT = 2, 20
"""Rows of the loss plot: at least, at most (it takes what the room has left)."""
PLOT_EXTRA = 3
"""Rows the loss plot takes beyond its own: its x axis, their labels, its legend."""
HISTOGRAM_WIDTH = 10
"""Cells of a layer's histogram column (``W −┊+`` and its 9 bins with a space)."""
SKIP_MARK = " skip"
"""Written after the name of a layer with a skip connection."""


class LayerHealthLike(Protocol):
    """One layer's gradient health (an engine ``LayerHealth``)."""

    @property
    def layer(self) -> int: ...
    @property
    def magnitude(self) -> float: ...
    @property
    def dead(self) -> int: ...
    @property
    def units(self) -> int: ...


class Run(Protocol):
    """A training run as it stood at one moment: what the board draws (see ``models.playground.Snapshot``)."""

    @property
    def sizes(self) -> tuple[int, ...]: ...
    @property
    def activations(self) -> tuple[str, ...]: ...
    @property
    def skip_layers(self) -> tuple[int, ...]: ...
    @property
    def steps(self) -> int: ...
    @property
    def diverged(self) -> bool: ...
    @property
    def loss(self) -> float: ...
    @property
    def right(self) -> tuple[int, int] | None: ...
    @property
    def curve(self) -> Sequence[float]: ...
    @property
    def health(self) -> Sequence[LayerHealthLike]: ...
    @property
    def grad_history(self) -> Sequence[Sequence[float]]: ...
    @property
    def weights(self) -> Sequence[Any]: ...
    @property
    def grads(self) -> Sequence[Any]: ...


def alarm(text: str) -> Text:
    """``text`` in bold reverse critical colour: a run that ran away."""
    out = Text(text, style=style("critical", bold=True))
    out.stylize("reverse")
    return out


@dataclass(frozen=True, slots=True)
class Plan:
    """What fits on the board: the weight drawing or not, and the loss plot's rows (0: no room for it)."""

    grid: bool
    plot_rows: int


def plan(sizes: Sequence[int], width: int, rows: int, text_rows: int, legend_rows: int = 1) -> Plan:
    """The board's layout for a network of ``sizes`` in ``width`` × ``rows`` cells.

    Always: the readout, ``text_rows`` of words (the notice and the reading of
    the bars) and the layer table with its heading; then the weight drawing if
    it fits across and leaves the plot its least rows, else ``legend_rows`` for
    the legend of the table's histograms; the loss plot takes what is left (2 to
    20 rows), or gives way to one line when even its least does not fit.
    """
    depth = len(sizes) - 1
    grid_w, grid_h = grid_size(sizes)
    fixed = 1 + text_rows + 1 + depth
    grid = grid_w <= width and fixed + 1 + grid_h + MIN_PLOT + PLOT_EXTRA <= rows
    left = rows - fixed - (1 + grid_h if grid else legend_rows) - PLOT_EXTRA
    return Plan(grid, min(MAX_PLOT, left) if left >= MIN_PLOT else 0)


def readout(run: Run) -> Text:
    """``Step 12 · loss 0.1234 · 3/4 right``."""
    text = Text.assemble(("Step ", "dim"), (str(run.steps), "bold"), (" · loss ", "dim"))
    if run.diverged:
        text.append_text(alarm("diverged"))
    else:
        text.append(format_number(run.loss), style="bold")
        if run.right is not None:
            text.append(" · ", style="dim")
            text.append(f"{run.right[0]}/{run.right[1]} right", style="bold")
    return text


def drawing(run: Run, view: str) -> Group:
    """The weights (``view`` ``weights``) or the last step's gradients, one glyph each, with the legend."""
    arrays = list(run.weights) if view == "weights" else list(run.grads)
    name = "Weights" if view == "weights" else "Gradients ∂L/∂W"
    title = Text.assemble((name, "bold"), "  ", (LEGEND[view], "dim"))
    if not arrays:
        return Group(title, Text("Take a step (s) to see its gradients; g goes back to the weights.", style="dim"))
    levels = WEIGHT_LEVELS if view == "weights" else GRADIENT_LEVELS
    return Group(title, *weight_grid(arrays, levels))


def layer_names(run: Run) -> list[str]:
    """``L1 2→4``, ``L2 4→4 skip``, …: each layer's number and shape, and its skip if it has one."""
    sizes = run.sizes
    return [f"L{l} {sizes[l - 1]}→{sizes[l]}" + (SKIP_MARK if l in run.skip_layers else "") for l in range(1, len(sizes))]


def layer_table(run: Run, view: str, width: int, histograms: bool) -> Text:
    """Per layer: its shape, (its weights' histogram), its gradient sparkline, the last step's health bar.

    ``width`` cells across; the histograms stand in for the weight drawing when that does not fit.
    """
    names = layer_names(run)
    name_w = max(len(n) for n in names)
    relu = "relu" in run.activations
    rest = width - name_w - (HISTOGRAM_WIDTH if histograms else 0) - 3 - 14 - (11 if relu else 0)  # 11: "  dead 3/16"
    spark_w = max(6, min(30, rest // 2))
    bar_w = max(4, min(24, rest - spark_w))
    text = Text("layer".ljust(name_w + 1), style="dim")
    if histograms:
        text.append(("W −┊+" if view == "weights" else "dW −┊+").ljust(HISTOGRAM_WIDTH), style="dim")
    text.append("history"[:spark_w].ljust(spark_w), style="dim")
    text.append(" |∂L/∂W| of the last step", style="dim")
    health = {h.layer: h for h in run.health}
    arrays = list(run.weights) if view == "weights" or not run.grads else list(run.grads)
    for l, name in enumerate(names, start=1):
        text.append("\n" + name.ljust(name_w + 1))
        if histograms:
            text.append_text(histogram(arrays[l - 1]))
            text.append(" ")
        text.append_text(sparkline(run.grad_history[l - 1], spark_w))
        h = health.get(l)
        if h is None and run.diverged and run.steps:
            text.append_text(HealthBar("", math.nan, width=bar_w).line())
        elif h is None:
            text.append(" no step yet", style="dim")
        else:
            dead = (h.dead, h.units) if run.activations[l - 1] == "relu" else None
            text.append_text(HealthBar("", h.magnitude, width=bar_w, dead=dead).line())
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def loss_plot(curve: Sequence[float], rows: int) -> LinePlot | Text:
    """The loss after each step of the run so far (a hint until there are two points; one line if ``rows`` is 0)."""
    if rows <= 0:
        return Text("The loss curve needs a taller window.", style="dim")
    if len(curve) < 2:
        lines = ["The loss curve draws itself here."] + [""] * (rows + 2)
        return Text("\n".join(lines), style="dim")
    return loss_curve(curve, rows)


SHARE = "Share "


def share_line(code: str, width: int, saved: str = "") -> Text:
    """The code that opens this set-up anywhere, whole on one line of ``width`` cells: ``Share bp1_…``.

    Copying a code that broke across lines breaks it, so a code is never cut or
    wrapped: one too wide for the line says instead how long it is and where the
    whole of it is, the file ``saved`` (on a line of its own), or else how many
    columns more would show it.
    """
    if len(SHARE) + len(code) <= width:
        return Text.assemble((SHARE, "bold"), code, no_wrap=True, overflow="crop")
    if len(code) <= width:
        return Text(code, no_wrap=True, overflow="crop")
    text = Text.assemble(("Share code: ", "bold"), f"{len(code)} characters, too wide for this window; ")
    if saved:
        text.append("it is saved whole in\n")
        text.append(saved, style="bold")
    else:
        more = len(code) - width
        text.append(f"a window {more} column{'s' if more > 1 else ''} wider shows it whole.", style="bold")
    return text


def histogram_legend(view: str) -> Text:
    """What the table's ``W −┊+`` column shows (``dW −┊+`` for the gradients)."""
    what, name = ("weights", "W") if view == "weights" else ("gradients", "dW")
    return Text.assemble((f"{name} −┊+", "bold"), f" {what} per bin, from −largest to +largest", style="dim")
