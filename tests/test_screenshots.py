"""The screenshot script writes real pictures of the app."""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET

import pytest

from backprop_tui.screenshots import CERTIFICATE, SHOTS, main, parse_size


def test_writes_an_svg_per_shot_asked_for(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--size", "80x24", "--only", "01-intro", "26-finish"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["01-intro.svg", "26-finish.svg", CERTIFICATE]
    intro = (tmp_path / "01-intro.svg").read_text()
    ET.fromstring(intro)  # well-formed
    assert "Why&#160;backpropagation&#160;matters" in intro or "Why backpropagation matters" in intro
    assert "Ada" in (tmp_path / CERTIFICATE).read_text()
    assert str(tmp_path / "01-intro.svg") in capsys.readouterr().out


def test_every_section_has_a_shot():
    from backprop_tui.lesson.sections import SECTION_IDS

    assert {s.section for s in SHOTS} == set(SECTION_IDS)


@pytest.mark.parametrize("text", ["", "100", "axb", "10x10", "100x30x2", "5000x30"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)


def test_every_shot_names_a_step_its_section_has():
    from backprop_tui.screens import screen_class

    for shot in SHOTS:
        if shot.step is not None and not shot.step.startswith("check-"):
            screen_class(shot.section).step_index(shot.step)  # KeyError names the missing step


def test_the_class_view_shot_shows_the_made_up_class(tmp_path):
    from backprop_tui.screenshots import CLASS, CLASS_VIEW

    assert main(["--out", str(tmp_path), "--size", "80x24", "--only", CLASS_VIEW]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{CLASS_VIEW}.svg"]
    svg = ET.fromstring((tmp_path / f"{CLASS_VIEW}.svg").read_text())
    text = "".join(svg.itertext())
    assert "9 students" in text.replace("\xa0", " ")
    for name, *_ in CLASS:
        assert name in text, name
