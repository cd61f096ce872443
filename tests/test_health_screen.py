"""Section 6, gradient health, driven key by key, and its snapshots.

Every bar's word and number asserted on screen is recomputed here from the
engine (``deep_health`` on a setup written out in the test), then looked for
in the rows the widgets render.
"""

from __future__ import annotations

import re

import pytest

from backprop_tui.app import BackpropApp
from backprop_tui.engine.health import CLIP_NORM, DeepHealth, DeepSetup, deep_health
from backprop_tui.lesson.quiz import questions_for
from backprop_tui.progress.store import ProgressStore
from backprop_tui.renderables.numbers import format_number
from backprop_tui.screens.health import DEAD, EXPLODE, REMEDIES, SIDE, STEP_LABELS, VANISH, HealthScreen, Remedies
from backprop_tui.widgets.step_bar import StepBar

from test_app import shown

SIZE = (80, 24)
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|∞|infinity", re.IGNORECASE)
ROW = re.compile(r"^\s*(\d+)\s{2}(.*)$")
HEALTH = re.compile(r"\b(OK|Warn|Bad)\s+(\S+)(?:\s+dead (\d+)/(\d+))?")
MOVED = re.compile(r"moved (\S+)|(diverged)")


def make_app() -> BackpropApp:
    return BackpropApp(section="health", learner="Ada", store=ProgressStore())


def rows(app: BackpropApp) -> dict[int, str]:
    """Each bar row of the table on show, by layer number."""
    out = {}
    for line in shown(app).splitlines():
        m = ROW.match(line)
        if m and ("OK" in line or "Warn" in line or "Bad" in line or "moved" in line or "diverged" in line or "σ′" in line):
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


async def go_to(pilot, step: int) -> None:
    await pilot.press(*["n"] * step)
    await pilot.pause()


# -- walking the section -----------------------------------------------------------------------------


async def test_steps_forwards_and_backwards_everything_fits_and_no_nan():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.section_screen
        assert isinstance(screen, HealthScreen)
        assert screen.total_steps == len(STEP_LABELS) + len(questions_for("health"))
        seen = []
        for expected in range(screen.total_steps):
            assert screen.step == expected
            seen.append(screen.query_one(StepBar).label)
            if screen.question is None:
                text = shown(app)
                assert text.strip() and not NOT_A_NUMBER.search(text), text
                await pilot.pause()
                assert screen.query_one("#body").max_scroll_y == 0, seen[-1]
            if expected < screen.total_steps - 1:
                await pilot.press("n")
        assert seen[: screen.own_steps] == list(STEP_LABELS)
        for expected in range(screen.total_steps - 2, -1, -1):
            await pilot.press("p")
            assert screen.step == expected


async def test_the_first_step_states_the_classes_and_the_sigmoid_peak():
    app = make_app()
    async with app.run_test(size=SIZE):
        text = " ".join(shown(app).split())
        assert "at most 0.25" in text and "0.25^4 = 0.0039" in text
        assert "OK for 0.1 to 0.5" in text and "Bad below 0.01 or above 1" in text


async def test_sigmoid_and_relu_side_by_side_with_the_engines_numbers():
    sig, relu = deep_health(DeepSetup(5, "sigmoid", "xavier")), deep_health(DeepSetup(5, "relu", "he"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, SIDE)
        assert_health_rows(app, sig, relu)
        text = " ".join(shown(app).split())
        assert "sigmoid · Xavier" in text and "ReLU · He" in text
        assert "layer 1 gets 1/1100 of layer 5's gradient" in text  # 1/ratio, two significant figures
        assert round(1 / sig.ratio, -2) == 1100
        assert f"dead {relu.dead} of {relu.hidden_units}" in text


async def test_f_cycles_the_left_activation_on_the_side_by_side_step():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, SIDE)
        screen = app.section_screen
        for act, init in (("tanh", "xavier"), ("relu", "he"), ("leaky_relu", "he"), ("gelu", "he"), ("silu", "he"), ("sigmoid", "xavier")):
            await pilot.press("f")
            assert screen.left == act
            assert_health_rows(app, deep_health(DeepSetup(5, act, init)), deep_health(DeepSetup(5, "relu", "he")))


