"""Every gradient the engine produces, checked against central finite differences.

Hypothesis draws networks of every activation and loss, depths 1–6, widths
1–8 and batches of 1–4 samples; the engine's dL/dW, dL/db, dL/dz and dL/da
(taken from its backward events) must match the finite differences of the
loss to a relative error under 1e-6.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop_tui.engine import MLP
from backprop_tui.engine.events import BackwardEvent, ForwardEvent
from backprop_tui.engine.names import ACTIVATION_NAMES

H = 1e-4
KINK_MARGIN = 1e-2  # ReLU-like units must sit this far from z = 0 (the kink) for the stencil
FLOOR = 1e-5  # gradients under FLOOR·max(1, |L|) are compared absolutely: that is rounding's level


def rel_error(analytic: np.ndarray, numeric: np.ndarray, loss: float) -> float:
    """max |analytic − numeric| / max(|analytic|, |numeric|, FLOOR·max(1, |loss|))."""
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)), FLOOR * max(1.0, abs(loss)))
    return float(np.max(np.abs(analytic - numeric)) / scale)


def central(f, x: np.ndarray) -> np.ndarray:
    """Fourth-order central differences of scalar ``f`` for every entry of ``x``.

    (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h: its truncation error is
    O(h⁴), so h can be large enough that rounding stays near 1e-12.
    """
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        values = []
        for k in (2, 1, -1, -2):
            x[idx] = old + k * H
            values.append(f(x))
        x[idx] = old
        grad[idx] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * H)
    return grad


def loss_from_layer(net: MLP, layer: int, value: np.ndarray, t: np.ndarray, *, is_z: bool) -> float:
    """The loss when layer ``layer``'s z (or a) is replaced by ``value`` (2-D) — an independent forward."""
    act = net.activations[layer - 1]
    z = value if is_z else None
    a = act.f(value) if is_z else value
    for W, b, act in zip(net.W[layer:], net.b[layer:], net.activations[layer:]):
        z = a @ W + b
        a = act.f(z)
    if z is None:  # a of the output layer itself: bce reads z, so invert the sigmoid
        z = np.log(a) - np.log1p(-a) if net.loss.name == "bce" else a
    return net.loss.value(a, z, t)


@st.composite
def setups(draw):
    depth = draw(st.integers(1, 6))
    sizes = [draw(st.integers(1, 8)) for _ in range(depth + 1)]
    hidden = draw(st.sampled_from(ACTIVATION_NAMES))
    output = draw(st.sampled_from(["linear", "sigmoid"]))
    loss = draw(st.sampled_from(["mse", "bce"])) if output == "sigmoid" else "mse"
    init = draw(st.sampled_from(["xavier", "he", "normal", "uniform"]))
    seed = draw(st.integers(0, 2**16))
    batch = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (batch, sizes[0]))
    t = rng.uniform(0, 1, (batch, sizes[-1])) if loss == "bce" else rng.uniform(-2, 2, (batch, sizes[-1]))
    net = MLP(sizes, hidden, output, loss, init, seed)
    # Random biases too, so a zero bias never hides a mistake in dL/db.
    net.set_params([(W, rng.normal(0, 0.5, b.shape)) for W, b in zip(net.W, net.b)])
    single = batch == 1 and draw(st.booleans())
    return net, (x[0] if single else x), (t[0] if single else t)


def events_of(net: MLP, x, t) -> tuple[list[ForwardEvent], list[BackwardEvent]]:
    forward = [e for e in net.forward(x, t) if isinstance(e, ForwardEvent)]
    backward = list(net.backward())
    return forward, backward


def away_from_kinks(net: MLP, forward: list[ForwardEvent]) -> bool:
    return all(
        np.min(np.abs(e.z)) > KINK_MARGIN
        for e, act in zip(forward, net.activations)
        if act.name in ("relu", "leaky_relu")
    )


@settings(max_examples=200)
@given(setups())
def test_weight_and_bias_gradients_match_finite_differences(setup):
    net, x, t = setup
    forward, backward = events_of(net, x, t)
    assume(away_from_kinks(net, forward))
    by_layer = {e.layer: e for e in backward}
    assert sorted(by_layer) == list(range(1, net.depth + 1))
    for l in range(1, net.depth + 1):
        params = [(W.copy(), b.copy()) for W, b in zip(net.W, net.b)]
        probe = MLP(net.sizes, activations=[a.name for a in net.activations], loss=net.loss.name)
        W, b = params[l - 1]

        def loss_with(_):
            probe.set_params(params)
            return probe.loss_at(x, t)

        assert rel_error(by_layer[l].dL_dW, central(loss_with, W), net.last_loss) < 1e-6
        assert rel_error(by_layer[l].dL_db, central(loss_with, b), net.last_loss) < 1e-6


@settings(max_examples=200)
@given(setups())
def test_activation_and_preactivation_gradients_match_finite_differences(setup):
    net, x, t = setup
    forward, backward = events_of(net, x, t)
    assume(away_from_kinks(net, forward))
    t2 = np.atleast_2d(t)
    for f_ev, b_ev in zip(forward, reversed(backward)):
        l = f_ev.layer
        assert b_ev.layer == l
        z = np.atleast_2d(f_ev.z).copy()
        a = np.atleast_2d(f_ev.a).copy()
        num_dz = central(lambda v: loss_from_layer(net, l, v, t2, is_z=True), z)
        assert rel_error(np.atleast_2d(b_ev.dL_dz), num_dz, net.last_loss) < 1e-6
        if not (l == net.depth and net.loss.name == "bce" and np.min(np.minimum(a, 1 - a)) < 0.05):
            # (bce's log(y) curves too sharply near y = 0 or 1 for a finite step in y)
            num_da = central(lambda v: loss_from_layer(net, l, v, t2, is_z=False), a)
            assert rel_error(np.atleast_2d(b_ev.dL_da), num_da, net.last_loss) < 1e-6


@given(setups())
def test_event_shapes_follow_the_input(setup):
    net, x, t = setup
    forward, backward = events_of(net, x, t)
    lead = () if np.ndim(x) == 1 else (np.shape(x)[0],)
    for e in forward:
        assert e.z.shape == e.a.shape == lead + (net.sizes[e.layer],)
    for e in backward:
        n_in, n_out = net.sizes[e.layer - 1], net.sizes[e.layer]
        assert e.dL_dW.shape == (n_in, n_out)
        assert e.dL_db.shape == (n_out,)
        assert e.dL_dz.shape == e.dL_da.shape == lead + (n_out,)
