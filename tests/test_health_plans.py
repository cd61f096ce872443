"""What section 6 compares, without a screen: settings, remedy switches, plans, neighbours, cache look-ups.

backprop_tui.models.health decides which nets each step shows and which nets
its note quotes; the screen only draws them. These tests pin those choices
(matched inits, the extra nets of each note, the settings one key away) and
the cache protocol a worker relies on (look up without computing, measure
until told to stop).
"""

from __future__ import annotations

import pytest

from backprop_tui.engine.names import CLIP_NORM, DEEP_INITS, MAX_DEPTH, MIN_DEPTH
from backprop_tui.models.health import (
    BAR_STEPS,
    LEFT_ACTIVATIONS,
    STARTS,
    SWITCHES,
    TRAININGS,
    DeepSetup,
    Remedies,
    Settings,
    Switch,
    cached,
    clear_cache,
    deep_health,
    lookup,
    measure,
    nearby,
    neighbours,
    plan,
    start,
)


def test_depth_stays_within_2_to_20_and_a_new_depth_forgets_the_last_switch():
    s = Settings().pressed("init")
    assert s.switch is not None
    deeper = s.deeper(1)
    assert deeper is not None and deeper.depth == 6 and deeper.switch is None and deeper.remedies == s.remedies
    assert Settings(depth=MAX_DEPTH).deeper(1) is None and Settings(depth=MIN_DEPTH).deeper(-1) is None


@pytest.mark.parametrize(
    ("what", "field", "cycle"),
    [
        ("init", "init", DEEP_INITS),
        ("training", "training", TRAININGS),
        ("left", "left", LEFT_ACTIVATIONS),
        ("residual", "residual", (False, True)),
        ("clip", "clip", (False, True)),
        ("leaky", "leaky", (False, True)),
    ],
)
def test_each_switch_cycles_through_its_choices_and_remembers_the_one_before(what, field, cycle):
    s = Settings()
    seen = [getattr(s.remedies, field)]
    for _ in cycle:
        before = s.remedies
        s = s.pressed(what)
        assert s.switch == Switch(what, before)
        seen.append(getattr(s.remedies, field))
    assert seen == [*cycle, cycle[0]]
    assert what in SWITCHES


def test_the_side_step_matches_each_activation_with_its_init():
    for left in LEFT_ACTIVATIONS:
        p = plan("side", Settings(depth=7, left=left))
        want = "xavier" if left in ("sigmoid", "tanh") else "he"
        assert p.columns == (DeepSetup(7, left, want), DeepSetup(7, "relu", "he"))
        assert p.kinds == ("health", "health") and list(p.nets()) == list(p.columns)


def test_each_failure_step_names_the_nets_its_note_quotes():
    vanish = plan("vanish", Settings())
    assert vanish.columns == (DeepSetup(5, "sigmoid", "xavier"),) * 2 and vanish.kinds == ("health", "factors")
    explode = plan("explode", Settings(depth=9))
    assert explode.columns == (DeepSetup(9, "relu", "normal"), DeepSetup(9, "relu", "he"))
    assert explode.deeper == DeepSetup(10, "relu", "normal")
    assert explode.trained == DeepSetup(9, "relu", "normal", optimizer="sgd")
    assert plan("explode", Settings(depth=MAX_DEPTH)).deeper is None  # nothing deeper to quote
    dead = plan("dead", Settings())
    assert dead.columns == (DeepSetup(5, "relu", "he"), DeepSetup(5, "leaky_relu", "he"))
    assert dead.trained == DeepSetup(5, "relu", "he", optimizer="sgd") and dead.deeper is None
    assert dead.kinds == ("dead", "dead") and explode.kinds == ("health", "health")
    with pytest.raises(ValueError, match="products"):
        plan("products", Settings())


def test_the_remedy_step_compares_with_the_switches_before_and_with_sgd_beside_adam():
    start = plan("remedies", Settings())
    assert start.columns == (DeepSetup(5, "sigmoid", "normal"), DeepSetup(5, "relu", "normal"))
    assert start.before == () and start.twins == ()
    s = Settings(remedies=Remedies(init="he", clip=True, leaky=True, left="relu")).pressed("residual")
    p = plan("remedies", s)
    leaky = DeepSetup(5, "leaky_relu", "he", True, CLIP_NORM)
    assert p.columns == (leaky, leaky)  # Leaky ReLU replaces ReLU on the left too
    assert p.before == (DeepSetup(5, "leaky_relu", "he", False, CLIP_NORM),) * 2
    adam = plan("remedies", Settings().pressed("training").pressed("training"))
    assert adam.kinds == ("moved", "moved")
    assert [s.optimizer for s in adam.columns] == ["adam", "adam"]
    assert [s.optimizer for s in adam.twins] == ["sgd", "sgd"] and [s.optimizer for s in adam.before] == ["sgd", "sgd"]


def test_neighbours_are_one_key_away():
    s = Settings()
    assert neighbours("vanish", s) == [s.deeper(1), s.deeper(-1)]
    assert neighbours("side", s)[-1] == s.next_left()
    remedies = neighbours("remedies", s)
    assert remedies[2:] == [s.pressed(what) for what in SWITCHES]
    assert neighbours("dead", Settings(depth=MAX_DEPTH)) == [Settings(depth=MAX_DEPTH - 1)]
    deep = Settings(depth=12)
    plans = nearby("dead", s, beside=[("explode", deep), ("remedies", s), ("more", s)])
    assert [p.step for p in plans] == ["dead", "dead", "explode", "remedies"]
    assert plans[2] == plan("explode", deep)  # each step beside as the learner left it
    assert [p.step for p in nearby("products", s, beside=[("side", s)])] == ["side"]


def test_lookup_never_computes_and_measure_stops_when_told():
    clear_cache()
    wanted = plan("explode", Settings(depth=11))
    assert lookup(wanted) is None and all(cached(s) is None for s in wanted.nets())
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 2  # two passes, then the next key came

    assert measure(wanted, stop) is None
    assert [cached(s) is not None for s in wanted.nets()] == [True, True, False, False]
    assert lookup(wanted) is None
    done = measure(wanted)
    assert done is not None and lookup(wanted) == done
    assert done.columns == tuple(deep_health(s) for s in wanted.columns)
    assert done.trained is deep_health(DeepSetup(11, "relu", "normal", optimizer="sgd"))
    assert done.step == "explode" and done.settings == wanted.settings and done.kinds == wanted.kinds


def test_each_bar_step_opens_on_its_own_set_up():
    assert set(STARTS) == set(BAR_STEPS)
    assert {step: start(step).depth for step in BAR_STEPS} == {"side": 5, "vanish": 10, "explode": 6, "dead": 10, "remedies": 5}
    assert all(start(step).remedies == Remedies() and start(step).switch is None for step in BAR_STEPS)
    assert start("products") == Settings()


def test_every_bar_step_has_a_plan_for_every_depth():
    for step in BAR_STEPS:
        for depth in (MIN_DEPTH, MAX_DEPTH):
            p = plan(step, Settings(depth=depth))
            assert all(s.depth in (depth, depth + 1) for s in p.nets())