async def test_depth_keys_redraw_and_stop_at_2_and_20_with_a_notice():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, SIDE)
        screen = app.section_screen
        await pilot.press("plus")
        assert screen.depth == 6
        assert_health_rows(app, deep_health(DeepSetup(6, "sigmoid", "xavier")), deep_health(DeepSetup(6, "relu", "he")))
        await pilot.press(*["minus"] * 4)
        assert screen.depth == 2
        assert_health_rows(app, deep_health(DeepSetup(2, "sigmoid", "xavier")), deep_health(DeepSetup(2, "relu", "he")))
        await pilot.press("minus")
        await pilot.pause()
        assert screen.depth == 2
        assert any("Depth goes from 2 to 20" in n.message for n in app._notifications)
        await pilot.press(*["plus"] * 18)
        assert screen.depth == 20
        await pilot.press("plus")
        await pilot.pause()
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
        await pilot.pause()
        assert screen.query_one("#body").max_scroll_y == 0
        assert not NOT_A_NUMBER.search(shown(app))


async def test_every_layer_fits_on_a_tall_terminal():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(pilot, SIDE)
        await pilot.press(*["plus"] * 15)
        assert sorted(rows(app)) == list(range(1, 21))
        await pilot.pause()
        assert app.section_screen.query_one("#body").max_scroll_y == 0


async def test_the_depth_carries_across_the_steps_and_each_shows_its_nets():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, VANISH)
        await pilot.press("plus", "plus")
        sig = deep_health(DeepSetup(7, "sigmoid", "xavier"))
        for layer, text in rows(app).items():
            assert format_number(sig.layers[layer - 1].magnitude) in text
            if layer < 7:
                assert f"σ′ {format_number(sig.slopes[layer - 1], 2)}" in text
        await pilot.press("n")
        assert_health_rows(app, deep_health(DeepSetup(7, "relu", "normal")), deep_health(DeepSetup(7, "relu", "he")))
        trained = deep_health(DeepSetup(7, "relu", "normal", optimizer="sgd"))
        assert trained.diverged and f"diverges at step {trained.trained}" in " ".join(shown(app).split())
        await pilot.press("n")
        relu, leaky = deep_health(DeepSetup(7, "relu", "he")), deep_health(DeepSetup(7, "leaky_relu", "he"))
        assert_health_rows(app, relu, leaky)
        text = " ".join(shown(app).split())
        assert f"{relu.dead} of {relu.hidden_units} ReLU units" in text and "exactly 0" in text
        assert app.section_screen.step == DEAD


# -- the remedies ------------------------------------------------------------------------------------


def nets(init="normal", residual=False, clip=False, leaky=False, training=None, left="sigmoid", depth=5):
    """The remedy panel's two nets, written out here rather than taken from the screen."""
    clip_norm = CLIP_NORM if clip else None
    right = "leaky_relu" if leaky else "relu"
    left = "leaky_relu" if leaky and left == "relu" else left
    return (
        deep_health(DeepSetup(depth, left, init, residual, clip_norm, training)),
        deep_health(DeepSetup(depth, right, init, residual, clip_norm, training)),
    )


PRESSES = [
    ("i", dict(init="xavier"), "init naive [Xavier] He"),
    ("i", dict(init="he"), "init naive Xavier [He]"),
    ("k", dict(init="he", residual=True), "[x] skips"),
    ("g", dict(init="he", residual=True, clip=True), "[x] clip at 5"),
    ("l", dict(init="he", residual=True, clip=True, leaky=True), "[x] Leaky ReLU"),
    ("k", dict(init="he", clip=True, leaky=True), "[ ] skips"),
    ("o", dict(init="he", clip=True, leaky=True, training="sgd"), "none [SGD] Adam"),
    ("o", dict(init="he", clip=True, leaky=True, training="adam"), "none SGD [Adam]"),
    ("f", dict(init="he", clip=True, leaky=True, training="adam", left="tanh"), "left: tanh"),
    ("o", dict(init="he", clip=True, leaky=True, left="tanh"), "[none] SGD Adam"),
    ("g", dict(init="he", leaky=True, left="tanh"), "[ ] clip at 5"),
    ("l", dict(init="he", left="tanh"), "[ ] Leaky ReLU"),
    ("i", dict(left="tanh"), "init [naive] Xavier He"),
]


