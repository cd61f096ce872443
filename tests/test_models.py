"""The headless models, tested without Textual: the one training loop, section 3's anatomy and
section 4's walk, each against the engine's own events or an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.engine.activations import get_activation
from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent
from backprop_tui.engine.network import MLP, lesson_network
from backprop_tui.engine.optim import make_optimizer
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_PARAMS, LESSON_TARGET
from backprop_tui.models.anatomy import activation_curve, lesson_anatomy
from backprop_tui.models.lesson import lesson_losses, lesson_update, lesson_walk
from backprop_tui.models.training import Training, blowup_limit

# -- the training loop ---------------------------------------------------------------------------


def by_hand(net: MLP, x, t, opt, steps: int) -> list[float]:
    """The engine driven directly, step by step: the losses the loop must report."""
    losses = []
    for _ in range(steps):
        losses += [e.loss for e in net.train_step(x, t, opt) if isinstance(e, LossEvent)]
        if net.diverged:
            break
    return losses


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_the_loop_reports_what_the_engine_computes(optimizer):
    x = np.array([[0.1, -0.4, 0.9], [0.7, 0.2, -0.3]])
    t = np.array([[1.0], [0.0]])
    make = lambda: MLP((3, 4, 1), "tanh", "sigmoid", "bce", "xavier", seed=5)  # noqa: E731
    run = Training(make(), x, t, make_optimizer(optimizer, 0.1))
    steps = list(run.run(12))
    assert [s.loss for s in steps] == run.losses == by_hand(make(), x, t, make_optimizer(optimizer, 0.1), 12)
    assert [s.step for s in steps] == list(range(1, 13))
    last = steps[-1]
    assert [e.layer for e in last.forward] == [1, 2] and [e.layer for e in last.backward] == [2, 1]
    assert [e.layer for e in last.update] == [1, 2] and not last.over
    assert run.loss_now() == run.net.loss_at(x, t)


def test_a_run_past_its_limit_is_over_and_takes_no_more_steps():
    run = Training(lesson_network(), LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", 10.0))
    run.limit = blowup_limit(run.loss_now())
    steps = list(run.run(500))
    assert steps[-1].over and run.diverged
    assert len(steps) < 500
    last = steps[-1].loss
    assert not math.isfinite(last) or last > run.limit
    assert all(math.isfinite(s.loss) and s.loss <= run.limit for s in steps[:-1])
    assert run.step() is None and len(run.losses) == len(steps)


def test_the_engines_own_divergence_ends_a_run_without_a_limit():
    run = Training(lesson_network(), LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", 1e6))
    steps = list(run.run(1000))
    assert run.diverged and run.net.diverged and steps[-1].over
    assert run.limit == math.inf


def test_blowup_limit_is_a_million_times_the_start_or_none():
    assert blowup_limit(0.02) == pytest.approx(2e4)
    assert blowup_limit(0.02, floor=1.0) == pytest.approx(1e6)
    assert blowup_limit(0.0) == math.inf and blowup_limit(math.nan) == math.inf


# -- section 3: the anatomy ----------------------------------------------------------------------


def test_the_anatomy_has_the_source_lessons_numbers():
    a = lesson_anatomy()
    assert a.x == LESSON_INPUT
    assert [round(v, 2) for v in a.a1] == [0.51, 0.50]
    assert round(a.output[0], 4) == 0.5025 and round(a.loss, 4) == 0.0195
    # and they are the engine's, recomputed independently here
    z1 = np.array(a.x) @ np.array(a.W1) + np.array(a.b1)
    assert np.allclose(a.z1, z1) and np.allclose(a.a1, 1 / (1 + np.exp(-z1)))
    z2 = np.array(a.a1) @ np.array(a.W2) + np.array(a.b2)
    assert np.allclose(a.z2, z2) and a.output == a.z2
    assert a.loss == pytest.approx(0.5 * (a.output[0] - a.target[0]) ** 2, rel=1e-12)
    assert a.value("loss") == a.loss and a.value("z1") == a.z1


@pytest.mark.parametrize(
    ("name", "largest", "flat"),
    [("sigmoid", 0.25, False), ("tanh", 1.0, False), ("relu", 1.0, True), ("leaky_relu", 1.0, True)],
)
def test_each_curve_finds_the_largest_slope_of_its_derivative(name, largest, flat):
    curve = activation_curve(name)
    assert curve.max_slope == pytest.approx(largest)
    assert (curve.flat_from < curve.flat_to) == flat
    if not flat:
        assert curve.at == 0.0
    act = get_activation(name)
    assert np.array_equal(curve.slope, act.df(curve.z, act.f(curve.z)))
    assert curve.z[0] == -5.0 and curve.z[-1] == 5.0 and 0.0 in curve.z


# -- section 4: the walk, the update, the run ------------------------------------------------------


def test_the_walk_is_the_engines_backward_pass_under_the_lessons_names():
    walk = lesson_walk()
    net = lesson_network()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    hidden = next(e for e in events if isinstance(e, ForwardEvent) and e.layer == 1)
    assert walk.grads["w12"] == back[1].dL_dW[0, 1] and walk.grads["w21"] == back[1].dL_dW[1, 0]
    assert walk.grads["v2"] == back[2].dL_dW[1, 0] and walk.grads["bo"] == back[2].dL_db[0]
    assert walk.dL_dy == pytest.approx(walk.y - walk.target)
    assert walk.sigma_prime == pytest.approx(tuple(hidden.a * (1 - hidden.a)))
    assert walk.sigma_prime[1] == 0.25  # the second hidden neuron sits at z = 0
    for name in LESSON_PARAMS:
        assert walk.numeric[name] == pytest.approx(walk.grads[name], rel=1e-6, abs=1e-10), name


def test_the_update_moves_every_parameter_against_its_gradient():
    walk = lesson_walk()
    u = lesson_update(0.5)
    for name in LESSON_PARAMS:
        assert u.new[name] == pytest.approx(walk.params[name] - 0.5 * walk.grads[name], rel=1e-12), name
    assert u.loss_before == walk.loss and u.loss_after < u.loss_before and not u.diverged
    assert lesson_update(5.0).loss_after > walk.loss  # too large a step jumps past the minimum


def test_the_run_ends_with_the_loss_after_its_last_update_unless_it_diverged():
    losses = lesson_losses(0.5, 20)
    net, opt = lesson_network(), make_optimizer("sgd", 0.5)
    assert losses == [*by_hand(net, LESSON_INPUT, LESSON_TARGET, opt, 20), net.loss_at(LESSON_INPUT, LESSON_TARGET)]
    wild = lesson_losses(1e6, 50)
    assert len(wild) < 50 and not math.isfinite(wild[-1])  # stopped where the numbers ran out
    assert all(math.isfinite(v) for v in wild[:-1])


@pytest.mark.parametrize("alpha", [0.01, 0.5, 2.0, 5.0])
def test_section_4s_run_is_section_5s_run_judged_by_the_same_rules(alpha):
    from backprop_tui.models.lesson import lesson_losses, lesson_run
    from backprop_tui.models.sweep import label_run, train_run

    run = lesson_run(alpha, 20)
    sweep = train_run(alpha, 21)
    assert run.losses == sweep.losses and run.diverged == sweep.diverged
    assert run.label == label_run(sweep.losses, sweep.diverged)
    if not run.diverged:  # the loss after k steps, as the training loop driven by hand gives it
        assert run.steps == 20 and list(run.losses) == lesson_losses(alpha, 20)
    else:  # stopped at the loss that passed section 5's limit
        from backprop_tui.engine.names import BLOWUP

        assert run.steps < 20 and not run.losses[-1] <= BLOWUP * run.losses[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_steps_go_downhill_about_half_the_time_but_far_less_than_the_gradient_step(seed):
    """Section 1's claims about guessing, checked on the engine (DESIGN: every sentence is a claim)."""
    from backprop_tui.models.search import SIZES, race

    r = race(seed=seed)
    assert r.weights == sum((a + 1) * b for a, b in zip(SIZES[:-1], SIZES[1:]))
    assert 0.35 * r.tries <= r.lowered <= 0.65 * r.tries  # "about half"
    assert 0 < r.typical_drop < r.best_drop < r.gradient_drop / 3  # "a fraction", "much less"
    assert r.gradient_drop > 0 and r.gradient_drop < r.loss
