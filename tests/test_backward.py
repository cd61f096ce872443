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
from backprop_tui.lesson.backward import parse_answer
from backprop_tui.models.exercises import for_learner
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
                assert ("→ raise it" if g < 0 else "→ lower it") in text
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


def table_row(text: str) -> list[str]:
    """The gradient row of the parameter table: one entry per parameter (``·`` until worked out)."""
    (row,) = [line for line in text.splitlines() if line.strip().startswith("∂L/∂·")]
    return row.split()[1:]


async def test_the_table_shows_exactly_the_gradients_worked_out_so_far_at_every_step():
    grads = engine_gradients()
    revealed: set[str] = set()
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        tables = 0
        for factor in STEPS:
            screen.go_to_step(factor.id)
            await pilot.pause()
            if factor.kind in ("v", "bo", "w"):
                revealed.add(factor.name)
            if factor.kind == "bh":
                revealed |= {"bh1", "bh2"}
            text = shown(app)
            if factor.kind in ("bars", "train", "matrix", "try"):
                assert "∂L/∂·" not in text, factor.id  # these steps show their own numbers instead
                continue
            if factor.kind == "update":  # the update's own table: every gradient, with old and new values
                assert table_row(text) == [format_number(grads[n]) for n in PARAMS]
                continue
            tables += 1
            row = table_row(text)
            assert row == [format_number(grads[n]) if n in revealed else "·" for n in PARAMS], factor.id
        assert tables >= 14 and revealed == set(PARAMS)


async def test_every_weight_step_multiplies_dl_dz_by_the_weights_own_input():
    walk = lesson_walk()
    net = lesson_network()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    dz = next(e for e in events if isinstance(e, BackwardEvent) and e.layer == 1).dL_dz
    grads = engine_gradients()
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        for name in ("w11", "w21", "w12", "w22"):
            i, k = int(name[1]) - 1, int(name[2]) - 1  # wik joins input i to hidden neuron k
            screen.go_to_step(name)
            await pilot.pause()
            text = shown(app)
            assert f"∂L/∂{name} = ∂L/∂z[h{k + 1}] · x{i + 1}" in text
            assert f"= {format_number(dz[k])} × {format_number(LESSON_INPUT[i], 2)} = {format_number(grads[name])}" in text
            assert walk.x[i] == LESSON_INPUT[i]


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
        ("42", "Build it from the chain: ∂L/∂w11 = ∂L/∂a[h1] · σ′(z[h1]) · x1"),
        ("%$#\"'[/bold]", "not a number"),
    ],
)
async def test_your_turn_wrong_or_junk_answers_get_a_hint_not_a_crash(typed, says):
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        text = await answer(pilot, typed)
        assert says in text
        assert not app.section_screen.solved
        assert isinstance(app.focused, Input)  # still there to try again


def written(value: float) -> list[str]:
    """Ways a learner may type ``value``: hyphen or true minus, comma, scientific, spaces."""
    plain = format_number(value).replace("−", "-")
    return [plain, format_number(value), f"{value:.3e}", f" {plain.replace('.', ',')} "]


@pytest.mark.parametrize("way", range(4))
async def test_your_turn_right_answer_is_accepted_and_frees_the_keys(way):
    typed = written(for_learner("Ada")["backward-w11"].want)[way]
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


def test_answers_are_read_as_a_learner_types_them():
    assert parse_answer("−0.5") == -0.5
    assert parse_answer(" -0,25 ") == -0.25
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
    EXERCISE = "backward-w11"
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        await go_to_your_turn(pilot)
        await answer(pilot, "abc")  # not a number: not an attempt
        assert EXERCISE not in app.store.exercises_solved(app.learner)
        await answer(pilot, "42")
        assert EXERCISE not in app.store.exercises_solved(app.learner)
        await answer(pilot, format_number(for_learner(app.learner)["backward-w11"].want).replace("−", "-"))
        assert app.store.exercises_solved(app.learner) == {EXERCISE}
        (row,) = [r for r in app.store.learners() if r.name == app.learner]
        assert row.exercises_solved == 1


async def test_finite_differences_are_explained_where_fd_first_appears():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        first = None
        for factor in STEPS:
            screen.go_to_step(factor.id)
            await pilot.pause()
            if "FD " in shown(app):
                first = factor.id
                break
        assert first == "v1"
        text = shown(app).replace("\n", " ")
        assert "finite differences" in text and "h = 0.000001" in text and "(L₊ − L₋)/2h" in text
        assert engine_gradients()["v1"] < 0 and "praised: ∂L/∂v1 < 0" in text and "so descent raises v1" in text


