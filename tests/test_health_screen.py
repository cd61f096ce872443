"""Section 6, gradient health, driven key by key, and its snapshots.

Every bar's word and number asserted on screen is recomputed here from the
model (``deep_health`` on a setup written out in the test), then looked for
in the rows the screen draws at its real size. Passes are measured by a
worker: each key is followed by waiting until the step is no longer
computing (a condition, never a fixed sleep).
"""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from textual.widgets import Static

from backprop_tui.app import BackpropApp
from backprop_tui.lesson.quiz import questions_for
from backprop_tui.models.health import DeepHealth, DeepSetup, deep_health
from backprop_tui.progress.store import ProgressStore
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import THEME
from backprop_tui.screens.health import HealthScreen
from backprop_tui.widgets.health_bars import HealthBars
from backprop_tui.widgets.step_bar import StepBar

SIZE = (80, 24)
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|∞|infinity", re.IGNORECASE)
ROW = re.compile(r"^\s*(\d+)\s{2}(.*)$")
HEALTH = re.compile(r"\b(OK|Warn|Bad)\s+(\S+)(?:\s+dead (\d+)/(\d+))?")
MOVED = re.compile(r"moved (\S+)|(diverged)")
LABELS = [s.label for s in HealthScreen.STEPS]


def make_app() -> BackpropApp:
    return BackpropApp(section="health", learner="Ada", store=ProgressStore())


def screen_of(app: BackpropApp) -> HealthScreen:
    screen = app.section_screen
    assert isinstance(screen, HealthScreen)
    return screen


def shown(app: BackpropApp) -> str:
    """The body as a learner reads it: every visible part at its own width (the bars at their own height)."""
    parts = []
    for widget in screen_of(app).query_one("#body").children:
        if not widget.display:
            continue
        renderable = widget.content if isinstance(widget, Static) else widget.render()
        width = widget.content_size.width
        console = Console(width=width, file=io.StringIO(), record=True, color_system=None, theme=THEME)
        console.print(renderable)
        parts.append(console.export_text())
    return "\n".join(parts)


def flat(app: BackpropApp) -> str:
    """What is shown, with every run of white space one space (sentences wrap where the width says)."""
    return " ".join(shown(app).split())


async def settle(pilot) -> None:
    """Wait until the step on show has its passes (the workers are done and their news is drawn)."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not screen_of(app).computing:
            return
    raise AssertionError("the step is still computing")


async def press(pilot, *keys: str) -> None:
    """Press ``keys`` one by one, each drawn before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def go_to(pilot, step_id: str) -> None:
    """From the section's start, step forward with ``n`` to the step ``step_id``."""
    await settle(pilot)
    await press(pilot, *["n"] * HealthScreen.step_index(step_id))
    assert screen_of(pilot.app).step_id == step_id


def rows(app: BackpropApp) -> dict[int, str]:
    """Each bar row of the table on show, by layer number."""
    out = {}
    for line in shown(app).splitlines():
        m = ROW.match(line)
        if m and any(word in line for word in ("OK", "Warn", "Bad", "moved", "diverged", "σ′")):
            out[int(m.group(1))] = m.group(2)
    return out


def health_cells(h: DeepHealth, layer: int) -> tuple[str, str, tuple[int, int] | None]:
    """What a health bar of ``layer`` must say: its word, its number, its dead count (ReLU hidden layers)."""
    info = h.layers[layer - 1]
    dead = (info.dead, info.units) if h.setup.activation == "relu" and layer < h.setup.depth else None
    return info.status.label, format_number(info.magnitude), dead


def assert_health_rows(app: BackpropApp, *columns: DeepHealth) -> None:
    """Every visible layer row shows each column's word and number; hidden layers are announced."""
    table = rows(app)
    depth = columns[0].setup.depth
    assert table, shown(app)
    assert max(table) == depth and min(table) == 1
    for layer, text in table.items():
        found = HEALTH.findall(text)
        assert len(found) == len(columns), text
        for h, (word, number, dead, units) in zip(columns, found):
            want_word, want_number, want_dead = health_cells(h, layer)
            assert (word, number) == (want_word, want_number), (layer, text)
            assert (None if not dead else (int(dead), int(units))) == want_dead, (layer, text)
    if len(table) < depth:
        assert "⋮" in shown(app)


def assert_moved_rows(app: BackpropApp, *columns: DeepHealth) -> None:
    for layer, text in rows(app).items():
        found = MOVED.findall(text)
        assert len(found) == len(columns), text
        for h, (moved, diverged) in zip(columns, found):
            if h.diverged:
                assert diverged
            else:
                assert moved == format_number(h.moved[layer - 1]), (layer, text)


def fits(app: BackpropApp) -> bool:
    """Nothing scrolls, and the bars and their note are drawn whole within the bars' own height."""
    screen = screen_of(app)
    bars = screen.query_one(HealthBars)
    if bars.display and not bars.computing:
        console = Console(width=bars.content_size.width, file=io.StringIO(), theme=THEME)
        if len(console.render_lines(bars.render(), pad=False)) > bars.content_size.height:
            return False
    return screen.query_one("#body").max_scroll_y == 0


# -- walking the section -----------------------------------------------------------------------------


