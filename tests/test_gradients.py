"""Every gradient the engine produces, checked against central finite differences.

The engine's dL/dW, dL/db, dL/dz and dL/da (taken from its backward events)
must match the finite differences of the loss to a relative error under 1e-6.

* Deterministically, with fixed seeds: every hidden activation × every output
  and loss (linear + mse, sigmoid + mse, sigmoid + bce), at depths 2 and 3,
  with and without skip connections, on one sample and on a batch of 3; and
  output-only nets (depth 1) for every output and loss.
* With hypothesis, for the rest of the space: depths 2–6 (always at least one
  hidden layer), widths 1–8, batches of 1–4, every init, residual nets of
  mixed widths.

ReLU-like units are kept KINK_MARGIN away from their kink, where the
derivative jumps and a finite difference straddling it means nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop_tui.engine import MLP
from backprop_tui.engine.events import BackwardEvent, ForwardEvent
from backprop_tui.engine.names import ACTIVATION_NAMES

OUTPUT_LOSSES = [("linear", "mse"), ("sigmoid", "mse"), ("sigmoid", "bce")]
"""Every output activation with every loss it allows (bce needs a sigmoid output)."""
COMBOS = [(hidden, output, loss) for hidden in ACTIVATION_NAMES for output, loss in OUTPUT_LOSSES]
"""Every hidden activation × output × loss."""

H = 1e-4
KINK_MARGIN = 1e-2  # ReLU-like units must sit this far from z = 0 (the kink) for the stencil
FLOOR = 1e-5  # gradients under FLOOR·max(1, |L|) are compared absolutely: that is rounding's level


def rel_error(analytic: np.ndarray, numeric: np.ndarray, loss: float) -> float:
    """max |analytic − numeric| / max(|analytic|, |numeric|, FLOOR·max(1, |loss|))."""
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)), FLOOR * max(1.0, abs(loss)))
    return float(np.max(np.abs(analytic - numeric)) / scale)


def central(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
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


def loss_of_params(probe: MLP, params: list[tuple[np.ndarray, np.ndarray]], x, t) -> Callable[[np.ndarray], float]:
    """The loss of ``probe`` with ``params``, as :func:`central` needs it: it nudges an array of ``params`` in place."""

    def loss(_: np.ndarray) -> float:
        probe.set_params(params)
        return probe.loss_at(x, t)

    return loss


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
    """Nets of depth 2–6: at least one hidden layer, so the hidden activation is always exercised."""
    depth = draw(st.integers(2, 6))
    sizes = [draw(st.integers(1, 8)) for _ in range(depth + 1)]
    return _net_and_data(draw, sizes)


def make_net_and_data(sizes, hidden: str, output: str, loss: str, init: str, seed: int, batch: int,
                      *, residual: bool = False, single: bool = False):
    """A net of ``sizes`` (weights by ``init`` and ``seed``, random biases) and a batch drawn from ``seed``.

    With ``single`` (``batch`` must be 1) the sample is 1-D, as ``trace`` passes it.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (batch, sizes[0]))
    t = rng.uniform(0, 1, (batch, sizes[-1])) if loss == "bce" else rng.uniform(-2, 2, (batch, sizes[-1]))
    net = MLP(sizes, hidden, output, loss, init, seed, residual=residual)
    # Random biases too, so a zero bias never hides a mistake in dL/db.
    net.set_params([(W, rng.normal(0, 0.5, b.shape)) for W, b in zip(net.W, net.b)])
    return net, (x[0] if single else x), (t[0] if single else t)


def _net_and_data(draw, sizes: list[int], residual: bool = False):
    """A net of ``sizes`` with drawn activations, loss, init and seed, random biases, and a batch to fit."""
    # One draw for the whole combination, so every hidden activation meets every loss
    # (drawn one after another, a derandomised run missed some pairs).
    hidden, output, loss = draw(st.sampled_from(COMBOS))
    init = draw(st.sampled_from(["xavier", "he", "normal", "uniform"]))
    seed = draw(st.integers(0, 2**16))
    batch = draw(st.integers(1, 4))
    single = batch == 1 and draw(st.booleans())
    return make_net_and_data(sizes, hidden, output, loss, init, seed, batch, residual=residual, single=single)


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

        loss_with = loss_of_params(probe, params, x, t)
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
        num_dz = central(partial(loss_from_layer, net, l, t=t2, is_z=True), z)
        assert rel_error(np.atleast_2d(b_ev.dL_dz), num_dz, net.last_loss) < 1e-6
        if not (l == net.depth and net.loss.name == "bce" and np.min(np.minimum(a, 1 - a)) < 0.05):
            # (bce's log(y) curves too sharply near y = 0 or 1 for a finite step in y)
            num_da = central(partial(loss_from_layer, net, l, t=t2, is_z=False), a)
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


def saturated_output(net: MLP, forward: list[ForwardEvent]) -> bool:
    """A bce output within 0.05 of 0 or 1: there log(y) curves too sharply for a finite step in y."""
    return net.loss.name == "bce" and float(np.min(np.minimum(forward[-1].a, 1 - forward[-1].a))) < 0.05


