"""The completion certificate: its code, its files, and when it is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTION_IDS
from backprop_tui.progress.certificate import (
    Certificate,
    CertificateError,
    format_duration,
    render_certificate,
    safe_name,
    verification_code,
    write_certificate,
)
from backprop_tui.progress.store import ProgressStore, Results, data_dir, open_store, results

DAY = dt.date(2026, 3, 14)
CODE = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")


def complete_results(score: int = 8, seconds: float = 3900.0) -> Results:
    return Results(
        visited=SECTION_IDS,
        sections_total=len(SECTION_IDS),
        answered=len(QUESTIONS),
        questions_total=len(QUESTIONS),
        score=score,
        seconds=seconds,
    )


@pytest.fixture
def store():
    store, notice = open_store()
    assert notice is None
    yield store
    store.close()


def svg_text(path: Path) -> str:
    """The visible text of an SVG (Rich writes spaces as no-break spaces)."""
    root = ET.parse(path).getroot()
    return "".join(root.itertext()).replace("\xa0", " ")


# -- the code -----------------------------------------------------------------------------------


def test_verification_code_is_a_hash_of_the_canonical_line():
    code = verification_code("ada", "2026-03-14", 8, 9, 3900)
    digest = hashlib.sha256(b"backprop-tui|v1|ada|2026-03-14|8/9|3900").hexdigest()[:12].upper()
    assert code == f"{digest[:4]}-{digest[4:8]}-{digest[8:]}"
    assert CODE.match(code)
    assert verification_code("ada", "2026-03-14", 8, 9, 3900) == code


@pytest.mark.parametrize(
    "change",
    [
        ("bob", "2026-03-14", 8, 9, 3900),
        ("Ada", "2026-03-14", 8, 9, 3900),
        ("ada", "2026-03-15", 8, 9, 3900),
        ("ada", "2026-03-14", 9, 9, 3900),
        ("ada", "2026-03-14", 8, 10, 3900),
        ("ada", "2026-03-14", 8, 9, 3960),
    ],
)
def test_verification_code_changes_with_every_fact(change):
    assert verification_code(*change) != verification_code("ada", "2026-03-14", 8, 9, 3900)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 min"), (59.9, "0 min"), (720, "12 min"), (3599, "59 min"), (3600, "1 h 00 min"), (3900, "1 h 05 min")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


# -- the panel ------------------------------------------------------------------------------------


def test_render_certificate_states_the_facts():
    console = Console(width=72, file=io.StringIO(), record=True)
    console.print(render_certificate("Ada Lovelace", DAY, complete_results()))
    text = console.export_text()
    assert "backprop-tui · Certificate of completion" in text
    assert "Ada Lovelace" in text
    assert "2026-03-14" in text
    assert f"Quick checks: 8 of {len(QUESTIONS)} right on the first try" in text
    assert "Sections visited: 8 of 8" in text
    assert "Time spent: 1 h 05 min" in text
    code = verification_code("Ada Lovelace", "2026-03-14", 8, len(QUESTIONS), 3900)
    assert f"Verification code: {code}" in text


def test_a_name_with_markup_is_printed_as_written():
    console = Console(width=72, file=io.StringIO(), record=True)
    console.print(render_certificate("[bold red]Eve[/]", DAY, complete_results()))
    assert "[bold red]Eve[/]" in console.export_text()


# -- the files ------------------------------------------------------------------------------------


def test_write_certificate_writes_svg_and_text_and_records_it(store, tmp_path):
    learner = "Ada Lovelace"
    finished = complete_results()
    cert = write_certificate(store, learner, finished, today=DAY, directory=tmp_path)
    assert isinstance(cert, Certificate)
    assert CODE.match(cert.code)
    assert cert.issued == DAY
    assert cert.svg_path == tmp_path / f"certificate-{safe_name('Ada Lovelace')}.svg"
    assert cert.txt_path == tmp_path / f"certificate-{safe_name('Ada Lovelace')}.txt"

    shown = svg_text(cert.svg_path)  # parses as XML
    assert learner in shown and cert.code in shown
    txt = cert.txt_path.read_text(encoding="utf-8")
    assert learner in txt and cert.code in txt
    assert "Time spent: 1 h 05 min" in txt

    record = store.certificate(learner)
    assert record is not None
    assert (record.code, record.svg_path, record.txt_path) == (cert.code, cert.svg_path, cert.txt_path)
    assert (record.score, record.total, record.issued_at) == (8, len(QUESTIONS), "2026-03-14")


def test_default_directory_is_the_data_dir(store):
    cert = write_certificate(store, "ada", complete_results(), today=DAY)
    assert cert.svg_path.parent == data_dir()
    assert cert.svg_path.is_file() and cert.txt_path.is_file()


def test_same_day_same_results_same_code(store, tmp_path):
    first = write_certificate(store, "ada", complete_results(), today=DAY, directory=tmp_path)
    again = write_certificate(store, "ada", complete_results(seconds=3910.0), today=DAY, directory=tmp_path)
    assert again.code == first.code  # a few more seconds: the same minute, the same certificate
    later = write_certificate(store, "ada", complete_results(), today=DAY + dt.timedelta(days=1), directory=tmp_path)
    assert later.code != first.code
    assert store.certificate("ada").code == later.code
    better = write_certificate(store, "ada", complete_results(score=9), today=DAY, directory=tmp_path)
    assert better.code != first.code


def test_certificate_from_real_progress(store, tmp_path):
    for section in SECTION_IDS:
        store.visit("ada", section)
    for q in QUESTIONS:
        store.record_answer("ada", q.id, q.answer, True)
    store.add_time("ada", 725.0)
    cert = write_certificate(store, "ada", results(store, "ada"), today=DAY, directory=tmp_path)
    assert cert.code == verification_code("ada", "2026-03-14", len(QUESTIONS), len(QUESTIONS), 720)
    assert "Time spent: 12 min" in cert.txt_path.read_text(encoding="utf-8")


def test_refused_while_the_lesson_is_incomplete(store, tmp_path):
    store.visit("ada", "intro")
    with pytest.raises(ValueError, match="section 2"):
        write_certificate(store, "ada", results(store, "ada"), today=DAY, directory=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert store.certificate("ada") is None


@pytest.mark.parametrize("name", ["../../etc/x", "/etc/passwd", "..", "a/../../b", "C:\\Windows\\x", "\x00\n"])
def test_a_name_cannot_escape_the_directory(store, tmp_path, name):
    jail = tmp_path / "jail"
    folder = jail / "a" / "certs"
    cert = write_certificate(store, name, complete_results(), today=DAY, directory=folder)
    for path in (cert.svg_path, cert.txt_path):
        assert path.parent == folder
        assert path.resolve().parent == folder.resolve()
        assert re.fullmatch(r"certificate-[\w-]+\.(svg|txt)", path.name)
        assert path.is_file()
    assert sorted(str(p.relative_to(jail)) for p in jail.rglob("*")) == sorted(
        ["a", "a/certs", f"a/certs/{cert.svg_path.name}", f"a/certs/{cert.txt_path.name}"]
    )


def test_safe_name():
    assert safe_name("Ada") == "Ada" and safe_name("zoë_o-neil") == "zoë_o-neil"  # already safe: kept
    assert safe_name("Ada Lovelace").startswith("Ada-Lovelace-")
    assert safe_name("../../etc/x").startswith("etc-x-")
    assert safe_name("...").startswith("learner-") and safe_name("").startswith("learner")
    assert len(safe_name("x" * 500)) <= 47
    # names that clean to the same text still get files of their own
    names = ["a b", "a/b", "a\tb", "a-b", "...", "-", "--"]
    assert len({safe_name(n) for n in names}) == len(names)


def test_unwritable_directory_raises_a_one_line_certificate_error(store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CertificateError) as error:
        write_certificate(store, "ada", complete_results(), today=DAY, directory=blocker / "sub")
    message = str(error.value)
    assert "\n" not in message and str(blocker / "sub") in message
    assert store.certificate("ada") is None


def test_an_in_memory_store_still_gets_a_certificate(tmp_path):
    with ProgressStore(None) as memory:
        cert = write_certificate(memory, "ada", complete_results(), today=DAY, directory=tmp_path)
        assert memory.certificate("ada").code == cert.code
