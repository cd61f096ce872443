"""Learning-rate sweeps: the label rules on made-up loss curves, then the lesson's real runs.

The label rules are checked at each boundary (the thresholds are the engine's
constants, so a changed threshold fails here loudly); the lesson's runs are
checked for what section 5 says about them.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_tui.engine.events import LossEvent
from backprop_tui.engine.network import MLP, lesson_network
from backprop_tui.engine.optim import make_optimizer
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
from backprop_tui.models import sweep as sweep_module
from backprop_tui.models.sweep import (
    BLOWUP,
    COMPARE_LRS,
    CONVERGED,
    DEFAULT_LRS,
    DEFAULT_STEPS,
    FAR_ABOVE,
    LABELS,
    RISE,
    RISE_SHARE,
    Run,
    first_step,
    label_run,
    sweep,
    train_run,
)

NAN, INF = math.nan, math.inf


# -- the rules, on constructed curves ------------------------------------------------------


def test_thresholds_are_the_documented_ones():
    # The screen words these numbers ("10%", "1 step in 5", "a million"); change both together.
    assert (CONVERGED, RISE, RISE_SHARE, FAR_ABOVE, BLOWUP) == (0.1, 0.01, 0.2, 10.0, 1e6)
    assert LABELS == ("crawling", "converging", "overshooting", "diverging")


@pytest.mark.parametrize(
    "losses",
    [
        [1.0, NAN],
        [1.0, INF],
        [1.0, 0.5, -INF],
        [NAN],
        [INF, 1.0],
        [1.0, 0.1, 0.01, NAN],  # converging until it broke: still diverging
    ],
)
def test_a_loss_that_is_not_a_number_is_diverging(losses):
    assert label_run(losses) == "diverging"


def test_the_engines_diverged_flag_wins_over_everything():
    assert label_run([1.0, 0.5, 0.01], diverged=True) == "diverging"
    assert label_run([], diverged=True) == "diverging"


def test_diverging_far_above_the_start_and_still_climbing():
    first = 100.0
    assert label_run([first, 200.0, 1000.0 + 1e-9]) == "diverging"  # just over 10×, the highest
    assert label_run([first, 200.0, FAR_ABOVE * first]) == "overshooting"  # exactly 10× is not over it
    # Over 10× at the end but coming down from higher: a bounce, not a run-away.
    assert label_run([first, 5000.0, 1001.0]) == "overshooting"


def test_overshooting_when_the_loss_climbs_above_its_start():
    first = 100.0
    rise = RISE * first  # 1.0: representable exactly, so the boundary is exact
    assert label_run([first, first + rise, 50.0, 5.0]) == "converging"  # exactly 1 % above: not yet
    assert label_run([first, first + rise + 1e-9, 50.0, 5.0]) == "overshooting"
    assert label_run([first, 400.0, 2.0, 1e-6]) == "overshooting"  # a spike, even if it settles after
    assert label_run([first, 90.0, 150.0]) == "overshooting"  # ends above where it started


def test_overshooting_when_the_loss_rises_on_a_fifth_of_the_steps():
    # 11 losses = 10 steps; a fifth of them is 2. Every rise is 10 (> 1 % of the start), all below the start.
    one_rise = [100.0, 50.0, 60.0, 40.0, 30.0, 20.0, 15.0, 12.0, 11.0, 10.5, 10.0]
    two_rises = [100.0, 50.0, 60.0, 40.0, 50.0, 30.0, 20.0, 15.0, 12.0, 11.0, 10.0]
    assert label_run(one_rise) == "converging"
    assert label_run(two_rises) == "overshooting"


def test_small_rises_do_not_count():
    # Rises of exactly 1 % of the start (and less) are jitter, not bouncing.
    jitter = [100.0, 50.0, 51.0, 40.0, 40.5, 30.0, 31.0, 20.0, 20.9, 10.0, 9.0]
    assert label_run(jitter) == "converging"
    assert Run("sgd", 0.1, tuple(jitter), False, label_run(jitter)).rises == 0


def test_converging_and_crawling_meet_at_ten_percent():
    assert label_run([100.0, 60.0, CONVERGED * 100.0]) == "converging"
    assert label_run([100.0, 60.0, CONVERGED * 100.0 + 1e-9]) == "crawling"
    assert label_run([100.0, 99.9, 99.8]) == "crawling"
    assert label_run([100.0, 100.0, 100.0]) == "crawling"  # flat: going nowhere


def test_edge_cases():
    assert label_run([]) == "crawling"
    assert label_run([5.0]) == "crawling"  # one loss: nothing has happened yet
    assert label_run([0.0, 0.0, 0.0]) == "converging"  # starts at the minimum and stays
    assert label_run([0.0, 1e-3]) == "overshooting"  # leaves the minimum it started at
    assert label_run((np.float64(1.0), np.float64(0.01))) == "converging"  # numpy floats and tuples work


finite_losses = st.lists(st.floats(min_value=0.0, max_value=1e300, allow_nan=False), min_size=0, max_size=30)
any_losses = st.lists(
    st.floats(min_value=0.0, max_value=1e300) | st.sampled_from([NAN, INF, -INF]), min_size=0, max_size=30
)


@given(any_losses, st.booleans())
def test_every_curve_gets_exactly_one_label(losses, diverged):
    label = label_run(losses, diverged)
    assert label in LABELS
    assert label_run(list(losses), diverged) == label  # a pure function of the curve


@given(finite_losses)
def test_a_finite_curve_is_diverging_only_when_it_ends_far_above_at_its_highest(losses):
    label = label_run(losses)
    if label == "diverging":
        assert losses[-1] > FAR_ABOVE * losses[0] and losses[-1] == max(losses)
    if label == "converging" and losses and losses[0] > 0:
        assert losses[-1] <= CONVERGED * losses[0]
    if label == "crawling" and len(losses) > 1:
        assert max(losses[1:]) <= losses[0] * (1 + RISE) and losses[-1] > CONVERGED * losses[0]


# -- the lesson's runs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    return sweep(DEFAULT_LRS)


def test_one_run_per_rate_in_order(runs):
    assert [r.lr for r in runs] == list(DEFAULT_LRS)
    assert all(r.optimizer == "sgd" for r in runs)
    assert all(r.label == label_run(r.losses, r.diverged) for r in runs)


def test_smallest_rate_crawls_largest_diverges_and_every_label_appears(runs):
    assert runs[0].label == "crawling"
    assert runs[-1].label == "diverging"
    assert {r.label for r in runs} == set(LABELS)


def test_labels_grow_more_violent_with_the_rate(runs):
    order = [LABELS.index(r.label) for r in runs]
    assert order == sorted(order)


def test_the_lesson_labels(runs):
    # Section 5's text relies on these (1 converges, 1.5 overshoots, 3 diverges).
    assert {r.lr: r.label for r in runs} == {
        0.001: "crawling",
        0.01: "crawling",
        0.1: "converging",
        0.5: "converging",
        1.0: "converging",
        1.5: "overshooting",
        3.0: "diverging",
        10.0: "diverging",
    }


def test_every_run_starts_where_the_lesson_network_starts(runs):
    net = lesson_network()
    start = net.loss_at(LESSON_INPUT, LESSON_TARGET)
    assert all(r.losses[0] == start for r in runs)
    assert all(r.predictions[0] == float(net.predict(LESSON_INPUT)[0]) for r in runs)
    assert format(start, ".4f") == "0.0195"


def test_runs_start_from_identical_weights_even_with_a_random_factory():
    seeds = itertools.count()
    made: list[MLP] = []

    def factory() -> MLP:
        net = MLP((2, 3, 1), init="normal", seed=next(seeds))  # a different draw on every call
        made.append(net)
        return net

    result = sweep([0.01, 0.1, 1.0], steps=3, net_factory=factory)
    assert [net.seed for net in made] == [0, 1, 2, 3]  # one draw for the start, one network per run
    start = MLP((2, 3, 1), init="normal", seed=0)
    loss0 = start.loss_at(LESSON_INPUT, LESSON_TARGET)
    assert [r.losses[0] for r in result] == [loss0] * 3
    assert [r.predictions[0] for r in result] == [float(start.predict(LESSON_INPUT)[0])] * 3
    # Without the shared start the runs would have begun elsewhere: the test has teeth.
    assert all(MLP((2, 3, 1), init="normal", seed=s).loss_at(LESSON_INPUT, LESSON_TARGET) != loss0 for s in (1, 2, 3))


def test_a_diverged_run_stops_at_the_step_it_blew_up(runs):
    for r in (r for r in runs if r.diverged):
        assert r.label == "diverging"
        assert r.diverged_at == r.steps < DEFAULT_STEPS
        assert r.final > BLOWUP * r.first or not math.isfinite(r.final)
        assert all(math.isfinite(v) and v <= BLOWUP * r.first for v in r.losses[:-1])
    undiverged = [r for r in runs if not r.diverged]
    assert all(r.steps == DEFAULT_STEPS and r.diverged_at is None for r in undiverged)


def test_the_diverged_runs_really_blow_up_if_left_running():
    # What section 5 says: past the stop, the loss only grows until it is not a number any more.
    for lr, limit in ((10.0, 400), (3.0, 1500)):
        net = lesson_network()
        opt = make_optimizer("sgd", lr)
        losses = []
        for _ in range(limit):
            losses += [e.loss for e in net.train_step(LESSON_INPUT, LESSON_TARGET, opt) if isinstance(e, LossEvent)]
            if net.diverged:
                break
        assert net.diverged, lr
        crossed = next(i for i, v in enumerate(losses) if v > BLOWUP * losses[0])
        after = [v for v in losses[crossed:] if math.isfinite(v)]
        assert min(after) > BLOWUP * losses[0]  # never came back
        assert after == sorted(after)


def test_a_run_that_goes_non_finite_stops_on_that_step(monkeypatch):
    monkeypatch.setattr(sweep_module, "BLOWUP", math.inf)  # only the engine's own flag can stop it
    run = train_run(10.0, steps=400)
    assert run.diverged and run.label == "diverging"
    assert run.diverged_at == run.steps < 400
    assert all(math.isfinite(v) for v in run.losses[:-1])
    # The engine agrees: the network is fine after one step fewer, broken after exactly that many.
    net = lesson_network()
    opt = make_optimizer("sgd", 10.0)
    for step in range(1, run.steps + 1):
        for _ in net.train_step(LESSON_INPUT, LESSON_TARGET, opt):
            pass
        assert net.diverged == (step == run.steps)


def test_zero_steps_gives_an_empty_crawling_run():
    run = train_run(0.1, steps=0)
    assert run.losses == () and run.label == "crawling" and not run.diverged


def test_the_overshoot_settles_because_the_network_gets_flatter():
    """Section 5 says α = 1.5 settled because the output came to react less to each weight.

    With mse on one output, Σ (dL/dp)² = e²·K where K = Σ (dy/dp)²; a step of α is too big
    (the error changes sign and grows) while α·K > 2. At the start α·K is above 2; by the end
    of the run it is below.
    """

    def sensitivity(net: MLP) -> float:
        e = float(net.predict(LESSON_INPUT)[0]) - LESSON_TARGET[0]
        return sum(float((g**2).sum()) for g in net.gradients(LESSON_INPUT, LESSON_TARGET)) / e**2

    net = lesson_network()
    opt = make_optimizer("sgd", 1.5)
    k_start = sensitivity(net)
    for _ in range(20):
        for _ in net.train_step(LESSON_INPUT, LESSON_TARGET, opt):
            pass
    k_end = sensitivity(net)
    assert 1.5 * k_start > 2 > 1.5 * k_end


def test_adam_against_sgd_as_the_section_tells_it():
    small, large = COMPARE_LRS
    sgd = {r.lr: r for r in sweep(COMPARE_LRS)}
    adam = {r.lr: r for r in sweep(COMPARE_LRS, optimizer="adam")}
    assert (sgd[small].label, adam[small].label) == ("crawling", "converging")
    assert (sgd[large].label, adam[large].label) == ("diverging", "overshooting")
    assert not adam[large].diverged and all(math.isfinite(v) for v in adam[large].losses)


@pytest.mark.parametrize("lr", COMPARE_LRS)
def test_first_step_sizes(lr):
    sgd, adam = first_step(lr, "sgd"), first_step(lr, "adam")
    assert sgd.mean_gradient == adam.mean_gradient > 0
    assert sgd.mean_move == pytest.approx(lr * sgd.mean_gradient, rel=1e-9)
    assert adam.mean_move == pytest.approx(lr, rel=1e-3)  # every weight with a gradient moves by about α


def test_the_lesson_runs_are_quick():
    # Every run section 5 shows, together, well under a second (about 0.05 s on a laptop).
    start = time.perf_counter()
    sweep(DEFAULT_LRS)
    sweep(COMPARE_LRS, optimizer="adam")
    for lr in COMPARE_LRS:
        first_step(lr, "sgd"), first_step(lr, "adam")
    assert time.perf_counter() - start < 1.0


# -- one example or many: a batch's gradient is the mean of its examples' -----------------


def test_the_batch_gradient_is_the_mean_of_each_examples_gradient():
    from backprop_tui.models.lesson import lesson_walk
    from backprop_tui.models.sweep import BATCH_EXAMPLES, batch_gradient, lesson_batch

    b = lesson_batch()
    assert b is lesson_batch()  # computed once
    assert len(b.each) == len(BATCH_EXAMPLES) >= 3
    assert len(set(np.sign(b.each))) == 2  # the examples disagree, so the mean really is a compromise
    assert b.batch == pytest.approx(sum(b.each) / len(b.each), rel=1e-12)
    assert b.mean == pytest.approx(b.batch, rel=1e-12)
    # the first example is the lesson's own: its slope is the one section 4 works out for v1
    assert BATCH_EXAMPLES[0] == ((LESSON_INPUT[0], LESSON_INPUT[1]), LESSON_TARGET[0])
    assert b.each[0] == pytest.approx(lesson_walk().grads["v1"], rel=1e-12)
    # every pass starts from the same weights: the order of the examples changes nothing
    shuffled = batch_gradient(BATCH_EXAMPLES[::-1])
    assert shuffled.each == b.each[::-1] and shuffled.batch == pytest.approx(b.batch, rel=1e-12)


@given(st.lists(st.tuples(st.tuples(st.floats(-2, 2), st.floats(-2, 2)), st.floats(-1, 2)), min_size=1, max_size=6))
def test_any_batch_gradient_is_the_mean_of_its_examples(examples):
    from backprop_tui.models.sweep import batch_gradient

    b = batch_gradient(examples)
    assert b.batch == pytest.approx(b.mean, rel=1e-9, abs=1e-12)