def assert_every_gradient_matches(net: MLP, x, t, forward: list[ForwardEvent], backward: list[BackwardEvent],
                                  *, top_da: bool = True) -> None:
    """Every layer's dL/dW, dL/db, dL/dz and dL/da against central finite differences.

    dL/dW and dL/db: the loss of a fresh net (same sizes, activations, loss,
    residual) with one parameter nudged. dL/dz and dL/da: an independent
    forward from that layer up. ``top_da=False`` leaves out the output
    layer's dL/da (for a saturated bce output, see :func:`saturated_output`).
    """
    x2, t2 = np.atleast_2d(x), np.atleast_2d(t)
    by_layer = {e.layer: e for e in backward}
    assert sorted(by_layer) == list(range(1, net.depth + 1))
    assert [e.layer for e in forward] == list(range(1, net.depth + 1))
    for l in range(1, net.depth + 1):
        params = [(W.copy(), b.copy()) for W, b in zip(net.W, net.b)]
        probe = MLP(net.sizes, activations=[a.name for a in net.activations], loss=net.loss.name,
                    residual=net.residual)
        W, b = params[l - 1]

        loss_with = loss_of_params(probe, params, x, t)
        assert rel_error(by_layer[l].dL_dW, central(loss_with, W), net.last_loss) < 1e-6, f"dL/dW{l}"
        assert rel_error(by_layer[l].dL_db, central(loss_with, b), net.last_loss) < 1e-6, f"dL/db{l}"
        a_prev = np.atleast_2d(forward[l - 2].a) if l > 1 else x2
        z = np.atleast_2d(forward[l - 1].z).copy()
        a = np.atleast_2d(forward[l - 1].a).copy()
        if net.residual:
            from_z = partial(residual_loss_from_layer, net, l, t=t2, a_prev=a_prev, is_z=True)
            from_a = partial(residual_loss_from_layer, net, l, t=t2, a_prev=a_prev, is_z=False)
        else:
            from_z = partial(loss_from_layer, net, l, t=t2, is_z=True)
            from_a = partial(loss_from_layer, net, l, t=t2, is_z=False)
        assert rel_error(np.atleast_2d(by_layer[l].dL_dz), central(from_z, z), net.last_loss) < 1e-6, f"dL/dz{l}"
        if top_da or l < net.depth:
            assert rel_error(np.atleast_2d(by_layer[l].dL_da), central(from_a, a), net.last_loss) < 1e-6, f"dL/da{l}"


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
    assert_every_gradient_matches(net, x, t, forward, backward, top_da=not saturated_output(net, forward))
    # a skip layer's forward a is f(z) + a_prev
    for e in forward:
        if net.skips[e.layer - 1]:
            prev = forward[e.layer - 2].a if e.layer > 1 else np.asarray(x, dtype=float)
            np.testing.assert_allclose(e.a, net.activations[e.layer - 1].f(e.z) + prev, rtol=0, atol=1e-12)


# -- every activation × loss, deterministically ------------------------------------------------------

FIXED_SIZES = {
    (2, False): (3, 4, 2),
    (3, False): (3, 4, 3, 2),
    (2, True): (3, 3, 2),  # layer 1 has a skip: it changes the forward (a_1 = f(z_1) + x) only
    (3, True): (3, 3, 3, 2),  # layers 1 and 2 have skips: layer 2's hands dL/da_2 down to a_1 unchanged
}
"""Sizes by (depth, residual); small enough for finite differences of every parameter."""


def both_sides_of_kinks(net: MLP, forward: list[ForwardEvent]) -> bool:
    """Every ReLU-like layer has units on both sides of z = 0, so both pieces of its derivative are checked."""
    return all(
        (e.z < 0).any() and (e.z > 0).any()
        for e, act in zip(forward, net.activations)
        if act.name in ("relu", "leaky_relu")
    )


def fixed_setup(sizes, hidden: str, output: str, loss: str, batch: int, *, residual: bool):
    """A net and data from the first of a fixed run of seeds that suits a finite-difference check.

    Suits: ReLU-like units away from their kink but on both sides of it, and
    a bce output away from 0 and 1. The seeds depend only on the parameters,
    so every run checks the same numbers.
    """
    base = 1000 * COMBOS.index((hidden, output, loss)) + 100 * len(sizes) + 10 * residual + batch
    for seed in range(base, base + 50):
        net, x, t = make_net_and_data(sizes, hidden, output, loss, "xavier", seed, batch,
                                      residual=residual, single=batch == 1)
        forward, backward = events_of(net, x, t)
        if away_from_kinks(net, forward) and both_sides_of_kinks(net, forward) and not saturated_output(net, forward):
            return net, x, t, forward, backward
    raise AssertionError(f"no seed from {base} on keeps {hidden} away from its kink and {loss} unsaturated")


@pytest.mark.parametrize("batch", [1, 3], ids=["one-sample", "batch-of-3"])
@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
@pytest.mark.parametrize("depth", [2, 3], ids=["depth-2", "depth-3"])
@pytest.mark.parametrize(("output", "loss"), OUTPUT_LOSSES, ids=[f"{o}-{l}" for o, l in OUTPUT_LOSSES])
@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
def test_every_activation_and_loss_matches_finite_differences(hidden, output, loss, depth, residual, batch):
    sizes = FIXED_SIZES[depth, residual]
    net, x, t, forward, backward = fixed_setup(sizes, hidden, output, loss, batch, residual=residual)
    assert net.skips == tuple(residual and has_skip(sizes, l) for l in range(1, depth + 1))
    assert any(net.skips) == residual
    assert np.ndim(x) == (1 if batch == 1 else 2)
    assert_every_gradient_matches(net, x, t, forward, backward)


@pytest.mark.parametrize("batch", [1, 3], ids=["one-sample", "batch-of-3"])
@pytest.mark.parametrize(("output", "loss"), OUTPUT_LOSSES, ids=[f"{o}-{l}" for o, l in OUTPUT_LOSSES])
def test_an_output_only_net_matches_finite_differences(output, loss, batch):
    """Depth 1 (no hidden layer): the loss's own gradient and its fusion with the sigmoid."""
    net, x, t, forward, backward = fixed_setup((3, 2), "linear", output, loss, batch, residual=False)
    assert_every_gradient_matches(net, x, t, forward, backward)
