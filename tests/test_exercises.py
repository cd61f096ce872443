"""Section 4's typed exercises: each learner's own numbers, right answers and every wrong-factor hint.

The expected values are worked out here from the engine's own events (forward,
backward and update) on the learner's inputs and target, not from the walk the
screen uses, so a hint computed with the wrong factor would not pass.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from textual.widgets import Input

from backprop_tui.engine import make_optimizer
from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent, UpdateEvent
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_LR, LESSON_TARGET
from backprop_tui.lesson.exercises import EXERCISE_IDS
from backprop_tui.models.exercises import MIN_ANSWER, for_learner, tolerance
from backprop_tui.renderables.numbers import format_number
from backprop_tui.screens.backward import FACTORS, BackwardScreen
from test_app import SIZE, make_app, shown

NAMES = ("Ada", "Grace")
STEP_OF = {f.name: f.id for f in FACTORS if f.kind == "try"}


def engine(x: tuple[float, float], t: float) -> dict[str, object]:
    """The lesson network on (x, t), straight from the engine's events."""
    net = lesson_network()
    events = [*net.forward(x, (t,)), *net.backward()]
    hidden = next(e for e in events if isinstance(e, ForwardEvent) and e.layer == 1)
    loss = next(e for e in events if isinstance(e, LossEvent))
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    net2 = lesson_network()
    steps = list(net2.train_step(x, (t,), make_optimizer("sgd", LESSON_LR)))
    new = {e.layer: e for e in steps if isinstance(e, UpdateEvent)}
    a = hidden.a
    return {
        "x": x, "t": t, "y": float(loss.prediction[0]), "a": a, "sp": a * (1 - a),
        "dy": float(back[2].dL_da[0]), "da": back[1].dL_da, "dz": back[1].dL_dz,
        "dW1": back[1].dL_dW, "dW2": back[2].dL_dW, "v1": 0.25, "v2": -0.05,
        "new_v1": float(new[2].W[0, 0]), "loss": loss.loss,
    }


def slips(e: dict) -> dict[str, tuple[float, dict[str, tuple[float, str]]]]:
    """Each exercise's right value and, by kind, each slip's value and a phrase its hint must say."""
    x1, x2 = e["x"]
    a, sp, dy, da, dz, dW1, dW2 = e["a"], e["sp"], e["dy"], e["da"], e["dz"], e["dW1"], e["dW2"]
    f = format_number
    old, new = e["v1"], e["new_v1"]
    return {
        "backward-v1": (dW2[0, 0], {
            "sign": (-dW2[0, 0], "sign is flipped"),
            "no-input": (dy, f"multiply by a[h1] = {f(a[0])}"),
            "other-unit": (dW2[1, 0], "That is ∂L/∂v2"),
            "input-x": (dy * x1, "not x1"),
            "weight": (dy * e["v1"], "which is ∂L/∂a[h1]"),
        }),
        "backward-dz-h1": (dz[0], {
            "sign": (-dz[0], "sign is flipped"),
            "no-sigma": (da[0], f"σ′ = a(1 − a) = {f(sp[0])}"),
            "sigma-as-a": (da[0] * a[0], f"not a = {f(a[0])}"),
            "sigma-one-minus-a": (da[0] * (1 - a[0]), f"not 1 − a = {f(1 - a[0])}"),
            "no-weight": (dy * sp[0], "Missing v1 = 0.2500"),
            "other-unit": (dz[1], "That is ∂L/∂z[h2]"),
        }),
        "backward-w11": (dW1[0, 0], {
            "sign": (-dW1[0, 0], "sign is flipped"),
            "no-sigma": (da[0] * x1, f"You left out σ′(z[h1]) = a(1 − a) = {f(sp[0])}"),
            "sigma-as-a": (da[0] * a[0] * x1, f"not a = {f(a[0])}"),
            "no-input": (dz[0], f"multiply by the input x1 = {f(x1, 2)}"),
            "wrong-input": (dW1[1, 0], "That is ∂L/∂w21"),
            "stopped": (da[0], "which you were given"),
        }),
        "backward-w12": (dW1[0, 1], {
            "sign": (-dW1[0, 1], "sign is flipped"),
            "other-unit": (dW1[0, 0], "That is ∂L/∂w11"),
            "swapped": (dW1[1, 0], "That is ∂L/∂w21"),
            "wrong-input": (dW1[1, 1], "That is ∂L/∂w22"),
            "no-sigma": (da[1] * x1, f"You left out σ′(z[h2]) = a(1 − a) = {f(sp[1])}"),
            "no-weight": (dy * sp[1] * x1, "Missing v2 = −0.0500"),
            "no-input": (dz[1], f"multiply by the input x1 = {f(x1, 2)}"),
        }),
        "backward-update": (new, {
            "sign": (old + (old - new), "goes uphill"),
            "no-alpha": (old - dW2[0, 0], f"multiply it by α = {LESSON_LR:g}"),
            "divided": (old - dW2[0, 0] / LESSON_LR, "does not divide"),
            "change": (new - old, "Add it to the old v1 = 0.2500"),
            "step": (old - new, "the old one minus it"),
        }),
    }


