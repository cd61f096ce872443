"""Section 6's remedy step, key by key: every switch, what it says it changed, a diverged run, where the keys work.

The two nets of the panel are written out here (:func:`nets`) and measured by
the model; the screen must show exactly their words and numbers.
"""

from __future__ import annotations

import pytest

from backprop_tui.engine.names import CLIP_NORM
from backprop_tui.models.health import DeepSetup, Remedies, deep_health, start
from backprop_tui.renderables.health_table import ratio_words, share
from backprop_tui.renderables.numbers import format_number
from test_health_screen import (
    NOT_A_NUMBER,
    SIZE,
    assert_health_rows,
    assert_moved_rows,
    fits,
    flat,
    go_to,
    make_app,
    press,
    screen_of,
    settle,
    shown,
)

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
        await go_to(pilot, "remedies")
        screen = screen_of(app)
        left, right = nets()
        assert_health_rows(app, left, right)
        assert "init [naive] Xavier He" in shown(app) and "[ ] skips" in shown(app)
        for key, state, panel in PRESSES:
            before = screen.remedies
            await press(pilot, key)
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
            assert fits(app), text


async def test_each_switch_says_what_changed_in_numbers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        await press(pilot, "i", "i", "k")  # He, then skips
        text = flat(app)
        plain, skips = nets(init="he")[0], nets(init="he", residual=True)[0]
        assert "Skip connections on." in text
        assert "layer 1's share 1/290 → 1/35" in text
        assert round(1 / plain.ratio, -1) == 290 and round(1 / skips.ratio) == 35
        await press(pilot, "l")
        relu, leaky = nets(init="he", residual=True)[1], nets(init="he", residual=True, leaky=True)[1]
        assert f"dead {relu.dead} → 0" in flat(app) and relu.dead > 0 == leaky.dead
        await press(pilot, "o", "o")
        sgd = nets(init="he", residual=True, leaky=True, training="sgd")[0]
        adam = nets(init="he", residual=True, leaky=True, training="adam")[0]
        text = flat(app)
        assert f"layer 1 moved {format_number(adam.moved[0])}" in text
        assert f"(SGD: {format_number(sgd.moved[0])} and {format_number(sgd.moved[-1])})" in text
        await press(pilot, "plus")  # a new depth: no switch to describe, and the remedies stay on
        text = flat(app)
        assert "as you set them" in text and "careless" not in text and "Skip connections" not in text
        await press(pilot, "i", "k", "l", "o")  # every remedy off again (naive init, no skips, ReLU, no training)
        await press(pilot, "minus")
        assert "A careless start: naive N(0, 1) weights and no remedy on." in flat(app)
        await press(pilot, "k", "r")  # r: back to the step's own set-up
        assert screen_of(app).settings == start("remedies") and "Left, sigmoid" in flat(app)


async def test_the_panel_names_the_activation_the_left_column_really_has():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        await press(pilot, "f", "f")  # sigmoid → tanh → ReLU
        assert "left: ReLU" in shown(app)
        await press(pilot, "l")  # Leaky ReLU replaces ReLU in both columns
        left, right = nets(leaky=True, left="relu")
        assert left.setup.activation == right.setup.activation == "leaky_relu"
        assert_health_rows(app, left, right)
        assert "left: Leaky ReLU" in shown(app)


async def test_a_diverged_training_run_is_shown_as_diverged_not_as_nan():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        await press(pilot, "o")  # naive init, SGD: the ReLU net diverges
        left, right = nets(training="sgd")
        assert right.diverged
        assert_moved_rows(app, left, right)
        text = shown(app)
        assert f"SGD diverged at step {right.trained}" in text
        assert not NOT_A_NUMBER.search(text)


async def test_remedy_keys_only_work_on_the_remedy_step_and_not_in_the_quiz():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        for step in range(screen.total_steps):
            step_id, settings = screen.step_id, screen.settings
            if step_id != "remedies":
                await press(pilot, "i", "k", "g", "l", "o")
                assert screen.remedies == settings.remedies, step_id
            if step_id not in ("side", "remedies"):
                await press(pilot, "f")
                assert (screen.left, screen.remedies.left) == (settings.left, settings.remedies.left), step_id
            if step_id == "products" or screen.question is not None:
                await press(pilot, "plus")
                assert screen.depth == settings.depth, step_id
            if step < screen.total_steps - 1:
                await press(pilot, "n")
        # every answer key still answers the quick check (no remedy key shadows one)
        assert screen.question is not None and screen.question.id == "health-sigmoid"
        for letter in "abcd":
            await pilot.press(letter)
            assert app.store.answers("Ada")["health-sigmoid"].last == letter
        answer = app.store.answers("Ada")["health-sigmoid"]
        assert answer.choice == "a" and not answer.correct and answer.attempts == 4


