"""Section 5 — the learning rate: one network, one start, α from far too small to far too big.

The runs come from :func:`backprop_tui.models.sweep.lesson_runs` (the lesson
network on its one example, every run from the same weights), computed the
first time a step needs them and kept for the rest of the session. Each
run's label is the engine's verdict on its loss curve, never a guess from α;
the screen only chooses which runs to show and draws log₁₀ of their losses,
each label (or run) with its own line pattern so that the plots read without
colour. The batch step's numbers come from :func:`backprop_tui.models.sweep.lesson_batch`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.engine.names import BLOWUP, CONVERGED, FAR_ABOVE, RISE, RISE_SHARE, RUN_LABELS
from backprop_tui.lesson.learning_rate import (
    ADAM_LARGE,
    ADAM_SMALL,
    BATCH,
    HEADINGS,
    NOTES,
    RULES,
    WHAT_ALPHA_DOES,
)
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style
from backprop_tui.renderables.sweep_plots import (
    FLOOR_EXP,
    alpha,
    batch_table,
    jumps,
    loss_plot,
    outcome,
    percent,
    predictions,
    side_by_side,
    story,
)
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import index_of, step

if TYPE_CHECKING:
    from backprop_tui.models.sweep import BatchGradient, FirstStep, LessonRuns, Run  # noqa: F401

    RunGroup = tuple[str, Sequence[Run], str, str | None]
    """A legend entry of :func:`loss_plot`: its name, its runs, their style and line pattern (``None``: any free one)."""

REGIMES = RUN_LABELS
"""The labels in the order the section walks through them."""
REGIME_STYLES = {label: style(label) for label in REGIMES}
"""The overview colours each run by its label (the legend names the label too)."""
REGIME_PATTERNS = {"crawling": "solid", "converging": "dashed", "overshooting": "dotted", "diverging": "dash-dot"}
"""Each label's line pattern in the overview (see plot.PATTERNS), so the labels differ without colour too."""
HIGHLIGHT_STYLES = tuple(style(f"pick{k}", bold=True) for k in range(1, 5))
"""The runs a step is about, in order; the others are drawn dim behind them."""
OTHER_STYLE = style("other")
OPTIMIZER_STYLES = {name: style(name, bold=True) for name in ("sgd", "adam")}
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam"}


def lesson_runs() -> LessonRuns:
    """The section's runs, from :func:`backprop_tui.models.sweep.lesson_runs` (numpy loads on first use)."""
    from backprop_tui.models.sweep import lesson_runs as runs

    return runs()


