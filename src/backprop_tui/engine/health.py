"""Gradient health: how strongly each layer is still learning.

What is measured: a layer's *gradient magnitude* is the mean absolute value
of its weight gradient, ``mean |dL/dW|`` over every weight of the layer (the
usual measure, and the one behind the lesson's bars). Its class follows the
lesson's thresholds (DESIGN §3, a contract):

============  ==========================================  =====
class         magnitude g                                 label
============  ==========================================  =====
healthy       0.1 ≤ g ≤ 0.5                               OK
warning       0.01 ≤ g < 0.1  or  0.5 < g ≤ 1.0           Warn
critical      g < 0.01  or  g > 1.0  (or not a number)    Bad
============  ==========================================  =====

The engine names the class; the screens pick its colour (green, yellow, red
in the default theme) from the class's name.

A ReLU unit is *dead* on a batch when its pre-activation is ≤ 0 for every
sample: it outputs 0, its gradient is 0, and nothing flows through it.

Section 6's deep nets (:func:`deep_health`): 16 inputs, hidden layers of 16,
8 linear outputs, mse, depth 2–20, on one fixed batch of 32 samples whose
inputs and targets are drawn from N(0, 1) (seed :data:`DATA_SEED`; the
weights come from :data:`NET_SEED`). A setup names the hidden activation,
the initialisation, skip connections, gradient clipping and, optionally, a
few steps of SGD or Adam before the pass that is measured. The magnitude
is measured on the gradient the update would use: after clipping, when on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.engine.events import BackwardEvent, ForwardEvent
from backprop_tui.engine.names import HEALTH_LABELS, health_class

if TYPE_CHECKING:
    from backprop_tui.engine.network import MLP

@dataclass(frozen=True, slots=True)
class HealthClass:
    """A health class: its name (``healthy``, ``warning``, ``critical``) and the label printed beside it."""

    name: str
    label: str


HEALTHY = HealthClass("healthy", HEALTH_LABELS["healthy"])
WARNING = HealthClass("warning", HEALTH_LABELS["warning"])
CRITICAL = HealthClass("critical", HEALTH_LABELS["critical"])
_BY_NAME = {c.name: c for c in (HEALTHY, WARNING, CRITICAL)}


def classify(magnitude: float) -> HealthClass:
    """The health class of a gradient magnitude (a non-finite one is critical); see :func:`.names.health_class`."""
    return _BY_NAME[health_class(magnitude)]


def magnitude(dL_dW: np.ndarray) -> float:
    """mean |dL/dW| over every weight of one layer."""
    with np.errstate(all="ignore"):
        return float(np.mean(np.abs(dL_dW)))


def dead_units(z: np.ndarray) -> int:
    """How many ReLU units are dead: pre-activation ≤ 0 for every sample (rows of ``z``)."""
    z2 = z.reshape(1, -1) if z.ndim == 1 else z
    return int(np.count_nonzero((z2 <= 0.0).all(axis=0)))


@dataclass(frozen=True, slots=True)
class LayerHealth:
    """One layer's gradient health.

    Attributes:
        layer: 1..L.
        magnitude: mean |dL/dW|.
        status: its :class:`HealthClass`.
        dead: dead ReLU units (0 for other activations).
        units: the layer's neuron count.
    """

    layer: int
    magnitude: float
    status: HealthClass
    dead: int
    units: int


def from_events(
    forward: Iterable[object], backward: Iterable[object], activations: Sequence[str]
) -> list[LayerHealth]:
    """Each layer's health from one step's forward and backward events (other events are ignored).

    ``activations`` names layer 1..L's activation; dead units are counted for ``relu`` layers.
    """
    zs = {e.layer: e.z for e in forward if isinstance(e, ForwardEvent)}
    out = []
    for e in sorted((e for e in backward if isinstance(e, BackwardEvent)), key=lambda e: e.layer):
        g = magnitude(e.dL_dW)
        z = zs[e.layer]
        dead = dead_units(z) if activations[e.layer - 1] == "relu" else 0
        out.append(LayerHealth(e.layer, g, classify(g), dead, int(e.dL_dW.shape[1])))
    return out


def measure(net: object, x: np.ndarray, t: np.ndarray) -> list[LayerHealth]:
    """Run one forward and backward pass of ``net`` (an :class:`~.network.MLP`) on ``x``, ``t``; no update."""
    forward = list(net.forward(x, t))  # type: ignore[attr-defined]
    backward = list(net.backward()) if not net.diverged else []  # type: ignore[attr-defined]
    return from_events(forward, backward, [a.name for a in net.activations])  # type: ignore[attr-defined]


# -- the section's deep networks --------------------------------------------------------------------
#
# Section 6 compares deep nets that differ in one setting at a time, all on the
# same small regression problem, so a difference in the bars is the setting's.

DEEP_INPUTS = 16
"""Inputs per sample: as wide as the hidden layers, so with ``residual`` every hidden layer has a skip."""
DEEP_WIDTH = 16
"""Neurons in every hidden layer."""
DEEP_OUTPUTS = 8
"""Output neurons (linear, mse)."""
DEEP_SAMPLES = 32
"""Samples in the batch every pass runs on."""
DATA_SEED = 1
"""Seeds the inputs and targets (the weights use :data:`NET_SEED`, a different stream)."""
NET_SEED = 0
"""Seeds the initial weights: the same seed and depth give the same network."""
MIN_DEPTH, MAX_DEPTH = 2, 20
"""The depths (weight layers, output included) the section offers."""
TRAIN_STEPS = 10
"""Training steps before the measured pass, when a setup asks for training."""
TRAIN_LR = 0.01
"""The learning rate of those steps, for SGD and Adam alike."""
CLIP_NORM = 5.0
"""The global gradient norm clipping allows."""
DEEP_INITS = ("normal", "xavier", "he")
"""The initialisations the section compares: naive N(0, 1), Xavier, He."""


def deep_data(seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """The section's batch: 32 samples of 16 inputs and their 8 targets, all drawn from N(0, 1).

    A random regression problem: nothing to learn from it but honest gradients,
    the same for every net, so the nets' bars can be compared.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (DEEP_SAMPLES, DEEP_INPUTS))
    t = rng.normal(0.0, 1.0, (DEEP_SAMPLES, DEEP_OUTPUTS))
    x.setflags(write=False)
    t.setflags(write=False)
    return x, t


