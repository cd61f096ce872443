"""Gradient health of the section's deep nets (backprop_tui.models.health), on fixed seeds.

What section 6 claims, checked on the numbers it shows: deep sigmoid nets
vanish, He-initialised ReLU nets do not, a naive N(0, 1) start explodes,
ReLU units die (counted on a hand-built case too), skips carry the gradient
down, clipping bounds the norm, Adam moves layers SGD leaves behind. The
measured magnitudes are checked against brute-force finite differences.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from backprop_tui.engine import MLP, make_optimizer
from backprop_tui.engine.events import BackwardEvent, ForwardEvent
from backprop_tui.engine.health import CRITICAL, HEALTHY, dead_units, from_events, magnitude
from backprop_tui.engine.names import (
    CLIP_NORM,
    DEEP_INPUTS,
    DEEP_OUTPUTS,
    DEEP_SAMPLES,
    MAX_DEPTH,
    MIN_DEPTH,
    TRAIN_STEPS,
)
from backprop_tui.engine.numeric import numerical_gradients
from backprop_tui.models.health import (
    DeepSetup,
    cached,
    clear_cache,
    deep_data,
    deep_health,
    deep_net,
    known_sigmoid_peak,
    sigmoid_peak,
)

DEPTHS = range(MIN_DEPTH, MAX_DEPTH + 1)


def labels(setup: DeepSetup) -> list[str]:
    """The health words of layers L..1, as the section lists them (output on top)."""
    return [layer.status.label for layer in reversed(deep_health(setup).layers)]


@pytest.mark.parametrize("module", ["backprop_tui.models.health", "backprop_tui.screens.health"])
def test_planning_and_drawing_load_no_numpy_until_a_pass_is_measured(module):
    """The screen plans and looks passes up on the event loop: that must not wait for numpy."""
    code = (
        f"import sys, {module}\n"
        "from backprop_tui.models import health\n"
        "plan = health.plan('remedies', health.Settings().pressed('init'))\n"
        "assert health.lookup(plan) is None and health.known_sigmoid_peak() is None\n"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_the_sigmoid_peak_is_sampled_once():
    peak = sigmoid_peak()
    assert peak == pytest.approx(0.25) and peak <= 0.25
    assert known_sigmoid_peak() == peak and sigmoid_peak() is peak


def test_the_batch_is_fixed_and_the_same_for_every_net():
    x, t = deep_data()
    assert x.shape == (DEEP_SAMPLES, DEEP_INPUTS) and t.shape == (DEEP_SAMPLES, DEEP_OUTPUTS)
    x2, t2 = deep_data()
    assert np.array_equal(x, x2) and np.array_equal(t, t2)
    assert not x.flags.writeable
    # the same seed and depth give the same net; a deeper net shares its lower layers' weights
    a, b = deep_net(DeepSetup(5, "relu", "he")), deep_net(DeepSetup(6, "relu", "he"))
    for W5, W6 in zip(a.W[:4], b.W[:4]):
        assert np.array_equal(W5, W6)


# -- the three failures ------------------------------------------------------------------------------


def test_a_deep_sigmoid_net_vanishes_like_the_lesson_shows():
    sig = deep_health(DeepSetup(5, "sigmoid", "xavier"))
    assert labels(sig.setup) == ["OK", "Warn", "Bad", "Bad", "Bad"]  # the source lesson's pattern
    assert sig.ratio < 2e-3
    assert all(s <= 0.25 for s in sig.slopes[:-1])
    mags = [layer.magnitude for layer in sig.layers]
    assert mags == sorted(mags)  # smaller at every layer down


def test_sigmoid_vanishes_more_with_every_layer():
    ratios = [deep_health(DeepSetup(d, "sigmoid", "xavier")).ratio for d in DEPTHS]
    assert all(deeper < shallower for shallower, deeper in zip(ratios, ratios[1:]))
    assert ratios[-1] < 1e-10


@pytest.mark.parametrize("depth", DEPTHS)
def test_he_initialised_relu_does_not_vanish(depth):
    relu = deep_health(DeepSetup(depth, "relu", "he"))
    assert all(layer.status is not CRITICAL for layer in relu.layers), labels(relu.setup)
    assert 0.3 < relu.ratio < 2
    if depth == 5:  # the section's default depth: every layer healthy, as in the lesson
        assert all(layer.status is HEALTHY for layer in relu.layers)


def test_a_naive_start_explodes_and_grows_with_depth():
    for depth in (5, 10, 20):
        naive = deep_health(DeepSetup(depth, "relu", "normal"))
        assert all(layer.magnitude > 100 for layer in naive.layers)
        assert all(layer.status is CRITICAL for layer in naive.layers)
    five, ten = (max(x.magnitude for x in deep_health(DeepSetup(d, "relu", "normal")).layers) for d in (5, 10))
    assert ten > 1000 * five
    trained = deep_health(DeepSetup(5, "relu", "normal", optimizer="sgd"))
    assert trained.diverged and trained.trained < TRAIN_STEPS
    assert all(math.isnan(layer.magnitude) and layer.status is CRITICAL for layer in trained.layers)


def test_naive_relu_is_he_relu_scaled():
    """The same draws, only larger: ReLU keeps the signs, so the same units are dead."""
    naive, he = deep_health(DeepSetup(5, "relu", "normal")), deep_health(DeepSetup(5, "relu", "he"))
    assert [x.dead for x in naive.layers] == [x.dead for x in he.layers]
    np.testing.assert_allclose(np.array(deep_net(naive.setup).W[0]) * math.sqrt(2 / 16), deep_net(he.setup).W[0])


def test_dead_units_on_a_hand_built_net():
    # inputs are positive; hidden unit 2 only ever sees −x1 − x2 < 0, unit 3 sees x1 − x2 (both signs)
    net = MLP((2, 3, 1), "relu", init="xavier")
    net.set_params([(np.array([[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))])
    x = np.array([[1.0, 2.0], [3.0, 1.0], [0.5, 0.5]])
    t = np.array([[1.0], [0.0], [2.0]])
    forward = list(net.forward(x, t))
    backward = list(net.backward())
    (hidden, out) = from_events(forward, backward, ["relu", "linear"])
    assert (hidden.dead, hidden.units) == (1, 3)
    assert out.dead == 0
    grad = next(e for e in backward if isinstance(e, BackwardEvent) and e.layer == 1)
    assert np.all(grad.dL_dW[:, 1] == 0) and grad.dL_db[1] == 0  # nothing reaches the dead unit
    assert np.all(grad.dL_dW[:, 0] != 0)
    # one sample on which unit 3 is off does not kill it: off on *every* sample does
    assert dead_units(np.array([[1.0, -2.0, -1.0], [2.0, -1.0, 3.0]])) == 1


def test_deep_health_counts_dead_units_from_its_own_forward_pass():
    setup = DeepSetup(10, "relu", "he")
    h = deep_health(setup)
    net = deep_net(setup)
    x, _ = deep_data()
    a = x
    expected = []
    for W, b in zip(net.W, net.b):  # an independent forward pass
        z = a @ W + b
        expected.append(int(np.sum(np.all(z <= 0, axis=0))))
        a = np.maximum(z, 0)
    assert [layer.dead for layer in h.layers[:-1]] == expected[:-1]
    assert h.dead == sum(expected[:-1]) > 10
    assert h.dead_gradient == 0.0  # every dead unit's weights get exactly zero gradient
    assert h.hidden_units == 16 * 9
    leaky = deep_health(replace_act(setup, "leaky_relu"))
    assert leaky.dead == 0 and sum(leaky.negative) > 0  # negative everywhere, but not dead


def replace_act(setup: DeepSetup, act: str) -> DeepSetup:
    return DeepSetup(setup.depth, act, setup.init, setup.residual, setup.clip, setup.optimizer)


# -- the remedies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [5, 10, 20])
def test_skips_carry_the_gradient_down_a_deep_sigmoid_net(depth):
    plain = deep_health(DeepSetup(depth, "sigmoid", "xavier"))
    skips = deep_health(DeepSetup(depth, "sigmoid", "xavier", residual=True))
    assert skips.ratio > 20 * plain.ratio
    assert skips.layers[0].magnitude > 100 * plain.layers[0].magnitude
    assert skips.layers[0].status is not CRITICAL


def test_clipping_bounds_the_norm_and_keeps_the_shape():
    raw = deep_health(DeepSetup(5, "relu", "normal"))
    clipped = deep_health(DeepSetup(5, "relu", "normal", clip=CLIP_NORM))
    assert clipped.norm == pytest.approx(raw.norm) and clipped.norm > CLIP_NORM
    assert clipped.used_norm == pytest.approx(CLIP_NORM, rel=1e-6)
    scale = clipped.layers[0].magnitude / raw.layers[0].magnitude
    assert scale == pytest.approx(CLIP_NORM / raw.norm, rel=1e-6)
    for a, b in zip(raw.layers, clipped.layers):
        assert b.magnitude == pytest.approx(a.magnitude * scale)
    assert clipped.ratio == pytest.approx(raw.ratio)  # every layer shrinks alike
    # under the cap nothing changes
    small = deep_health(DeepSetup(5, "sigmoid", "xavier", clip=CLIP_NORM))
    assert small.norm < CLIP_NORM and small.used_norm == pytest.approx(small.norm)
    assert [x.magnitude for x in small.layers] == [x.magnitude for x in deep_health(DeepSetup(5, "sigmoid", "xavier")).layers]
    # and SGD that diverged without clipping stays finite with it
    assert deep_health(DeepSetup(5, "relu", "normal", optimizer="sgd")).diverged
    assert not deep_health(DeepSetup(5, "relu", "normal", clip=CLIP_NORM, optimizer="sgd")).diverged


def test_adam_moves_the_first_layers_that_sgd_leaves_behind():
    sgd = deep_health(DeepSetup(10, "sigmoid", "xavier", optimizer="sgd"))
    adam = deep_health(DeepSetup(10, "sigmoid", "xavier", optimizer="adam"))
    assert sgd.trained == adam.trained == TRAIN_STEPS
    assert sgd.moved[0] < 1e-5 * sgd.moved[-1]
    assert adam.moved[0] > 1e4 * sgd.moved[0]
    assert adam.moved[0] > 0.1 * adam.moved[-1]
    assert adam.loss < adam.loss_before and sgd.loss < sgd.loss_before


def test_leaky_relu_has_no_dead_units():
    for depth in (5, 20):
        assert deep_health(DeepSetup(depth, "relu", "he")).dead > 0
        assert deep_health(DeepSetup(depth, "leaky_relu", "he")).dead == 0


# -- the numbers themselves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setup",
    [
        DeepSetup(3, "sigmoid", "xavier"),
        DeepSetup(3, "tanh", "he", residual=True),
        DeepSetup(2, "relu", "normal", clip=CLIP_NORM),
    ],
    ids=["sigmoid", "tanh-skips", "relu-clipped"],
)
def test_magnitudes_match_brute_force(setup):
    """mean |dL/dW| per layer, against central differences of the loss (no backprop involved)."""
    h = deep_health(setup)
    net = deep_net(setup)
    x, t = deep_data()
    numeric = numerical_gradients(net, x, t, h=1e-5)
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in numeric))
    scale = min(1.0, CLIP_NORM / (norm + 1e-6)) if setup.clip else 1.0
    for layer, W_grad in zip(h.layers, numeric[0::2]):
        assert layer.magnitude == pytest.approx(scale * float(np.mean(np.abs(W_grad))), rel=1e-5)
    assert h.norm == pytest.approx(norm, rel=1e-5)


def test_deep_health_agrees_with_a_training_run_by_hand():
    setup = DeepSetup(4, "sigmoid", "xavier", optimizer="adam")
    h = deep_health(setup)
    net = deep_net(setup)
    x, t = deep_data()
    start = [W.copy() for W in net.W]
    opt = make_optimizer("adam", 0.01)
    for _ in range(TRAIN_STEPS):
        list(net.train_step(x, t, opt))
    assert h.moved == pytest.approx([float(np.mean(np.abs(W - W0))) for W, W0 in zip(net.W, start)])
    grads = net.gradients(x, t)
    assert [layer.magnitude for layer in h.layers] == pytest.approx([magnitude(g) for g in grads[0::2]])
    assert h.loss == pytest.approx(net.last_loss)


def test_results_are_cached_and_bad_depths_refused():
    setup = DeepSetup(7, "gelu", "he")
    clear_cache()
    assert cached(setup) is None
    first = deep_health(setup)
    assert cached(setup) is first and deep_health(setup) is first
    for depth in (MIN_DEPTH - 1, MAX_DEPTH + 1):
        with pytest.raises(ValueError, match="depth"):
            deep_health(DeepSetup(depth))


def test_training_goes_through_the_one_training_loop(monkeypatch):
    """The steps before the measured pass are Training's (a loop of its own would be a second copy)."""
    from backprop_tui.models import training

    taken = []
    step = training.Training.step

    def counting(self):
        taken.append(self)
        return step(self)

    monkeypatch.setattr(training.Training, "step", counting)
    clear_cache()
    trained = deep_health(DeepSetup(4, "tanh", "he", optimizer="sgd"))
    assert len(taken) == trained.trained == TRAIN_STEPS
    assert len({id(run) for run in taken}) == 1 and math.isinf(taken[0].limit)
    clear_cache()
    diverged = deep_health(DeepSetup(5, "relu", "normal", optimizer="sgd"))
    assert diverged.diverged and diverged.trained == len(taken) - TRAIN_STEPS < TRAIN_STEPS


