"""Section 5, the learning rate, driven key by key, and its snapshots.

Every label and loss asserted on screen is computed here with the engine's
sweep, then looked for in what the widgets render.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Static

from backprop_tui.app import BackpropApp
from backprop_tui.lesson.quiz import questions_for
from backprop_tui.models.sweep import COMPARE_LRS, DEFAULT_LRS, LABELS, LessonRuns, Run, first_step, sweep
from backprop_tui.progress.store import ProgressStore
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.plot import PATTERNS
from backprop_tui.screens import learning_rate
from backprop_tui.screens.learning_rate import LearningRateScreen
from backprop_tui.widgets.step_bar import StepBar

SIZE = (80, 24)
ALPHA = {0.001: "0.001", 0.01: "0.01", 0.1: "0.1", 0.5: "0.5", 1.0: "1", 1.5: "1.5", 3.0: "3", 10.0: "10"}
"""How the screen writes each learning rate of the lesson."""
LEGENDS = "|".join(p.legend for p in PATTERNS)
"""Every line pattern a legend can show."""
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|∞|infinity", re.IGNORECASE)


def shown(app: BackpropApp, width: int = 80) -> str:
    """The text of every visible Static in the section body, rendered ``width`` wide."""
    screen = app.section_screen
    assert screen is not None
    parts = []
    for static in screen.query_one("#body").query(Static):
        if static.display:
            console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
            console.print(static.content, markup=False)
            parts.append(console.export_text())
    return "\n".join(parts)


def column_from(text: str, marker: str) -> str:
    """The text right of where ``marker`` starts (the side column beside a plot), as one line."""
    lines = text.splitlines()
    start = next(line.index(marker) for line in lines if marker in line)
    return " ".join(" ".join(line[start:].split()) for line in lines if len(line) > start).strip()


def make_app() -> BackpropApp:
    return BackpropApp(section="learning-rate", learner="Ada", store=ProgressStore())


def outcome(run: Run) -> str:
    """What the table should say a run ended at."""
    if run.diverged:
        return f"diverged at step {run.diverged_at}"
    assert abs(run.final) < 100  # the lesson's undiverged runs end small: four decimals
    return format_number(run.final, 4)


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return sweep(DEFAULT_LRS)


def test_the_screen_walks_the_engines_labels_in_order():
    assert learning_rate.REGIMES == LABELS  # kept apart so the screen module imports no numpy


async def test_steps_forwards_and_backwards_without_leaving_the_section():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.section_screen
        assert isinstance(screen, LearningRateScreen)
        total = screen.total_steps
        assert total == len(LearningRateScreen.STEPS) + len(questions_for("learning-rate"))
        seen = []
        for expected in range(total):
            assert screen.step == expected
            bar = screen.query_one(StepBar)
            seen.append(bar.label)
            if screen.question is None:
                text = shown(app)
                assert text.strip()
                assert not NOT_A_NUMBER.search(text), text
                await pilot.pause()
                assert screen.query_one("#body").max_scroll_y == 0, bar.label  # it all fits at 80×24
            if expected < total - 1:
                await pilot.press("n")
        assert seen[: screen.own_steps] == [s.label for s in LearningRateScreen.STEPS]
        for expected in range(total - 2, -1, -1):
            await pilot.press("p")
            assert screen.step == expected
            assert screen.SECTION_ID == app.section_screen.SECTION_ID == "learning-rate"


async def test_overview_shows_each_runs_label_and_final_loss(runs):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        text = shown(app)
        lines = text.splitlines()
        for run in runs:
            row = re.compile(rf"(?<![\d.]){re.escape(ALPHA[run.lr])}\s+{run.label}\s+{re.escape(outcome(run))}\s*$")
            assert any(row.search(line) for line in lines), (run, text)
        for label in LABELS:  # the legend names every label the runs show
            assert re.search(rf"({LEGENDS}) {label}", text)
        assert "log₁₀ of the loss" in text


@pytest.mark.parametrize("label", LABELS)
async def test_each_label_step_names_exactly_its_runs(runs, label):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * (LearningRateScreen.step_index(label)))
        text = column_from(shown(app, width=120), "Rule:")
        for run in runs:
            mentioned = f"α = {ALPHA[run.lr]}:" in text
            assert mentioned == (run.label == label), (run, text)
        for run in (r for r in runs if r.label == label):
            if run.diverged:
                assert f"by step {run.diverged_at}: diverged" in text
            elif run.final == 0:  # a true zero, said to be one, from the step it was reached on
                zero = min(k for k in range(1, run.steps + 1) if all(v == 0 for v in run.losses[k - 1 :]))
                assert f"exactly 0 from step {zero} on" in text
            else:
                assert f"{format_number(run.final, 4)} at step {run.steps}" in text


async def test_the_overshooting_step_shows_the_predictions_jumping(runs):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * (LearningRateScreen.step_index("overshooting")))
        text = column_from(shown(app, width=120), "Rule:")
        (run,) = [r for r in runs if r.label == "overshooting"]
        firsts = ", ".join(format_number(p, 2) for p in run.predictions[:7])
        assert f"Its predictions: {firsts}" in text
        at, top = run.peak
        assert f"up to {format_number(top, 4)} at step {at}" in text


@pytest.mark.parametrize("i", range(len(COMPARE_LRS)))
async def test_sgd_against_adam(i):
    lr = COMPARE_LRS[i]
    sgd, adam = sweep([lr])[0], sweep([lr], optimizer="adam")[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * (LearningRateScreen.step_index(("adam-small", "adam-large")[i])))
        text = shown(app, width=120)
        assert f"both at α = {ALPHA[lr]}" in text
        for name, run in (("SGD", sgd), ("Adam", adam)):
            assert re.search(rf"{name}\s+{run.label}\s+{re.escape(outcome(run))}", text), text
        move = first_step(lr, "adam").mean_move
        assert f"Adam {format_number(move, 4)}" in text
        assert not NOT_A_NUMBER.search(text)


def _broken_runs() -> LessonRuns:
    """Runs that end in NaN and ∞, as a run that overflows would."""
    first = 0.0195
    nan_run = Run("sgd", 10.0, (first, 4.0, math.nan), True, "diverging", (0.5, 2.0, math.nan))
    inf_run = Run("sgd", 3.0, (first, 0.3, math.inf), True, "diverging", (0.5, 1.2, math.inf))
    calm = Run("sgd", 0.1, (first, 0.01, 0.001), False, "converging", (0.5, 0.6, 0.65))
    slow = Run("sgd", 0.001, (first, 0.019, 0.0189), False, "crawling", (0.5, 0.51, 0.52))
    adam_nan = Run("adam", 3.0, (first, 1.0, math.nan), True, "diverging", (0.5, 1.0, math.nan))
    steps = lesson_first_steps()
    return LessonRuns(
        sgd=(slow, calm, inf_run, nan_run),
        compare=((slow, calm), (inf_run, adam_nan)),
        first_steps=steps,
        target=0.7,
    )


def lesson_first_steps():
    return tuple((first_step(lr, "sgd"), first_step(lr, "adam")) for lr in COMPARE_LRS)


async def test_runs_that_are_not_numbers_are_shown_as_diverged(monkeypatch):
    monkeypatch.setattr(learning_rate, "lesson_runs", _broken_runs)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        for _ in range(screen.own_steps):
            text = shown(app, width=120)
            assert not NOT_A_NUMBER.search(text), text
            await pilot.press("n")
        await pilot.press("p", "p", "p", "p", "p", "p", "p")
        assert screen.step == LearningRateScreen.step_index("overview")
        text = shown(app, width=120)
        assert re.search(r"10\s+diverging\s+diverged at step 3", text)
        assert re.search(r"3\s+diverging\s+diverged at step 3", text)


async def test_runs_are_computed_only_when_the_section_is_opened():
    from backprop_tui.models import sweep as model

    model.lesson_runs.cache_clear()
    app = BackpropApp(section="forward", learner="Ada", store=ProgressStore())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "1", "2")
        await pilot.pause()
        assert model.lesson_runs.cache_info().misses == 0
        await pilot.press("5")
        await pilot.pause()
        assert app.section_screen.SECTION_ID == "learning-rate"
        assert model.lesson_runs.cache_info().misses == 0  # what α does needs no run
        await pilot.press("n")
        assert model.lesson_runs.cache_info().misses == 1
        await pilot.press("3", "5", "n", "n")
        assert model.lesson_runs.cache_info().misses == 1  # computed once, then kept


async def test_a_taller_terminal_gets_a_taller_plot():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")
        tall = shown(app, width=120).count("│")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        short = shown(app, width=120).count("│")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert shown(app, width=120).count("│") == tall > short


VIEWS = ("overview", "overshooting", "adam-large", "batch")
"""The steps pictured, opened by id."""


def opening(step_id: str):
    """What to do before the picture is taken: open ``step_id``."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.section_screen.go_to_step(step_id)
        await pilot.pause()
        assert pilot.app.section_screen.step_id == step_id

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", VIEWS)
def test_snapshot(snap_compare, view, size):
    app = BackpropApp(section="learning-rate", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=size, run_before=opening(view))