def typed(value: float) -> str:
    """``value`` as a learner would type it from the screen: 4 decimals (or scientific), a hyphen for minus."""
    return format_number(value).replace("−", "-")


@pytest.mark.parametrize("name", NAMES)
def test_each_learner_gets_own_numbers_and_the_model_agrees_with_the_engine(name):
    ex = for_learner(name)
    x, t = ex.walk.x, ex.walk.target
    assert (x, t) != (LESSON_INPUT, LESSON_TARGET[0])
    assert all(0.1 <= abs(v) <= 0.95 and round(v, 2) == v for v in x) and 0 <= t <= 1 and round(t, 2) == t
    e = engine(x, t)
    for exercise, (want, kinds) in slips(e).items():
        problem = ex[exercise]
        assert problem.want == pytest.approx(want, rel=1e-12, abs=1e-15), exercise
        assert {k for k, _ in problem.mistakes} == set(kinds), exercise
        for kind, (value, _) in kinds.items():
            assert problem.value_of(kind) == pytest.approx(value, rel=1e-12, abs=1e-15), (exercise, kind)
            assert problem.mistake(float(typed(value))) == kind, (exercise, kind)
            assert not problem.is_right(float(typed(value))), (exercise, kind)
        assert problem.is_right(float(typed(want))) and problem.mistake(float(typed(want))) is None


def test_two_names_two_sets_of_numbers_and_the_same_name_the_same_numbers():
    a, b = for_learner(NAMES[0]), for_learner(NAMES[1])
    assert (a.walk.x, a.walk.target) != (b.walk.x, b.walk.target)
    assert for_learner(NAMES[0]).walk.x == a.walk.x
    assert a.walk.params == b.walk.params  # the lesson's weights for everyone


def test_the_draw_does_not_depend_on_pythons_string_hash():
    """The same name gets the same numbers in every process (hash() of a str changes between runs)."""
    code = "from backprop_tui.models.exercises import for_learner as f; w = f('Ada').walk; print(w.x, w.target)"
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        seen.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(seen) == 1
    ex = for_learner("Ada")
    assert seen == {f"{ex.walk.x} {ex.walk.target}\n"}


def test_every_name_gets_a_draw_whose_slips_are_told_apart():
    for i in range(150):
        name = f"student-{i}"
        ex = for_learner(name)
        assert abs(ex.walk.y - ex.walk.target) >= 0.15
        for problem in ex.problems.values():
            want = problem.want
            assert abs(want) >= MIN_ANSWER
            for kind, value in problem.mistakes:
                size = problem.scale if problem.scale is not None else value
                assert abs(value - want) > tolerance(size), (name, problem.id, kind)


async def open_exercise(pilot, exercise: str) -> None:
    screen = pilot.app.section_screen
    screen.go_to_step(STEP_OF[exercise])
    await pilot.pause()


async def answer(pilot, text: str) -> str:
    screen = pilot.app.section_screen
    await pilot.press("enter")
    box = screen.query_one("#answer", Input)
    assert box.has_focus
    box.value = text
    await pilot.press("enter")
    await pilot.pause()
    screen.set_focus(None)
    return shown(pilot.app)


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
@pytest.mark.parametrize("name", NAMES)
async def test_every_wrong_factor_gets_its_hint_and_the_right_answer_is_recorded(name, exercise):
    app = make_app(section="backward", learner=name)
    async with app.run_test(size=SIZE) as pilot:
        await open_exercise(pilot, exercise)
        ex = for_learner(name)
        e = engine(ex.walk.x, ex.walk.target)
        want, kinds = slips(e)[exercise]
        for kind, (value, phrase) in kinds.items():
            text = await answer(pilot, typed(value))
            assert "✗" in text and phrase in text.replace("\n", " ").replace("  ", " "), (kind, text)
        assert exercise not in app.store.exercises_solved(name)
        text = await answer(pilot, "12345")  # no known slip: the chain rule to build it from
        assert "Not yet" in text
        text = await answer(pilot, typed(want))
        assert "✓ Right" in text and format_number(want) in text
        assert exercise in app.store.exercises_solved(name)
        assert app.store.exercise_attempts(name)[exercise] == (len(kinds) + 2, True)


