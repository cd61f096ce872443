"""Section 6's steps, each on its own set-up: what each opens on does what the step is named after.

The bar steps open on the set-up their words teach with (``models.health.STARTS``):
a deep sigmoid net whose layer 1 is Bad, a careless ReLU start that SGD really
blows up, ReLU as deep as units die. A learner's shallower set-up is named for
what it shows instead. And the |∂L/∂z| each row shows is the engine's own.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.engine.names import MAX_DEPTH, MIN_DEPTH
from backprop_tui.models.health import BAR_STEPS, DeepSetup, Settings, deep_data, deep_health, deep_net, measure, plan, start
from backprop_tui.renderables.health_notes import heading, shows, step_label


@pytest.mark.parametrize("step", BAR_STEPS)
def test_each_step_opens_on_a_set_up_that_shows_its_lesson(step):
    measured = measure(plan(step, start(step)))
    assert measured is not None and shows(measured)
    assert "not" not in heading(step, start(step), measured) and "yet" not in heading(step, start(step), measured)


def test_the_opening_set_ups_show_each_failure_plainly():
    sig = deep_health(DeepSetup(start("vanish").depth, "sigmoid", "xavier"))
    assert all(layer.status.label == "Bad" for layer in sig.layers[: sig.setup.depth - 3]) and sig.ratio < 1e-5
    blown = deep_health(DeepSetup(start("explode").depth, "relu", "normal", optimizer="sgd"))
    assert blown.diverged
    dead = deep_health(DeepSetup(start("dead").depth, "relu", "he"))
    later = deep_health(DeepSetup(start("dead").depth, "relu", "he", optimizer="sgd"))
    assert dead.dead > 20 and 0 < later.dead < dead.dead  # some die, and some come back with training


@pytest.mark.parametrize("depth", range(MIN_DEPTH, MAX_DEPTH + 1))
def test_a_heading_names_what_the_nets_on_show_do(depth):
    settings = Settings(depth=depth)
    for step, verdict in (("vanish", "Vanishing"), ("explode", "Exploding"), ("dead", "Dead neurons")):
        measured = measure(plan(step, settings))
        assert measured is not None
        words = heading(step, settings, measured)
        first = measured.columns[0]
        if step == "vanish":
            does = first.layers[0].status.label == "Bad"
        elif step == "explode":
            does = measured.trained is not None and measured.trained.diverged
        else:
            does = first.dead > 0
        assert words.startswith(verdict) == does, (step, depth, words)
        assert f"{depth} " in words
        before = heading(step, settings)  # while the passes are measured: the set-up, no verdict either way
        assert f"{depth} " in before and "layers" in before and not before.startswith(verdict)
        assert "not" not in before and "No" not in before


def test_the_step_bar_follows_the_left_activation_only_on_the_side_step():
    assert step_label("side", Settings(left="gelu")) == "GELU or ReLU"
    assert step_label("side", Settings(left="tanh")) == "Tanh or ReLU"
    assert step_label("vanish", Settings(left="tanh")) is None


@pytest.mark.parametrize(
    "setup",
    [DeepSetup(6, "sigmoid", "xavier"), DeepSetup(4, "relu", "normal", clip=5.0), DeepSetup(5, "tanh", "he", residual=True)],
    ids=["sigmoid", "relu-clipped", "tanh-skips"],
)
def test_dL_dz_and_dL_da_are_the_engines_and_a_layer_keeps_their_product(setup):
    h = deep_health(setup)
    net = deep_net(setup)
    x, t = deep_data()
    list(net.forward(x, t))
    events = sorted(net.backward(), key=lambda e: e.layer)
    assert h.dz == pytest.approx([float(np.mean(np.abs(e.dL_dz))) for e in events], rel=1e-12)
    assert h.da == pytest.approx([float(np.mean(np.abs(e.dL_da))) for e in events], rel=1e-12)
    for layer in range(1, setup.depth):
        by_w, by_f, kept = h.passed(layer)
        assert kept == pytest.approx(by_w * by_f) and kept == pytest.approx(h.dz[layer - 1] / h.dz[layer])
    by_w, by_f, kept = h.passed_mean()
    assert kept == pytest.approx(by_w * by_f)
    assert kept == pytest.approx((h.dz[0] / h.dz[-1]) ** (1 / (setup.depth - 1)))


def test_a_diverged_net_has_no_dL_dz_to_show():
    gone = deep_health(DeepSetup(5, "relu", "normal", optimizer="sgd"))
    assert gone.diverged and len(gone.dz) == 5 and all(math.isnan(v) for v in gone.dz)


def test_sigmoid_keeps_at_most_a_quarter_through_its_slope():
    for depth in (3, 10, 20):
        h = deep_health(DeepSetup(depth, "sigmoid", "xavier"))
        assert all(0 < h.passed(layer)[1] <= 0.25 for layer in range(1, depth))
