"""How every number on screen is written: one rule, so that a zero on screen is always a true zero.

* ordinary magnitudes: fixed decimals, ``digits`` of them (``0.5025``, ``−16.0000``),
  rounded half up as by hand (``0.125`` → ``0.13`` at two decimals);
* tiny (0 < |x| < 10^-digits, so that fixed decimals would round it to nothing, or
  leave it one rounded digit) or huge (|x| ≥ 10^6): scientific with one decimal
  (``1.2e-07``, ``3.4e+09``);
* exactly zero (either sign): ``0``, with no decimals, since ``0.0000`` would read as a
  value rounded away: a non-zero value never prints as zero, and a zero is never rounded;
* not a number: the word ``diverged``; infinities: ``+∞`` and ``−∞``.

A negative number always starts with the true minus sign ``−`` (U+2212), never
the hyphen ``-``; the exponent of scientific notation keeps its usual ``e-07``.

Values a person chose rather than computed (a learning rate, a step length, a
threshold) are written by :func:`format_setting`, as short as they read exactly
(``0.001``, ``1.5``, ``10``), under the same rule.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsFloat

MINUS = "\u2212"
DIVERGED = "diverged"
ZERO = "0"
HUGE = 1e6
SETTING_DIGITS = 6
"""The most decimals :func:`format_setting` writes before it turns to scientific notation."""


def format_number(x: SupportsFloat, digits: int = 4) -> str:
    """``x`` as text: fixed, scientific, ``0``, ``diverged`` or ``±∞`` (see the module docstring)."""
    v = float(x)
    if math.isnan(v):
        return DIVERGED
    if math.isinf(v):
        return "+∞" if v > 0 else MINUS + "∞"
    if v == 0:
        return ZERO
    digits = max(0, int(digits))
    a = abs(v)
    if a < 10.0**-digits or a >= HUGE:
        body = f"{a:.1e}"
    else:
        # Round half up on the shortest decimal that reads back as the float, as a person would:
        # 0.125 → 0.13 (f"{0.125:.2f}" gives 0.12, rounding half to even). |x| ≥ 10^-digits, so at
        # least the last digit is 1: the text is never a zero.
        body = f"{Decimal(repr(a)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    return MINUS + body if v < 0 else body


def signed(x: SupportsFloat, digits: int = 4) -> str:
    """Like :func:`format_number` but always with a sign: ``+0.5025``, ``−0.0123`` (an exact zero: ``0``)."""
    text = format_number(x, digits)
    return text if text[0] in "+" + MINUS or text in (DIVERGED, ZERO) else "+" + text


def format_setting(x: SupportsFloat) -> str:
    """A chosen value with as few decimals as read it back (to 1 part in 10⁹): ``0.001``, ``1.5``, ``10``, ``0``.

    One with more than :data:`SETTING_DIGITS` decimals (or huge) is written by :func:`format_number`
    in scientific notation (``1.0e-08``).
    """
    v = float(x)
    if not math.isfinite(v) or v == 0:
        return format_number(v)
    for digits in range(SETTING_DIGITS + 1):
        text = format_number(v, digits)
        if "e" not in text and math.isclose(float(text.replace(MINUS, "-")), v, rel_tol=1e-9, abs_tol=0.0):
            return text
    return format_number(v, SETTING_DIGITS)