def loss_with(name: str, delta: float) -> float:
    """The lesson network's loss with ``name`` moved by ``delta`` (set through the engine's parameters)."""
    from backprop_tui.models.lesson import PLACES

    net = lesson_network()
    params = [(np.array(W), np.array(b)) for W, b in zip(net.W, net.b)]
    layer, which, index = PLACES[name]
    params[layer][which][index] += delta
    net.set_params(params)
    return net.loss_at(LESSON_INPUT, LESSON_TARGET)


def test_blamed_means_lowering_the_weight_lowers_the_loss_and_praised_raising_it():
    grads = engine_gradients()
    base = lesson_network().loss_at(LESSON_INPUT, LESSON_TARGET)
    for name in PARAMS:
        direction = -1 if grads[name] > 0 else 1  # blamed: lower it; praised: raise it
        assert loss_with(name, direction * 0.01) < base, name
        assert loss_with(name, -direction * 0.01) > base, name


def as_shown(value: float) -> float:
    """``value`` as the nudge shows it: 7 decimals."""
    return float(format_number(value, 7).replace("−", "-"))


async def test_e_nudges_the_picked_weight_and_the_loss_moves_by_gradient_times_epsilon():
    from backprop_tui.screens.backward import EPSILON

    grads = engine_gradients()
    base = lesson_network().loss_at(LESSON_INPUT, LESSON_TARGET)
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("bars")
        await pilot.pause()
        assert "e nudges it" in shown(app)
        await pilot.press("e")
        text = shown(app)
        after = loss_with("w11", EPSILON)
        assert f"w11 +{EPSILON:g}: loss {format_number(base, 7)} → {format_number(after, 7)}" in text
        shown_change = as_shown(after) - as_shown(base)  # the difference of the losses as shown
        assert f"ΔL = {format_number(shown_change, 7)}" in text and abs(shown_change - (after - base)) <= 1e-7
        predicted = as_shown(grads["w11"]) * EPSILON
        assert f"= {format_number(grads['w11'], 7)} × +{EPSILON:g} = {format_number(predicted, 7)}" in text
        assert after - base == pytest.approx(grads["w11"] * EPSILON, rel=0.05)  # ΔL ≈ ∂L/∂w × ε holds
        await pilot.press("e")  # again: the other way
        after = loss_with("w11", -EPSILON)
        assert f"w11 −{EPSILON:g}: loss {format_number(base, 7)} → {format_number(after, 7)}" in shown(app)
        assert after > base  # w11 is praised: lowering it raises the loss
        await pilot.press("down", "down", "down", "down", "down", "down", "e")  # the seventh parameter: v1
        assert screen.nudged.name == PARAMS[6] == "v1"
        text = shown(app)
        after = loss_with("v1", EPSILON)
        assert f"v1 +{EPSILON:g}: loss {format_number(base, 7)} → {format_number(after, 7)}" in text
        assert after - base == pytest.approx(grads["v1"] * EPSILON, rel=0.05)
        assert "▸v1 " in text and "▸w11" not in text
        await pilot.press("up", "up", "up", "up", "up", "up", "up")  # past the first: round to the last
        assert screen.picked == len(PARAMS) - 1


def test_every_parameter_obeys_the_first_order_rule_at_epsilon():
    """ΔL ≈ ∂L/∂w × ε within 5 % at the ε the bars step uses, for all nine parameters."""
    from backprop_tui.screens.backward import EPSILON

    grads = engine_gradients()
    base = lesson_network().loss_at(LESSON_INPUT, LESSON_TARGET)
    for name in PARAMS:
        for sign in (1, -1):
            assert loss_with(name, sign * EPSILON) - base == pytest.approx(grads[name] * sign * EPSILON, rel=0.05), name


async def test_the_matrix_step_is_the_engines_per_weight_gradients():
    from backprop_tui.models.lesson import matrix_pass

    net = lesson_network()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    m = matrix_pass(lesson_walk())
    assert m.delta2.shape == (1, 1) and m.dW2.shape == (2, 1) and m.delta1.shape == (1, 2) and m.dW1.shape == (2, 2)
    np.testing.assert_allclose(m.delta2[0], back[2].dL_dz, rtol=1e-12)
    np.testing.assert_allclose(m.dW2, back[2].dL_dW, rtol=1e-12)
    np.testing.assert_allclose(m.back[0], back[1].dL_da, rtol=1e-12)
    np.testing.assert_allclose(m.delta1[0], back[1].dL_dz, rtol=1e-12)
    np.testing.assert_allclose(m.dW1, back[1].dL_dW, rtol=1e-12)
    grads = engine_gradients()
    assert m.dW1.ravel().tolist() == pytest.approx([grads[n] for n in ("w11", "w12", "w21", "w22")], rel=1e-12)
    assert m.dW2.ravel().tolist() == pytest.approx([grads["v1"], grads["v2"]], rel=1e-12)
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("matrices")
        await pilot.pause()
        text = shown(app)
        f = format_number
        for formula in ("δ2 = ∂L/∂z2 = ŷ − t", "∂L/∂W2 = a1ᵀ · δ2", "δ1 = (δ2 · W2ᵀ) ⊙ σ′(z1)", "∂L/∂W1 = xᵀ · δ1"):
            assert formula in text
        for shapes in ("2×1 · 1×1 → 2×1", "(1×1 · 1×2) ⊙ 1×2 → 1×2", "2×1 · 1×2 → 2×2"):
            assert shapes in text
        assert f"⎡{f(grads['w11'])}  {f(grads['w12'])}⎤" in text and f"⎣{f(grads['w21'])}  {f(grads['w22'])}⎦" in text
        assert f"⎡{f(grads['v1'])}⎤" in text and f"⎣{f(grads['v2'])}⎦" in text
        dz = back[1].dL_dz
        assert f"[{f(dz[0])}  {f(dz[1])}]" in text and f"[{f(back[2].dL_dz[0])}]" in text
        assert "L = ½(ŷ − t)²" in text and "linear" in text


