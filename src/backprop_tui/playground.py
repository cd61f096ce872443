"""Section 7's playground without the screen: the set-up, its data, its share code, its training run.

* :class:`Setup` — every choice a learner makes, frozen and always valid
  (constructing an invalid one raises :class:`SetupError`, naming the field).
* :func:`edit` — one field's typed text applied to a set-up: the new set-up,
  or the old one and a one-line reason the text was refused.
* :data:`DATASETS` and :func:`dataset` — XOR, a circle, a sine curve, or the
  learner's own sample.
* :func:`encode` / :func:`decode` — the share code, e.g.
  ``bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor`` (see :func:`encode`).
* :class:`Trainer` — the network, its optimiser and the run's history.

The text checks reuse the command line's validators (:mod:`backprop_tui.cli`),
so ``--lr abc`` and α = ``abc`` are refused for the same reason. Importing
this module costs no numpy: the engine loads when a :class:`Trainer` is built.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from backprop_tui import cli
from backprop_tui.engine.names import ACTIVATION_NAMES, LOSS_NAMES, OPTIMIZERS, OUTPUT_ACTIVATIONS

if TYPE_CHECKING:
    from backprop_tui.engine.health import LayerHealth

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
DATA_NAMES = ("xor", "circle", "sine", "custom")
"""The data sets: three built in, and the learner's own sample."""
CLIP_OFF = "off"
TRAIN_STEPS = 100
"""Steps one press of ``t`` trains."""
MAX_CODE = 1200
"""No share code is longer than this (the longest possible is about 1050 characters; a usual one 45)."""

CODE_VERSION = "bp1"
SEP = "_"


class FieldError(ValueError):
    """A field's text that is not a usable value; the message is one line, naming the field."""


class SetupError(ValueError):
    """A set-up that cannot be: ``field`` is the field at fault (or ``""``), the message says why."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# -- data sets ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataSet:
    """Samples to learn: ``inputs[i]`` should give ``targets[i]``."""

    name: str
    inputs: tuple[tuple[float, ...], ...]
    targets: tuple[tuple[float, ...], ...]
    about: str
    classes: bool
    """True when the targets are 0/1 labels (so "how many right" makes sense)."""

    @property
    def samples(self) -> int:
        """How many samples."""
        return len(self.inputs)

    @property
    def n_in(self) -> int:
        """Values per input (the input layer's size)."""
        return len(self.inputs[0])

    @property
    def n_out(self) -> int:
        """Values per target (the output layer's size)."""
        return len(self.targets[0])

    @property
    def target_range(self) -> tuple[float, float]:
        """The smallest and largest target value."""
        values = [v for row in self.targets for v in row]
        return min(values), max(values)

    def size_text(self) -> str:
        """``4 samples · 2 in → 1 out``."""
        s = "s" if self.samples != 1 else ""
        return f"{self.samples} sample{s} · {self.n_in} in → {self.n_out} out"


def _xor() -> DataSet:
    inputs = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
    return DataSet("xor", inputs, ((0.0,), (1.0,), (1.0,), (0.0,)), "1 when exactly one input is 1", True)


CIRCLE_RADIUS = math.sqrt(2.0 / math.pi)
"""Half the square [−1, 1]² lies inside this radius."""
CIRCLE_SEED = 7


def _circle() -> DataSet:
    """40 points of [−1, 1]², 20 inside the circle (target 1) and 20 outside, from a fixed seed."""
    rng = random.Random(CIRCLE_SEED)
    inside: list[tuple[float, float]] = []
    outside: list[tuple[float, float]] = []
    while len(inside) < 20 or len(outside) < 20:
        x, y = round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)
        pile = inside if math.hypot(x, y) < CIRCLE_RADIUS else outside
        if len(pile) < 20:
            pile.append((x, y))
    inputs = tuple(p for pair in zip(inside, outside) for p in pair)
    targets = tuple((1.0,) if i % 2 == 0 else (0.0,) for i in range(len(inputs)))
    return DataSet("circle", inputs, targets, "1 inside a circle, 0 outside", True)


