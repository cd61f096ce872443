"""The engine's fixed numbers: the lesson network, the chains, health classes, inits, divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.engine import MLP, make_optimizer
from backprop_tui.engine.chain import explorer, lesson_chain, two_paths
from backprop_tui.engine.events import ForwardEvent, LossEvent
from backprop_tui.engine.health import CRITICAL, HEALTHY, WARNING, classify, dead_units, from_events, measure
from backprop_tui.engine.names import MAX_LAYERS, MAX_WIDTH
from backprop_tui.engine.network import lesson_network
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET


def test_lesson_network_shows_the_source_lessons_numbers():
    net = lesson_network()
    events = list(net.forward(LESSON_INPUT, LESSON_TARGET))
    hidden, output, loss = events
    assert isinstance(hidden, ForwardEvent) and isinstance(loss, LossEvent)
    assert list(LESSON_INPUT) == [0.50, 0.30]
    assert [round(float(a), 2) for a in hidden.a] == [0.51, 0.50]
    assert round(float(loss.prediction[0]), 4) == 0.5025
    assert loss.target.tolist() == [0.70]
    assert round(loss.loss, 4) == 0.0195
    # The loss is 0.5·(ŷ − t)², computed here by hand from the prediction.
    assert loss.loss == pytest.approx(0.5 * (loss.prediction[0] - 0.7) ** 2, rel=1e-15)
    assert [a.name for a in net.activations] == ["sigmoid", "linear"]


def test_one_lesson_update_lowers_the_loss():
    net = lesson_network()
    opt = make_optimizer("sgd", 0.5)
    first = list(net.train_step(LESSON_INPUT, LESSON_TARGET, opt))
    before = next(e for e in first if isinstance(e, LossEvent)).loss
    after = net.loss_at(LESSON_INPUT, LESSON_TARGET)
    assert after < before


def test_lesson_chain_values_forward_and_backward():
    chain = lesson_chain()
    assert [e.value for e in chain.forward()] == [2.0, 3.0, 1.0, 5.0, 2.0]
    assert [e.name for e in chain.forward()] == ["x", "h", "g", "f", "L"]
    back = list(chain.backward())
    assert [e.name for e in back] == ["L", "f", "g", "h", "x"]
    for e in back:
        assert e.grad == pytest.approx(e.upstream * e.local)
    # dL/dx by central differences of the whole chain
    def L(x: float) -> float:
        return lesson_chain(x).values()[-1]

    h = 1e-5
    assert back[-1].grad == pytest.approx((L(2 + h) - L(2 - h)) / (2 * h), rel=1e-8)


def test_explorer_at_two():
    e = explorer(2.0)
    assert (e.x, e.u, e.y) == (2.0, 6.0, 36.0)
    assert (e.du_dx, e.dy_du, e.dy_dx) == (3.0, 12.0, 36.0)
    assert f"{e.du_dx:.3f} × {e.dy_du:.3f} = {e.dy_dx:.3f}" == "3.000 × 12.000 = 36.000"


@pytest.mark.parametrize("x", [-1.5, 0.0, 0.7, 2.0, 3.3])
def test_explorer_matches_finite_differences(x):
    h = 1e-6
    numeric = (explorer(x + h).y - explorer(x - h).y) / (2 * h)
    assert explorer(x).dy_dx == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("x", [-1.0, 0.5, 2.0])
def test_two_paths_sum_to_the_total_derivative(x):
    p = two_paths(x)
    assert p.dz_dx == pytest.approx(p.direct + p.via_y)
    h = 1e-6
    numeric = (two_paths(x + h).z - two_paths(x - h).z) / (2 * h)
    assert p.dz_dx == pytest.approx(numeric, rel=1e-6)
    assert p.direct != 0 and p.via_y != 0


@pytest.mark.parametrize(
    ("g", "status"),
    [
        (0.1, HEALTHY),
        (0.3, HEALTHY),
        (0.5, HEALTHY),
        (math.nextafter(0.1, 0), WARNING),
        (math.nextafter(0.5, 1), WARNING),
        (0.01, WARNING),
        (1.0, WARNING),
        (math.nextafter(0.01, 0), CRITICAL),
        (math.nextafter(1.0, 2), CRITICAL),
        (0.0, CRITICAL),
        (1e6, CRITICAL),
        (math.nan, CRITICAL),
        (math.inf, CRITICAL),
    ],
)
def test_health_classes_at_their_boundaries(g, status):
    assert classify(g) is status


def test_health_labels_and_colours_follow_the_contract():
    from backprop_tui.renderables.palette import COLOURS

    assert (HEALTHY.label, COLOURS[HEALTHY.name]) == ("OK", "green")
    assert (WARNING.label, COLOURS[WARNING.name]) == ("Warn", "yellow")
    assert (CRITICAL.label, COLOURS[CRITICAL.name]) == ("Bad", "red")


def test_dead_units_on_a_constructed_case():
    # Three ReLU units over two samples: unit 0 always negative (dead), unit 1 alive once,
    # unit 2 exactly zero twice (dead: no gradient flows through z = 0 either).
    z = np.array([[-1.0, 2.0, 0.0], [-0.5, -1.0, 0.0]])
    assert dead_units(z) == 2
    assert dead_units(np.array([-1.0, 1.0])) == 1


def test_health_measures_mean_abs_weight_gradient_and_counts_dead_relus():
    net = MLP((2, 3, 1), "relu", init="he", seed=0)
    # Make hidden unit 1 dead for every input with positive entries.
    W1 = net.W[0].copy()
    W1[:, 1] = -1.0
    net.set_params([(W1, net.b[0]), (net.W[1], net.b[1])])
    x = np.array([[0.5, 0.2], [1.0, 0.4]])
    t = np.array([[1.0], [0.0]])
    report = measure(net, x, t)
    grads = net.gradients(x, t)
    assert [r.layer for r in report] == [1, 2]
    assert report[0].magnitude == pytest.approx(np.mean(np.abs(grads[0])))
    assert report[1].magnitude == pytest.approx(np.mean(np.abs(grads[2])))
    assert report[0].dead == 1 and report[1].dead == 0
    assert report[0].units == 3


def test_deep_sigmoid_vanishes_where_relu_with_he_init_does_not():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(16, 4)), rng.normal(size=(16, 1))
    sig = measure(MLP([4] + [16] * 8 + [1], "sigmoid", init="xavier", seed=0), x, t)
    relu = measure(MLP([4] + [16] * 8 + [1], "relu", init="he", seed=0), x, t)
    assert sig[0].status is CRITICAL and sig[0].magnitude < sig[-1].magnitude / 100
    assert relu[0].magnitude > sig[0].magnitude * 100


def test_from_events_ignores_other_events():
    net = lesson_network()
    forward = list(net.forward(LESSON_INPUT, LESSON_TARGET))
    report = from_events(forward, list(net.backward()), ["sigmoid", "linear"])
    assert len(report) == 2


@pytest.mark.parametrize("init", ["xavier", "he", "normal", "uniform"])
def test_inits_are_seeded_and_reproducible(init):
    a = MLP((3, 5, 2), init=init, seed=42)
    b = MLP((3, 5, 2), init=init, seed=42)
    c = MLP((3, 5, 2), init=init, seed=43)
    for p, q in zip(a.params(), b.params()):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.W[0], c.W[0])


def test_init_scales():
    wide = 400
    xav = MLP((wide, wide, 1), init="xavier", seed=0).W[0]
    he = MLP((wide, wide, 1), init="he", seed=0).W[0]
    assert np.max(np.abs(xav)) <= math.sqrt(6 / (2 * wide))
    assert np.std(he) == pytest.approx(math.sqrt(2 / wide), rel=0.02)
    assert np.std(MLP((wide, wide, 1), init="normal", seed=0).W[0]) == pytest.approx(1.0, rel=0.02)


def test_divergence_is_reported_not_raised():
    net = MLP((2, 4, 1), "linear", init="normal", seed=0)
    opt = make_optimizer("sgd", 50.0)
    x, t = np.array([1.0, 2.0]), np.array([1.0])
    for _ in range(200):
        events = list(net.train_step(x, t, opt))
        if net.diverged:
            break
    assert net.diverged
    last = events[-1]
    assert isinstance(last, LossEvent) and last.diverged and not math.isfinite(last.loss)
    assert '"diverged":true' in last.to_json() and "NaN" not in last.to_json()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": (2,)}, "at least"),
        ({"sizes": (2, 0, 1)}, "1 to"),
        ({"sizes": (2, MAX_WIDTH + 1, 1)}, "1 to"),
        ({"sizes": (2,) * (MAX_LAYERS + 2)}, "at most"),
        ({"activation": "swish"}, "unknown activation"),
        ({"output": "relu"}, "output activation"),
        ({"loss": "bce"}, "needs a sigmoid output"),
        ({"loss": "hinge"}, "unknown loss"),
        ({"init": "lesson", "sizes": (3, 2, 1)}, "lesson init"),
        ({"init": "zeros"}, "unknown init"),
    ],
)
def test_bad_networks_are_refused_with_a_plain_message(kwargs, message):
    args = {"sizes": (2, 2, 1)} | kwargs
    with pytest.raises(ValueError, match=message):
        MLP(**args)


def test_the_largest_network_builds():
    net = MLP((MAX_WIDTH,) + (4,) * (MAX_LAYERS - 1) + (1,), "relu", init="he")
    assert net.depth == MAX_LAYERS


@pytest.mark.parametrize(
    ("x", "t", "message"),
    [
        ([0.5], [0.7], "input needs 2"),
        ([0.5, 0.3], [0.7, 0.1], "target needs 1"),
        ([0.5, math.nan], [0.7], "finite"),
        ([0.5, 0.3], [math.inf], "finite"),
    ],
)
def test_bad_samples_are_refused(x, t, message):
    with pytest.raises(ValueError, match=message):
        list(lesson_network().forward(x, t))


def test_backward_and_update_need_their_phase_before():
    net = lesson_network()
    with pytest.raises(RuntimeError):
        list(net.backward())
    with pytest.raises(RuntimeError):
        list(net.update(make_optimizer()))


def test_numerical_gradients_agree_with_backprop_and_leave_the_net_alone():
    import numpy as np

    from backprop_tui.engine.network import MLP
    from backprop_tui.engine.numeric import numerical_gradients

    net = MLP((3, 4, 2), activation="tanh", output="sigmoid", loss="bce", init="xavier", seed=3)
    x, t = [0.2, -0.7, 1.1], [1.0, 0.0]
    before = [p.copy() for p in net.params()]
    numeric = numerical_gradients(net, x, t)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params()))
    for fd, bp in zip(numeric, net.gradients(x, t), strict=True):
        assert fd.shape == bp.shape
        np.testing.assert_allclose(fd, bp, rtol=1e-6, atol=1e-9)
