"""The one rule for numbers on screen: a non-zero value never prints as zero, and a zero is never rounded.

Every check reads the text back as a number, the way a learner would, and
compares it with the value that was written.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from backprop_tui.renderables.numbers import MINUS, format_number, format_setting, signed

DIGITS = st.integers(0, 8)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def read(text: str) -> float:
    """The number a learner reads in ``text`` (true minus sign and all)."""
    return float(text.replace(MINUS, "-"))


@given(FINITE.filter(lambda x: x != 0), DIGITS)
@example(5e-324, 4)  # the smallest float there is
@example(-4.9e-5, 4)  # would round to 0.0000 at four decimals
@example(0.004, 2)
@example(0.4, 0)
@example(1e-15, 8)
@example(7.7e-15, 4)
@example(1.9e-9, 4)
@example(2.5e-30, 4)
def test_a_non_zero_value_never_prints_as_zero(x: float, digits: int) -> None:
    text = format_number(x, digits)
    assert read(text) != 0, text
    assert (read(text) < 0) == (x < 0), text


@given(FINITE.filter(lambda x: x != 0), DIGITS)
def test_what_is_printed_reads_back_close_to_the_value(x: float, digits: int) -> None:
    text = format_number(x, digits)
    shown, exact = Decimal(text.replace(MINUS, "-")), Decimal(x)  # exact: no overflow near the largest float
    if "e" in text:  # scientific, one decimal: within 5 % (half a unit of the mantissa's last digit)
        assert abs(shown - exact) <= Decimal("0.05") * abs(exact), text
    else:  # fixed: within half a unit of the last decimal
        assert len(text.partition(".")[2]) == digits
        # (rounded as by hand from the shortest decimal that reads back as x: off the binary value by a hair)
        assert abs(shown - exact) <= Decimal(5).scaleb(-digits - 1) + abs(exact) * Decimal("1e-15"), text


@pytest.mark.parametrize("exponent", range(-323, 309))
def test_every_magnitude_of_a_float(exponent: int) -> None:
    for digits in (0, 2, 4):
        for x in (10.0**exponent, -(10.0**exponent), 0.49 * 10.0**exponent):
            if x != 0:
                assert read(format_number(x, digits)) != 0, (x, digits)


@pytest.mark.parametrize("zero", [0.0, -0.0, 0])
@pytest.mark.parametrize("digits", [0, 1, 2, 4, 8])
def test_a_zero_is_written_without_decimals_so_it_cannot_pass_for_a_rounded_value(zero: float, digits: int) -> None:
    assert format_number(zero, digits) == "0"
    assert signed(zero, digits) == "0"


@given(FINITE, DIGITS)
def test_signed_keeps_the_rule_and_always_shows_the_sign_of_a_non_zero(x: float, digits: int) -> None:
    text = signed(x, digits)
    if x == 0:
        assert text == "0"
    else:
        assert text[0] == ("+" if x > 0 else MINUS), text
        assert read(text) != 0, text


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.001, "0.001"), (0.01, "0.01"), (0.5, "0.5"), (1.0, "1"), (1.5, "1.5"), (10.0, "10"), (0.05, "0.05"),
     (0.1 + 0.2, "0.3"), (-0.25, f"{MINUS}0.25"), (1e-8, "1.0e-08"), (0.0, "0"), (3e9, "3.0e+09")],
)
def test_a_setting_is_written_as_short_as_it_reads_back(x: float, text: str) -> None:
    assert format_setting(x) == text


@given(FINITE)
def test_a_setting_never_prints_as_zero_and_reads_back_to_a_part_in_a_million(x: float) -> None:
    text = format_setting(x)
    if x == 0:
        assert text == "0"
        return
    assert read(text) != 0, text
    if "e" not in text:
        assert math.isclose(read(text), x, rel_tol=1e-6, abs_tol=0.5e-6), text
