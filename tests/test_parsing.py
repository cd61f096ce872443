"""Text → value in one place: each parser's values and one-line reasons, shared by the command line and the playground."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_tui import parsing
from backprop_tui.cli import main
from backprop_tui.models import playground as pg

GOOD = [
    (parsing.number, " 2.5 ", 2.5),
    (parsing.number, "-1e-3", -0.001),
    (parsing.positive_number, "0.1", 0.1),
    (parsing.non_negative_number, "0", 0.0),
    (lambda t: parsing.integer(t, 1, 16), " 16 ", 16),
    (parsing.seed, "4294967295", 2**32 - 1),
    (parsing.numbers, "0.5, -0.3", (0.5, -0.3)),
    (parsing.layer_sizes, "2, 8,1", (2, 8, 1)),
    (parsing.choice(("sgd", "adam"), "optimizer"), " ADAM ", "adam"),
    (parsing.choice(("relu", "leaky_relu"), "activation"), "Leaky-ReLU", "leaky_relu"),
    (parsing.each(parsing.choice(("relu", "tanh"), "activation")), "relu, TANH", ("relu", "tanh")),
    (parsing.each(lambda t: parsing.integer(t, 1, 16)), "8,4", (8, 4)),
    (parsing.at_most(parsing.positive_number, 100.0, "a positive number"), "100", 100.0),
    (parsing.switch, " On ", True),
    (parsing.switch, "OFF", False),
    (parsing.learner_name, "  Ada\tLovelace ", "Ada Lovelace"),
]

BAD = [
    (parsing.number, "abc", "must be a number, got 'abc'"),
    (parsing.number, "", "must be a number, got ''"),
    (parsing.number, "nan", "must be a finite number, got 'nan'"),
    (parsing.number, "1e999", "must be a finite number, got '1e999'"),
    (parsing.positive_number, "0", "must be a positive number, got '0'"),
    (parsing.positive_number, "-inf", "must be a finite number, got '-inf'"),
    (parsing.non_negative_number, "-0.5", "must be zero or a positive number, got '-0.5'"),
    (lambda t: parsing.integer(t, 1, 16), "17", "must be a whole number from 1 to 16, got '17'"),
    (lambda t: parsing.integer(t, 1, 16), "2.5", "must be a whole number from 1 to 16, got '2.5'"),
    (lambda t: parsing.integer(t, 1, 16, "a layer size"), "x", "must be a layer size from 1 to 16, got 'x'"),
    (parsing.seed, "-1", "must be a whole number from 0 to 4294967295, got '-1'"),
    (parsing.seed, str(2**32), "must be a whole number from 0 to 4294967295, got '4294967296'"),
    (parsing.numbers, "1,,2", "must be numbers separated by commas (e.g. 0.5,0.3), got '1,,2'"),
    (parsing.numbers, "1,x", "must be numbers separated by commas (e.g. 0.5,0.3), got 'x'"),
    (parsing.layer_sizes, "2", "must be sizes separated by commas, input first (e.g. 2,2,1), got '2'"),
    (parsing.layer_sizes, "2,0,1", "must be a layer size from 1 to 1024, got '0'"),
    (parsing.layer_sizes, ",".join(["2"] * 34), "at most 32 layers after the input, got 33"),
    (parsing.choice(("mse", "bce"), "loss"), "hinge", "unknown loss 'hinge' (choose from mse, bce)"),
    (parsing.at_most(parsing.positive_number, 100.0, "a positive number"), "101",
     "must be a positive number up to 100, got '101'"),
    (parsing.switch, "maybe", "must be on or off, got 'maybe'"),
    (parsing.learner_name, " \x00 ", "must not be empty"),
    (parsing.learner_name, "x" * 65, "must be at most 64 characters, got 65"),
]  # fmt: skip


@pytest.mark.parametrize(("parse", "text", "value"), GOOD)
def test_each_parser_reads_good_text(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize(("parse", "text", "says"), BAD)
def test_each_parser_refuses_bad_text_with_a_one_line_reason(parse, text, says):
    with pytest.raises(ValueError) as e:
        parse(text)
    assert str(e.value) == says


def test_quote_keeps_a_message_to_one_short_line():
    assert parsing.quote("a\nb") == "'a b'"
    assert parsing.quote("x" * 30) == "'" + "x" * 23 + "…'"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_reads_back_exactly(value):
    text = parsing.number_text(value)
    assert parsing.number(text) == value
    assert "e+" not in text and not text.endswith(".0")


@given(st.text(max_size=40))
def test_every_parser_says_why_in_one_line_and_never_raises_anything_else(text):
    parsers = [parsing.number, parsing.positive_number, parsing.non_negative_number, parsing.seed, parsing.numbers,
               parsing.layer_sizes, parsing.switch, parsing.learner_name, parsing.choice(("a", "b"), "thing")]  # fmt: skip
    for parse in parsers:
        try:
            parse(text)
        except ValueError as e:
            assert str(e) and "\n" not in str(e)


# -- one reason, said by the command line and the playground alike ------------------------------------------------

SAME_REASON = [
    ("--lr", "lr", "abc"),
    ("--lr", "lr", "0"),
    ("--lr", "lr", "nan"),
    ("--seed", "seed", "-1"),
    ("--seed", "seed", "2.5"),
    ("--l2", "l2", "-1"),
    ("--clip", "clip", "0"),
    ("--activation", "activation", "swish"),
    ("--optimizer", "optimizer", "lbfgs"),
    ("--input", "inputs", "1,,2"),
]


@pytest.mark.parametrize(("option", "field", "text"), SAME_REASON)
def test_the_command_line_and_the_playground_refuse_text_for_the_same_reason(capsys, option, field, text):
    with pytest.raises(SystemExit):
        main(["trace", f"{option}={text}"])
    err = capsys.readouterr().err
    setup = pg.Setup(data="custom", output="linear", loss="mse")
    said = pg.edit(setup, field, text).error
    reason = said.removeprefix(pg.FIELD_BY_NAME[field].what + " ")
    assert f"argument {option}: {reason}" in err


def test_infinite_values_are_never_numbers():
    for text in ("inf", "-inf", "Infinity", "1e400"):
        with pytest.raises(ValueError, match="finite"):
            parsing.number(text)
    assert math.isfinite(parsing.number("1e308"))


@pytest.mark.parametrize("text", ["1_000", "\u0663", "1e3", "2.5", " ", "+"])
def test_a_whole_number_is_plain_digits(text):
    with pytest.raises(ValueError, match="whole number"):
        parsing.integer(text, 0, 10_000)


def test_a_negative_infinity_after_an_option_is_read_as_its_value(capsys):
    from backprop_tui import cli

    for argv, name in ((["trace", "--clip", "-inf"], "--clip"), (["trace", "--l2", "-nan"], "--l2")):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        assert stop.value.code == 2
        line = capsys.readouterr().err.strip()
        assert name in line and "finite number" in line and "expected one argument" not in line


@pytest.mark.parametrize("name", ["amy", "Bo_2", "a.b-c", "_x", "9lives", "x" * 32])
def test_a_student_name_of_the_safe_set_is_taken_as_it_is(name):
    assert parsing.student_name(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty"),
        ("x" * 33, "at most 32"),
        ("../x", "start with"),
        (".hidden", "start with"),
        ("-rf", "start with"),
        ("a b", "only letters"),
        ("a/b", "only letters"),
        ("é", "only letters"),
        ("a\x1b[2J", "only letters"),
    ],
)
def test_a_student_name_outside_the_safe_set_is_refused_with_the_reason(name, why):
    with pytest.raises(ValueError, match=why):
        parsing.student_name(name)
