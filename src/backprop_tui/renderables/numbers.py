"""How every number on screen is written.

* ordinary magnitudes: fixed decimals, ``digits`` of them (``0.5025``, ``−16.0000``),
  rounded half up as by hand (``0.125`` → ``0.13`` at two decimals);
* tiny (0 < |x| < 10^-digits) or huge (|x| ≥ 10^6): scientific with one decimal
  (``1.2e-07``, ``3.4e+09``);
* not a number: the word ``diverged``; infinities: ``+∞`` and ``−∞``.

A negative number always starts with the true minus sign ``−`` (U+2212), never
the hyphen ``-``; the exponent of scientific notation keeps its usual ``e-07``.
Negative zero is written as zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat

MINUS = "\u2212"
DIVERGED = "diverged"
HUGE = 1e6


def format_number(x: SupportsFloat, digits: int = 4) -> str:
    """``x`` as text: fixed, scientific, ``diverged`` or ``±∞`` (see the module docstring)."""
    v = float(x)
    if math.isnan(v):
        return DIVERGED
    if math.isinf(v):
        return "+∞" if v > 0 else MINUS + "∞"
    digits = max(0, int(digits))
    a = abs(v)
    if a != 0 and (a < 10.0**-digits or a >= HUGE):
        body = f"{a:.1e}"
    else:
        # Round half up on the shortest decimal that reads back as the float, as a person would:
        # 0.125 → 0.13 (f"{0.125:.2f}" gives 0.12, rounding half to even).
        body = f"{Decimal(repr(a)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    if body.strip("0.") == "":  # rounds to zero: no minus sign on a zero
        return body
    return MINUS + body if v < 0 else body


def signed(x: SupportsFloat, digits: int = 4) -> str:
    """Like :func:`format_number` but always with a sign: ``+0.5025``, ``−0.0123``, ``+0.0000``."""
    text = format_number(x, digits)
    return text if text[0] in "+" + MINUS or text == DIVERGED else "+" + text
