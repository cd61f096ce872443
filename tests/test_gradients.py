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
    return _net_and_data(draw, sizes)


def _net_and_data(draw, sizes: list[int], residual: bool = False):
    """A net of ``sizes`` with drawn activations, loss, init and seed, random biases, and a batch to fit."""
    hidden = draw(st.sampled_from(ACTIVATION_NAMES))
    output = draw(st.sampled_from(["linear", "sigmoid"]))
    loss = draw(st.sampled_from(["mse", "bce"])) if output == "sigmoid" else "mse"
    init = draw(st.sampled_from(["xavier", "he", "normal", "uniform"]))
    seed = draw(st.integers(0, 2**16))
    batch = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (batch, sizes[0]))
    t = rng.uniform(0, 1, (batch, sizes[-1])) if loss == "bce" else rng.uniform(-2, 2, (batch, sizes[-1]))
    net = MLP(sizes, hidden, output, loss, init, seed, residual=residual)
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


# -- residual (skip) connections --------------------------------------------------------------------


def has_skip(sizes, layer: int) -> bool:
    """Whether layer ``layer`` of a residual net adds its input: hidden, and its width unchanged (worked out here)."""
    return layer < len(sizes) - 1 and sizes[layer - 1] == sizes[layer]


def residual_loss_from_layer(net: MLP, layer: int, value: np.ndarray, t: np.ndarray, a_prev: np.ndarray, *, is_z: bool) -> float:
    """As :func:`loss_from_layer` for a residual net: a skip layer outputs f(z) + a_prev (an independent forward)."""
    sizes = net.sizes
    act = net.activations[layer - 1]
    if is_z:
        z = value
        a = act.f(value) + a_prev if has_skip(sizes, layer) else act.f(value)
    else:
        z, a = None, value
    for l in range(layer + 1, net.depth + 1):
        z = a @ net.W[l - 1] + net.b[l - 1]
        a = net.activations[l - 1].f(z) + a if has_skip(sizes, l) else net.activations[l - 1].f(z)
    if z is None:  # a of the output layer itself (never a skip layer)
        z = np.log(a) - np.log1p(-a) if net.loss.name == "bce" else a
    return net.loss.value(a, z, t)


@st.composite
def residual_setups(draw):
    """Residual nets where most hidden layers keep the width (so most have a skip), every activation and loss."""
    depth = draw(st.integers(2, 6))
    width, other = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    sizes = [draw(st.sampled_from([width, width, other])) for _ in range(depth)] + [draw(st.integers(1, 4))]
    return _net_and_data(draw, sizes, residual=True)


@settings(max_examples=200)
@given(residual_setups())
def test_residual_gradients_match_finite_differences(setup):
    net, x, t = setup
    assume(any(net.skips))
    assert net.skips == tuple(has_skip(net.sizes, l) for l in range(1, net.depth + 1))
    forward, backward = events_of(net, x, t)
    assume(away_from_kinks(net, forward))
    x2, t2 = np.atleast_2d(x), np.atleast_2d(t)
    by_layer = {e.layer: e for e in backward}
    for l in range(1, net.depth + 1):
        # dL/dW and dL/db against the loss of a fresh residual net with one parameter nudged
        params = [(W.copy(), b.copy()) for W, b in zip(net.W, net.b)]
        probe = MLP(net.sizes, activations=[a.name for a in net.activations], loss=net.loss.name, residual=True)
        W, b = params[l - 1]

        def loss_with(_):
            probe.set_params(params)
            return probe.loss_at(x, t)

        assert rel_error(by_layer[l].dL_dW, central(loss_with, W), net.last_loss) < 1e-6
        assert rel_error(by_layer[l].dL_db, central(loss_with, b), net.last_loss) < 1e-6
        # dL/dz and dL/da against an independent forward from that layer up
        a_prev = np.atleast_2d(forward[l - 2].a) if l > 1 else x2
        z = np.atleast_2d(forward[l - 1].z).copy()
        a = np.atleast_2d(forward[l - 1].a).copy()
        num_dz = central(lambda v: residual_loss_from_layer(net, l, v, t2, a_prev, is_z=True), z)
        assert rel_error(np.atleast_2d(by_layer[l].dL_dz), num_dz, net.last_loss) < 1e-6
        if not (l == net.depth and net.loss.name == "bce" and np.min(np.minimum(a, 1 - a)) < 0.05):
            num_da = central(lambda v: residual_loss_from_layer(net, l, v, t2, a_prev, is_z=False), a)
            assert rel_error(np.atleast_2d(by_layer[l].dL_da), num_da, net.last_loss) < 1e-6
    # a skip layer's forward a is f(z) + a_prev
    for e in forward:
        if net.skips[e.layer - 1]:
            prev = forward[e.layer - 2].a if e.layer > 1 else np.asarray(x, dtype=float)
            np.testing.assert_allclose(e.a, net.activations[e.layer - 1].f(e.z) + prev, rtol=0, atol=1e-12)
