"""Section 5's drawings: the runs' log-loss plot, the batch table, and the words that describe a run
(its α, its loss, its outcome, its story), from the models' numbers; pure Rich."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.lesson.learning_rate import BATCH_TABLE_TITLE
from backprop_tui.renderables.numbers import format_number, format_setting
from backprop_tui.renderables.plot import LinePlot, Series

if TYPE_CHECKING:
    from backprop_tui.models.sweep import BatchGradient, Run

    RunGroup = tuple[str, Sequence[Run], str, str | None]
    """A legend entry of :func:`loss_plot`: its name, its runs, their style and line pattern (``None``: any free one)."""

GRADIENT_DIGITS = 4
"""Decimals of the batch step's gradients."""

FLOOR_EXP = -12
"""Losses below 10^FLOOR_EXP are drawn on the plot's bottom line (log₁₀ of 0 would be −∞)."""


def loss_plot(groups: Sequence[RunGroup], height: int) -> LinePlot:
    """log₁₀ of the loss over the steps: one legend entry per group ``(name, runs, style, pattern)``.

    A group's runs share one series, one after the other with a gap (a NaN) between them.
    """
    series = []
    every: list[float] = []
    longest = 1
    for name, runs, series_style, pattern in groups:
        xs: list[float] = []
        ys: list[float] = []
        for r in runs:
            if xs:
                xs.append(math.nan)
                ys.append(math.nan)
            logs = log_losses(r.losses)
            xs += [float(i + 1) for i in range(len(logs))]
            ys += logs
            every += [v for v in logs if math.isfinite(v)]
            longest = max(longest, len(logs))
        series.append(Series(name, xs, ys, series_style, pattern=pattern))
    top = math.ceil(max(every, default=0.0))
    bottom = math.floor(min(every, default=float(FLOOR_EXP)))
    if top - bottom < 2:
        top = bottom + 2
    return LinePlot(
        series,
        height=height,
        x_range=(1.0, float(max(2, longest))),
        y_range=(float(bottom), float(top)),
        x_label="step",
        y_label="log₁₀ of the loss",
    )


def batch_table(b: BatchGradient) -> Table:
    """One weight's gradient for each example alone, their mean, and the batch's from one backward pass."""
    table = Table(title=BATCH_TABLE_TITLE, title_justify="left", box=None, padding=(0, 2, 0, 0), show_edge=False)
    table.add_column("example")
    table.add_column("inputs")
    table.add_column("target", justify="right")
    table.add_column("∂L/∂v1", justify="right")
    for k, (x, t, g) in enumerate(zip(b.inputs, b.targets, b.each)):
        name = f"{k + 1} (the lesson's)" if k == 0 else str(k + 1)
        table.add_row(name, ", ".join(format_number(v, 2) for v in x), format_number(t, 2), format_number(g, GRADIENT_DIGITS))
    count = len(b.each)
    table.add_row(Text(f"mean of the {count}", style="bold"), "", "", Text(format_number(b.mean, GRADIENT_DIGITS), style="bold"))
    table.add_row(
        Text(f"the batch of {count}, one backward pass", style="bold"), "", "",
        Text(format_number(b.batch, GRADIENT_DIGITS), style="bold"),
    )
    return table


def log_losses(losses: Iterable[float]) -> list[float]:
    """log₁₀ of each loss, at least FLOOR_EXP; NaN where the loss is not finite (the line stops there)."""
    out = []
    for v in map(float, losses):
        if not math.isfinite(v) or v < 0:
            out.append(math.nan)
        else:
            out.append(max(float(FLOOR_EXP), math.log10(v)) if v > 0 else float(FLOOR_EXP))
    return out


def side_by_side(left: RenderableType, right: RenderableType, width: int = 36) -> Table:
    """The plot on the left taking what is left, ``right`` in a column ``width`` wide."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(ratio=1, min_width=30)
    grid.add_column(width=width)
    grid.add_row(left, right)
    return grid


def alpha(lr: float) -> str:
    """A learning rate with as few decimals as it needs: ``0.001``, ``1.5``, ``10``."""
    return format_setting(lr)


def loss_text(v: float) -> str:
    """A loss: four decimals, one for big ones (``21422.9``), ``diverged`` for NaN."""
    return format_number(v, 1 if math.isfinite(v) and abs(v) >= 100 else 4)


def outcome(r: Run) -> str:
    """The last loss of a run, or where it diverged."""
    return f"diverged at step {r.diverged_at}" if r.diverged else loss_text(r.final)


def percent(fraction: float) -> str:
    """A fraction as a percentage, whole from 1 % up (``10%``), else with one decimal (``0.4%``): never ``0%`` unless it is 0."""
    p = 100 * fraction
    return format_number(p, 0 if abs(p) >= 1 else 1) + "%"


def story(r: Run) -> str:
    """What one run did, in a short sentence, with its numbers."""
    start = loss_text(r.first)
    if r.diverged:
        last = r.final
        if math.isfinite(last):
            return f"{start} → {loss_text(last)} by step {r.diverged_at}: diverged, stopped there."
        return f"{start}, then no longer a finite number at step {r.diverged_at}: diverged."
    if r.label == "overshooting":
        at, top = r.peak
        return f"{start} up to {loss_text(top)} at step {at}, then {loss_text(r.final)} at step {r.steps}."
    if r.label == "converging":
        hit = r.first_at_or_below(0.01)
        when = f"; under 1% of the start from step {hit}" if hit is not None else ""
        if r.final == 0:  # the prediction hit the target in every digit the computer keeps
            zero = len(r.losses) - next(i for i, v in enumerate(reversed(r.losses)) if v != 0) + 1
            return f"{start} → exactly 0 from step {zero} on{when}."
        return f"{start} → {loss_text(r.final)} at step {r.steps}{when}."
    return f"{start} → {loss_text(r.final)} at step {r.steps}; {percent(r.final / r.first)} of the loss is left."


def jumps(preds: Sequence[float], target: float) -> tuple[bool, bool]:
    """Whether each prediction lands on the other side of ``target`` from the one before, and always further.

    ``(False, False)`` for fewer than three predictions or any that is not finite.
    """
    errors = [p - target for p in preds]
    if len(errors) < 3 or not all(math.isfinite(e) for e in errors):
        return (False, False)
    pairs = list(zip(errors, errors[1:]))
    flips = all(a * b < 0 for a, b in pairs)
    further = all(abs(b) > abs(a) for a, b in pairs)
    return (flips, further)


def predictions(r: Run, count: int, more: str = " …") -> str:
    """The first ``count`` predictions of a run, two decimals, then ``more`` if there are more."""
    shown = ", ".join(format_number(p, 2) for p in r.predictions[:count])
    return shown + (more if len(r.predictions) > count else "")
