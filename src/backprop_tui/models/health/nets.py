"""Section 6's deep nets and one measured pass per net, cached by setup.

Every net has 16 inputs, hidden layers of 16, 8 linear outputs and mse, and
runs on one fixed batch of 32 samples whose inputs and targets are drawn from
N(0, 1) (seed :data:`DATA_SEED`; the weights come from :data:`NET_SEED`). A
:class:`DeepSetup` names the hidden activation, the initialisation, skip
connections, gradient clipping and, optionally, a few steps of SGD or Adam
(through the one training loop, :class:`~.training.Training`) before the pass
that is measured. The magnitude is measured on the gradient the update would
use: after clipping, when on. Beside it, each layer's mean |∂L/∂z| and |∂L/∂a|
from the same backward events (never clipped): where the gradient shrinks or
grows on its way down (:meth:`DeepHealth.passed`).

Passes are cached by setup, so a setting seen once redraws at once, and
:func:`cached` answers without computing.

numpy is imported on the first pass, not with this module. No Textual, no Rich.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop_tui.engine.names import (
    DEEP_INPUTS,
    DEEP_OUTPUTS,
    DEEP_SAMPLES,
    DEEP_WIDTH,
    MAX_DEPTH,
    MIN_DEPTH,
    TRAIN_LR,
    TRAIN_STEPS,
    WARNING_HIGH,
)

if TYPE_CHECKING:
    import numpy as np

    from backprop_tui.engine.health import LayerHealth
    from backprop_tui.engine.network import MLP

DATA_SEED = 1
"""Seeds the inputs and targets (the weights use :data:`NET_SEED`, a different stream)."""
NET_SEED = 0
"""Seeds the initial weights: the same seed and depth give the same network."""
DEFAULT_DEPTH = 5
"""The depth the section starts at."""
SIGMOID_SAMPLES = 16001
"""Points from z = −8 to 8 at which :func:`sigmoid_peak` samples σ′."""
CACHE_SIZE = 512
"""Passes kept (a pass is a few kB)."""


def deep_data(seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The section's batch: 32 samples of 16 inputs and their 8 targets, all drawn from N(0, 1), read-only.

    A random regression problem: nothing to learn from it but honest gradients,
    the same for every net, so the nets' bars can be compared.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (DEEP_SAMPLES, DEEP_INPUTS))
    t = rng.normal(0.0, 1.0, (DEEP_SAMPLES, DEEP_OUTPUTS))
    x.setflags(write=False)
    t.setflags(write=False)
    return x, t


_peak: list[float] = []


def sigmoid_peak() -> float:
    """The largest σ′(z) on :data:`SIGMOID_SAMPLES` points from −8 to 8 (0.25, at z = 0); sampled once."""
    if not _peak:
        import numpy as np

        from backprop_tui.engine.activations import get_activation

        sig = get_activation("sigmoid")
        z = np.linspace(-8.0, 8.0, SIGMOID_SAMPLES)
        _peak.append(float(np.max(sig.df(z, sig.f(z)))))
    return _peak[0]


def known_sigmoid_peak() -> float | None:
    """:func:`sigmoid_peak` if it was sampled already, else ``None`` (never samples)."""
    return _peak[0] if _peak else None


@dataclass(frozen=True, slots=True)
class DeepSetup:
    """One deep net of the section and what is done to it before its gradients are measured.

    Attributes:
        depth: weight layers L (the output layer included), 2–20.
        activation: the hidden layers' activation (the output is linear).
        init: ``normal`` (naive N(0, 1)), ``xavier`` or ``he``.
        residual: skip connections around the hidden layers (see :mod:`backprop_tui.engine.network`).
        clip: clip the global gradient norm to this (``None`` = off); the measured
            gradient is shown as the update would use it, clipped.
        optimizer: ``None`` measures the freshly initialised net; ``sgd`` or
            ``adam`` first trains it ``TRAIN_STEPS`` steps at ``TRAIN_LR``.
    """

    depth: int = DEFAULT_DEPTH
    activation: str = "sigmoid"
    init: str = "xavier"
    residual: bool = False
    clip: float | None = None
    optimizer: str | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        """16 inputs, depth − 1 hidden layers of 16, 8 outputs."""
        return (DEEP_INPUTS,) + (DEEP_WIDTH,) * (self.depth - 1) + (DEEP_OUTPUTS,)


@dataclass(frozen=True, slots=True)
class DeepHealth:
    """What one pass over the section's batch found, layer by layer (index 0 is layer 1).

    Attributes:
        setup: the net and its treatment.
        layers: each layer's health, from the gradient as the update would use it
            (clipped when ``setup.clip`` is set); NaN magnitudes if the net diverged.
        norm: the global gradient norm (every W and b) from backprop, before clipping.
        used_norm: the same after clipping (equal to ``norm`` without clipping).
        slopes: each layer's mean activation slope f′(z) over the batch and its units.
        negative: each layer's units whose z ≤ 0 on every sample (for ReLU: the dead ones).
        dead_gradient: the largest |dL/dW| or |dL/db| reaching a dead ReLU unit (0 if none is dead).
        loss: the loss of the measured pass.
        diverged: the net stopped being finite (in training or in the pass).
        trained: training steps taken (fewer than asked if the net diverged).
        moved: mean |W_after − W_before| per layer over the training (``None`` untrained).
        loss_before: the loss before training (``None`` untrained).
        dz: each layer's mean |∂L/∂z| over the batch and its units, from the backward events
            (as backprop hands it down, never clipped; NaN if the net diverged).
        da: the same of ∂L/∂a, the gradient at the layer's output (what Wᵀ hands down from above).
    """

    setup: DeepSetup
    layers: tuple[LayerHealth, ...]
    norm: float
    used_norm: float
    slopes: tuple[float, ...]
    negative: tuple[int, ...]
    dead_gradient: float
    loss: float
    diverged: bool
    trained: int = 0
    moved: tuple[float, ...] | None = None
    loss_before: float | None = None
    dz: tuple[float, ...] = ()
    da: tuple[float, ...] = ()

    @property
    def ratio(self) -> float:
        """Layer 1's gradient magnitude over layer L's: 0.001 means the first layer gets 1/1000."""
        first, last = self.layers[0].magnitude, self.layers[-1].magnitude
        return first / last if last else math.nan

    @property
    def dead(self) -> int:
        """Dead ReLU units over every layer."""
        return sum(layer.dead for layer in self.layers)

    @property
    def hidden_units(self) -> int:
        """Neurons in the hidden layers (the ones that can die)."""
        return sum(layer.units for layer in self.layers[:-1])

    @property
    def largest(self) -> float:
        """The largest layer magnitude."""
        return max(layer.magnitude for layer in self.layers)

    @property
    def too_large(self) -> bool:
        """Some layer's gradient is above the warning band (> 1)."""
        return any(layer.magnitude > WARNING_HIGH for layer in self.layers)

    @property
    def mean_slope(self) -> float:
        """The hidden layers' mean activation slope."""
        hidden = self.slopes[:-1]
        return sum(hidden) / len(hidden)

    @property
    def kept(self) -> float:
        """What each layer down keeps of the gradient above it: the geometric mean of |dL/dW_l| ÷ |dL/dW_l+1|."""
        mags = [layer.magnitude for layer in self.layers]
        kept = [mags[i] / mags[i + 1] for i in range(len(mags) - 1) if mags[i + 1] > 0]
        if not kept or not all(k > 0 for k in kept):
            return math.nan
        return math.exp(sum(math.log(k) for k in kept) / len(kept))

    def passed(self, layer: int) -> tuple[float, float, float]:
        """What hidden layer ``layer`` (1..L−1) keeps of the mean |∂L/∂z| of the layer above, and how.

        Backprop hands ∂L/∂z down in two moves: through the weights, ∂L/∂a = ∂L/∂z(above)·Wᵀ, then
        through the slope, ∂L/∂z = ∂L/∂a ⊙ f′(z). Returns (through Wᵀ, through f′, kept), each a ratio
        of mean magnitudes, so that kept = through Wᵀ × through f′ exactly. (With skips, ∂L/∂a also
        holds what the skip carries down.)
        """
        above, a, z = self.dz[layer], self.da[layer - 1], self.dz[layer - 1]
        with_w = a / above if above else math.nan
        with_f = z / a if a else math.nan
        return with_w, with_f, z / above if above else math.nan

    def passed_mean(self) -> tuple[float, float, float]:
        """:meth:`passed` over the hidden layers, each a geometric mean (what a typical layer does)."""
        hidden = [self.passed(layer) for layer in range(1, self.setup.depth)]

        def geometric(values: list[float]) -> float:
            if not values or not all(v > 0 and math.isfinite(v) for v in values):
                return math.nan
            return math.exp(sum(math.log(v) for v in values) / len(values))

        return geometric([p[0] for p in hidden]), geometric([p[1] for p in hidden]), geometric([p[2] for p in hidden])

    @property
    def negative_hidden(self) -> int:
        """Hidden units whose z ≤ 0 on every sample."""
        return sum(self.negative[:-1])