@pytest.mark.parametrize("view", ["overview", "converging"])
def test_snapshot_no_color(snap_compare, monkeypatch, view):
    """NO_COLOR: each run's line is told apart by its pattern alone."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = BackpropApp(section="learning-rate", learner="Ada", store=ProgressStore())
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=opening(view))


# -- numbers: a non-zero loss never reads as zero --------------------------------------


def table_rows(text: str) -> dict[str, str]:
    """The overview table's rows: α as written → the loss (or 'diverged at …') it ends with."""
    rows = {}
    for line in text.splitlines():
        m = re.search(r"(?<![\d.])(\d[\d.]*)\s+(crawling|converging|overshooting|diverging)\s+(.+?)\s*$", line)
        if m:
            rows[m.group(1)] = m.group(3)
    return rows


async def test_the_overview_table_never_shows_a_non_zero_loss_as_zero(runs):
    assert any(r.final == 0.0 for r in runs)  # α = 0.5 lands exactly on the target: a true zero is shown too
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("overview")
        await pilot.pause()
        rows = table_rows(shown(app))
        assert set(rows) == {ALPHA[r.lr] for r in runs}
        for run in runs:
            cell = rows[ALPHA[run.lr]]
            if run.diverged:
                assert cell == f"diverged at step {run.diverged_at}"
                continue
            value = float(cell.replace("\u2212", "-"))
            assert (value == 0) == (run.final == 0), (run.lr, cell)
            assert cell != "0.0000"
            if run.final == 0:
                assert cell == "0"
            else:
                assert math.isclose(value, run.final, rel_tol=0.05, abs_tol=0.5e-4), (run.lr, cell)