@dataclass(frozen=True, slots=True)
class DeepSetup:
    """One deep net of the section and what is done to it before its gradients are measured.

    Attributes:
        depth: weight layers L (the output layer included), 2–20.
        activation: the hidden layers' activation (the output is linear).
        init: ``normal`` (naive N(0, 1)), ``xavier`` or ``he``.
        residual: skip connections around the hidden layers (see :mod:`.network`).
        clip: clip the global gradient norm to this (``None`` = off); the measured
            gradient is shown as the update would use it, clipped.
        optimizer: ``None`` measures the freshly initialised net; ``sgd`` or
            ``adam`` first trains it :data:`TRAIN_STEPS` steps at :data:`TRAIN_LR`.
    """

    depth: int = 5
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

    @property
    def ratio(self) -> float:
        """Layer 1's gradient magnitude over layer L's: 0.001 means the first layer gets 1/1000."""
        first, last = self.layers[0].magnitude, self.layers[-1].magnitude
        with np.errstate(all="ignore"):
            return float(np.float64(first) / np.float64(last)) if last else math.nan

    @property
    def dead(self) -> int:
        """Dead ReLU units over every layer."""
        return sum(layer.dead for layer in self.layers)

    @property
    def hidden_units(self) -> int:
        """Neurons in the hidden layers (the ones that can die)."""
        return sum(layer.units for layer in self.layers[:-1])


def deep_net(setup: DeepSetup) -> MLP:
    """The freshly initialised :class:`~.network.MLP` of ``setup``."""
    from backprop_tui.engine.network import MLP

    if not MIN_DEPTH <= setup.depth <= MAX_DEPTH:
        raise ValueError(f"depth must be {MIN_DEPTH} to {MAX_DEPTH}, not {setup.depth}")
    return MLP(setup.sizes, setup.activation, "linear", "mse", setup.init, NET_SEED, residual=setup.residual)


def deep_health(setup: DeepSetup) -> DeepHealth:
    """Build ``setup``'s net, train it if asked, then run one forward and backward pass and measure it.

    Cached: the same setup gives the same (immutable) answer without recomputing.
    """
    return _deep_health(setup)


@lru_cache(maxsize=512)
def _deep_health(setup: DeepSetup) -> DeepHealth:
    from backprop_tui.engine.activations import get_activation
    from backprop_tui.engine.optim import make_optimizer

    x, t = deep_data()
    net = deep_net(setup)
    moved = loss_before = None
    trained = 0
    if setup.optimizer is not None:
        start = list(net.W)
        opt = make_optimizer(setup.optimizer, TRAIN_LR, clip=setup.clip)
        loss_before = net.loss_at(x, t)
        while trained < TRAIN_STEPS and not net.diverged:
            for _event in net.train_step(x, t, opt):
                pass
            trained += 1
        with np.errstate(all="ignore"):
            moved = tuple(float(np.mean(np.abs(W - W0))) for W, W0 in zip(net.W, start))
    forward = [e for e in net.forward(x, t) if isinstance(e, ForwardEvent)]
    names = [a.name for a in net.activations]
    with np.errstate(all="ignore"):
        slopes = tuple(float(np.mean(act.df(e.z, act.f(e.z)))) for act, e in zip(map(get_activation, names), forward))
    negative = tuple(dead_units(e.z) for e in forward)
    units = setup.sizes[1:]
    if net.diverged:
        nan = math.nan
        layers = tuple(LayerHealth(l, nan, classify(nan), 0, n) for l, n in enumerate(units, start=1))
        loss = net.last_loss
        return DeepHealth(setup, layers, nan, nan, slopes, negative, nan, loss, True, trained, moved, loss_before)
    backward = sorted(net.backward(), key=lambda e: e.layer)
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
    raw = from_events(forward, backward, names)
    layers = tuple(
        LayerHealth(h.layer, g, classify(g), h.dead, h.units)
        for h, g in zip(raw, (magnitude(used[2 * h.layer - 2]) for h in raw))
    )
    return DeepHealth(
        setup, layers, clipper.last_norm, used_norm, slopes, negative, dead_gradient,
        net.last_loss, False, trained, moved, loss_before,
    )
