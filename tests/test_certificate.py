"""The completion certificate: what it states and signs, its files, and when it is refused."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from backprop_tui.lesson.exercises import EXERCISE_IDS, EXERCISES
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTION_IDS
from backprop_tui.progress import certificate_facts, keys, signing
from backprop_tui.progress.certificate import (
    Certificate,
    CertificateError,
    facts_for,
    format_duration,
    render_certificate,
    safe_name,
    served_directory,
    write_certificate,
)
from backprop_tui.progress.results import ExerciseResult
from backprop_tui.progress.store import ProgressStore, Results, data_dir, open_store, results

DAY = dt.date(2026, 3, 14)
SIGNATURE = re.compile(r"^[A-Za-z0-9+/]{86}==$")
"""64 bytes of Ed25519 signature, in base64."""


def complete_results(score: int = 8, seconds: float = 3900.0, attempts: int = 1) -> Results:
    """Every section, every quick check and every exercise done (the first exercise in ``attempts`` answers)."""
    return Results(
        visited=SECTION_IDS,
        sections_total=len(SECTION_IDS),
        answered=len(QUESTIONS),
        questions_total=len(QUESTIONS),
        score=score,
        seconds=seconds,
        exercises=tuple(ExerciseResult(e.id, e.title, attempts if i == 0 else 1, True) for i, e in enumerate(EXERCISES)),
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


def own_fingerprint() -> str:
    return keys.fingerprint(keys.signing_key().public_key())


# -- what it states and signs ----------------------------------------------------------------------


def test_the_signed_statement_is_one_canonical_line_of_every_printed_fact():
    facts = facts_for("Ada Lovelace", DAY, complete_results(), "SHA256:" + "A" * 43)
    n = len(EXERCISES)
    assert json.loads(facts.statement()) == [
        "backprop-tui certificate v3", "Ada Lovelace", "2026-03-14", 8, len(QUESTIONS), 3900, 8, 8, n, n, n,
        "SHA256:" + "A" * 43,
    ]
    three = facts_for("Ada Lovelace", DAY, complete_results(attempts=3), facts.signer)
    assert json.loads(three.statement())[8:11] == [n, n, n + 2]  # solved, exercises, attempts in all
    assert b"\n" not in facts.statement()
    assert facts_for("Ada Lovelace", DAY, complete_results(seconds=3959.9), facts.signer) == facts  # the same minute


@pytest.mark.parametrize(
    "change",
    [
        {"learner": "Ada Lovelace."},
        {"date": DAY + dt.timedelta(days=1)},
        {"results": complete_results(score=9)},
        {"results": complete_results(seconds=3960.0)},
        {"results": complete_results(attempts=2)},
        {"signer": "SHA256:" + "B" * 43},
    ],
    ids=["name", "date", "score", "time", "exercise-attempts", "signer"],
)
def test_every_fact_changes_the_signature(change):
    key = keys.signing_key()
    same = {"learner": "Ada Lovelace", "date": DAY, "results": complete_results(), "signer": own_fingerprint()}
    original = signing.sign(facts_for(**same), key)
    changed = facts_for(**(same | change))
    if "signer" in change:
        with pytest.raises(ValueError, match="another signer"):
            signing.sign(changed, key)
    else:
        assert signing.sign(changed, key) != original


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 min"), (59.9, "0 min"), (720, "12 min"), (3599, "59 min"), (3600, "1 h 00 min"), (3900, "1 h 05 min")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_names_are_printed_without_control_characters_and_long_ones_in_lines_that_fit():
    assert certificate_facts.name_lines("  Ada\x1b[31m  \tLovelace\n") == ("Ada[31m Lovelace",)
    name_lines = certificate_facts.name_lines
    assert name_lines("\x00\x07") == name_lines("\U0001f3fb") == ("learner",)  # nothing, or nothing visible
    long = " ".join(["Wolfeschlegelsteinhausen"] * 5)
    lines = certificate_facts.name_lines(long)
    assert len(lines) == 3 and " ".join(lines) == long  # 24 letters a word: two words a line
    assert all(len(line) <= certificate_facts.INNER_WIDTH and line == line.strip() for line in lines)
    wide = "名" * 40  # 80 cells, no space: folded
    assert certificate_facts.name_lines(wide) == ("名" * 33, "名" * 7)


# -- the panel ------------------------------------------------------------------------------------


def printed(learner: str, signature: str = "S" * 86 + "==") -> str:
    console = Console(width=72, file=io.StringIO(), record=True)
    console.print(render_certificate(facts_for(learner, DAY, complete_results(), "SHA256:" + "F" * 43), signature))
    return console.export_text()


def test_render_certificate_states_the_facts_the_signer_and_the_signature():
    text = printed("Ada Lovelace")
    assert "backprop-tui · Certificate of completion" in text
    assert "Ada Lovelace" in text
    assert "Date: 2026-03-14" in text
    assert f"Quick checks: 8 of {len(QUESTIONS)} right on the first try" in text
    assert "Sections visited: 8 of 8" in text
    assert "Time spent: 1 h 05 min" in text
    n = len(EXERCISES)
    assert f"Exercises: {n} of {n} solved, {n} attempts in all" in text
    assert "Signed by: SHA256:" + "F" * 43 in text
    assert "Signature (v3):" in text
    assert "S" * 44 in text and "S" * 42 + "==" in text  # the signature in two lines that fit the panel
    assert all(len(line) <= 72 for line in text.splitlines())


def test_a_name_with_markup_is_printed_as_written():
    assert "[bold red]Eve[/]" in printed("[bold red]Eve[/]")


# -- the files ------------------------------------------------------------------------------------


def test_write_certificate_writes_svg_and_text_and_records_it(store, tmp_path):
    learner = "Ada Lovelace"
    finished = complete_results()
    cert = write_certificate(store, learner, finished, today=DAY, directory=tmp_path)
    assert isinstance(cert, Certificate)
    assert SIGNATURE.match(cert.code) and len(base64.b64decode(cert.code)) == 64
    assert cert.signer == own_fingerprint()
    assert cert.issued == DAY
    assert cert.svg_path == tmp_path / f"certificate-{safe_name('Ada Lovelace')}.svg"
    assert cert.txt_path == tmp_path / f"certificate-{safe_name('Ada Lovelace')}.txt"

    shown = svg_text(cert.svg_path)  # parses as XML
    assert learner in shown and cert.code[:44] in shown and cert.code[44:] in shown
    txt = cert.txt_path.read_text(encoding="utf-8")
    assert learner in txt and cert.code[:44] in txt and cert.code[44:] in txt
    assert "Time spent: 1 h 05 min" in txt and f"Signed by: {cert.signer}" in txt
    for path in (cert.txt_path, cert.svg_path):  # both read back as the facts signed
        assert signing.verify(path) == facts_for(learner, DAY, finished, cert.signer)

    record = store.certificate(learner)
    assert record is not None
    assert (record.code, record.svg_path, record.txt_path) == (cert.code, cert.svg_path, cert.txt_path)
    assert (record.score, record.total, record.issued_at) == (8, len(QUESTIONS), "2026-03-14")


def test_default_directory_is_the_data_dir(store):
    cert = write_certificate(store, "ada", complete_results(), today=DAY)
    assert cert.svg_path.parent == data_dir()
    assert cert.svg_path.is_file() and cert.txt_path.is_file()


def test_same_day_same_results_same_signature(store, tmp_path):
    first = write_certificate(store, "ada", complete_results(), today=DAY, directory=tmp_path)
    again = write_certificate(store, "ada", complete_results(seconds=3910.0), today=DAY, directory=tmp_path)
    assert again.code == first.code  # a few more seconds: the same minute, the same certificate (Ed25519 is deterministic)
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
    store.record_exercise("ada", EXERCISE_IDS[0], False)  # one wrong try first
    for exercise in EXERCISE_IDS:
        store.record_exercise("ada", exercise, True)
    store.record_exercise("ada", "an-exercise-no-longer-in-the-lesson", True)  # not counted
    store.add_time("ada", 725.0)
    cert = write_certificate(store, "ada", results(store, "ada"), today=DAY, directory=tmp_path)
    facts = signing.verify(cert.txt_path)
    n = len(EXERCISE_IDS)
    assert (facts.name, facts.date, facts.score, facts.total, facts.seconds) == (
        ("ada",), "2026-03-14", len(QUESTIONS), len(QUESTIONS), 720
    )
    assert (facts.solved, facts.exercises, facts.attempts, facts.version) == (n, n, n + 1, "v3")
    text = cert.txt_path.read_text(encoding="utf-8")
    assert "Time spent: 12 min" in text and f"Exercises: {n} of {n} solved, {n + 1} attempts in all" in text


def test_refused_below_the_pass_mark_with_what_is_missing(store, tmp_path):
    for section in SECTION_IDS:
        store.visit("ada", section)
    for q in QUESTIONS:
        store.record_answer("ada", q.id, q.answer, True)
    store.record_exercise("ada", EXERCISE_IDS[-1], False)  # every exercise but the last solved
    for exercise in EXERCISE_IDS[:-1]:
        store.record_exercise("ada", exercise, True)
    with pytest.raises(ValueError, match="Still to do: Solve the exercise of section 4") as error:
        write_certificate(store, "ada", results(store, "ada"), today=DAY, directory=tmp_path / "out")
    assert f"{EXERCISES[-1].title} (not solved yet, 1 attempt)" in str(error.value)
    assert not (tmp_path / "out").exists() and store.certificate("ada") is None


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


def test_a_long_name_is_signed_as_printed_and_checks(store, tmp_path):
    name = " ".join(["Wolfeschlegelsteinhausenberger"] * 3)
    cert = write_certificate(store, name, complete_results(), today=DAY, directory=tmp_path)
    for path in (cert.txt_path, cert.svg_path):
        assert signing.verify(path).display_name == name


def test_it_is_signed_with_the_key_the_host_key_variable_names(store, tmp_path, monkeypatch):
    chosen = tmp_path / "teacher_key"
    teacher = keys.load_or_create(chosen)
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(chosen))
    cert = write_certificate(store, "ada", complete_results(), today=DAY, directory=tmp_path)
    assert cert.signer == keys.fingerprint(teacher.public_key())
    assert not (data_dir() / keys.KEY_NAME).exists()  # the default key was neither used nor made
    assert signing.verify(cert.txt_path).signer == cert.signer


def test_an_unusable_key_is_a_one_line_certificate_error(store, tmp_path, monkeypatch):
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(tmp_path / "missing_key"))
    with pytest.raises(CertificateError) as error:
        write_certificate(store, "ada", complete_results(), today=DAY, directory=tmp_path / "out")
    assert "\n" not in str(error.value) and "missing_key" in str(error.value)
    assert not (tmp_path / "out").exists() and store.certificate("ada") is None


def test_a_served_student_has_a_folder_of_their_own_in_the_data_directory():
    assert served_directory("alice") == data_dir() / "certificates" / "alice"
    assert served_directory("../bob").parent == data_dir() / "certificates"


# -- the finish screen ---------------------------------------------------------------------------


def finished_store(learner: str) -> ProgressStore:
    store = ProgressStore()
    for section in SECTION_IDS:
        store.visit(learner, section)
    for q in QUESTIONS:
        store.record_answer(learner, q.id, q.answer, True)
    for exercise in EXERCISE_IDS:
        store.record_exercise(learner, exercise, True)
    store.add_time(learner, 725.0)
    return store


def certificate_shown(app, width: int = 160) -> str:
    """What the finish screen's certificate area says, as plain text (by default wide enough that all fits)."""
    from textual.widgets import Static

    widget = app.section_screen.query_one("#certificate", Static)
    assert widget.display
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content, markup=False)
    return console.export_text()


