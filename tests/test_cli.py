"""The command line: ``--version``/``--help``, the trace's schema, and every bad argument.

A bad argument is a value that does not parse or is out of range, an option
without its value, an unknown option or command, or a stray positional
argument: each exits with status 2 and one line on stderr naming it (DESIGN §2).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from backprop_tui import __version__
from backprop_tui.cli import main


def run_trace(capsys, *args: str) -> list[dict]:
    assert main(["trace", *args]) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"backprop-tui {__version__}"
    for argv in (["--help"], ["trace", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
        assert "usage: backprop-tui" in capsys.readouterr().out


def test_python_dash_m_runs_the_same_command_line():
    out = subprocess.run(
        [sys.executable, "-m", "backprop_tui", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"backprop-tui {__version__}"


def test_default_trace_is_the_lesson_network_in_contract_order(capsys):
    events = run_trace(capsys)
    assert [e["event"] for e in events] == [
        "init", "forward", "forward", "loss", "backward", "backward", "update", "update",
    ]  # fmt: skip
    init, f1, f2, loss, b2, b1, u1, u2 = events
    assert list(init) == ["event", "layers", "activations", "loss", "params"]
    assert init["layers"] == [2, 2, 1] and init["activations"] == ["sigmoid", "linear"] and init["loss"] == "mse"
    assert [list(p) for p in init["params"]] == [["W", "b"], ["W", "b"]]
    assert [len(init["params"][0]["W"]), len(init["params"][0]["W"][0])] == [2, 2]
    assert [len(init["params"][1]["W"]), len(init["params"][1]["W"][0])] == [2, 1]
    for e, layer in ((f1, 1), (f2, 2)):
        assert list(e) == ["event", "step", "layer", "z", "a"]
        assert (e["step"], e["layer"]) == (1, layer)
    assert list(loss) == ["event", "step", "prediction", "target", "loss"]
    assert round(loss["prediction"][0], 4) == 0.5025 and loss["target"] == [0.7]
    assert round(loss["loss"], 4) == 0.0195
    assert [round(a, 2) for a in f1["a"]] == [0.51, 0.50]
    for e, layer in ((b2, 2), (b1, 1)):
        assert list(e) == ["event", "step", "layer", "dL_da", "dL_dz", "dL_dW", "dL_db"]
        assert (e["step"], e["layer"]) == (1, layer)
    assert b2["dL_da"] == [pytest.approx(loss["prediction"][0] - 0.7, rel=1e-15)]
    for e, layer in ((u1, 1), (u2, 2)):
        assert list(e) == ["event", "step", "layer", "W", "b"]
        assert (e["step"], e["layer"]) == (1, layer)
    # SGD with the default α = 0.5: W ← W − α·dL/dW, checked for every weight.
    for e, b, p in ((u1, b1, init["params"][0]), (u2, b2, init["params"][1])):
        for new_row, old_row, g_row in zip(e["W"], p["W"], b["dL_dW"]):
            assert new_row == pytest.approx([o - 0.5 * g for o, g in zip(old_row, g_row)], rel=1e-15)
        assert e["b"] == pytest.approx([o - 0.5 * g for o, g in zip(p["b"], b["dL_db"])], rel=1e-15)


def test_several_steps_repeat_the_sample_and_count_up(capsys):
    events = run_trace(capsys, "--steps", "3", "--optimizer", "adam", "--lr", "0.1")
    assert events[0]["event"] == "init" and sum(e["event"] == "init" for e in events) == 1
    body = events[1:]
    assert len(body) == 3 * 7
    assert [e["step"] for e in body] == [s for s in (1, 2, 3) for _ in range(7)]
    losses = [e["loss"] for e in body if e["event"] == "loss"]
    assert losses[-1] < losses[0]


def test_batchless_trace_of_a_bigger_net_lists_every_layer(capsys):
    events = run_trace(capsys, "--layers", "3,5,4,2", "--activation", "relu", "--init", "he",
                       "--input", "1,-1,0.5", "--target", "0,1", "--seed", "9")  # fmt: skip
    assert [e["layer"] for e in events if e["event"] == "forward"] == [1, 2, 3]
    assert [e["layer"] for e in events if e["event"] == "backward"] == [3, 2, 1]
    assert [e["layer"] for e in events if e["event"] == "update"] == [1, 2, 3]
    assert events[0]["activations"] == ["relu", "relu", "linear"]


def test_negative_values_may_follow_their_option(capsys):
    events = run_trace(capsys, "--input", "-0.5,0.3", "--target", "-1")
    assert events[3]["target"] == [-1.0]


def test_a_diverging_run_exits_zero_and_says_so(capsys):
    events = run_trace(capsys, "--layers", "2,4,1", "--activation", "linear", "--init", "normal",
                       "--lr", "50", "--steps", "500", "--input", "1,2", "--target", "1")  # fmt: skip
    last = events[-1]
    assert last["event"] == "loss" and last["diverged"] is True
    assert last["loss"] is None or not math.isfinite(last["loss"])
    assert last["step"] < 500  # it stopped stepping
    assert not any(e.get("diverged") for e in events[:-1])


def test_diverged_trace_prints_null_not_nan():
    out = subprocess.run(
        [sys.executable, "-m", "backprop_tui", "trace", "--layers", "2,4,1", "--activation", "linear",
         "--init", "normal", "--lr", "50", "--steps", "500"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "NaN" not in out.stdout and "Infinity" not in out.stdout
    assert '"diverged":true' in out.stdout.splitlines()[-1]
    assert out.stderr == ""


BAD_ARGUMENTS = [
    (["--lr", "abc"], "--lr"),
    (["--lr", ""], "--lr"),
    (["--lr", "nan"], "--lr"),
    (["--lr", "inf"], "--lr"),
    (["--lr", "1e999"], "--lr"),
    (["--lr", "-0.1"], "--lr"),
    (["--lr", "0"], "--lr"),
    (["--layers", "2,0,1", "--init", "he"], "--layers"),
    (["--layers", "2,,1"], "--layers"),
    (["--layers", ""], "--layers"),
    (["--layers", "two,2,1"], "--layers"),
    (["--layers", "2,2.5,1"], "--layers"),
    (["--layers", "2,5000,1", "--init", "he"], "--layers"),
    (["--layers", ",".join(["2"] * 40), "--init", "he"], "--layers"),
    (["--layers", "3"], "--layers"),
    (["--input", "1,2,3"], "--input"),
    (["--input", "0.5"], "--input"),
    (["--input", "a,b"], "--input"),
    (["--input", "0.5,nan"], "--input"),
    (["--input", "0.5,1e999"], "--input"),
    (["--input", ""], "--input"),
    (["--target", "0.1,0.2"], "--target"),
    (["--target", "x"], "--target"),
    (["--activation", "swish"], "--activation"),
    (["--output", "relu"], "--output"),
    (["--loss", "hinge"], "--loss"),
    (["--optimizer", "nag"], "--optimizer"),
    (["--init", "zeros"], "--init"),
    (["--init", "lesson", "--layers", "3,2,1", "--input", "1,2,3"], "--init"),
    (["--loss", "bce"], "--loss"),
    (["--loss", "bce", "--output", "sigmoid", "--target", "2"], "--target"),
    (["--steps", "0"], "--steps"),
    (["--steps", "-5"], "--steps"),
    (["--steps", "1e9"], "--steps"),
    (["--steps", "99999999999"], "--steps"),
    (["--steps", "lots"], "--steps"),
    (["--layers", "1024,1024,1024,1", "--init", "he", "--input", ",".join(["1"] * 1024), "--steps", "100000"],
     "--steps"),
    (["--seed", "-1"], "--seed"),
    (["--seed", "x"], "--seed"),
    (["--seed", str(2**32)], "--seed"),  # one above the largest seed, 2**32 - 1
    (["--seed", str(2**64)], "--seed"),
    (["--seed", "1e3"], "--seed"),
    (["--seed", ""], "--seed"),
    (["--clip", "0"], "--clip"),
    (["--clip", "-1"], "--clip"),
    (["--clip", "-0.5"], "--clip"),
    (["--clip=-1"], "--clip"),
    (["--clip", "abc"], "--clip"),
    (["--clip", "nan"], "--clip"),
    (["--clip", "inf"], "--clip"),
    (["--clip", "-inf"], "--clip"),
    (["--clip", "1e999"], "--clip"),
    (["--clip", ""], "--clip"),
    (["--clip", " "], "--clip"),
    (["--l2", "-1"], "--l2"),
    (["--l2", "-0.5"], "--l2"),
    (["--l2=-1"], "--l2"),
    (["--l2", "abc"], "--l2"),
    (["--l2", "nan"], "--l2"),
    (["--l2", "inf"], "--l2"),
    (["--l2", "-inf"], "--l2"),
    (["--l2", "1e999"], "--l2"),
    (["--l2", ""], "--l2"),
    (["--lr"], "--lr"),
    (["--steps", "2", "--lr"], "--lr"),
    (["--lr", "--steps", "3"], "--lr"),
    (["--clip"], "--clip"),
    (["--l2"], "--l2"),
    (["--seed"], "--seed"),
    (["--steps"], "--steps"),
    (["--layers"], "--layers"),
    (["--input"], "--input"),
    (["--target"], "--target"),
    (["--activation"], "--activation"),
    (["--output"], "--output"),
    (["--loss"], "--loss"),
    (["--init"], "--init"),
    (["--optimizer"], "--optimizer"),
    (["--bogus"], "--bogus"),
    (["extra"], "extra"),
    (["--steps", "2", "extra", "more"], "extra more"),
    (["--", "extra"], "extra"),
]


def assert_exits_2_with_one_line(capsys, argv: list[str], names: str) -> None:
    """``argv`` exits with status 2, printing nothing on stdout and one line naming ``names`` on stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert names in lines[0]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(("argv", "names"), BAD_ARGUMENTS, ids=[" ".join(a)[:40] for a, _ in BAD_ARGUMENTS])
