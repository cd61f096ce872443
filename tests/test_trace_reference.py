"""``backprop-tui trace`` and the engine's batches, checked number by number against an independent reference.

The CLI runs in-process; its JSON Lines output is parsed and every forward,
loss, backward and update number is compared with ``reference_mlp`` (pure
Python scalar autodiff) replayed from the parameters of the ``init`` event.

The command takes one sample; batches (2–4 samples) go straight through the
engine's ``MLP.train_step`` and are replayed the same way, which pins the
convention that the loss is the mean over the samples and every gradient is
of that mean. Two small cases are also worked out by hand.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backprop_tui.cli import main
from backprop_tui.engine.names import ACTIVATION_NAMES

try:  # tests/ as a package or as a plain directory on sys.path
    from .reference_mlp import reference_trace
except ImportError:
    from reference_mlp import reference_trace

HIDDEN = list(ACTIVATION_NAMES)
OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adam"]
OUTPUT_LOSSES = [("linear", "mse"), ("sigmoid", "mse"), ("sigmoid", "bce")]
"""Every output activation with every loss it allows (bce needs a sigmoid output)."""
COMBOS = [(hidden, output, loss) for hidden in HIDDEN for output, loss in OUTPUT_LOSSES]
REL, ABS = 1e-5, 1e-12
KINK = 1e-6  # relu/leaky_relu pre-activations closer than this to 0 are ambiguous
SATURATED = 1e-9  # bce predictions closer than this to 0 or 1 depend on float formulation
TINY_GRAD = 1e-9  # adaptive optimisers blow up rounding noise in gradients this small


def run_trace(capsys, args: list[str]) -> list[dict]:
    """Run ``backprop-tui trace ARGS`` in-process and parse its JSON Lines."""
    capsys.readouterr()
    rc = main(["trace", *args])
    out = capsys.readouterr().out
    assert rc in (0, None), f"trace exited with {rc}"
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def close(a, b) -> bool:
    if a is None or b is None:  # NaN/inf are printed as null
        return a is None and b is None
    return abs(a - b) <= REL * max(abs(a), abs(b)) + ABS


def assert_close(got, want, where: str) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, f"{where}[{i}]")
    else:
        assert isinstance(got, (int, float)) or got is None, f"{where}: not a number: {got!r}"
        assert close(got, want), f"{where}: trace {got!r} != reference {want!r}"


NUMERIC = {
    "forward": ("z", "a"),
    "loss": ("prediction", "target", "loss"),
    "backward": ("dL_da", "dL_dz", "dL_dW", "dL_db"),
    "update": ("W", "b"),
}


def check_init(init: dict, layers, activations, loss) -> None:
    assert init["event"] == "init"
    assert init["layers"] == layers
    assert init["activations"] == activations
    assert init["loss"] == loss
    assert len(init["params"]) == len(layers) - 1
    for p, n_in, n_out in zip(init["params"], layers, layers[1:]):
        assert len(p["W"]) == n_in and all(len(row) == n_out for row in p["W"])
        assert len(p["b"]) == n_out


def compare(events: list[dict], ref: list[dict]) -> None:
    """Same events in the same order, every number within tolerance."""
    for k, (got, want) in enumerate(zip(events, ref)):
        where = f"event {k + 1} ({want['event']} step {want['step']} layer {want.get('layer')})"
        for key in ("event", "step", "layer"):
            assert got.get(key) == want.get(key), f"{where}: {key} {got.get(key)!r}"
        for key in NUMERIC[want["event"]]:
            assert_close(got[key], want[key], f"{where}.{key}")
        if want["event"] == "loss":
            assert bool(got.get("diverged", False)) == bool(want.get("diverged")), where
    assert len(events) == len(ref), [e["event"] for e in events[len(ref):]] or "events missing"


def flat(x) -> list:
    """Every number in a nested list (a batch's rows, a weight matrix), in order."""
    return [v for item in x for v in flat(item)] if isinstance(x, list) else [x]


def near_kink(events: list[dict], ref: list[dict], activations: list[str]) -> bool:
    """True if a relu/leaky_relu z is tiny but not exactly 0 in either run.

    There the sign (and so the derivative) depends on rounding.  Exact zeros
    are kept: the contract fixes the derivative at z = 0.
    """
    for run in (events, ref):
        for e in run:
            if e.get("event") == "forward" and activations[e["layer"] - 1] in ("relu", "leaky_relu"):
                if any(z is not None and 0 < abs(z) < KINK for z in flat(e["z"])):
                    return True
    return False


def saturated(ref: list[dict], loss: str) -> bool:
    """True if a bce prediction is within SATURATED of 0 or 1 (or not finite).

    There ``log(1 - y)`` loses all precision (``sigmoid(z)`` rounds to 1.0 for
    z > ~37), so a logit-based bce and the literal formula may rightly differ.
    """
    if loss != "bce":
        return False
    return any(y is None or not SATURATED < y < 1 - SATURATED
               for e in ref if e["event"] == "loss" for y in flat(e["prediction"]))


def noise_level_gradient(events: list[dict], ref: list[dict], optimizer: str) -> bool:
    """True if rmsprop/adam sees a weight or bias gradient with 0 < |g| < TINY_GRAD.

    Their step is about lr * g / (|g| + 1e-8), so the last-bit rounding noise of
    a gradient that small (e.g. gelu or sigmoid deep in saturation) turns into a
    visible difference in the update.  Exact zeros (dead relu units) are kept.
    """
    if optimizer not in ("rmsprop", "adam"):
        return False
    return any(g is not None and 0 < abs(g) < TINY_GRAD
               for run in (events, ref) for e in run if e.get("event") == "backward"
               for g in flat(e["dL_dW"]) + flat(e["dL_db"]))


def csv(values) -> str:
    return ",".join(repr(float(v)) for v in values)


def coord(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A number from ``lo`` to ``hi`` with six decimals (it survives the round trip through the command line)."""
    return st.floats(lo, hi).map(lambda v: round(v, 6))


def rows(draw, n: int, width: int, lo: float, hi: float) -> list[list[float]]:
    return [draw(st.lists(coord(lo, hi), min_size=width, max_size=width)) for _ in range(n)]


def options(draw, layers: list[int]) -> dict:
    """Everything of a run but its data, for ``layers``."""
    # One draw for the whole combination, so every hidden activation meets every loss
    # (drawn one after another, a derandomised run missed some pairs).
    hidden, output, loss = draw(st.sampled_from(COMBOS))
    return {
        "layers": layers,
        "activation": hidden,
        "output": output,
        "loss": loss,
        "init": draw(st.sampled_from(["xavier", "he", "normal", "uniform"])),
        "seed": draw(st.integers(0, 10**6)),
        "lr": draw(st.floats(0.001, 1.0).map(lambda v: round(v, 6))),
        "steps": draw(st.integers(1, 4)),
        "optimizer": draw(st.sampled_from(OPTIMIZERS)),
        "clip": draw(st.none() | st.floats(0.05, 5.0).map(lambda v: round(v, 4))),
        "l2": draw(st.none() | st.floats(1e-4, 0.5).map(lambda v: round(v, 6))),
    }


def target_range(s: dict) -> tuple[float, float]:
    return (0.0, 1.0) if s["output"] == "sigmoid" else (-1.5, 1.5)


@st.composite
def setups(draw):
    """A ``trace`` run: 0–3 hidden layers, one sample."""
    layers = [draw(st.integers(1, 4))]
    layers += draw(st.lists(st.integers(1, 6), max_size=3))
    layers += [draw(st.integers(1, 3))]
    s = options(draw, layers)
    s["input"] = rows(draw, 1, layers[0], -2, 2)[0]
    s["target"] = rows(draw, 1, layers[-1], *target_range(s))[0]
    return s


def trace_args(s: dict) -> list[str]:
    # --opt=value so that negative numbers are never taken for options
    args = [
        f"--layers={','.join(map(str, s['layers']))}",
        f"--activation={s['activation']}",
        f"--output={s['output']}",
        f"--loss={s['loss']}",
        f"--init={s['init']}",
        f"--seed={s['seed']}",
        f"--input={csv(s['input'])}",
        f"--target={csv(s['target'])}",
        f"--lr={s['lr']!r}",
        f"--steps={s['steps']}",
        f"--optimizer={s['optimizer']}",
    ]
    if s["clip"] is not None:
        args.append(f"--clip={s['clip']!r}")
    if s["l2"] is not None:
        args.append(f"--l2={s['l2']!r}")
    return args


def run_and_reference(capsys, s: dict):
    activations = [s["activation"]] * (len(s["layers"]) - 2) + [s["output"]]
    events = run_trace(capsys, trace_args(s))
    assert events, "trace printed nothing"
    check_init(events[0], s["layers"], activations, s["loss"])
    ref = reference_trace(
        events[0]["params"], s["layers"], activations, s["loss"], s["input"], s["target"],
        s["lr"], s["steps"], optimizer=s["optimizer"], clip=s["clip"], l2=s["l2"],
    )
    return events[1:], ref, activations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=setups())
def test_trace_matches_reference(capsys, s):
    events, ref, activations = run_and_reference(capsys, s)
    assume(not near_kink(events, ref, activations))
    assume(not saturated(ref, s["loss"]))
    assume(not noise_level_gradient(events, ref, s["optimizer"]))
    compare(events, ref)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_lesson_network_every_optimizer(capsys, optimizer):
    s = {
        "layers": [2, 2, 1], "activation": "sigmoid", "output": "linear", "loss": "mse",
        "init": "lesson", "seed": 0, "input": [0.5, 0.3], "target": [0.7], "lr": 0.5,
        "steps": 3, "optimizer": optimizer, "clip": 0.05, "l2": 0.01,
    }
    events, ref, _ = run_and_reference(capsys, s)
    compare(events, ref)


def test_default_run(capsys):
    events = run_trace(capsys, [])
    check_init(events[0], [2, 2, 1], ["sigmoid", "linear"], "mse")
    ref = reference_trace(events[0]["params"], [2, 2, 1], ["sigmoid", "linear"], "mse",
                          [0.5, 0.3], [0.7], 0.5, 1)
    compare(events[1:], ref)
    loss = next(e for e in ref if e["event"] == "loss")
    assert round(loss["prediction"][0], 4) == 0.5025
    assert round(loss["loss"], 4) == 0.0195
    assert [e["event"] for e in events] == [
        "init", "forward", "forward", "loss", "backward", "backward", "update", "update"]
    assert [e["layer"] for e in events if e["event"] == "backward"] == [2, 1]


@pytest.mark.parametrize(("output", "loss"), OUTPUT_LOSSES, ids=[f"{o}-{l}" for o, l in OUTPUT_LOSSES])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_activation_and_loss_through_the_command_matches_reference(capsys, hidden, output, loss):
    """Two adam steps of ``trace`` with clipping and L2, for every hidden activation × output × loss."""
    s = {
        "layers": [3, 4, 3, 2], "activation": hidden, "output": output, "loss": loss, "init": "xavier",
        "seed": 7 + COMBOS.index((hidden, output, loss)), "input": [0.9, -1.3, 0.4],
        "target": [0.2, 0.9] if output == "sigmoid" else [-0.7, 1.1], "lr": 0.05, "steps": 2,
        "optimizer": "adam", "clip": 1.0, "l2": 0.01,
    }
    events, ref, activations = run_and_reference(capsys, s)
    assert not near_kink(events, ref, activations), "fixed data lands on a ReLU kink: change the seed"
    assert not saturated(ref, loss) and not noise_level_gradient(events, ref, "adam")
    compare(events, ref)


# -- batches: the engine's MLP against the reference ------------------------------------------------

def engine_batch_run(s: dict) -> tuple[dict, list[dict]]:
    """The ``init`` event and the events of ``s["steps"]`` train steps of the engine on ``s``'s batch.

    The biases are drawn at random (the inits make them 0, which would hide a
    wrong dL/db in the first step); the events are read back from their JSON.
    """
    import numpy as np

    from backprop_tui.engine import MLP, make_optimizer

    activations = [s["activation"]] * (len(s["layers"]) - 2) + [s["output"]]
    net = MLP(s["layers"], activations=activations, loss=s["loss"], init=s["init"], seed=s["seed"],
              residual=s["residual"])
    rng = np.random.default_rng(s["seed"])
    net.set_params([(W, rng.normal(0, 0.5, b.shape)) for W, b in zip(net.W, net.b)])
    init = json.loads(net.init_event().to_json())
    opt = make_optimizer(s["optimizer"], s["lr"], l2=s["l2"] or 0.0, clip=s["clip"])
    X, T = np.array(s["input"], dtype=float), np.array(s["target"], dtype=float)
    assert X.ndim == T.ndim == 2 and X.shape[0] == T.shape[0] >= 2
    events: list[dict] = []
    for _ in range(s["steps"]):
        events += [json.loads(e.to_json()) for e in net.train_step(X, T, opt)]
        if net.diverged:
            break
    return init, events


def batch_and_reference(s: dict):
    activations = [s["activation"]] * (len(s["layers"]) - 2) + [s["output"]]
    init, events = engine_batch_run(s)
    check_init(init, s["layers"], activations, s["loss"])
    ref = reference_trace(
        init["params"], s["layers"], activations, s["loss"], s["input"], s["target"], s["lr"], s["steps"],
        optimizer=s["optimizer"], clip=s["clip"], l2=s["l2"], residual=s["residual"],
    )
    return events, ref, activations


@st.composite
def batch_setups(draw):
    """A run of the engine on 2–4 samples: 1–3 hidden layers, mostly of one width, skip connections half the time."""
    width, other = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    hidden = draw(st.lists(st.sampled_from([width, width, other]), min_size=1, max_size=3))
    layers = [draw(st.sampled_from([width, draw(st.integers(1, 4))])), *hidden, draw(st.integers(1, 3))]
    s = options(draw, layers)
    n = draw(st.integers(2, 4))
    s["input"] = rows(draw, n, layers[0], -2, 2)
    s["target"] = rows(draw, n, layers[-1], *target_range(s))
    s["residual"] = draw(st.booleans())
    return s


@settings(max_examples=100, deadline=None)
@given(s=batch_setups())
def test_batches_match_reference(s):
    events, ref, activations = batch_and_reference(s)
    assume(not near_kink(events, ref, activations))
    assume(not saturated(ref, s["loss"]))
    assume(not noise_level_gradient(events, ref, s["optimizer"]))
    compare(events, ref)


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
@pytest.mark.parametrize("n", [2, 4])
@pytest.mark.parametrize(("output", "loss"), OUTPUT_LOSSES, ids=[f"{o}-{l}" for o, l in OUTPUT_LOSSES])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_activation_and_loss_on_a_batch_matches_reference(hidden, output, loss, n, residual):
    """One sgd step on a fixed batch: forward values, the mean loss, dL/da, dL/dz, dL/dW, dL/db, the update."""
    import numpy as np

    rng = np.random.default_rng([n, residual, HIDDEN.index(hidden), OUTPUT_LOSSES.index((output, loss))])
    layers = [3, 4, 4, 2]  # layer 2 keeps the width: a skip when residual
    t_lo, t_hi = (0.0, 1.0) if output == "sigmoid" else (-1.5, 1.5)
    s = {
        "layers": layers, "activation": hidden, "output": output, "loss": loss, "init": "xavier",
        "seed": int(rng.integers(2**31)), "input": rng.uniform(-2, 2, (n, layers[0])).tolist(),
        "target": rng.uniform(t_lo, t_hi, (n, layers[-1])).tolist(), "lr": 0.3, "steps": 1,
        "optimizer": "sgd", "clip": None, "l2": None, "residual": residual,
    }
    events, ref, activations = batch_and_reference(s)
    assert not near_kink(events, ref, activations), "fixed data lands on a ReLU kink: change the seed"
    assert not saturated(ref, loss), "fixed data saturates the sigmoid output: change the seed"
    backward = [e for e in events if e["event"] == "backward"]
    assert [e["layer"] for e in backward] == [3, 2, 1]
    assert all(len(e["dL_dz"]) == n for e in backward)  # one row per sample
    compare(events, ref)


HAND_WORKED = [
    pytest.param(
        # y = x·1 + 0 on x = 1 and x = 3, targets 0: losses 0.5 and 4.5, mean 2.5;
        # dL/dz_s = (y_s − t_s)/2 = 0.5, 1.5; dL/dW = 1·0.5 + 3·1.5 = 5; dL/db = 2.
        # (A sum over the samples would give 5, 10 and 4.)
        "linear", "mse", 1.0, [[1.0], [3.0]], [[0.0], [0.0]],
        {"loss": 2.5, "dL_dz": [0.5, 1.5], "dL_dW": [5.0], "dL_db": [2.0]},
        id="mse",
    ),
    pytest.param(
        # a sigmoid output with W = 0, b = 0 says y = 0.5 for x = 1 and x = 2; targets 1 and 0:
        # each sample's bce is log 2, so is the mean; dL/dz_s = (y_s − t_s)/2 = −0.25, 0.25;
        # dL/dW = 1·(−0.25) + 2·0.25 = 0.25; dL/db = 0.  (A sum: 2·log 2, 0.5.)
        "sigmoid", "bce", 0.0, [[1.0], [2.0]], [[1.0], [0.0]],
        {"loss": math.log(2), "dL_dz": [-0.25, 0.25], "dL_dW": [0.25], "dL_db": [0.0]},
        id="bce",
    ),
]


@pytest.mark.parametrize(("output", "loss", "w", "x", "t", "want"), HAND_WORKED)
def test_a_batch_loss_is_the_mean_over_samples_worked_by_hand(output, loss, w, x, t, want):
    """A 1-1 net on two samples, worked on paper: the engine and the reference both give the mean."""
    import numpy as np

    from backprop_tui.engine import MLP

    ref = reference_trace([{"W": [[w]], "b": [0.0]}], [1, 1], [output], loss, x, t, 0.1, 1)
    net = MLP([1, 1], activations=[output], loss=loss)
    net.set_params([([[w]], [0.0])])
    got = [json.loads(e.to_json()) for e in net.forward(np.array(x), np.array(t))]
    got += [json.loads(e.to_json()) for e in net.backward()]
    for name, run in (("reference", ref), ("engine", got)):
        loss_event = next(e for e in run if e["event"] == "loss")
        back = next(e for e in run if e["event"] == "backward")
        assert loss_event["loss"] == pytest.approx(want["loss"], rel=1e-15), name
        for key in ("dL_dz", "dL_dW", "dL_db"):
            assert flat(back[key]) == pytest.approx(want[key], rel=1e-15, abs=1e-15), f"{name} {key}"
