"""Text → value, in one place: the command line's options and the playground's fields read text alike.

Each parser takes the text as it was typed and returns the value, or raises
:class:`ValueError` whose message is one line saying why, without naming the
option or field (``must be a positive number, got 'abc'``). The caller names
it: the command line as ``argument --lr: …`` (its argparse adapter lives in
:mod:`backprop_tui.cli`), the playground as ``α must be …``. So ``--lr abc``
and α = ``abc`` are refused for the same reason, in the same words.

========================  =============================================================
parser                    takes
========================  =============================================================
:func:`number`            a finite number
:func:`positive_number`   a finite number above zero
:func:`non_negative_number`  a finite number, zero or above
:func:`at_most`           (wraps a number parser) … no larger than a limit
:func:`integer`           a whole number from ``low`` to ``high``
:func:`seed`              a whole number from 0 to 2³²−1
:func:`numbers`           finite numbers separated by commas
:func:`layer_sizes`       layer sizes separated by commas, input first
:func:`choice`            one name from a set (case and ``-``/``_`` do not matter)
:func:`each`              (wraps any parser) one value, or several separated by commas
:func:`switch`            ``on`` or ``off``
:func:`learner_name`      a name to show and store
========================  =============================================================

:func:`number_text` goes the other way: the shortest text that reads back as
exactly the same float. Importing this module costs no numpy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from backprop_tui.engine.names import MAX_LAYERS, MAX_WIDTH

T = TypeVar("T")

MAX_SEED = 2**32 - 1
"""The largest seed (numpy's generators take 32 bits)."""
MAX_NAME = 64
"""A learner's name is at most this many characters (it goes on the certificate)."""
ON, OFF = "on", "off"


def quote(text: str, most: int = 24) -> str:
    """``text`` quoted for a message: one line, at most ``most`` characters (``'abc'``, ``'aaaa…'``)."""
    text = " ".join(text.split())
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``0.1``, ``3``, ``1e-05``, ``1e16``)."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace("e+", "e")


# -- numbers -------------------------------------------------------------------------------------------


def number(text: str, what: str = "a number") -> float:
    """A finite number (``what`` says what was wanted when the text is no number at all)."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"must be {what}, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {text!r}")
    return value


def positive_number(text: str) -> float:
    """A finite number above zero."""
    value = number(text, "a positive number")
    if value <= 0:
        raise ValueError(f"must be a positive number, got {text!r}")
    return value


def non_negative_number(text: str) -> float:
    """A finite number, zero or above."""
    value = number(text, "zero or a positive number")
    if value < 0:
        raise ValueError(f"must be zero or a positive number, got {text!r}")
    return value


def at_most(parse: Callable[[str], float], high: float, what: str) -> Callable[[str], float]:
    """``parse``, and then no larger than ``high`` (``what`` names the kind of number in the message)."""

    def parse_at_most(text: str) -> float:
        value = parse(text)
        if value > high:
            raise ValueError(f"must be {what} up to {number_text(high)}, got {quote(text)}")
        return value

    return parse_at_most


_WHOLE = re.compile(r"[+-]?[0-9]+")
"""A whole number as a person types it: ASCII digits, an optional sign."""


def integer(text: str, low: int, high: int, what: str = "a whole number") -> int:
    """A whole number from ``low`` to ``high``, in plain digits (``2.5``, ``1e3``, ``1_000`` are refused)."""
    if not _WHOLE.fullmatch(text.strip()):
        raise ValueError(f"must be {what} from {low} to {high}, got {text!r}")
    value = int(text.strip())
    if not low <= value <= high:
        raise ValueError(f"must be {what} from {low} to {high}, got {text!r}")
    return value


def seed(text: str) -> int:
    """A whole number from 0 to 2³²−1."""
    return integer(text, 0, MAX_SEED)


# -- lists ---------------------------------------------------------------------------------------------


def parts(text: str) -> list[str]:
    """Comma-separated parts, stripped (an empty part is kept, so that ``4,,4`` can be refused)."""
    return [p.strip() for p in text.split(",")]


def each(parse: Callable[[str], T]) -> Callable[[str], tuple[T, ...]]:
    """One value or several separated by commas, each read by ``parse`` (the first bad one says why)."""

    def parse_each(text: str) -> tuple[T, ...]:
        return tuple(parse(p) for p in parts(text))

    return parse_each


def numbers(text: str) -> tuple[float, ...]:
    """Comma-separated finite numbers (e.g. 0.5,0.3)."""
    values = parts(text)
    if any(not p for p in values):
        raise ValueError(f"must be numbers separated by commas (e.g. 0.5,0.3), got {text!r}")
    return tuple(number(p, "numbers separated by commas (e.g. 0.5,0.3)") for p in values)


def layer_sizes(text: str) -> tuple[int, ...]:
    """Comma-separated layer sizes, input first: 2 to 33 sizes of 1 to 1024."""
    values = parts(text)
    if len(values) < 2 or any(not p for p in values):
        raise ValueError(f"must be sizes separated by commas, input first (e.g. 2,2,1), got {text!r}")
    sizes = tuple(integer(p, 1, MAX_WIDTH, "a layer size") for p in values)
    if len(sizes) - 1 > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers after the input, got {len(sizes) - 1}")
    return sizes


# -- names ---------------------------------------------------------------------------------------------


def choice(choices: Sequence[str], what: str) -> Callable[[str], str]:
    """A parser of one name from ``choices``: case does not matter and ``-`` reads as ``_``.

    Its message names the kind of thing (``unknown loss 'hinge' (choose from mse, bce)``).
    """

    def parse_choice(text: str) -> str:
        name = text.strip().lower().replace("-", "_")
        if name not in choices:
            raise ValueError(f"unknown {what} {text!r} (choose from {', '.join(choices)})")
        return name

    return parse_choice


def switch(text: str) -> bool:
    """``on`` (True) or ``off`` (False), in any case."""
    word = text.strip().lower()
    if word not in (ON, OFF):
        raise ValueError(f"must be {ON} or {OFF}, got {quote(text)}")
    return word == ON


def learner_name(text: str) -> str:
    """A name to show and store: printable characters only (runs of others become one space), 1 to 64 of them."""
    name = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not name:
        raise ValueError("must not be empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"must be at most {MAX_NAME} characters, got {len(name)}")
    return name


MAX_STUDENT_NAME = 32
"""A served student's name (their SSH user name) is at most this many characters."""
_STUDENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


def student_name(text: str) -> str:
    """A served student's name: letters, digits, ``.``, ``_``, ``-``; 1 to 32; not starting with ``.`` or ``-``.

    It names a learner in the shared store and appears in the teacher's view,
    so nothing else gets through: no spaces, no slashes, no control characters.
    """
    if not text:
        raise ValueError("must not be empty")
    if len(text) > MAX_STUDENT_NAME:
        raise ValueError(f"must be at most {MAX_STUDENT_NAME} characters, got {len(text)}")
    if not _STUDENT.fullmatch(text):
        if text[0] in ".-":
            raise ValueError("must not start with '.' or '-'")
        raise ValueError("may hold only letters, digits, '.', '_' and '-'")
    return text


def port(text: str) -> int:
    """A TCP port, 1 to 65535."""
    return integer(text, 1, 65535, "a port")


def session_count(text: str) -> int:
    """How many sessions at once: 1 to 1000."""
    return integer(text, 1, 1000, "a number of sessions")


def idle_seconds(text: str) -> int:
    """Seconds of idleness before a session closes: 10 to 604800 (a week)."""
    return integer(text, 10, 604800, "a number of seconds")
