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

The engine names the class and never a colour:
:mod:`backprop_tui.renderables.palette` colours it (green, yellow, red in the
default theme) from the class's name.

A ReLU unit is *dead* on a batch when its pre-activation is ≤ 0 for every
sample: it outputs 0, its gradient is 0, and nothing flows through it.

Section 6's deep nets are built and measured with these in
:mod:`backprop_tui.models.health`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


def measure(net: MLP, x: np.ndarray, t: np.ndarray) -> list[LayerHealth]:
    """Run one forward and backward pass of ``net`` on ``x``, ``t``; no update."""
    forward = list(net.forward(x, t))
    backward = list(net.backward()) if not net.diverged else []
    return from_events(forward, backward, [a.name for a in net.activations])