@pytest.mark.parametrize("depth", [3, 5, 10, 20])
def test_xavier_does_not_rescue_sigmoid_naive_weights_leave_its_first_layer_more(depth):
    """The init note's claim about sigmoid, true of the engine at every depth the section offers."""
    naive = deep_health(DeepSetup(depth, "sigmoid", "normal")).layers[0].magnitude
    xavier = deep_health(DeepSetup(depth, "sigmoid", "xavier")).layers[0].magnitude
    assert naive > xavier


async def test_each_init_note_starts_from_the_problem_it_fixes():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        await press(pilot, "i")  # naive → Xavier, with sigmoid on the left
        text = flat(app)
        assert "For tanh: Xavier's std √(2/(n_in + n_out)) suits tanh" in text and "does not rescue sigmoid" in text
        assert "naive weights left its layer 1 a larger share" in text and "for ReLU it is √2 too small" in text
        assert "steady through sigmoid" not in text
        naive, xavier = nets()[0], nets(init="xavier")[0]
        assert naive.ratio > xavier.ratio  # what the note says the left column shows
        assert f"Sigmoid: layer 1's share {ratio_words(naive)} → {ratio_words(xavier)}" in text
        await press(pilot, "i")  # Xavier → He
        text = flat(app)
        assert "For exploding ReLU: He's std √(2/n_in)" in text and "about level at any depth (without skips)" in text
        relu = nets(init="he")[1]
        assert 0.5 < relu.ratio < 2 and all(layer.status.label == "OK" for layer in relu.layers)
        await press(pilot, "i")  # He → naive
        text = flat(app)
        assert "Back to the careless start" in text and "ReLU's ∂L/∂z grows at every layer down" in text
        assert fits(app)


async def test_the_start_names_each_column_s_problem_and_the_key_for_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        left, right = nets()
        text = flat(app)
        assert f"Left, sigmoid: {share(left)}." in text and left.ratio < 0.1
        assert f"Right, ReLU: {share(right)}, the largest |∂L/∂W| {format_number(right.largest, 1)}." in text
        assert all(layer.status.label == "Bad" and layer.magnitude > 1 for layer in right.layers)  # it explodes
        assert "Exploding: i sets the start's scale (He for ReLU, Xavier for tanh), g clips." in text
        assert "Vanishing: k adds skips, f an activation that does not saturate." in text
        assert fits(app)
        await press(pilot, "g")
        assert "For exploding: clipping rescales" in flat(app) and "∂L/∂z is not clipped" in flat(app)
        clipped = nets(clip=True)[1]
        assert clipped.dz == right.dz and clipped.layers[0].magnitude < right.layers[0].magnitude  # as the note says
        await press(pilot, "k")
        assert "For vanishing: a skip adds" in flat(app)
        await press(pilot, "l")
        assert "For dead units: Leaky ReLU" in flat(app)
        await press(pilot, "f")
        assert "For vanishing: an activation that does not saturate" in flat(app)
        await press(pilot, "o")
        assert "For first layers that learn slowly: Adam" in flat(app)


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("depth", range(2, 21))
def test_the_init_notes_claims_hold_at_every_depth(depth, residual):
    """Naive weights leave sigmoid's layer 1 a larger share than Xavier's (and saturate it); naive ReLU's
    ∂L/∂z grows at every layer down; the exploding note's growth is above 1."""
    naive = deep_health(DeepSetup(depth, "sigmoid", "normal", residual))
    xavier = deep_health(DeepSetup(depth, "sigmoid", "xavier", residual))
    assert naive.ratio > xavier.ratio and naive.mean_slope < xavier.mean_slope
    relu = deep_health(DeepSetup(depth, "relu", "normal", residual))
    if not residual:
        assert all(relu.passed(layer)[2] > 1 for layer in range(1, depth))
        assert relu.passed_mean()[2] > 1


@pytest.mark.parametrize("depth", [8, 10])
def test_dead_relus_come_back_when_the_layers_below_them_train(depth):
    """Section 6's dead-unit note: their own weights get exactly 0, yet training revives some."""
    relu = deep_health(DeepSetup(depth, "relu", "he"))
    later = deep_health(DeepSetup(depth, "relu", "he", optimizer="sgd"))
    assert relu.dead > 0 and relu.dead_gradient == 0
    assert not later.diverged and later.dead < relu.dead


async def test_the_dead_note_says_what_is_stuck_and_what_is_not():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "dead")  # it opens at depth 10
        relu = deep_health(DeepSetup(10, "relu", "he"))
        later = deep_health(DeepSetup(10, "relu", "he", optimizer="sgd"))
        text = flat(app)
        assert "No step can move them" not in text and "no step changes those weights" in text
        assert "not lost for good" in text
        assert f"After {later.trained} SGD steps, {later.dead} are dead ({relu.dead} before)" in text
