"""The share code: a whole playground set-up as one short word, e.g. ``bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor``.

``backprop-tui --playground CODE`` opens exactly that set-up on any machine.
The format (version ``bp1``) only ever grows: a new setting gets a new
optional token, left out at its default, so every code written before it
still opens to the same set-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backprop_tui.models.playground.datasets import DATA_NAMES
from backprop_tui.models.playground.fields import FIELD_BY_NAME, FieldError, parse_field
from backprop_tui.models.playground.setup import Setup, SetupError
from backprop_tui.parsing import number_text, quote

CODE_VERSION = "bp1"
SEP = "_"
MAX_CODE = 1200
"""No share code is longer than this (the longest possible is about 1050 characters; a usual one 45)."""
CODE_FILE = "share-code.txt"
"""Where a code too wide for the window is kept whole (in the learner's data directory)."""
SKIPS = "r"
"""The token that turns residual skips on (codes made before skips existed lack it: off)."""

_TAGS = {"a": "lr", "l": "l2", "c": "clip", "s": "seed", "i": "inputs", "t": "target"}
_DEFAULTS = Setup()


def encode(setup: Setup) -> str:
    """The whole set-up as a short code, the same for equal set-ups.

    ``bp1`` and then, separated by ``_``: ``{hidden}x{neurons}``, activation,
    output, loss, init, optimizer (lists with commas, ``leaky-relu`` for
    leaky_relu), ``a{α}``, then ``l{L2}``, ``c{clip}``, ``s{seed}`` and ``r``
    (residual skips on), each left out at its default, the data set's name,
    and for custom data (or any that differ from the defaults) ``i{inputs}``
    and ``t{target}``. For example ``bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor``.
    Numbers are written at full precision, so :func:`decode` gives back
    exactly ``setup``. The code uses letters, digits and ``_ , . -`` only:
    safe in a shell and in a URL.
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
    if setup.skips:
        parts.append(SKIPS)
    parts.append(setup.data)
    for tag, name in (("i", "inputs"), ("t", "target")):
        values = getattr(setup, name)
        if setup.data == "custom" or values != getattr(_DEFAULTS, name):
            parts.append(tag + ",".join(number_text(v) for v in values))
    return SEP.join(parts)


def _field(name: str, value: str) -> Any:
    """A field's value from the code, or ``ValueError`` saying so."""
    try:
        return parse_field(name, value)
    except FieldError as e:
        raise ValueError(f"in the playground code, {e}") from None


def _head(code: object) -> list[str]:
    """The code's parts, once it looks like a code of this version (else ``ValueError``)."""
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
        raise ValueError(f"{quote(text)} is not a playground code (they start with {CODE_VERSION}{SEP})")
    if len(parts) < 8:
        raise ValueError("the playground code is cut short: it needs layers, activation, output, loss, init, optimizer and data")
    return parts


def decode(code: str) -> Setup:
    """The set-up a share code stands for, or ``ValueError`` with a one-line reason."""
    parts = _head(code)
    arch, act, out, loss, init, opt = parts[1:7]
    hidden, x, neurons = arch.lower().partition("x")
    if not x:
        raise ValueError(f"in the playground code, {quote(arch)} should be layers x neurons, like 2x4")
    values: dict[str, Any] = {
        "hidden": _field("hidden", hidden),
        "neurons": _field("neurons", neurons),
        "activation": _field("activation", act),
        "output": _field("output", out),
        "loss": _field("loss", loss),
        "init": _field("init", init),
        "optimizer": _field("optimizer", opt),
    }
    for part in parts[7:]:
        low = part.lower()
        if low in DATA_NAMES:
            name, value = "data", low
        elif low == SKIPS:
            name, value = "skips", "on"
        elif part[:1].lower() in _TAGS and len(part) > 1:
            name, value = _TAGS[part[0].lower()], part[1:]
        else:
            raise ValueError(f"in the playground code, {quote(part)} is not a setting this version knows")
        if name in values:
            raise ValueError(f"in the playground code, {FIELD_BY_NAME[name].what} is given twice")
        values[name] = _field(name, value)
    if "data" not in values:
        raise ValueError(f"the playground code names no data set ({', '.join(DATA_NAMES)})")
    try:
        return Setup(**values)
    except SetupError as e:
        raise ValueError(f"in the playground code, {e}") from None


def save_code(code: str, folder: Path) -> Path:
    """Write ``code`` (and a newline) to :data:`CODE_FILE` in ``folder``, made if need be; the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CODE_FILE
    path.write_text(code + "\n", encoding="utf-8")
    return path