# -- NO_COLOR: every line of every plot reads differently -----------------------------

LEGEND = re.compile(rf"(?:^|\s\s)({LEGENDS})((?: [A-Z])?) (\S+)")


def legend(text: str) -> dict[str, str]:
    """Each legend entry of the plot on screen: name → its pattern (and letter, if it has one)."""
    found = {}
    for line in text.splitlines():
        for m in LEGEND.finditer(line.strip()):
            found[m.group(3)] = m.group(1) + m.group(2)
    return found


@pytest.mark.parametrize("step_id", ["overview", *LABELS, "adam-small", "adam-large"])
async def test_under_no_color_every_series_has_its_own_line(monkeypatch, runs, step_id):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step(step_id)
        await pilot.pause()
        entries = legend(shown(app))
        if step_id == "overview":
            expected = {r.label for r in runs}
        elif step_id in LABELS:
            chosen = [r for r in runs if r.label == step_id]
            expected = {f"α={ALPHA[r.lr]}" for r in chosen} | ({"others"} if len(chosen) < len(runs) else set())
        else:
            expected = {"SGD", "Adam"}
        assert set(entries) == expected, entries
        assert len(set(entries.values())) == len(entries), entries  # no two share a pattern


# -- gradient descent, batches and SGD, said before they are used ----------------------


def numeric_dL_dv1(x, t) -> float:
    """∂L/∂v1 of the lesson network's (mean) loss on ``x``, ``t``, by central differences on the engine's loss."""
    from backprop_tui.engine.network import lesson_network

    h = 1e-6
    losses = []
    for sign in (1, -1):
        net = lesson_network()
        params = [(W.copy(), b.copy()) for W, b in zip(net.W, net.b)]
        params[1][0][0, 0] += sign * h
        net.set_params(params)
        losses.append(net.loss_at(np.asarray(x, dtype=float), np.asarray(t, dtype=float)))
    return (losses[0] - losses[1]) / (2 * h)


async def test_the_batch_step_shows_a_batch_gradient_is_the_mean_of_its_examples():
    from backprop_tui.models.sweep import BATCH_EXAMPLES

    each = [numeric_dL_dv1([x], [[t]]) for x, t in BATCH_EXAMPLES]
    whole = numeric_dL_dv1([x for x, _ in BATCH_EXAMPLES], [[t] for _, t in BATCH_EXAMPLES])
    assert math.isclose(whole, sum(each) / len(each), rel_tol=1e-6)  # the claim itself, on the engine's loss
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert app.section_screen.step_id == "batch"
        text = shown(app, width=120)
        flat = " ".join(text.split())
        for k, ((x1, x2), t) in enumerate(BATCH_EXAMPLES):
            row = f"{format_number(x1, 2)}, {format_number(x2, 2)} {format_number(t, 2)} {format_number(each[k], 4)}"
            assert row in flat, (row, flat)
        assert f"mean of the 3 {format_number(whole, 4)}" in flat
        assert f"the batch of 3, one backward pass {format_number(whole, 4)}" in flat
        assert "stochastic gradient descent (SGD)" in flat and "batch" in flat
        await pilot.pause()
        assert app.section_screen.query_one("#body").max_scroll_y == 0  # it all fits at 80×24


async def test_gradient_descent_and_sgd_are_defined_before_the_section_uses_them():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        texts = []
        for _ in range(screen.own_steps):
            texts.append(" ".join(shown(app, width=120).split()))
            await pilot.press("n")
        first_gd = next(i for i, t in enumerate(texts) if "gradient descent" in t)
        assert "is gradient descent" in texts[first_gd]
        first_sgd = next(i for i, t in enumerate(texts) if "SGD" in t)
        assert "stochastic gradient descent (SGD)" in texts[first_sgd]
        assert first_sgd < LearningRateScreen.step_index("overview")  # before the first run said to be SGD