class LearningRateScreen(SectionScreen):
    """What α does, one example or many (a batch's gradient, SGD), a sweep of α with each run labelled,
    a step per label, then SGD against Adam."""

    SECTION_ID = "learning-rate"
    STEPS = (
        step("alpha", "What α does"),
        step("batch", "One example or many"),
        step("overview", "All the runs", resize=True),
        *(step(label, label.capitalize(), "draw_regime", resize=True) for label in REGIMES),
        step("adam-small", "SGD or Adam, small α", "draw_comparison", resize=True),
        step("adam-large", "SGD or Adam, large α", "draw_comparison", resize=True),
    )
    REGIME_START = index_of(STEPS, REGIMES[0])
    COMPARE_START = index_of(STEPS, "adam-small")

    @property
    def runs(self) -> LessonRuns:
        """The section's runs (computed on first use, then cached)."""
        return lesson_runs()

    def plot_height(self) -> int:
        """Rows of plot: 8 at 24 lines (the whole step then fits), up to 24 on a taller terminal."""
        return max(6, min(24, self.app.size.height - 16))

    def draw_alpha(self) -> None:
        """What α does, and that repeating its step is gradient descent."""
        self.put("The learning rate: how big a step", WHAT_ALPHA_DOES)

    def draw_batch(self) -> None:
        """One example or many: a batch's gradient is the mean of its examples', and what SGD is; then the runs."""
        runs = self.runs
        lrs = [r.lr for r in runs.sgd]
        words = BATCH.format(
            first=format_number(runs.sgd[0].first, 4),
            steps=max(r.steps for r in runs.sgd),
            count=len(lrs),
            lo=alpha(min(lrs)),
            hi=alpha(max(lrs)),
        )
        self.put("One example or many: SGD", words, batch_table(self.batch_gradients))

    @property
    def batch_gradients(self) -> BatchGradient:
        """One weight's gradient for each example of a small batch and for the batch (computed on first use)."""
        from backprop_tui.models.sweep import lesson_batch

        return lesson_batch()

    def draw_overview(self) -> None:
        """Every run, labelled."""
        self.put(self.overview_heading(), self.overview_note(), self.overview())

    def draw_regime(self) -> None:
        """The runs of one label."""
        label = REGIMES[self.step - self.REGIME_START]
        self.put(HEADINGS[label], self.regime_note(label), self.regime(label))

    def draw_comparison(self) -> None:
        """SGD against Adam at one α."""
        i = self.step - self.COMPARE_START
        sgd, _adam = self.runs.compare[i]
        self.put(f"SGD or Adam, both at α = {alpha(sgd.lr)}", ADAM_SMALL if i == 0 else ADAM_LARGE, self.comparison(i))

    # -- the overview ---------------------------------------------------------------

    def overview_heading(self) -> str:
        """How many runs, how many steps."""
        sgd = self.runs.sgd
        return f"{len(sgd)} learning rates, one start, up to {max(r.steps for r in sgd)} steps each (SGD)"

    def overview(self) -> Table:
        """Every run's loss, coloured by its label, beside the table of labels and final losses."""
        sgd = self.runs.sgd
        groups = [
            (label, [r for r in sgd if r.label == label], REGIME_STYLES[label], REGIME_PATTERNS[label])
            for label in REGIMES
        ]
        plot = loss_plot([g for g in groups if g[1]], self.plot_height())
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        table.add_column("α", justify="right")
        table.add_column("what it did")
        table.add_column(f"loss at step {max(r.steps for r in sgd)}", justify="right", no_wrap=True)
        for r in sgd:
            style = REGIME_STYLES[r.label]
            table.add_row(Text(alpha(r.lr), style="bold"), Text(r.label, style=style), outcome(r))
        return side_by_side(plot, table, width=40)

    def overview_note(self) -> Text:
        """How to read the plot, and why α = 1.5 is on the list (when the runs show it)."""
        note = Text(
            "Each label comes from what the curve did, not from α; the next steps take them one at a time. "
            f"The plot shows log₁₀ of the loss: −2 is 0.01, 0 is 1; losses below 1e{FLOOR_EXP} lie on the "
            "bottom line. "
        )
        sgd = self.runs.sgd
        for i in range(1, len(sgd) - 1):
            before, run, after = sgd[i - 1], sgd[i], sgd[i + 1]
            if run.label == "overshooting" and before.label == "converging" and after.label == "diverging":
                note.append(
                    f"α = {alpha(run.lr)} is our addition to the usual list: on this network "
                    f"{alpha(before.lr)} still converges and {alpha(after.lr)} already diverges."
                )
        return note

    # -- one label at a time ----------------------------------------------------------

    def regime(self, label: str) -> Table:
        """The runs with ``label`` highlighted over the others, beside the rule and what each did."""
        sgd = self.runs.sgd
        chosen = [r for r in sgd if r.label == label]
        others = [r for r in sgd if r.label != label]
        groups: list[RunGroup] = [("others", others, OTHER_STYLE, "dotted")] if others else []
        groups += [
            (f"α={alpha(r.lr)}", [r], HIGHLIGHT_STYLES[k % len(HIGHLIGHT_STYLES)], None) for k, r in enumerate(chosen)
        ]
        plot = loss_plot(groups, self.plot_height())
        side: list[RenderableType] = [Text(self.rule(label), style="italic"), Text("")]
        if not chosen:
            side.append(Text("None of these runs did this."))
        for k, r in enumerate(chosen):
            style = HIGHLIGHT_STYLES[k % len(HIGHLIGHT_STYLES)]
            side.append(Text.assemble((f"α = {alpha(r.lr)}", style), ": ", story(r)))
        if label == "overshooting" and chosen:
            r = chosen[0]
            target = self.runs.target
            said = f"Its predictions: {predictions(r, 7)} The target is {format_number(target, 2)}"
            flips, further = jumps(r.predictions[:7], target)
            if flips and further:
                said += ": every step lands on the other side of it, further away than the last."
            elif flips:
                said += ": every step lands on the other side of it."
            side += [Text(""), Text(said + ("" if flips else "."))]
        return side_by_side(plot, Group(*side))

    def rule(self, label: str) -> str:
        """The rule for ``label`` with the engine's thresholds."""
        return RULES[label].format(
            steps=max(r.steps for r in self.runs.sgd),
            converged=percent(CONVERGED),
            share=format_number(1 / RISE_SHARE, 0),
            blowup="a million" if BLOWUP == 1e6 else format_number(BLOWUP, 0),
            far=format_number(FAR_ABOVE, 0),
        )

    def regime_note(self, label: str) -> Text:
        """Why runs behave like this, with what the predictions did where it shows it."""
        note = Text(NOTES[label])
        target = self.runs.target
        chosen = [r for r in self.runs.sgd if r.label == label]
        if label == "converging":
            flipping = [r for r in chosen if jumps(r.predictions[:5], target) == (True, False)]
            if flipping:
                r = flipping[0]
                note.append(
                    f" At α = {alpha(r.lr)} the prediction already jumps past the target {format_number(target, 2)} "
                    f"on every step ({predictions(r, 5, ', …')}) but lands closer each time, so the loss still falls."
                )
        elif label == "overshooting" and chosen:
            r = chosen[0]
            if r.final <= CONVERGED * r.first:
                note.append(
                    " This one settled: its swings moved the hidden neurons to where the output reacts less to "
                    f"each weight, and there α = {alpha(r.lr)} was no longer too big."
                )
        return note

    # -- SGD against Adam ---------------------------------------------------------------

    def comparison(self, i: int) -> Table:
        """SGD and Adam at one α: both curves, what each did, and how far their first steps went."""
        sgd, adam = self.runs.compare[i]
        first_sgd, first_adam = self.runs.first_steps[i]
        groups: list[RunGroup] = [
            (OPTIMIZER_NAMES[r.optimizer], [r], OPTIMIZER_STYLES[r.optimizer], "dotted" if r is sgd else None)
            for r in (sgd, adam)
        ]
        plot = loss_plot(groups, self.plot_height())
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        table.add_column("")
        table.add_column("what it did")
        table.add_column(f"at step {max(sgd.steps, adam.steps)}", justify="right", no_wrap=True)
        for r in (sgd, adam):
            table.add_row(
                Text(OPTIMIZER_NAMES[r.optimizer], style=OPTIMIZER_STYLES[r.optimizer]),
                Text(r.label, style=REGIME_STYLES[r.label]),
                outcome(r),
            )
        ratio = first_adam.mean_move / first_sgd.mean_move if first_sgd.mean_move > 0 else math.nan
        steps = Text.assemble(
            ("First step", "bold"),
            f", mean move per weight: SGD {format_number(first_sgd.mean_move, 4)} (α × the mean gradient "
            f"{format_number(first_sgd.mean_gradient, 4)}), Adam {format_number(first_adam.mean_move, 4)}",
            f": {format_number(ratio, 0 if ratio >= 10 else 1)}× as far." if math.isfinite(ratio) else ".",
        )
        rises = Text.assemble(
            ("Steps where the loss rose", "bold"),
            f" (by over {percent(RISE)} of its start): SGD {sgd.rises} of {sgd.steps - 1}, "
            f"Adam {adam.rises} of {adam.steps - 1}.",
        )
        return side_by_side(plot, Group(table, Text(""), steps, Text(""), rises), width=40)


# -- drawing helpers --------------------------------------------------------------------