# -- residual nets in the engine ----------------------------------------------------------------------


def test_residual_skips_only_hidden_layers_of_unchanged_width():
    net = MLP((3, 3, 4, 4, 4, 4), "tanh", residual=True)
    assert net.skips == (True, False, True, True, False)  # the output layer never skips
    assert MLP((3, 3, 3), residual=False).skips == (False, False)


def test_residual_off_or_without_matching_widths_changes_nothing():
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    for sizes in ((3, 4, 5, 2), (3, 5, 2)):
        plain, skips = MLP(sizes, "sigmoid", seed=4), MLP(sizes, "sigmoid", seed=4, residual=True)
        assert not any(skips.skips)
        opt1, opt2 = make_optimizer("adam", 0.1), make_optimizer("adam", 0.1)
        for a, b in zip(list(plain.train_step(x, t, opt1)), list(skips.train_step(x, t, opt2))):
            assert a.to_json() == b.to_json()


def test_a_residual_layer_outputs_its_activation_plus_its_input():
    net = MLP((2, 2, 2, 1), "relu", seed=1, residual=True)
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    forward = [e for e in net.forward(x, np.zeros((2, 1))) if isinstance(e, ForwardEvent)]
    np.testing.assert_array_equal(forward[0].a, np.maximum(forward[0].z, 0) + x)
    np.testing.assert_array_equal(forward[1].a, np.maximum(forward[1].z, 0) + forward[0].a)
    np.testing.assert_array_equal(forward[2].a, forward[2].z)  # linear output, no skip
    np.testing.assert_array_equal(net.predict(x), forward[2].a)
