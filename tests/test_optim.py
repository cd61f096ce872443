"""Each optimiser, L2 and clipping against their formulas, written out here one number at a time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.engine import MLP, make_optimizer
from backprop_tui.engine.events import BackwardEvent, UpdateEvent
from backprop_tui.engine.names import OPTIMIZERS


def reference_step(kind: str, lr: float, p: float, g: float, state: dict, t: int) -> float:
    """One scalar parameter's update by PyTorch's documented rule and default hyperparameters."""
    if kind == "sgd":
        return p - lr * g
    if kind == "momentum":
        state["buf"] = g if t == 1 else 0.9 * state["buf"] + g
        return p - lr * state["buf"]
    if kind == "rmsprop":
        state["sq"] = 0.99 * state.get("sq", 0.0) + 0.01 * g * g
        return p - lr * g / (math.sqrt(state["sq"]) + 1e-8)
    state["m"] = 0.9 * state.get("m", 0.0) + 0.1 * g
    state["v"] = 0.999 * state.get("v", 0.0) + 0.001 * g * g
    m_hat = state["m"] / (1 - 0.9**t)
    v_hat = state["v"] / (1 - 0.999**t)
    return p - lr * m_hat / (math.sqrt(v_hat) + 1e-8)


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_optimizer_follows_its_formula_over_several_steps(kind):
    rng = np.random.default_rng(7)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    opt = make_optimizer(kind, 0.05)
    flat = [float(v) for p in params for v in p.ravel()]
    states = [{} for _ in flat]
    for t in range(1, 6):
        grads = [rng.normal(size=(3, 2)), rng.normal(size=2)]
        flat_g = [float(v) for g in grads for v in g.ravel()]
        params = opt.step(params, grads)
        flat = [reference_step(kind, 0.05, p, g, s, t) for p, g, s in zip(flat, flat_g, states)]
        got = [float(v) for p in params for v in p.ravel()]
        assert got == pytest.approx(flat, rel=1e-12, abs=1e-15)
    assert opt.t == 5


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_network_update_applies_the_optimizer_to_the_backward_gradients(kind):
    net = MLP((3, 4, 2), "tanh", init="xavier", seed=3)
    opt = make_optimizer(kind, 0.1)
    x, t = np.array([0.2, -0.4, 0.9]), np.array([0.5, -0.5])
    states: list[dict] = []
    for step in range(1, 4):
        before = [float(v) for p in net.params() for v in p.ravel()]
        events = list(net.train_step(x, t, opt))
        back = sorted((e for e in events if isinstance(e, BackwardEvent)), key=lambda e: e.layer)
        grads = [float(v) for e in back for g in (e.dL_dW, e.dL_db) for v in g.ravel()]
        states = states or [{} for _ in grads]
        expected = [reference_step(kind, 0.1, p, g, s, step) for p, g, s in zip(before, grads, states)]
        updates = [e for e in events if isinstance(e, UpdateEvent)]
        assert [e.layer for e in updates] == [1, 2]
        got = [float(v) for e in updates for p in (e.W, e.b) for v in p.ravel()]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert all(e.step == step for e in events)


def test_l2_adds_lambda_w_to_weights_only():
    W, b = np.array([[1.0, -2.0]]), np.array([3.0, 4.0])
    gW, gb = np.array([[0.5, 0.5]]), np.array([0.25, 0.25])
    new_W, new_b = make_optimizer("sgd", 0.1, l2=0.2).step([W, b], [gW, gb])
    np.testing.assert_allclose(new_W, [[1.0 - 0.1 * (0.5 + 0.2 * 1.0), -2.0 - 0.1 * (0.5 + 0.2 * -2.0)]])
    np.testing.assert_allclose(new_b, [3.0 - 0.1 * 0.25, 4.0 - 0.1 * 0.25])


def test_clipping_scales_the_global_norm_over_weights_and_biases():
    W, b = np.zeros((1, 2)), np.zeros(1)
    gW, gb = np.array([[3.0, 0.0]]), np.array([4.0])  # global norm 5
    opt = make_optimizer("sgd", 1.0, clip=1.0)
    new_W, new_b = opt.step([W, b], [gW, gb])
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(new_W, [[-3.0 * coef, 0.0]])
    np.testing.assert_allclose(new_b, [-4.0 * coef])
    assert opt.last_norm == pytest.approx(5.0)
    # Under the limit, gradients pass untouched.
    new_W, _ = make_optimizer("sgd", 1.0, clip=10.0).step([W, b], [gW, gb])
    np.testing.assert_array_equal(new_W, [[-3.0, 0.0]])


def test_l2_comes_before_clipping():
    W, b = np.array([[10.0]]), np.array([0.0])
    opt = make_optimizer("sgd", 1.0, l2=0.1, clip=0.5)
    new_W, _ = opt.step([W, b], [np.array([[0.0]]), np.array([0.0])])
    # The gradient is only the L2 term 0.1·10 = 1, clipped to 0.5.
    assert new_W[0, 0] == pytest.approx(10.0 - 0.5, rel=1e-5)


def test_update_never_changes_arrays_it_was_given():
    net = MLP((2, 3, 1), "relu", init="he", seed=1)
    first = net.init_event()
    W1 = first.params[0].W.copy()
    opt = make_optimizer("adam", 0.1)
    for _ in range(3):
        list(net.train_step([0.3, 0.7], [1.0], opt))
    np.testing.assert_array_equal(first.params[0].W, W1)
    assert not first.params[0].W.flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "nag"}, "unknown optimizer"),
        ({"lr": 0.0}, "learning rate"),
        ({"lr": float("nan")}, "learning rate"),
        ({"lr": float("inf")}, "learning rate"),
        ({"l2": -1.0}, "l2"),
        ({"clip": 0.0}, "clip"),
    ],
)
def test_bad_settings_are_refused_with_a_plain_message(kwargs, message):
    args = {"kind": "sgd", "lr": 0.1} | kwargs
    kind, lr = args.pop("kind"), args.pop("lr")
    with pytest.raises(ValueError, match=message):
        make_optimizer(kind, lr, **args)
