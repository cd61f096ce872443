"""Events: the only thing the engine hands to the outside world.

The engine's ``forward``, ``backward`` and ``update`` are generators of these
frozen dataclasses, one per layer (plus one per step for the loss). A screen
pulls one per key press; a worker or ``backprop-tui trace`` pulls them all.

Array fields are numpy arrays marked read-only: the engine never changes an
array after handing it out (updates build new arrays), so an event keeps
describing the moment it was made. For one sample the arrays are 1-D (one
value per neuron); for a batch they are 2-D, one row per sample.

``to_json()`` gives the ``backprop-tui trace`` line of an event (DESIGN §6):
keys in contract order, floats at full precision, NaN and ±∞ as ``null``.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # numpy is not imported here at run time: the chain events need none
    import numpy as np

    Array = np.ndarray
else:
    Array = Any


def plain(value: Any) -> Any:
    """``value`` as JSON-ready Python data: arrays to lists, non-finite floats to ``None``."""
    if hasattr(value, "tolist"):  # a numpy array or scalar: numpy is loaded already
        data = value.tolist()
        if value.dtype.kind == "f" and not sys.modules["numpy"].isfinite(value).all():
            return _nulls(data)
        return data
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _nulls(data: Any) -> Any:
    if isinstance(data, list):
        return [_nulls(v) for v in data]
    return data if math.isfinite(data) else None


class Event:
    """Base of every engine event; ``kind`` is the trace's ``"event"`` value."""

    kind: ClassVar[str] = ""
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict, ``"event"`` first, then the fields in order."""
        out: dict[str, Any] = {"event": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            out[f.name] = plain(getattr(self, f.name))
        return out

    def to_json(self) -> str:
        """One line of JSON (no NaN: non-finite numbers are ``null``)."""
        return json.dumps(self.to_dict(), allow_nan=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class LayerParams:
    """One layer's parameters: ``W`` (n_in × n_out) and ``b`` (n_out)."""

    W: Array
    b: Array


@dataclass(frozen=True, slots=True)
class InitEvent(Event):
    """The network as built: sizes (input first), activations of layers 1..L, loss, parameters."""

    kind: ClassVar[str] = "init"
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    params: tuple[LayerParams, ...]

    def to_dict(self) -> dict[str, Any]:
        """As the base, with ``params`` as a list of ``{"W": …, "b": …}``."""
        return {
            "event": self.kind,
            "layers": list(self.layers),
            "activations": list(self.activations),
            "loss": self.loss,
            "params": [{"W": plain(p.W), "b": plain(p.b)} for p in self.params],
        }


@dataclass(frozen=True, slots=True)
class ForwardEvent(Event):
    """Layer ``layer`` computed ``z = a_prev·W + b`` and ``a = f(z)``."""

    kind: ClassVar[str] = "forward"
    step: int
    layer: int
    z: Array
    a: Array


@dataclass(frozen=True, slots=True)
class LossEvent(Event):
    """The prediction compared with the target; ``diverged`` when the loss is not finite."""

    kind: ClassVar[str] = "loss"
    step: int
    prediction: Array
    target: Array
    loss: float
    diverged: bool = False

    def to_dict(self) -> dict[str, Any]:
        """As the base, but ``"diverged"`` only appears when true."""
        out = {
            "event": self.kind,
            "step": self.step,
            "prediction": plain(self.prediction),
            "target": plain(self.target),
            "loss": plain(self.loss),
        }
        if self.diverged:
            out["diverged"] = True
        return out


@dataclass(frozen=True, slots=True)
class BackwardEvent(Event):
    """Layer ``layer``'s gradients of the loss (before L2, clipping or the optimiser).

    ``dL_da`` = ∂L/∂a (from the layer above), ``dL_dz = dL_da ⊙ f′(z)``,
    ``dL_dW = a_prevᵀ·dL_dz``, ``dL_db = Σ_samples dL_dz``.
    """

    kind: ClassVar[str] = "backward"
    step: int
    layer: int
    dL_da: Array
    dL_dz: Array
    dL_dW: Array
    dL_db: Array


@dataclass(frozen=True, slots=True)
class UpdateEvent(Event):
    """Layer ``layer``'s parameters after the optimiser's step."""

    kind: ClassVar[str] = "update"
    step: int
    layer: int
    W: Array
    b: Array


@dataclass(frozen=True, slots=True)
class ChainForwardEvent(Event):
    """A node of a scalar chain computed its value from the node before it."""

    kind: ClassVar[str] = "chain_forward"
    index: int
    name: str
    expression: str
    value: float


@dataclass(frozen=True, slots=True)
class ChainBackwardEvent(Event):
    """The chain rule reached node ``name``: ``grad = upstream · local``.

    ``local`` is the derivative of the next node with respect to this one
    (1 for the last node), ``upstream`` is dL/d(next node), and ``grad`` is
    dL/d(this node).
    """

    kind: ClassVar[str] = "chain_backward"
    index: int
    name: str
    local: float
    upstream: float
    grad: float


EngineEvent = InitEvent | ForwardEvent | LossEvent | BackwardEvent | UpdateEvent
"""Any event of a network's run."""