def test_every_bad_argument_exits_2_with_one_line_naming_it(capsys, argv, names):
    assert_exits_2_with_one_line(capsys, ["trace", *argv], names)


def test_the_largest_seed_is_accepted(capsys):
    events = run_trace(capsys, "--seed", str(2**32 - 1), "--layers", "2,3,1", "--init", "he")
    assert events[0]["layers"] == [2, 3, 1]


BAD_COMMANDS = [
    (["bogus"], "bogus"),
    (["Trace"], "Trace"),
    (["trace-x", "--lr", "1"], "trace-x"),
    (["--section", "intro", "extra"], "extra"),
    (["--section"], "--section"),
    (["--name"], "--name"),
    (["--playground"], "--playground"),
]


@pytest.mark.parametrize(("argv", "names"), BAD_COMMANDS, ids=[" ".join(a)[:40] for a, _ in BAD_COMMANDS])
def test_an_unknown_command_or_a_missing_value_exits_2_naming_it(capsys, argv, names):
    assert_exits_2_with_one_line(capsys, argv, names)


@pytest.mark.parametrize("argv", [
    ["trace", "--lr", "1e999"], ["--section", "nowhere"], ["trace", "--layers", "0"],
    ["trace", "--seed", str(2**32)], ["trace", "--clip"], ["trace", "extra"], ["bogus"],
])
def test_bad_arguments_in_a_real_process_are_one_line_and_status_2(argv):
    out = subprocess.run([sys.executable, "-m", "backprop_tui", *argv], capture_output=True, text=True)
    assert out.returncode == 2
    assert len(out.stderr.splitlines()) == 1
    assert out.stderr.startswith("backprop-tui")
    assert out.stdout == ""


