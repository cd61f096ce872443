"""The playground's set-up: every choice a learner makes, frozen and always valid.

Constructing an impossible :class:`Setup` raises :class:`SetupError`, naming
the field at fault; :func:`check` says what is wrong with a set of values
before one is built (the form uses it to blame a clash on the field just
typed in).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any

from backprop_tui.engine.names import ACTIVATION_NAMES, LOSS_NAMES, OPTIMIZERS, OUTPUT_ACTIVATIONS
from backprop_tui.models.playground.datasets import DATA_NAMES, dataset
from backprop_tui.parsing import MAX_SEED, number_text

MAX_HIDDEN = 8
"""The most hidden layers a playground network may have."""
MAX_NEURONS = 16
"""The most neurons in a hidden layer (and values in a custom input or target)."""
MAX_LR = 100.0
"""The largest α (large enough to watch any network diverge)."""
MAX_L2 = 10.0
MAX_CLIP = 1000.0
MAX_VALUE = 1e6
"""The largest size of a custom input or target value."""
INITS = ("xavier", "he", "normal", "uniform")
"""The initialisations on offer (the lesson's fixed weights only fit section 4's network)."""

WHAT: dict[str, str] = {
    "hidden": "hidden layers",
    "neurons": "neurons",
    "activation": "activation",
    "skips": "skips",
    "output": "output activation",
    "loss": "loss",
    "init": "init",
    "optimizer": "optimizer",
    "lr": "α",
    "l2": "L2",
    "clip": "clip",
    "seed": "seed",
    "data": "data set",
    "inputs": "inputs",
    "target": "target",
}
"""How messages name each field of a set-up."""


class SetupError(ValueError):
    """A set-up that cannot be: ``field`` is the field at fault (or ``""``), the message says why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def resize(values: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    """A per-layer list fitted to ``n`` layers: cut short, or the last entry repeated."""
    if len(values) <= 1 or n <= 1:
        return values[:1]
    return values[:n] + (values[-1],) * (n - len(values))


def _collapse(values: Iterable[Any]) -> tuple[Any, ...]:
    """One entry when every layer has the same."""
    values = tuple(values)
    return values[:1] if values and all(v == values[0] for v in values) else values


def canonical(values: dict[str, Any]) -> dict[str, Any]:
    """A set-up's values in their one canonical form (tuples, floats, equal lists collapsed, no −0)."""
    out = dict(values)
    out["neurons"] = _collapse(values["neurons"])
    out["activation"] = _collapse(str(a) for a in values["activation"])
    out["lr"], out["l2"] = float(values["lr"]), float(values["l2"])
    out["clip"] = None if values["clip"] is None else float(values["clip"])
    out["inputs"] = tuple(float(v) + 0.0 for v in values["inputs"])  # + 0.0 turns −0.0 into 0.0
    out["target"] = tuple(float(v) + 0.0 for v in values["target"])
    return out


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a learner chooses in the playground. Built only valid: else :class:`SetupError`.

    ``neurons`` and ``activation`` hold one entry for every hidden layer, or
    one entry per hidden layer (equal entries collapse to one). ``skips``
    turns on residual connections: each hidden layer as wide as its input adds
    that input to its output (see :attr:`skip_layers`). ``inputs`` and
    ``target`` are the sample used when ``data`` is ``custom``.
    """

    hidden: int = 2
    neurons: tuple[int, ...] = (4,)
    activation: tuple[str, ...] = ("tanh",)
    skips: bool = False
    output: str = "sigmoid"
    loss: str = "bce"
    init: str = "xavier"
    optimizer: str = "adam"
    lr: float = 0.1
    l2: float = 0.0
    clip: float | None = None
    seed: int = 0
    data: str = "xor"
    inputs: tuple[float, ...] = (0.5, 0.3)
    target: tuple[float, ...] = (0.7,)

    def __post_init__(self) -> None:
        """Put every value in its one canonical form, then check the whole set-up."""
        for name, value in canonical(self.values()).items():
            object.__setattr__(self, name, value)
        check(self)

    # -- what the engine needs ---------------------------------------------------------------------------

    @property
    def widths(self) -> tuple[int, ...]:
        """Neurons of each hidden layer."""
        return self.neurons * self.hidden if len(self.neurons) == 1 else self.neurons

    @property
    def hidden_activations(self) -> tuple[str, ...]:
        """The activation of each hidden layer."""
        return self.activation * self.hidden if len(self.activation) == 1 else self.activation

    @property
    def activations(self) -> tuple[str, ...]:
        """The activation of each layer 1..L (the output's last)."""
        return (*self.hidden_activations, self.output)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes, input first."""
        data = dataset(self)
        return (data.n_in, *self.widths, data.n_out)

    @property
    def skip_layers(self) -> tuple[int, ...]:
        """The layers (1..L) with a skip connection: with ``skips`` on, each hidden layer as wide as its input."""
        if not self.skips:
            return ()
        sizes = self.sizes
        return tuple(l for l in range(1, len(sizes) - 1) if sizes[l - 1] == sizes[l])

    def values(self) -> dict[str, Any]:
        """Every field by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **changes: Any) -> Setup:
        """A copy with ``changes`` (checked like any new set-up)."""
        return Setup(**{**self.values(), **changes})


def _whole(s: Setup | SimpleNamespace, name: str, low: int, high: int) -> None:
    value = getattr(s, name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SetupError(f"{WHAT[name]} must be a whole number from {low} to {high}", name)


def check(setup: Setup | SimpleNamespace, editing: str = "") -> None:
    """Raise :class:`SetupError` if any value, or any pair of values, of ``setup`` cannot be.

    ``editing`` names the field just changed: a clash is then blamed on it and
    the message says what to change first.
    """
    s = setup
    _whole(s, "hidden", 0, MAX_HIDDEN)
    _whole(s, "seed", 0, MAX_SEED)
    if not s.neurons or not all(isinstance(n, int) and 1 <= n <= MAX_NEURONS for n in s.neurons):
        raise SetupError(f"neurons must be whole numbers from 1 to {MAX_NEURONS}", "neurons")
    if not isinstance(s.skips, bool):
        raise SetupError("skips must be on or off", "skips")
    for name, choices in (
        ("activation", ACTIVATION_NAMES), ("output", OUTPUT_ACTIVATIONS), ("loss", LOSS_NAMES),
        ("init", INITS), ("optimizer", OPTIMIZERS), ("data", DATA_NAMES),
    ):  # fmt: skip
        values = getattr(s, name)
        for value in values if isinstance(values, tuple) else (values,):
            if value not in choices:
                raise SetupError(f"unknown {WHAT[name]} {value!r} (choose from {', '.join(choices)})", name)
    if not s.activation:
        raise SetupError("the activation is missing", "activation")
    if not (math.isfinite(s.lr) and 0 < s.lr <= MAX_LR):
        raise SetupError(f"α must be a number above 0 and at most {number_text(MAX_LR)}", "lr")
    if not (math.isfinite(s.l2) and 0 <= s.l2 <= MAX_L2):
        raise SetupError(f"L2 must be a number from 0 to {number_text(MAX_L2)}", "l2")
    if s.clip is not None and not (math.isfinite(s.clip) and 0 < s.clip <= MAX_CLIP):
        raise SetupError(f"clip must be off or a number above 0 and at most {number_text(MAX_CLIP)}", "clip")
    for name in ("inputs", "target"):
        values = getattr(s, name)
        if not 1 <= len(values) <= MAX_NEURONS:
            raise SetupError(f"{name} needs 1 to {MAX_NEURONS} numbers, got {len(values)}", name)
        if not all(math.isfinite(v) and abs(v) <= MAX_VALUE for v in values):
            raise SetupError(f"{name} must be numbers from −{MAX_VALUE:,.0f} to {MAX_VALUE:,.0f}", name)
    for name, what in (("neurons", "size"), ("activation", "name")):
        n = len(getattr(s, name))
        if n != 1 and n != s.hidden:
            raise SetupError(f"{name} needs one {what} for all hidden layers, or one per layer ({s.hidden}), got {n}", name)
    _check_loss(s, editing)


def _check_loss(s: Setup | SimpleNamespace, editing: str) -> None:
    """A bce loss needs a sigmoid output and targets from 0 to 1."""
    if s.loss != "bce":
        return
    if s.output != "sigmoid":
        message = {
            "output": (f"output activation {s.output} cannot go with a bce loss (it needs sigmoid): change loss to mse first"),
            "loss": f"loss bce needs a sigmoid output, not {s.output}: change output to sigmoid first",
        }.get(editing, f"bce needs a sigmoid output, not {s.output}")
        raise SetupError(message, editing or "loss")
    data = dataset(s)
    lo, hi = data.target_range
    if lo < 0 or hi > 1:
        if editing == "target":
            raise SetupError("target must lie from 0 to 1 for a bce loss: change loss to mse first", "target")
        what = "loss bce" if editing == "loss" else "bce"
        raise SetupError(
            f"{what} needs targets from 0 to 1, and {data.name}'s run from {lo:.2g} to {hi:.2g}: choose mse",
            editing or "loss",
        )