async def test_every_remedy_key_switches_and_the_bars_follow_the_engine():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, REMEDIES)
        screen = app.section_screen
        left, right = nets()
        assert_health_rows(app, left, right)
        assert "init [naive] Xavier He" in shown(app) and "[ ] skips" in shown(app)
        for key, state, panel in PRESSES:
            before = screen.remedies
            await pilot.press(key)
            assert screen.remedies != before, key
            assert screen.remedies == Remedies(**state), key
            text = shown(app)
            assert panel in text, (key, text)
            left, right = nets(**state)
            if state.get("training"):
                assert_moved_rows(app, left, right)
            else:
                assert_health_rows(app, left, right)
            assert not NOT_A_NUMBER.search(text), text


async def test_each_switch_says_what_changed_in_numbers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, REMEDIES)
        await pilot.press("i", "i")  # He
        await pilot.press("k")
        text = " ".join(shown(app).split())
        plain, skips = nets(init="he")[0], nets(init="he", residual=True)[0]
        assert "Skip connections on." in text
        assert "layer 1's share 1/290 → 1/35" in text
        assert round(1 / plain.ratio, -1) == 290 and round(1 / skips.ratio) == 35
        await pilot.press("l")
        relu, leaky = nets(init="he", residual=True)[1], nets(init="he", residual=True, leaky=True)[1]
        assert f"dead {relu.dead} → 0" in " ".join(shown(app).split()) and relu.dead > 0 == leaky.dead
        await pilot.press("o", "o")
        sgd = nets(init="he", residual=True, leaky=True, training="sgd")[0]
        adam = nets(init="he", residual=True, leaky=True, training="adam")[0]
        text = " ".join(shown(app).split())
        assert f"layer 1 moved {format_number(adam.moved[0])}" in text
        assert f"(SGD: {format_number(sgd.moved[0])} and {format_number(sgd.moved[-1])})" in text


async def test_a_diverged_training_run_is_shown_as_diverged_not_as_nan():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, REMEDIES)
        await pilot.press("o")  # naive init, SGD: the ReLU net diverges
        left, right = nets(training="sgd")
        assert right.diverged
        assert_moved_rows(app, left, right)
        text = shown(app)
        assert f"SGD diverged at step {right.trained}" in text
        assert not NOT_A_NUMBER.search(text)


async def test_remedy_keys_only_work_on_the_remedy_step_and_not_in_the_quiz():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        for step in range(screen.total_steps):
            depth, left, remedies = screen.depth, screen.left, screen.remedies
            if step != REMEDIES:
                await pilot.press("i", "k", "g", "l", "o")
                assert screen.remedies == remedies, step
            if step not in (SIDE, REMEDIES):
                await pilot.press("f")
                assert (screen.left, screen.remedies.left) == (left, remedies.left), step
            if step == 0 or screen.question is not None:
                await pilot.press("plus")
                assert screen.depth == depth, step
            if step < screen.total_steps - 1:
                await pilot.press("n")
        # every answer key still answers the quick check (no remedy key shadows one)
        assert screen.question is not None and screen.question.id == "health-sigmoid"
        for letter in "abcd":
            await pilot.press(letter)
            assert app.store.answers("Ada")["health-sigmoid"].last == letter
        answer = app.store.answers("Ada")["health-sigmoid"]
        assert answer.choice == "a" and not answer.correct and answer.attempts == 4


# -- snapshots ----------------------------------------------------------------------------------------

VIEWS = {
    "side": ("n",),
    "vanishing-20": ("n", "n") + ("plus",) * 15,
    "remedies": ("n",) * 5 + ("i", "i", "k", "l"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, view, size):
    app = BackpropApp(section="health", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=size, press=list(VIEWS[view]))