async def test_a_run_whose_loss_stops_being_finite_says_the_numbers_ran_away(monkeypatch):
    from backprop_tui.screens import backward

    huge = 1e200  # one step sends the weights past what a float's square can hold
    monkeypatch.setattr(backward, "ALPHAS", (*backward.ALPHAS, huge))
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("update")
        await pilot.pause()
        screen.alpha_index = len(backward.ALPHAS) - 1
        await pilot.pause()
        assert screen.alpha == huge
        _, before, after = engine_step(huge)
        assert not math.isfinite(after)
        assert "the numbers ran away: the run diverged" in shown(app).replace("\n", " ")
        screen.go_to_step("train")
        await pilot.pause()
        await pilot.press("t")
        run = screen.run
        assert run.diverged and not math.isfinite(run.losses[-1])
        text = shown(app).replace("\n", " ")
        assert "no longer a finite number (the numbers ran away)" in text and "nan" not in text.lower()


async def test_a_tiny_loss_is_never_written_as_zero():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("train")
        await pilot.pause()
        for _ in range(5):
            await pilot.press("t")
            last = screen.run.losses[-1]
            caption = f"After {screen.run.steps} steps: loss {format_number(last)}"
            assert caption in shown(app)
            if last != 0:
                assert float(format_number(last).replace("−", "-")) != 0


def test_each_training_caption_says_what_the_run_did():
    """The advice after a run is true of its losses, at every α the section offers."""
    from backprop_tui.lesson.backward import TRAIN_ADVICE, train_caption
    from backprop_tui.models.lesson import lesson_run
    from backprop_tui.screens.backward import ALPHAS

    seen = set()
    for alpha in ALPHAS:
        run = lesson_run(alpha, 30)
        first, last = run.losses[0], run.losses[-1]
        caption = train_caption(run, BLOWUP)
        assert TRAIN_ADVICE[run.label] in caption
        seen.add(run.label)
        if run.label == "converging":
            assert last <= 0.1 * first and max(run.losses) <= 1.01 * first
        elif run.label == "crawling":
            assert last > 0.1 * first and max(run.losses) <= 1.01 * first
        elif run.label == "overshooting":
            assert max(run.losses[1:]) > first or any(b > a for a, b in zip(run.losses, run.losses[1:]))
        else:
            assert run.diverged or last > 10 * first
        if last == 0:
            assert "loss 0 exactly" in caption
    assert {"crawling", "converging", "diverging"} <= seen


def test_a_deeper_network_repeats_the_last_two_matrix_formulas_layer_by_layer():
    """The matrix step's claim for deeper nets: δ = (δ above · Wᵀ of the layer above) ⊙ f′(z), ∂L/∂W = inputᵀ · δ."""
    from backprop_tui.engine.events import ForwardEvent
    from backprop_tui.engine.network import MLP

    net = MLP((3, 4, 4, 2), activation="tanh", init="xavier", seed=3)
    x, t = np.array([[0.2, -0.5, 0.9]]), np.array([[0.3, -0.1]])
    events = [*net.forward(x, t), *net.backward()]
    fwd = {e.layer: e for e in events if isinstance(e, ForwardEvent)}
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    delta = fwd[3].a - t  # mse with a linear output
    for layer in (3, 2, 1):
        np.testing.assert_allclose(delta, back[layer].dL_dz, rtol=1e-12)
        inputs = fwd[layer - 1].a if layer > 1 else x
        np.testing.assert_allclose(inputs.T @ delta, back[layer].dL_dW, rtol=1e-12)
        if layer > 1:
            a = fwd[layer - 1].a
            delta = (delta @ net.W[layer - 1].T) * (1 - a**2)  # tanh′ = 1 − a²