@pytest.mark.parametrize(("argv", "reason"), [
    (["--name", ""], "must not be empty"),
    (["--name", "  \t "], "must not be empty"),
    (["--name", "x" * 65], "at most 64"),
    (["--section", "nowhere"], "section number 1–8 or one of intro,"),
    (["--section", "0"], "got '0'"),
    (["--section", "9"], "got '9'"),
])
def test_bad_app_arguments_exit_2_naming_them(capsys, argv, reason):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and argv[0] in err and reason in err


@pytest.mark.parametrize(
    ("given", "section"), [("1", "intro"), ("3", "forward"), ("8", "finish"), ("health", "health"), (" 6 ", "health")]
)
def test_a_section_is_given_by_its_number_or_its_id(given, section):
    from backprop_tui.cli import build_parser

    for commands in (True, False):  # the lesson's quick parser and the whole command line agree
        assert build_parser(commands).parse_args(["--section", given]).section == section


@pytest.mark.parametrize(("argv", "quick"), [
    ([], True), (["--section", "3", "--name", "amy"], True), (["--section=3"], True), (["--playground", "bp1_x"], True),
    (["trace"], False), (["--section", "3", "trace"], False), (["--help"], False), (["--version"], False),
    (["--section"], False), (["nowhere"], False), (["-h"], False),
])
def test_only_the_lessons_own_options_take_the_quick_parser(argv, quick):
    from backprop_tui.cli import _lesson_only

    assert _lesson_only(argv) is quick


def test_a_name_is_cleaned_of_control_characters():
    from backprop_tui.cli import build_parser

    assert build_parser().parse_args(["--name", "Ada\x1b[31m  Lovelace\n"]).name == "Ada [31m Lovelace"


@pytest.mark.parametrize("stdin_tty", [False, True])
def test_the_lesson_without_a_terminal_exits_at_once_with_one_line(tmp_path, stdin_tty):
    """From a script, cron or a pipe: exit 2 at once, one line on stderr, no escape codes in the output."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "BACKPROP_TUI_HOME": str(tmp_path)}
    stdin = subprocess.DEVNULL
    if stdin_tty:  # a terminal on stdin, but stdout a file and no controlling terminal (setsid)
        _master, stdin = pty.openpty()
    out = subprocess.run(
        [sys.executable, "-m", "backprop_tui"], stdin=stdin, capture_output=True, text=True, env=env,
        timeout=30, start_new_session=True,
    )
    assert out.returncode == 2
    assert out.stdout == "" and "\x1b" not in out.stderr
    assert len(out.stderr.splitlines()) == 1 and "needs a terminal" in out.stderr and "trace" in out.stderr


def test_the_lesson_on_a_terminal_that_is_not_its_controlling_one_exits_at_once(tmp_path):
    """setsid with a terminal's descriptors: no controlling terminal, so no lesson (it would spin)."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    env = {**os.environ, "BACKPROP_TUI_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "backprop_tui"], stdin=slave, stdout=slave, stderr=subprocess.PIPE, text=True,
        env=env, timeout=30, start_new_session=True,
    )
    os.close(slave)
    os.close(master)
    assert out.returncode == 2 and "needs a terminal" in out.stderr
