"""The playground's form: its fields, the text each shows, and what typing into one does.

* :data:`FIELDS` — the form, top to bottom (:class:`Field`: label, hint, parser).
* :func:`field_text` — what a field shows for a set-up (it reads back to the same value).
* :func:`parse_field` — typed text → a field's value, or :class:`FieldError` naming the field.
* :func:`edit` — one field's typed text applied to a set-up: the new set-up, or
  the old one and a one-line reason the text was refused.

The text is read by :mod:`backprop_tui.parsing`, the same parsers as the
command line's, so ``--lr abc`` and α = ``abc`` are refused for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from backprop_tui import parsing
from backprop_tui.engine.names import ACTIVATION_NAMES, LOSS_NAMES, OPTIMIZERS, OUTPUT_ACTIVATIONS
from backprop_tui.models.playground.datasets import DATA_NAMES, dataset
from backprop_tui.models.playground.setup import (
    INITS,
    MAX_CLIP,
    MAX_HIDDEN,
    MAX_L2,
    MAX_LR,
    MAX_NEURONS,
    MAX_VALUE,
    WHAT,
    Setup,
    SetupError,
    canonical,
    check,
    resize,
)
from backprop_tui.parsing import MAX_SEED, number_text

CLIP_OFF = "off"
SWITCH = (parsing.OFF, parsing.ON)


class FieldError(ValueError):
    """A field's text that is not a usable value; the message is one line, naming the field."""


def parse_hidden(text: str) -> int:
    """Hidden layers: 0 to :data:`MAX_HIDDEN`."""
    return parsing.integer(text, 0, MAX_HIDDEN)


def parse_neurons(text: str) -> tuple[int, ...]:
    """Neurons: one size for every hidden layer, or one per layer (``4`` or ``8,4,2``), each 1 to 16."""
    return parsing.each(lambda part: parsing.integer(part, 1, MAX_NEURONS))(text)


parse_activation = parsing.each(parsing.choice(ACTIVATION_NAMES, "activation"))
"""One activation for every hidden layer, or one per layer (``tanh`` or ``relu,relu,tanh``)."""


def parse_clip(text: str) -> float | None:
    """``off`` (no clipping) or the largest gradient norm allowed."""
    if text.strip().lower() in (CLIP_OFF, "none"):
        return None
    return parsing.at_most(parsing.positive_number, MAX_CLIP, "a positive number")(text)


def parse_values(text: str) -> tuple[float, ...]:
    """Numbers separated by commas, 1 to 16 of them, each of size at most a million."""
    values = parsing.numbers(text)
    if len(values) > MAX_NEURONS:
        raise FieldError(f"must be at most {MAX_NEURONS} numbers, got {len(values)}")
    if any(abs(v) > MAX_VALUE for v in values):
        raise FieldError(f"must be numbers from -{MAX_VALUE:,.0f} to {MAX_VALUE:,.0f}, got {parsing.quote(text)}")
    return values


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the playground's form.

    Attributes:
        name: the :class:`Setup` attribute it sets.
        label: its label on screen (short).
        what: how messages name it.
        hint: what it takes, in a few words (the empty box shows it).
        parse: text → value, or ``ValueError`` with the reason; context-free (clashes are :func:`check`'s).
        choices: the names it accepts, if it is a choice.
    """

    name: str
    label: str
    hint: str
    parse: Callable[[str], Any]
    choices: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        """How messages name the field."""
        return WHAT[self.name]


def _name(choices: tuple[str, ...], name: str) -> Callable[[str], str]:
    return parsing.choice(choices, WHAT[name])


FIELDS: tuple[Field, ...] = (
    Field("hidden", "layers", f"0 to {MAX_HIDDEN}", parse_hidden),
    Field("neurons", "neurons", f"1 to {MAX_NEURONS}, or one per layer", parse_neurons),
    Field("activation", "activ.", "a name, or one per layer", parse_activation, ACTIVATION_NAMES),
    Field("skips", "skips", " or ".join(SWITCH), parsing.switch, SWITCH),
    Field("output", "output", " or ".join(OUTPUT_ACTIVATIONS), _name(OUTPUT_ACTIVATIONS, "output"), OUTPUT_ACTIVATIONS),
    Field("loss", "loss", " or ".join(LOSS_NAMES), _name(LOSS_NAMES, "loss"), LOSS_NAMES),
    Field("init", "init", ", ".join(INITS), _name(INITS, "init"), INITS),
    Field("optimizer", "optim.", ", ".join(OPTIMIZERS), _name(OPTIMIZERS, "optimizer"), OPTIMIZERS),
    Field("lr", "α", f"a number above 0, at most {number_text(MAX_LR)}",
          parsing.at_most(parsing.positive_number, MAX_LR, "a positive number")),
    Field("l2", "L2", f"a number from 0 to {number_text(MAX_L2)}",
          parsing.at_most(parsing.non_negative_number, MAX_L2, "zero or a positive number")),
    Field("clip", "clip", f"off, or a number up to {number_text(MAX_CLIP)}", parse_clip),
    Field("seed", "seed", f"a whole number from 0 to {MAX_SEED}", parsing.seed),
    Field("data", "data", ", ".join(DATA_NAMES), _name(DATA_NAMES, "data"), DATA_NAMES),
    Field("inputs", "inputs", "numbers, e.g. 0.5, 0.3", parse_values),
    Field("target", "target", "numbers, e.g. 0.7", parse_values),
)  # fmt: skip
"""The form, top to bottom."""

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}


def field_text(setup: Setup, name: str) -> str:
    """The text a field shows for ``setup`` (what :func:`edit` reads back to the same value)."""
    value = getattr(setup, name)
    if name == "clip" and value is None:
        return CLIP_OFF
    if isinstance(value, bool):
        return parsing.ON if value else parsing.OFF
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
    text = text.replace("\u2212", "-").strip()  # the true minus sign reads as "-"
    if not text:
        raise FieldError(f"{field.what}: nothing typed; type {field.hint}")
    try:
        return field.parse(text)
    except ValueError as e:
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
        changes["neurons"] = resize(setup.neurons, value)
        changes["activation"] = resize(setup.activation, value)
    if name == "data" and setup.loss == "bce":
        data = dataset(setup.replace(data=value, loss="mse"))
        lo, hi = data.target_range
        if lo < 0 or hi > 1:
            changes.update(output="linear", loss="mse")
            note = f"{value}'s targets run below 0 or above 1, which bce cannot fit: loss is now mse, output linear"
    values = canonical({**setup.values(), **changes})
    try:
        check(SimpleNamespace(**values), editing=name)  # a clash is blamed on this field
    except SetupError as e:
        return Edit(setup, str(e))
    new = Setup(**values)
    if name == "skips" and new.skips and not new.skip_layers:
        note = "a skip goes round a hidden layer as wide as its input, and none is yet"
    return Edit(new, "", note)