@pytest.mark.parametrize("name", NAMES)
async def test_the_exercise_shows_the_learners_own_numbers_from_the_engine(name):
    app = make_app(section="backward", learner=name)
    async with app.run_test(size=SIZE) as pilot:
        ex = for_learner(name)
        e = engine(ex.walk.x, ex.walk.target)
        x1, x2 = e["x"]
        f = format_number
        needs = {
            "backward-v1": [f"ŷ = {f(e['y'])}", f"a[h1] = {f(e['a'][0])}"],
            "backward-dz-h1": [f"ŷ = {f(e['y'])}", "v1 = 0.2500", f"a[h1] = {f(e['a'][0])}"],
            "backward-w11": [f"a[h1] = {f(e['a'][0])}", f"∂L/∂a[h1] = {f(e['da'][0])}"],
            "backward-w12": [f"ŷ = {f(e['y'])}", "v2 = −0.0500", f"a[h2] = {f(e['a'][1])}"],
            "backward-update": ["v1 = 0.2500", f"∂L/∂v1 = {f(e['dW2'][0, 0])}", f"α = {LESSON_LR:g}"],
        }
        for exercise, values in needs.items():
            await open_exercise(pilot, exercise)
            text = shown(app).replace("\n", " ")
            for value in [f"x1 = {f(x1, 2)}", f"x2 = {f(x2, 2)}", f"target = {f(e['t'], 2)}", *values]:
                assert value in text, (exercise, value)
            assert f"drawn for {name}" in text
            assert f"ŷ {f(e['y'])}" in text and f"L {f(e['loss'])}" in text  # the diagram is theirs too


async def test_a_digit_or_minus_opens_the_box_with_it_instead_of_jumping():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("your-turn")
        await pilot.pause()
        await pilot.press("minus", "0", "full_stop", "0", "2")
        box = screen.query_one("#answer", Input)
        assert app.section_screen is screen and screen.step_id == "your-turn"
        assert box.has_focus and box.value == "-0.02"
        await pilot.press("escape")
        for key, char in (("3", "3"), ("comma", ","), ("full_stop", ".")):
            await pilot.press(key)
            assert screen.step_id == "your-turn" and box.has_focus and box.value == char
            await pilot.press("escape")
        # elsewhere in the section the digits still open sections
        screen.go_to_step("w11")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert app.section_screen.SECTION_ID == "chain-rule"


async def test_a_quick_typist_loses_no_character_while_the_box_opens():
    from textual import events

    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("your-turn")
        await pilot.pause()
        for key, char in (("minus", "-"), ("0", "0"), ("full_stop", "."), ("1", "1")):
            app.post_message(events.Key(key, char))  # all four before the app handles any
        await pilot.pause()
        box = screen.query_one("#answer", Input)
        assert box.has_focus and box.value == "-0.1"
        assert app.section_screen is screen


async def test_an_exercise_solved_before_says_so_and_the_box_starts_empty_on_each():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        ex = for_learner("Ada")
        await open_exercise(pilot, "backward-v1")
        await answer(pilot, typed(ex["backward-v1"].want))
        await open_exercise(pilot, "backward-dz-h1")
        assert screen.query_one("#answer", Input).value == ""
        assert "Type a number" in shown(app)
        await open_exercise(pilot, "backward-v1")
        assert "✓ Right" in shown(app)  # what the box said stays while the section is open
    app = make_app(section="backward")
    app.store.record_exercise("Ada", "backward-v1", True)  # solved in an earlier session
    async with app.run_test(size=SIZE) as pilot:
        await open_exercise(pilot, "backward-v1")
        assert "solved this one before" in shown(app)
        await open_exercise(pilot, "backward-dz-h1")
        assert "solved this one before" not in shown(app)


def test_exercise_steps_come_where_their_idea_lands():
    ids = [s.id for s in BackwardScreen.STEPS]
    for exercise, after in (("try-v1", "v1"), ("try-dz-h1", "dz-h1"), ("try-w12", "w12"), ("try-update", "update")):
        assert ids.index(exercise) == ids.index(after) + 1
    assert ids.index("your-turn") + 1 == ids.index("w11")
    assert [f.name for f in FACTORS if f.kind == "try"] == list(EXERCISE_IDS)


@pytest.mark.parametrize("name", ["Ada", "Bob", "root", "student-7"])
def test_the_diagram_stays_lined_up_when_an_input_is_negative(name):
    from backprop_tui.models.lesson import lesson_walk
    from backprop_tui.renderables.lesson_network import network_diagram

    walks = [for_learner(name).walk, lesson_walk()]
    assert any(v < 0 for v in walks[0].x) or name == "Ada"
    for walk in walks:
        lines = network_diagram(walk, frozenset()).plain.splitlines()
        columns = {lines[0].index("┐"), lines[1].index("▼"), lines[3].index("▲"), lines[4].index("│"), lines[5].index("┘")}
        assert len(columns) == 1, (name, lines)
        assert lines[0].index("w11") == lines[5].index("w22")