def deep_net(setup: DeepSetup) -> MLP:
    """The freshly initialised :class:`~backprop_tui.engine.network.MLP` of ``setup``."""
    from backprop_tui.engine.network import MLP

    if not MIN_DEPTH <= setup.depth <= MAX_DEPTH:
        raise ValueError(f"depth must be {MIN_DEPTH} to {MAX_DEPTH}, not {setup.depth}")
    return MLP(setup.sizes, setup.activation, "linear", "mse", setup.init, NET_SEED, residual=setup.residual)


_cache: OrderedDict[DeepSetup, DeepHealth] = OrderedDict()
_lock = threading.Lock()


def cached(setup: DeepSetup) -> DeepHealth | None:
    """The pass of ``setup`` if it was measured already, else ``None`` (never computes)."""
    with _lock:
        found = _cache.get(setup)
        if found is not None:
            _cache.move_to_end(setup)
        return found


def clear_cache() -> None:
    """Forget every pass measured (the next ask measures again)."""
    with _lock:
        _cache.clear()


def deep_health(setup: DeepSetup) -> DeepHealth:
    """Build ``setup``'s net, train it if asked, then run one forward and backward pass and measure it.

    Cached: the same setup gives the same (immutable) answer without recomputing.
    Safe from any thread (two threads may both compute a pass; the first answer stays).
    """
    found = cached(setup)
    if found is not None:
        return found
    result = _measure(setup)
    with _lock:
        result = _cache.setdefault(setup, result)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _measure(setup: DeepSetup) -> DeepHealth:
    import numpy as np

    from backprop_tui.engine.activations import get_activation
    from backprop_tui.engine.events import ForwardEvent
    from backprop_tui.engine.health import LayerHealth, classify, dead_units, from_events, magnitude
    from backprop_tui.engine.optim import make_optimizer
    from backprop_tui.models.training import Training

    x, t = deep_data()
    net = deep_net(setup)
    moved = loss_before = None
    trained = 0
    if setup.optimizer is not None:
        start = [W.copy() for W in net.W]
        run = Training(net, x, t, make_optimizer(setup.optimizer, TRAIN_LR, clip=setup.clip))
        loss_before = run.loss_now()
        for _step in run.run(TRAIN_STEPS):
            pass
        trained = run.steps
        with np.errstate(all="ignore"):
            moved = tuple(float(np.mean(np.abs(W - W0))) for W, W0 in zip(net.W, start))
    forward = [e for e in net.forward(x, t) if isinstance(e, ForwardEvent)]
    names = [a.name for a in net.activations]
    with np.errstate(all="ignore"):
        slopes = tuple(float(np.mean(act.df(e.z, act.f(e.z)))) for act, e in zip(map(get_activation, names), forward))
    negative = tuple(dead_units(e.z) for e in forward)
    if net.diverged:
        nan = math.nan
        layers = tuple(LayerHealth(l, nan, classify(nan), 0, n) for l, n in enumerate(setup.sizes[1:], start=1))
        nans = (nan,) * setup.depth
        return DeepHealth(
            setup, layers, nan, nan, slopes, negative, nan, net.last_loss, True, trained, moved, loss_before, nans, nans
        )
    backward = sorted(net.backward(), key=lambda e: e.layer)
    with np.errstate(all="ignore"):
        dz = tuple(float(np.mean(np.abs(e.dL_dz))) for e in backward)
        da = tuple(float(np.mean(np.abs(e.dL_da))) for e in backward)
    grads = [g for e in backward for g in (e.dL_dW, e.dL_db)]
    clipper = make_optimizer("sgd", TRAIN_LR, clip=setup.clip)
    used = clipper.effective_gradients(net.params(), grads)
    with np.errstate(all="ignore"):
        used_norm = math.sqrt(sum(float(np.vdot(g, g)) for g in used))
        dead_gradient = 0.0
        for e, f in zip(backward, forward):
            if names[e.layer - 1] == "relu":
                gone = (np.atleast_2d(f.z) <= 0.0).all(axis=0)
                if gone.any():
                    reaching = max(float(np.abs(e.dL_dW[:, gone]).max()), float(np.abs(e.dL_db[gone]).max()))
                    dead_gradient = max(dead_gradient, reaching)
    layers = tuple(
        LayerHealth(h.layer, g, classify(g), h.dead, h.units)
        for h in from_events(forward, backward, names)
        for g in (magnitude(used[2 * h.layer - 2]),)
    )
    return DeepHealth(
        setup, layers, clipper.last_norm, used_norm, slopes, negative, dead_gradient,
        net.last_loss, False, trained, moved, loss_before, dz, da,
    )
