"""Section 4, the guided backward pass: every number on screen is the engine's, step by step."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from textual.widgets import Input

from backprop_tui.engine import make_optimizer
from backprop_tui.engine.events import BackwardEvent, LossEvent, UpdateEvent
from backprop_tui.engine.names import BLOWUP
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
from backprop_tui.lesson.backward import close_to, hint, parse_answer
from backprop_tui.models.lesson import PARAMS, lesson_walk
from backprop_tui.renderables.numbers import format_number, signed
from backprop_tui.screens.backward import FACTORS as STEPS
from backprop_tui.screens.backward import BackwardScreen
from test_app import SIZE, make_app, shown


def engine_gradients() -> dict[str, float]:
    """The nine gradients straight from the engine's backward events, by the section's names."""
    net = lesson_network()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    W1, b1, W2, b2 = back[1].dL_dW, back[1].dL_db, back[2].dL_dW, back[2].dL_db
    return {
        "w11": W1[0, 0], "w12": W1[0, 1], "w21": W1[1, 0], "w22": W1[1, 1],
        "bh1": b1[0], "bh2": b1[1], "v1": W2[0, 0], "v2": W2[1, 0], "bo": b2[0],
    }


def test_the_walk_is_the_engine_and_brute_force_agrees():
    walk = lesson_walk()
    grads = engine_gradients()
    assert walk.grads == pytest.approx(grads, abs=0)
    for name in PARAMS:
        assert walk.numeric[name] == pytest.approx(grads[name], rel=1e-6, abs=1e-9), name
    # the source lesson's numbers, and the hand calculation a teacher would do
    assert round(walk.y, 4) == 0.5025 and round(walk.loss, 4) == 0.0195
    assert walk.dL_dy == pytest.approx(walk.y - 0.7)
    assert walk.grads["v1"] == pytest.approx(walk.dL_dy * walk.a1[0])
    assert walk.sigma_prime[1] == 0.25  # z = 0 for the second hidden neuron
    assert walk.grads["w11"] == pytest.approx(walk.dL_dy * 0.25 * walk.a1[0] * (1 - walk.a1[0]) * 0.5)


async def test_stepping_forward_shows_each_gradient_and_its_brute_force_twin():
    walk = lesson_walk()
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        assert "0.5025" in shown(app) and "0.0195" in shown(app)
        for step in range(1, len(STEPS)):
            await pilot.press("n")
            assert screen.step == step
            factor = STEPS[step]
            text = shown(app)
            assert factor.label in text or step == 0
            if factor.kind in ("v", "bo", "w"):
                g = walk.grads[factor.name]
                assert format_number(g) in text
                assert f"FD {signed(walk.numeric[factor.name])}" in text
                assert ("praised" if g < 0 else "blamed") in text
            if factor.kind == "dz":
                j = int(factor.name[-1]) - 1
                assert f"{format_number(walk.dL_da1[j])} × {format_number(walk.sigma_prime[j])}" in text
                assert format_number(walk.dL_dz1[j]) in text
            if factor.kind == "bars":
                for name in PARAMS:
                    assert f"FD {signed(walk.numeric[name])}" in text
        # and all the way back
        for step in range(len(STEPS) - 2, -1, -1):
            await pilot.press("p")
            assert screen.step == step


async def test_the_table_fills_in_as_gradients_are_worked_out():
    walk = lesson_walk()
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        assert format_number(walk.grads["v1"]) not in shown(app)
        await pilot.press("n", "n")  # dL/dv1
        await pilot.press(*["n"] * 10)
        text = shown(app)
        for name in ("v1", "v2", "bo", "w11", "w21"):
            assert format_number(walk.grads[name]) in text, name


YOUR_TURN = BackwardScreen.step_index("your-turn")
UPDATE = BackwardScreen.step_index("update")
TRAIN = BackwardScreen.step_index("train")


async def go_to_your_turn(pilot):
    await pilot.press(*["n"] * YOUR_TURN)
    await pilot.press("enter")
    assert isinstance(pilot.app.focused, Input)


async def answer(pilot, text: str) -> str:
    box = pilot.app.screen.query_one("#answer", Input)
    box.value = text  # as if typed (Pilot cannot press every character, e.g. the true minus sign)
    await pilot.press("enter")
    await pilot.pause()
    return shown(pilot.app)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type a number first"),
        ("abc", "not a number"),
        ("nan", "not a finite number"),
        ("1e999", "not a finite number"),
        ("-0.0247", "σ′"),  # forgot the sigmoid's slope
        ("0.0062", "sign is flipped"),
        ("-0.0123", "multiply by the input x1"),
        ("42", "∂L/∂ŷ · v1 · σ′(z[h1]) · x1"),
        ("%$#\"'[/bold]", "not a number"),
    ],
)
async def test_your_turn_wrong_or_junk_answers_get_a_hint_not_a_crash(typed, says):
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        text = await answer(pilot, typed)
        assert says in text
        assert not app.section_screen.answered_right
        assert isinstance(app.focused, Input)  # still there to try again


@pytest.mark.parametrize("typed", ["-0.0062", "−0.00617", "-6.17e-3", " -0,0062 "])
async def test_your_turn_right_answer_is_accepted_and_frees_the_keys(typed):
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        text = await answer(pilot, typed)
        assert "Right" in text
        assert app.focused is None
        await pilot.press("n")
        assert app.section_screen.step == YOUR_TURN + 1


async def test_escape_leaves_the_box_and_n_skips():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        await pilot.press("n")  # typed into the box, not a step
        assert app.section_screen.step == YOUR_TURN
        await pilot.press("escape", "n")
        assert app.section_screen.step == YOUR_TURN + 1


def test_hints_name_the_missing_factor():
    walk = lesson_walk()
    right = walk.grads["w11"]
    assert close_to(round(right, 4), right) and not close_to(right * 1.1, right)
    assert "σ′" in hint(walk.dL_da1[0] * walk.x[0], walk)
    assert "x1" in hint(walk.dL_dz1[0], walk)
    assert "sign" in hint(-right, walk)
    assert parse_answer("−0.5") == -0.5
    assert isinstance(parse_answer("inf"), str) and isinstance(parse_answer(""), str)


def engine_step(alpha: float) -> tuple[dict[int, UpdateEvent], float, float]:
    net = lesson_network()
    events = list(net.train_step(LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", alpha)))
    before = next(e for e in events if isinstance(e, LossEvent)).loss
    return {e.layer: e for e in events if isinstance(e, UpdateEvent)}, before, net.loss_at(LESSON_INPUT, LESSON_TARGET)


async def test_the_update_shows_new_weights_and_a_smaller_loss_and_alpha_changes_it():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press(*["n"] * UPDATE)
        upd, before, after = engine_step(0.5)
        text = shown(app)
        assert after < before
        assert f"loss {format_number(before)} → {format_number(after)}" in text and "(lower)" in text
        assert format_number(upd[2].W[0, 0]) in text and format_number(upd[1].b[0]) in text
        await pilot.press("plus", "plus", "plus")
        assert screen.alpha == 5.0
        _, before, after = engine_step(5.0)
        assert after > before
        assert f"{format_number(before)} → {format_number(after)}" in shown(app) and "too large" in shown(app)
        await pilot.press(*["minus"] * 20)
        assert screen.alpha == 0.01


async def test_training_steps_draw_a_falling_loss_and_reset():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press(*["n"] * TRAIN)
        assert "Press t to train" in shown(app)
        await pilot.press("t", "t")
        losses = list(screen.run.losses)
        assert len(losses) == 21 and screen.run.label == "converging"
        net, opt = lesson_network(), make_optimizer("sgd", 0.5)
        expected = []
        for _ in range(20):
            expected += [e.loss for e in net.train_step(LESSON_INPUT, LESSON_TARGET, opt) if isinstance(e, LossEvent)]
        expected.append(net.loss_at(LESSON_INPUT, LESSON_TARGET))
        assert losses == expected
        assert losses[-1] < losses[0]
        assert f"After 20 steps: loss {format_number(losses[-1])}" in shown(app)
        await pilot.press("r")
        assert screen.run is None and "Press t to train" in shown(app)


async def test_a_wild_alpha_diverges_on_screen_without_nan():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press(*["n"] * TRAIN)
        await pilot.press(*["plus"] * 5)
        for _ in range(5):
            await pilot.press("t")
        text = shown(app).lower()
        assert "nan" not in text and "inf " not in text
        run = screen.run
        assert screen.alpha == 5.0 and run.diverged and run.label == "diverging" and math.isfinite(run.losses[-1])
        assert run.losses[-1] > BLOWUP * run.losses[0]  # stopped where section 5 stops a run, and said so
        assert "diverging:" in text and "the run was stopped" in text and "far too large" in text
        assert f"after {run.steps} steps" in text
        await pilot.press("t")  # a stopped run is not extended
        assert screen.run is run


async def test_a_new_alpha_starts_the_run_again_at_step_0():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press(*["n"] * TRAIN)
        await pilot.press("t")
        assert "After 10 steps" in shown(app)
        await pilot.press("plus")  # α = 1: the run so far was at 0.5, so it starts over
        assert screen.run is None and "Press t to train" in shown(app)
        await pilot.press("t", "t")
        assert screen.alpha == 1.0 and screen.run.steps == 20 and "After 20 steps" in shown(app)
        await pilot.press("plus", "t", "t")  # α = 2 overshoots its way up: section 5's word for it
        text = shown(app)
        assert screen.run.label == "diverging" and not screen.run.diverged and "Diverging:" in text
        assert "After 20 steps: loss" in text


async def test_keys_of_other_steps_do_nothing_here():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", "t", "enter")
        screen = app.section_screen
        assert screen.alpha == 0.5 and screen.run is None and app.focused is None
        assert np.isfinite(screen.walk.loss)


PRODUCT = re.compile(r"= ((?:−?\d+\.\d+ × )+−?\d+\.\d+) = (−?\d+\.\d+)(  \(from the unrounded values)?")


async def test_every_product_shown_multiplies_out_or_says_it_is_of_unrounded_values():
    """A teacher recomputing a line by hand from the digits on screen gets its result, or is told why not."""
    from backprop_tui.renderables.numbers import format_number

    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        seen = flagged = 0
        for step_id in [s.id for s in screen.STEPS]:
            screen.go_to_step(step_id)
            await pilot.pause()
            for factors, result, note in PRODUCT.findall(shown(app)):
                seen += 1
                product = math.prod(float(p.replace("−", "-")) for p in factors.split(" × "))
                if format_number(product) != result:
                    assert note, (step_id, factors, result)
                    flagged += 1
                else:
                    assert not note, (step_id, factors, result)
        assert seen >= 10 and flagged >= 1  # the lesson's own numbers include a product that rounds apart


def test_the_exercise_comes_after_every_factor_it_needs_has_been_shown():
    """σ′ = a(1 − a) is worked out (dz steps) before ∂L/∂w11 is asked for, not first met in a hint."""
    ids = [s.id for s in BackwardScreen.STEPS]
    asked = ids.index("your-turn")
    for taught in ("dy", "v1", "da-h1", "dz-h1"):
        assert ids.index(taught) < asked, taught
    assert ids.index("w11") == asked + 1  # then the answer, worked out


async def test_the_exercise_is_recorded_attempts_and_solved_for_the_class_view():
    from backprop_tui.screens.backward import EXERCISE

    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        await answer(pilot, "abc")  # not a number: not an attempt
        assert EXERCISE not in app.store.exercises_solved(app.learner)
        await answer(pilot, "42")
        assert EXERCISE not in app.store.exercises_solved(app.learner)
        await answer(pilot, format_number(app.section_screen.walk.grads["w11"]).replace("−", "-"))
        assert app.store.exercises_solved(app.learner) == {EXERCISE}
        (row,) = [r for r in app.store.learners() if r.name == app.learner]
        assert row.exercises_solved == 1
