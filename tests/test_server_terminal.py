"""The classroom server's pure parts: colours from TERM, the resets, the lesson's spec, the CPU governor."""

from __future__ import annotations

import pytest

from backprop_tui.server import fairness
from backprop_tui.server.session import SessionSpec, idle_warning
from backprop_tui.server.terminal import DEFAULT_TERM, RESETS, colour_system, how_to_connect, line, safe_term


@pytest.mark.parametrize(
    ("term", "colorterm", "expected"),
    [
        ("xterm-256color", None, "256"),
        ("screen-256color", None, "256"),
        ("xterm", None, "standard"),
        ("linux", None, "standard"),
        ("vt100", None, "standard"),
        ("xterm-kitty", None, "truecolor"),
        ("alacritty", None, "truecolor"),
        ("xterm-direct", None, "truecolor"),
        ("xterm-256color", "truecolor", "truecolor"),
        ("xterm", "24bit", "truecolor"),
        ("dumb", None, None),
    ],
)
def test_the_colour_depth_follows_term(term: str, colorterm: str | None, expected: str | None) -> None:
    assert colour_system(term, colorterm) == expected


def test_an_odd_term_becomes_the_default() -> None:
    assert safe_term("xterm-256color") == "xterm-256color"
    for odd in ("", "../../etc/x", "x" * 65, "xterm\x1b[2J", "a b"):
        assert safe_term(odd) == DEFAULT_TERM


def test_the_resets_undo_everything_the_lesson_turns_on() -> None:
    wanted = ("\x1b[?1049l", "\x1b[?1000l", "\x1b[?1003l", "\x1b[?1006l", "\x1b[?1004l", "\x1b[?2004l", "\x1b[<u", "\x1b[?25h")
    for sequence in wanted:
        assert sequence in RESETS
    assert RESETS.index("\x1b[<u") < RESETS.index("\x1b[?1049l")  # the keyboard protocol is popped on the lesson's screen


def test_lines_and_the_connect_hint() -> None:
    assert line("hello") == b"hello\r\n"
    assert how_to_connect(2222) == "ssh -t -p 2222 YOURNAME@HOST"
    assert "30 seconds" in idle_warning(30)


def test_a_spec_survives_the_trip_to_the_spawner() -> None:
    spec = SessionSpec(name="amy", term="xterm-kitty", colorterm="truecolor", warn_seconds=12)
    assert SessionSpec.from_json(spec.to_json()) == spec


def test_the_governor_lowers_a_busy_lesson_and_restores_it_when_calm(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = {7: 0.0}
    nice: dict[int, int] = {}
    monkeypatch.setattr(fairness, "_cpu_seconds", lambda pid: cpu.get(pid))
    monkeypatch.setattr(fairness, "_set_nice", lambda pid, value: nice.__setitem__(pid, value) or True)
    governor = fairness.Governor()
    governor.look({7}, 1.0)  # the first look only notes the time used so far
    cpu[7] += 0.6
    governor.look({7}, 1.0)
    assert nice == {7: fairness.NICE} and governor.lowered == {7}
    for _ in range(fairness.CALM_SECONDS):
        cpu[7] += 0.01
        governor.look({7}, 1.0)
    assert nice == {7: 0} and not governor.lowered
    governor.look(set(), 1.0)  # a lesson gone is forgotten
    assert not governor.lowered


def test_the_governor_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fairness.ENV, "0")
    assert not fairness.available()