def _sine() -> DataSet:
    """20 evenly spaced x on [−π, π] and sin x."""
    xs = [-math.pi + 2 * math.pi * i / 19 for i in range(20)]
    targets = tuple((math.sin(x),) for x in xs)
    return DataSet("sine", tuple((x,) for x in xs), targets, "sin x for x from −π to π", False)


DATASETS: dict[str, DataSet] = {d.name: d for d in (_xor(), _circle(), _sine())}
"""The built-in data sets by name."""

def dataset(setup: Setup | SimpleNamespace) -> DataSet:
    """The samples ``setup`` trains on."""
    if setup.data == "custom":
        return DataSet("custom", (setup.inputs,), (setup.target,), "your own sample", False)
    return DATASETS[setup.data]


# -- the set-up ----------------------------------------------------------------------------------------


def _one_line(text: str, most: int = 24) -> str:
    """``text`` quoted for a message: one line, at most ``most`` characters."""
    text = " ".join(text.split())
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``0.1``, ``3``, ``1e-05``, ``1e16``)."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace("e+", "e")


def _resize(values: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    """A per-layer list fitted to ``n`` layers: cut short, or the last entry repeated."""
    if len(values) <= 1 or n <= 1:
        return values[:1]
    return values[:n] + (values[-1],) * (n - len(values))


def _collapse(values: Sequence[Any]) -> tuple[Any, ...]:
    """One entry when every layer has the same."""
    values = tuple(values)
    return values[:1] if values and all(v == values[0] for v in values) else values


def _canonical(values: dict[str, Any]) -> dict[str, Any]:
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
    one entry per hidden layer (equal entries collapse to one). ``inputs`` and
    ``target`` are the sample used when ``data`` is ``custom``.
    """

    hidden: int = 2
    neurons: tuple[int, ...] = (4,)
    activation: tuple[str, ...] = ("tanh",)
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
        for name, value in _canonical({f.name: getattr(self, f.name) for f in fields(self)}).items():
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

    def replace(self, **changes: Any) -> Setup:
        """A copy with ``changes`` (checked like any new set-up)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Setup(**values)


def check(setup: Setup | SimpleNamespace, editing: str = "") -> None:
    """Raise :class:`SetupError` if any value, or any pair of values, of ``setup`` cannot be.

    ``editing`` names the field just changed: a clash is then blamed on it and
    the message says what to change first.
    """
    s = setup
    for name, low, high in (("hidden", 0, MAX_HIDDEN), ("seed", 0, cli.MAX_SEED)):
        value = getattr(s, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SetupError(f"{FIELD_BY_NAME[name].what} must be a whole number from {low} to {high}", name)
    if not s.neurons or not all(isinstance(n, int) and 1 <= n <= MAX_NEURONS for n in s.neurons):
        raise SetupError(f"neurons must be whole numbers from 1 to {MAX_NEURONS}", "neurons")
    for name, choices in (
        ("activation", ACTIVATION_NAMES), ("output", OUTPUT_ACTIVATIONS), ("loss", LOSS_NAMES),
        ("init", INITS), ("optimizer", OPTIMIZERS), ("data", DATA_NAMES),
    ):  # fmt: skip
        values = getattr(s, name)
        for value in values if isinstance(values, tuple) else (values,):
            if value not in choices:
                raise SetupError(f"unknown {FIELD_BY_NAME[name].what} {value!r} (choose from {', '.join(choices)})", name)
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
            raise SetupError(
                f"{name} needs one {what} for all hidden layers, or one per layer ({s.hidden}), got {n}", name
            )
    if s.loss == "bce" and s.output != "sigmoid":
        message = {
            "output": (
                f"output activation {s.output} cannot go with a bce loss (it needs sigmoid): change loss to mse first"
            ),
            "loss": f"loss bce needs a sigmoid output, not {s.output}: change output to sigmoid first",
        }.get(editing, f"bce needs a sigmoid output, not {s.output}")
        raise SetupError(message, editing or "loss")
    if s.loss == "bce":
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


# -- the fields and their text -------------------------------------------------------------------------


def _checked(parse: Callable[[str], Any], text: str) -> Any:
    """``parse(text)`` with the command line's ``ArgumentTypeError`` turned into a :class:`FieldError`."""
    try:
        return parse(text)
    except argparse.ArgumentTypeError as e:
        raise FieldError(str(e)) from None


def _clean(text: str) -> str:
    """The typed text, with the true minus sign read as ``-``."""
    return text.replace("\u2212", "-").strip()


def _list(text: str) -> list[str]:
    """Comma-separated parts (an empty part is kept, so ``4,,4`` is refused)."""
    return [p.strip() for p in text.split(",")]


def _whole(low: int, high: int) -> Callable[[str], int]:
    return lambda text: _checked(lambda t: cli._integer(t, low, high, "a whole number"), text)


def _upto(parse: Callable[[str], float], high: float, what: str) -> Callable[[str], float]:
    def check_high(text: str) -> float:
        value = _checked(parse, text)
        if value > high:
            raise FieldError(f"must be {what} up to {number_text(high)}, got {_one_line(text)}")
        return value

    return check_high


def parse_hidden(text: str) -> int:
    """Hidden layers: 0 to :data:`MAX_HIDDEN`."""
    return _whole(0, MAX_HIDDEN)(text)


def parse_neurons(text: str) -> tuple[int, ...]:
    """Neurons: one size for every hidden layer, or one per layer (``4`` or ``8,4,2``), each 1 to 16."""
    parse = _whole(1, MAX_NEURONS)
    return tuple(parse(p) for p in _list(text))


def parse_activation(text: str) -> tuple[str, ...]:
    """One activation for every hidden layer, or one per layer (``tanh`` or ``relu,relu,tanh``)."""
    parse = cli._choice(ACTIVATION_NAMES, "activation")
    return tuple(_checked(parse, p) for p in _list(text))


def _name(choices: Sequence[str], what: str) -> Callable[[str], str]:
    parse = cli._choice(choices, what)
    return lambda text: _checked(parse, text)


def parse_clip(text: str) -> float | None:
    """``off`` (no clipping) or the largest gradient norm allowed."""
    if text.strip().lower() in (CLIP_OFF, "none"):
        return None
    return _upto(cli.positive_number, MAX_CLIP, "a positive number")(text)


def parse_values(text: str) -> tuple[float, ...]:
    """Numbers separated by commas, 1 to 16 of them, each of size at most a million."""
    values = _checked(cli.numbers, text)
    if len(values) > MAX_NEURONS:
        raise FieldError(f"must be at most {MAX_NEURONS} numbers, got {len(values)}")
    if any(abs(v) > MAX_VALUE for v in values):
        raise FieldError(f"must be numbers from -{MAX_VALUE:,.0f} to {MAX_VALUE:,.0f}, got {_one_line(text)}")
    return values


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the playground's form.

    Attributes:
        name: the :class:`Setup` attribute it sets.
        label: its label on screen (short).
        what: how messages name it.
        hint: what it takes, in a few words (the empty box shows it).
        parse: text → value, or :class:`FieldError`; context-free (clashes are :func:`check`'s).
        choices: the names it accepts, if it is a choice.
    """

    name: str
    label: str
    what: str
    hint: str
    parse: Callable[[str], Any]
    choices: tuple[str, ...] = ()


_OUTPUT = _name(OUTPUT_ACTIVATIONS, "output activation")
_LR = _upto(cli.positive_number, MAX_LR, "a positive number")
_L2 = _upto(cli.non_negative_number, MAX_L2, "zero or a positive number")

FIELDS: tuple[Field, ...] = (
    Field("hidden", "layers", "hidden layers", f"0 to {MAX_HIDDEN}", parse_hidden),
    Field("neurons", "neurons", "neurons", f"1 to {MAX_NEURONS}, or one per layer", parse_neurons),
    Field("activation", "activ.", "activation", "a name, or one per layer", parse_activation, ACTIVATION_NAMES),
    Field("output", "output", "output activation", " or ".join(OUTPUT_ACTIVATIONS), _OUTPUT, OUTPUT_ACTIVATIONS),
    Field("loss", "loss", "loss", " or ".join(LOSS_NAMES), _name(LOSS_NAMES, "loss"), LOSS_NAMES),
    Field("init", "init", "init", ", ".join(INITS), _name(INITS, "init"), INITS),
    Field("optimizer", "optim.", "optimizer", ", ".join(OPTIMIZERS), _name(OPTIMIZERS, "optimizer"), OPTIMIZERS),
    Field("lr", "α", "α", f"a number above 0, at most {number_text(MAX_LR)}", _LR),
    Field("l2", "L2", "L2", f"a number from 0 to {number_text(MAX_L2)}", _L2),
    Field("clip", "clip", "clip", f"off, or a number up to {number_text(MAX_CLIP)}", parse_clip),
    Field("seed", "seed", "seed", f"a whole number from 0 to {cli.MAX_SEED}", lambda text: _checked(cli.seed, text)),
    Field("data", "data", "data set", ", ".join(DATA_NAMES), _name(DATA_NAMES, "data set"), DATA_NAMES),
    Field("inputs", "inputs", "inputs", "numbers, e.g. 0.5, 0.3", parse_values),
    Field("target", "target", "target", "numbers, e.g. 0.7", parse_values),
)  # fmt: skip
"""The form, top to bottom."""

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

def field_text(setup: Setup, name: str) -> str:
    """The text a field shows for ``setup`` (what :func:`edit` reads back to the same value)."""
    value = getattr(setup, name)
    if name == "clip" and value is None:
        return CLIP_OFF
    if name in ("inputs", "target"):
        return ", ".join(number_text(v) for v in value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def parse_field(name: str, text: str) -> Any:
    """The value of field ``name`` typed as ``text``, or :class:`FieldError` with a one-line message naming it."""
    field = FIELD_BY_NAME[name]
    text = _clean(text)
    if not text:
        raise FieldError(f"{field.what}: nothing typed; type {field.hint}")
    try:
        return field.parse(text)
    except FieldError as e:
        message = str(e)
        raise FieldError(message if message.startswith("unknown") else f"{field.what} {message}") from None


@dataclass(frozen=True, slots=True)
class Edit:
    """What typing into one field did.

    Attributes:
        setup: the new set-up, or the old one if the text was refused.
        error: why the text was refused (one line), or ``""``.
        note: what else changed with it (e.g. the loss, to suit new data), or ``""``.
    """

    setup: Setup
    error: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        """Was the text taken?"""
        return not self.error


def edit(setup: Setup, name: str, text: str) -> Edit:
    """``setup`` with field ``name`` set from the typed ``text``, or the reason it cannot be.

    A new number of hidden layers cuts or extends per-layer lists; new data
    whose targets a bce loss cannot fit switches to mse with a linear output
    (and says so). Any other clash is refused, saying what to change first.
    """
    try:
        value = parse_field(name, text)
    except FieldError as e:
        return Edit(setup, str(e))
    changes: dict[str, Any] = {name: value}
    note = ""
    if name == "hidden":
        changes["neurons"] = _resize(setup.neurons, value)
        changes["activation"] = _resize(setup.activation, value)
    if name == "data" and setup.loss == "bce":
        data = dataset(setup.replace(data=value, loss="mse"))
        lo, hi = data.target_range
        if lo < 0 or hi > 1:
            changes.update(output="linear", loss="mse")
            note = f"{value}'s targets run below 0 or above 1, which bce cannot fit: loss is now mse, output linear"
    values = {f.name: getattr(setup, f.name) for f in fields(setup)}
    values.update(changes)
    values = _canonical(values)
    try:
        check(SimpleNamespace(**values), editing=name)  # a clash is blamed on this field
    except SetupError as e:
        return Edit(setup, str(e))
    return Edit(Setup(**values), "", note)


# -- the share code ------------------------------------------------------------------------------------

_TAGS = {"a": "lr", "l": "l2", "c": "clip", "s": "seed", "i": "inputs", "t": "target"}
_DEFAULTS = Setup()


def encode(setup: Setup) -> str:
    """The whole set-up as a short code, the same for equal set-ups.

    ``bp1`` and then, separated by ``_``: ``{hidden}x{neurons}``, activation,
    output, loss, init, optimizer (lists with commas, ``leaky-relu`` for
    leaky_relu), ``a{α}``, then ``l{L2}``, ``c{clip}``, ``s{seed}`` (each left
    out at its default), the data set's name, and for custom data (or any that
    differ from the defaults) ``i{inputs}`` and ``t{target}``. For example
    ``bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor``. Numbers are written at
    full precision, so :func:`decode` gives back exactly ``setup``. The code
    uses letters, digits and ``_ , . -`` only: safe in a shell and in a URL.
    """

    def names(values: Sequence[str]) -> str:
        return ",".join(v.replace("_", "-") for v in values)

    parts = [
        CODE_VERSION,
        f"{setup.hidden}x{','.join(map(str, setup.neurons))}",
        names(setup.activation),
        *(names([getattr(setup, n)]) for n in ("output", "loss", "init", "optimizer")),
        f"a{number_text(setup.lr)}",
    ]
    if setup.l2 != _DEFAULTS.l2:
        parts.append(f"l{number_text(setup.l2)}")
    if setup.clip is not None:
        parts.append(f"c{number_text(setup.clip)}")
    if setup.seed != _DEFAULTS.seed:
        parts.append(f"s{setup.seed}")
    parts.append(setup.data)
    for tag, name in (("i", "inputs"), ("t", "target")):
        values = getattr(setup, name)
        if setup.data == "custom" or values != getattr(_DEFAULTS, name):
            parts.append(tag + ",".join(number_text(v) for v in values))
    return SEP.join(parts)


def decode(code: str) -> Setup:
    """The set-up a share code stands for, or ``ValueError`` with a one-line reason."""
    if not isinstance(code, str):
        raise ValueError("a playground code is text, like bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor")
    text = code.strip()
    if not text:
        raise ValueError("the playground code is empty")
    if len(text) > MAX_CODE:
        raise ValueError(f"that is too long for a playground code ({len(text)} characters; at most {MAX_CODE})")
    parts = text.split(SEP)
    head = parts[0].lower()
    if head != CODE_VERSION:
        if re.fullmatch(r"bp\d+", head):
            raise ValueError(f"{head} codes come from a newer backprop-tui; this one reads {CODE_VERSION} codes")
        raise ValueError(f"{_one_line(text)} is not a playground code (they start with {CODE_VERSION}{SEP})")
    if len(parts) < 8:
        raise ValueError(
            "the playground code is cut short: it needs layers, activation, output, loss, init, optimizer and data"
        )

    def field(name: str, value: str) -> Any:
        try:
            return parse_field(name, value)
        except FieldError as e:
            raise ValueError(f"in the playground code, {e}") from None

    arch, act, out, loss, init, opt = parts[1:7]
    hidden, x, neurons = arch.lower().partition("x")
    if not x:
        raise ValueError(f"in the playground code, {_one_line(arch)} should be layers x neurons, like 2x4")
    values: dict[str, Any] = {
        "hidden": field("hidden", hidden),
        "neurons": field("neurons", neurons),
        "activation": field("activation", act),
        "output": field("output", out),
        "loss": field("loss", loss),
        "init": field("init", init),
        "optimizer": field("optimizer", opt),
    }
    for part in parts[7:]:
        low = part.lower()
        if low in DATA_NAMES:
            name, value = "data", low
        elif part[:1].lower() in _TAGS and len(part) > 1:
            name, value = _TAGS[part[0].lower()], part[1:]
        else:
            raise ValueError(f"in the playground code, {_one_line(part)} is not a setting this version knows")
        if name in values:
            raise ValueError(f"in the playground code, {FIELD_BY_NAME[name].what} is given twice")
        values[name] = field(name, value)
    if "data" not in values:
        raise ValueError(f"the playground code names no data set ({', '.join(DATA_NAMES)})")
    try:
        return Setup(**values)
    except SetupError as e:
        raise ValueError(f"in the playground code, {e}") from None


# -- training ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepResult:
    """One training step: its number, the loss before its update, each layer's gradient health."""

    step: int
    loss: float
    health: tuple[LayerHealth, ...]
    diverged: bool


class Trainer:
    """A network built from a :class:`Setup`, its optimiser, and the history of its run.

    ``step()`` may be called from a worker thread while the screen reads the
    histories: they only ever grow (lists appended to, arrays replaced whole),
    and :attr:`lock` keeps two steps from running at once.

    Attributes:
        losses: the loss before each step's update (``losses[k]``: after k updates).
        grad_history: per layer 1..L, its mean |dL/dW| at each step.
        health: the last step's gradient health per layer (empty before any step).
        grads: the last step's dL/dW per layer (empty before any step).
    """

    def __init__(self, setup: Setup) -> None:
        import numpy as np

        from backprop_tui.engine import MLP, make_optimizer
        from backprop_tui.engine.sweep import BLOWUP

        self.setup = setup
        self.data = dataset(setup)
        self.x = np.array(self.data.inputs, dtype=float)
        self.t = np.array(self.data.targets, dtype=float)
        self.net = MLP(setup.sizes, activations=setup.activations, loss=setup.loss, init=setup.init, seed=setup.seed)
        self.optimizer = make_optimizer(setup.optimizer, setup.lr, l2=setup.l2, clip=setup.clip)
        self.start_loss = self.net.loss_at(self.x, self.t)
        self.limit = BLOWUP * max(self.start_loss, 1.0)
        """A loss above this has run away: the run counts as diverged (as section 5's runs do)."""
        self._ran_away = False
        self.losses: list[float] = []
        self.grad_history: list[list[float]] = [[] for _ in range(self.net.depth)]
        self.health: tuple[LayerHealth, ...] = ()
        self.grads: list[Any] = []
        self.lock = threading.Lock()
        self._current: tuple[int, float] = (0, self.start_loss)

    @property
    def steps(self) -> int:
        """Steps taken so far (the last may have stopped at a loss that ran away)."""
        return len(self.losses)

    @property
    def diverged(self) -> bool:
        """True once the loss or a weight stopped being a finite number, or the loss passed :attr:`limit`.

        No more steps are taken after that.
        """
        return self._ran_away or self.net.diverged

    def step(self) -> StepResult | None:
        """One step on the whole data set (forward, loss, backward, update); ``None`` once diverged."""
        from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent
        from backprop_tui.engine.health import from_events

        with self.lock:
            if self.diverged:
                return None
            events = list(self.net.train_step(self.x, self.t, self.optimizer))
            loss = next(e.loss for e in events if isinstance(e, LossEvent))
            forward = [e for e in events if isinstance(e, ForwardEvent)]
            backward = [e for e in events if isinstance(e, BackwardEvent)]
            health = tuple(from_events(forward, backward, self.setup.activations))
            step = len(self.losses) + 1
            if health:
                for history, layer in zip(self.grad_history, health):
                    history.append(layer.magnitude)
                self.grads = [e.dL_dW for e in sorted(backward, key=lambda e: e.layer)]
            else:  # the forward pass already ran away: nothing was backpropagated
                for history in self.grad_history:
                    history.append(math.nan)
            self.health = health
            self.losses.append(loss)
            if not (math.isfinite(loss) and loss <= self.limit):
                self._ran_away = True
            return StepResult(step, loss, health, self.diverged)

    def current_loss(self) -> float:
        """The loss with the weights as they are now (after the last update)."""
        if self._current[0] != self.net.step:
            with self.lock:
                self._current = (self.net.step, self.net.loss_at(self.x, self.t))
        return self._current[1]

    def curve(self) -> list[float]:
        """The loss after 0, 1, 2, … updates, up to now."""
        losses = list(self.losses)
        if self.diverged:
            return losses
        return [*losses, self.current_loss()] if losses else [self.start_loss]

    def right(self) -> tuple[int, int] | None:
        """How many samples a 0/1 data set gets right (output on the right side of 0.5), of how many."""
        if not self.data.classes or self.diverged:
            return None
        with self.lock:
            y = self.net.predict(self.x)
        hits = int(((y > 0.5) == (self.t > 0.5)).all(axis=1).sum())
        return hits, self.data.samples