def flat(text: str) -> str:
    """``text`` with its lines joined (a note wraps at spaces)."""
    return " ".join(line.strip() for line in text.splitlines())


def every_file(*roots: Path) -> set[Path]:
    return {path for root in roots for path in root.rglob("*") if path.is_file()}


async def test_a_served_student_sees_the_signed_certificate_and_it_stays_in_their_folder(tmp_path, monkeypatch):
    from backprop_tui.app import BackpropApp

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    store = finished_store("alice")
    app = BackpropApp(section="finish", learner="alice", store=store, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        record = store.certificate("alice")
        assert record is not None
        text = certificate_shown(app)
        fingerprint = keys.fingerprint(keys.installation_public_key())
        assert f"Key\n  {fingerprint}\n" in text and f"Signature\n  {record.code}\n" in text  # whole, on lines of their own
        assert "kept on the server" in text and "backprop-tui verify" in text
        assert "This certifies that" in text and "Time spent: 12 min" in text  # the certificate itself
        assert record.code[:44] in text and f"Signed by: {fingerprint}" in text
        assert str(tmp_path) not in text and "Saved as" not in text  # no server paths

        await pilot.press("c")  # signed again: the same folder, nothing new
        await pilot.pause()
        assert "Signature" in certificate_shown(app)

    folder = data_dir() / "certificates" / "alice"
    assert record.txt_path == folder / "certificate-alice.txt" and record.svg_path == folder / "certificate-alice.svg"
    assert every_file(tmp_path) == {data_dir() / keys.KEY_NAME, record.txt_path, record.svg_path}
    assert signing.verify(record.svg_path).display_name == "alice"


async def test_a_served_certificate_is_signed_with_the_servers_host_key(tmp_path, monkeypatch):
    from backprop_tui.app import BackpropApp

    host_key = tmp_path / "etc" / "ssh_host_ed25519_key"
    server = keys.load_or_create(host_key)
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(host_key))
    store = finished_store("bob")
    app = BackpropApp(section="finish", learner="bob", store=store, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert f"Key\n  {keys.fingerprint(server.public_key())}\n" in certificate_shown(app)
        record = store.certificate("bob")
    assert not (data_dir() / keys.KEY_NAME).exists()
    assert signing.verify(record.txt_path).signer == keys.fingerprint(server.public_key())


async def test_a_served_student_is_not_shown_a_file_from_outside_their_folder(tmp_path):
    from backprop_tui.app import BackpropApp

    store = finished_store("carol")
    local = write_certificate(store, "carol", results(store, "carol"), directory=tmp_path / "elsewhere")
    app = BackpropApp(section="finish", learner="carol", store=store, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        text = certificate_shown(app)
        assert "can't be shown: it was not issued here" in text and local.code not in text
        await pilot.press("c")
        await pilot.pause()
        assert store.certificate("carol").txt_path.parent == served_directory("carol")
        assert local.code in certificate_shown(app)  # the same facts, key and day: the same signature


async def test_a_local_learner_is_told_where_the_files_are_and_how_to_check_them(tmp_path, monkeypatch):
    from backprop_tui.app import BackpropApp

    monkeypatch.setenv("HOME", str(tmp_path / "someone-else"))  # the data directory is not below the home folder
    store = finished_store("dora")
    app = BackpropApp(section="finish", learner="dora", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        record = store.certificate("dora")
        text = certificate_shown(app)
        assert record.txt_path.parent == data_dir()
        assert f"Signature\n  {record.code}\n" in text
        assert f"Saved as\n  {record.svg_path}\n  {record.txt_path}\n" in text  # each path whole, on its own line
        assert f"Check it with\n  backprop-tui verify {record.txt_path}\n" in text
        assert "This certifies that" not in text  # the files hold the certificate; the screen says where
        n = len(EXERCISE_IDS)
        stated = text[text.index("It states\n") : text.index("Saved as")]
        assert stated.splitlines()[1:] == [  # what the file states, read back from it
            f"  Date: {record.issued_at}", "  Sections visited: 8 of 8",
            f"  Quick checks: {len(QUESTIONS)} of {len(QUESTIONS)} right on the first try",
            f"  Exercises: {n} of {n} solved, {n} attempts in all", "  Time spent: 12 min",
        ]  # fmt: skip
        assert signing.verify(record.txt_path).summary() == (
            f"dora, {record.issued_at}, {len(QUESTIONS)}/{len(QUESTIONS)}, exercises {n}/{n}"
        )


async def test_paths_below_the_home_folder_read_from_it_and_the_command_is_quoted_for_a_shell(tmp_path, monkeypatch):
    from backprop_tui.app import BackpropApp

    home = tmp_path / "ada"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("BACKPROP_TUI_HOME", str(home / "Library" / "Application Support" / "backprop-tui"))
    store = finished_store("ada")
    app = BackpropApp(section="finish", learner="ada", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        wide = certificate_shown(app, width=100)
        text = certificate_shown(app, width=76)  # the width the certificate area has at 80 columns
        assert "  ~/Library/Application Support/backprop-tui/certificate-ada.txt\n" in text
        command = "  backprop-tui verify ~/'Library/Application Support/backprop-tui/certificate-ada.txt'\n"
        assert command in wide  # the shell expands ~ (outside the quotes) and keeps the space inside them
        assert command not in text  # 86 columns: in two commands that each fit
        assert "  cd ~/'Library/Application Support/backprop-tui'\n  backprop-tui verify certificate-ada.txt\n" in text
        folder = home / "Library" / "Application Support" / "backprop-tui"
        assert store.certificate("ada").txt_path == folder / "certificate-ada.txt"


async def test_a_path_too_long_for_the_window_is_cut_at_its_start_and_never_wrapped(tmp_path, monkeypatch):
    from backprop_tui.app import BackpropApp

    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))
    deep = tmp_path / ("a-very-long-folder-name-" * 3) / "backprop-tui"
    monkeypatch.setenv("BACKPROP_TUI_HOME", str(deep))
    store = finished_store("ada")
    app = BackpropApp(section="finish", learner="ada", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        record = store.certificate("ada")
        wide = certificate_shown(app, width=200)
        narrow = certificate_shown(app, width=60)
    svg = str(record.svg_path)
    assert f"\n  {svg}\n" in wide and "cut to fit" not in wide
    lines = narrow.splitlines()
    assert all(len(line.rstrip()) <= 60 for line in lines)
    cut = next(line for line in lines if line.startswith("  …") and line.endswith("certificate-ada.svg"))
    assert svg.endswith(cut.strip().removeprefix("…"))  # the end of the path, its file name whole
    assert f"(cut to fit: the whole line needs {len(svg) + 2} columns; widen the window to copy it)" in flat(narrow)
    assert svg not in narrow.replace("\n", "")  # no line holds a piece of it that reads as the whole
    assert not any(line.strip() and svg.startswith(line.strip()) for line in lines)  # never wrapped mid-path
    assert "(the signature, in two lines as the certificate prints it)" in narrow
    assert f"  {record.code[:44]}\n  {record.code[44:]}\n" in narrow


async def test_a_served_student_in_a_narrow_window_is_told_the_certificate_is_wider(tmp_path):
    from backprop_tui.app import BackpropApp

    store = finished_store("erin")
    app = BackpropApp(section="finish", learner="erin", store=store, served=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert "This certifies that" in certificate_shown(app, width=76)
        narrow = certificate_shown(app, width=60)
    assert "This certifies that" not in narrow
    assert f"The certificate is {certificate_facts.WIDTH} columns wide: widen the window to see it here." in flat(narrow)
    assert all(len(line.rstrip()) <= 60 for line in narrow.splitlines())


async def test_a_certificate_from_before_signing_asks_for_a_new_one(tmp_path):
    from backprop_tui.app import BackpropApp

    store = finished_store("eve")
    old = data_dir() / "certificate-eve.txt"
    old.parent.mkdir(parents=True, exist_ok=True)
    lines = ["This certifies that", "eve", "has completed the backprop-tui lesson on backpropagation.",
             "Date: 2026-01-05", "Verification code: 1A2B-3C4D-5E6F"]  # as certificates were before signing
    old.write_text("\n".join(["╭─ backprop-tui · Certificate of completion ─╮", *(f"│ {x} │" for x in lines), "╰──╯"]))
    store.save_certificate("eve", "1A2B-3C4D-5E6F", old.with_suffix(".svg"), old, 9, 9, "2026-01-05")
    app = BackpropApp(section="finish", learner="eve", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        text = certificate_shown(app)
        assert "can't be shown: signature missing" in text and "Press c to sign it again" in text
        await pilot.press("c")
        await pilot.pause()
        assert signing.verify(old).display_name == "eve"