async def test_steps_forwards_and_backwards_everything_fits_and_no_nan():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.total_steps == len(HealthScreen.STEPS) + len(questions_for("health"))
        seen = []
        for expected in range(screen.total_steps):
            assert screen.step == expected
            seen.append(screen.query_one(StepBar).label)
            if screen.question is None:
                text = shown(app)
                assert text.strip() and not NOT_A_NUMBER.search(text) and "computing" not in text, text
                assert screen.query_one("#body").max_scroll_y == 0, seen[-1]
            if expected < screen.total_steps - 1:
                await press(pilot, "n")
        assert seen[: screen.own_steps] == LABELS
        for expected in range(screen.total_steps - 2, -1, -1):
            await press(pilot, "p")
            assert screen.step == expected


async def test_the_first_step_states_the_classes_and_the_sigmoid_peak():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = flat(app)
        assert "at most 0.25" in text and "0.25^4 = 0.0039" in text
        assert "OK for 0.1 to 0.5" in text and "Bad below 0.01 or above 1" in text


async def test_sigmoid_and_relu_side_by_side_with_the_engines_numbers():
    sig, relu = deep_health(DeepSetup(5, "sigmoid", "xavier")), deep_health(DeepSetup(5, "relu", "he"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        assert_health_rows(app, sig, relu)
        text = flat(app)
        assert "sigmoid · Xavier" in text and "ReLU · He" in text
        assert "layer 1 gets 1/1100 of layer 5's gradient" in text  # 1/ratio, two significant figures
        assert round(1 / sig.ratio, -2) == 1100
        assert f"dead {relu.dead} of {relu.hidden_units}" in text


async def test_f_cycles_the_left_activation_on_the_side_by_side_step():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        screen = screen_of(app)
        cycle = (("tanh", "xavier"), ("relu", "he"), ("leaky_relu", "he"), ("gelu", "he"), ("silu", "he"), ("sigmoid", "xavier"))
        for act, init in cycle:
            await press(pilot, "f")
            assert screen.left == act
            assert_health_rows(app, deep_health(DeepSetup(5, act, init)), deep_health(DeepSetup(5, "relu", "he")))


async def test_depth_keys_redraw_and_stop_at_2_and_20_with_a_notice():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        screen = screen_of(app)
        await press(pilot, "plus")
        assert screen.depth == 6
        assert_health_rows(app, deep_health(DeepSetup(6, "sigmoid", "xavier")), deep_health(DeepSetup(6, "relu", "he")))
        await press(pilot, *["minus"] * 4)
        assert screen.depth == 2
        assert_health_rows(app, deep_health(DeepSetup(2, "sigmoid", "xavier")), deep_health(DeepSetup(2, "relu", "he")))
        await press(pilot, "minus")
        assert screen.depth == 2
        assert any("Depth goes from 2 to 20" in n.message for n in app._notifications)
        await press(pilot, *["plus"] * 18)
        assert screen.depth == 20
        await press(pilot, "plus")
        assert screen.depth == 20
        assert any("this is 20" in n.message for n in app._notifications)
        # 20 layers at 80×24: the top and bottom layers, the middle summed up, nothing scrolls
        sig, relu = deep_health(DeepSetup(20, "sigmoid", "xavier")), deep_health(DeepSetup(20, "relu", "he"))
        assert_health_rows(app, sig, relu)
        table = rows(app)
        assert 8 <= len(table) < 20
        hidden = [n for n in range(1, 21) if n not in table]
        start, stop = hidden[0], hidden[-1]
        bad = sum(sig.layers[n - 1].status.label == "Bad" for n in hidden)
        assert f"layers {start}–{stop}: {bad} Bad" in shown(app)
        assert fits(app)
        assert not NOT_A_NUMBER.search(shown(app))


async def test_every_layer_fits_on_a_tall_terminal_and_a_resize_refits_them():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(pilot, "side")
        await press(pilot, *["plus"] * 15)
        assert sorted(rows(app)) == list(range(1, 21))
        assert fits(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert 8 <= len(rows(app)) < 20 and fits(app)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert sorted(rows(app)) == list(range(1, 21))


async def test_the_depth_carries_across_the_steps_and_each_shows_its_nets():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "vanish")
        await press(pilot, "plus", "plus")
        sig = deep_health(DeepSetup(7, "sigmoid", "xavier"))
        for layer, text in rows(app).items():
            assert format_number(sig.layers[layer - 1].magnitude) in text
            if layer < 7:
                assert f"σ′ {format_number(sig.slopes[layer - 1], 2)}" in text
        await press(pilot, "n")
        assert_health_rows(app, deep_health(DeepSetup(7, "relu", "normal")), deep_health(DeepSetup(7, "relu", "he")))
        trained = deep_health(DeepSetup(7, "relu", "normal", optimizer="sgd"))
        assert trained.diverged and f"diverges at step {trained.trained}" in flat(app)
        await press(pilot, "n")
        relu, leaky = deep_health(DeepSetup(7, "relu", "he")), deep_health(DeepSetup(7, "leaky_relu", "he"))
        assert_health_rows(app, relu, leaky)
        text = flat(app)
        assert f"{relu.dead} of {relu.hidden_units} ReLU units" in text and "exactly 0" in text
        assert screen_of(app).step_id == "dead"


# -- snapshots ----------------------------------------------------------------------------------------

VIEWS = {
    "side": ("n",),
    "vanishing-20": ("n", "n") + ("plus",) * 15,
    "remedies": ("n",) * 5 + ("i", "i", "k", "l"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, view, size):
    async def walk(pilot) -> None:
        await settle(pilot)
        await press(pilot, *VIEWS[view])

    app = BackpropApp(section="health", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=size, run_before=walk)
