"""Signed certificates: ``backprop-tui verify`` says valid only for an unchanged certificate of this installation's key.

Every check runs on the text file and on the SVG exactly as Rich exports it
(one ``<text>`` per run of one style, spaces as ``&#160;``), and every refusal
is ``not valid: why`` with exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_tui import cli
from backprop_tui.lesson.exercises import EXERCISES
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTION_IDS
from backprop_tui.progress import certificate_facts, keys, signing
from backprop_tui.progress.certificate import Certificate, write_certificate
from backprop_tui.progress.results import ExerciseResult
from backprop_tui.progress.store import ProgressStore, Results, data_dir

DAY = dt.date(2026, 3, 14)
TOTAL = len(QUESTIONS)
N = len(EXERCISES)
EXERCISES_LINE = f"Exercises: {N} of {N} solved, {N + 1} attempts in all"
VALID = f"valid: Ada Lovelace, 2026-03-14, 8/{TOTAL}, exercises {N}/{N}\n"
MISMATCH = (
    "the signature does not match the stated facts: the name, date, sections, score, exercises or time was changed, "
    "or the signature was"
)
DAMAGED = "the signature was changed: it is not an Ed25519 signature (88 characters of base64)"
FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


def complete_results(score: int = 8, seconds: float = 3900.0) -> Results:
    """Every section, quick check and exercise done; the first exercise took two attempts."""
    return Results(
        visited=SECTION_IDS,
        sections_total=len(SECTION_IDS),
        answered=TOTAL,
        questions_total=TOTAL,
        score=score,
        seconds=seconds,
        exercises=tuple(ExerciseResult(e.id, e.title, 2 if i == 0 else 1, True) for i, e in enumerate(EXERCISES)),
    )


def issue(folder: Path, learner: str = "Ada Lovelace", **kwargs: float) -> Certificate:
    with ProgressStore(None) as store:
        return write_certificate(store, learner, complete_results(**kwargs), today=DAY, directory=folder)


@pytest.fixture
def cert(tmp_path) -> Certificate:
    return issue(tmp_path / "certs")


@pytest.fixture(params=["txt", "svg"])
def kind(request) -> str:
    return request.param


def path_of(cert: Certificate, kind: str) -> Path:
    return cert.txt_path if kind == "txt" else cert.svg_path


def run(path: Path | str, capsys) -> tuple[int, str]:
    """``backprop-tui verify path``: its exit status and what it printed (nothing may go to stderr)."""
    status = signing.verify_command(argparse.Namespace(file=str(path)))
    out, err = capsys.readouterr()
    assert err == ""
    return status, out


def refused(path: Path | str, capsys) -> str:
    """The reason ``verify`` gives for refusing ``path`` (exit status 1, one line)."""
    status, out = run(path, capsys)
    assert status == 1
    assert out.startswith("not valid: ") and out.endswith("\n")
    return out.removeprefix("not valid: ").removesuffix("\n")


def tamper(path: Path, old: str, new: str) -> None:
    """Change the certificate's visible ``old`` (once) into ``new``, in the text file or in the SVG's markup."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".svg":
        old, new = (html.escape(s, quote=False).replace(" ", "&#160;") for s in (old, new))
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def fingerprint_of(path: Path) -> str:
    return keys.fingerprint(keys.load_or_create(path).public_key())


# -- valid ------------------------------------------------------------------------------------------------


def test_a_fresh_certificate_is_valid_as_text_and_as_svg(cert, capsys, kind):
    assert run(path_of(cert, kind), capsys) == (0, VALID)


def test_the_svg_is_read_from_rich_s_own_markup(cert):
    svg = cert.svg_path.read_text(encoding="utf-8")
    assert "Ada&#160;Lovelace" in svg and "Ada Lovelace" not in svg  # what the reader has to undo
    assert svg.count("<text") > 40  # many runs, placed by x
    assert signing.file_lines(cert.svg_path) == [
        line.rstrip() for line in cert.txt_path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_the_command_line_verifies_end_to_end(cert, capsys):
    assert cli.main(["verify", str(cert.txt_path)]) == 0
    assert capsys.readouterr().out == VALID
    assert (data_dir() / keys.KEY_NAME).is_file()  # the key is the test's own, in BACKPROP_TUI_HOME
    tamper(cert.svg_path, "Date: 2026-03-14", "Date: 2026-03-21")
    assert cli.main(["verify", str(cert.svg_path)]) == 1
    assert capsys.readouterr().out == f"not valid: {MISMATCH}\n"


def test_windows_line_ends_and_a_byte_order_mark_still_read(cert, capsys):
    text = cert.txt_path.read_text(encoding="utf-8")
    cert.txt_path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert run(cert.txt_path, capsys) == (0, VALID)


# -- changed facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Ada Lovelace", "Ada Lovelacf"),
        ("Date: 2026-03-14", "Date: 2026-03-15"),
        (f"Quick checks: 8 of {TOTAL}", f"Quick checks: {TOTAL} of {TOTAL}"),
        (f"Quick checks: 8 of {TOTAL}", f"Quick checks: 8 of {TOTAL + 1}"),
        ("Time spent: 1 h 05 min", "Time spent: 1 h 15 min"),
        ("Sections visited: 8 of 8", "Sections visited: 8 of 9"),
        (EXERCISES_LINE, f"Exercises: {N} of {N} solved, 1 attempt in all"),
        (EXERCISES_LINE, f"Exercises: {N} of {N + 1} solved, {N + 1} attempts in all"),
        (EXERCISES_LINE, f"Exercises: {N + 1} of {N} solved, {N + 1} attempts in all"),
    ],
    ids=["name", "date", "score", "total", "time", "sections", "attempts", "exercises", "solved"],
)
def test_a_changed_fact_no_longer_matches_the_signature(cert, capsys, kind, old, new):
    path = path_of(cert, kind)
    tamper(path, old, new)
    assert refused(path, capsys) == MISMATCH


def test_a_changed_signature_does_not_match(tmp_path, cert, capsys, kind):
    path = path_of(cert, kind)
    other = issue(tmp_path / "other", learner="Bob")
    tamper(path, cert.code[:44], other.code[:44])
    assert refused(path, capsys) == MISMATCH


@pytest.mark.parametrize("at", [0, 10, 43, 44, 60, 85])
def test_one_character_of_the_signature_changed(cert, capsys, kind, at):
    path = path_of(cert, kind)
    chunk, offset = (cert.code[:44], at) if at < 44 else (cert.code[44:], at - 44)
    swapped = "B" if chunk[offset] == "A" else "A"
    tamper(path, chunk, chunk[:offset] + swapped + chunk[offset + 1 :])
    assert refused(path, capsys) in (MISMATCH, DAMAGED)


def test_a_signature_of_another_length_is_called_changed(cert, capsys, kind):
    path = path_of(cert, kind)
    tamper(path, cert.code[:44], cert.code[:40])
    assert refused(path, capsys) == DAMAGED


def test_the_signer_line_changed_to_another_key(tmp_path, cert, capsys, kind):
    path = path_of(cert, kind)
    stranger = fingerprint_of(tmp_path / "stranger")
    tamper(path, cert.signer, stranger)
    reason = refused_lines(path, capsys)
    assert reason[0] == "not valid: signed by a different key than this installation's"
    assert f"  signed by:          {stranger}" in reason and f"  this installation:  {cert.signer}" in reason


def refused_lines(path: Path, capsys) -> list[str]:
    status, out = run(path, capsys)
    assert status == 1
    return out.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Time spent: 1 h 05 min", "Time spent: 1 h 5 min",
         "the time spent line was changed: 'Time spent: 1 h 5 min' is not how a certificate states it"),
        (f"Quick checks: 8 of {TOTAL}", f"Quick checks: eight of {TOTAL}", "the quick checks line was changed: "),
        ("Date: 2026-03-14", "Date: 2026-02-30", "the date line was changed: 2026-02-30 is not a date"),
        ("Date: 2026-03-14", "Date: 14 March 2026", "the date line was changed: "),
        (f"Quick checks: 8 of {TOTAL}", f"Quick checks: 08 of {TOTAL}",
         "not a certificate as issued: this line is not one it prints: 'Quick checks: 08 of"),
        ("Signature (v3):", "Signature (v4):",
         "the certificate is in format v4, which this version of backprop-tui can't check (it reads v2 and v3)"),
        ("Signature (v3):", "Signature (v2):",
         "not a certificate as issued: this line is not one it prints: 'Exercises: "),  # v2 states no exercises
        ("Signature (v3):", "Signature:", "the signature line was changed: 'Signature:'"),
        (EXERCISES_LINE, EXERCISES_LINE.replace("solved", "done"), "the exercises line was changed: "),
        (EXERCISES_LINE, "Practice: all done", "not a whole certificate: the exercises line is missing"),
        ("Signed by: ", "Signed: ", "not a whole certificate: the signer's fingerprint ('Signed by') line is missing"),
        ("SHA256:", "MD5:", "the signer's fingerprint ('Signed by') line was changed: "),
        ("This certifies that", "This says that", "not a whole certificate: the lines around the name"),
        ("Check it with: ", "Trust it: ", "not a certificate as issued: this line is not one it prints: 'Trust it: "),
    ],
    ids=["time-form", "score-words", "no-such-date", "date-form", "leading-zero", "format", "older-format", "label",
         "exercises-form", "exercises-missing", "signer-label", "signer-form", "intro", "hint"],
)
def test_a_line_not_as_a_certificate_prints_it_says_which(cert, capsys, kind, old, new, reason):
    path = path_of(cert, kind)
    tamper(path, old, new)
    assert refused(path, capsys).startswith(reason)


def test_an_added_line_is_refused_even_with_the_signature_intact(cert, capsys):
    text = cert.txt_path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(text) if "Time spent" in line) + 1
    text.insert(at, "│" + "Honours: with distinction".center(70) + "│")
    cert.txt_path.write_text("\n".join(text), encoding="utf-8")
    assert refused(cert.txt_path, capsys) == (
        "not a certificate as issued: this line is not one it prints: 'Honours: with distinction'"
    )


def test_text_outside_the_frame_is_refused(cert, capsys):
    with cert.txt_path.open("a", encoding="utf-8") as file:
        file.write("Grade: A+\n")
    assert refused(cert.txt_path, capsys) == "not a certificate as issued: it has text after its frame"
    cert.txt_path.write_text("Grade: A+\n" + cert.txt_path.read_text(encoding="utf-8").removesuffix("Grade: A+\n"))
    assert refused(cert.txt_path, capsys).startswith("not a certificate: it doesn't start with the heading")


def test_a_missing_signature_says_so(cert, capsys, kind):
    path = path_of(cert, kind)
    for chunk in (cert.code[:44], cert.code[44:]):
        tamper(path, chunk, "")
    assert refused(path, capsys) == "signature missing: nothing follows the 'Signature' line"
    tamper(path, "Signature (v3):", "")
    assert refused(path, capsys) == "signature missing: the certificate has no 'Signature' line"


OLD_CERTIFICATE = """\
╭────────────── backprop-tui · Certificate of completion ──────────────╮
│                                                                      │
│                         This certifies that                          │
│                             Ada Lovelace                             │
│      has completed the backprop-tui lesson on backpropagation.       │
│                                                                      │
│                           Date: 2026-03-14                           │
│                       Sections visited: 8 of 8                       │
│             Quick checks: 8 of 9 right on the first try              │
│                        Time spent: 1 h 05 min                        │
│                                                                      │
│               Verification code: 1A2B-3C4D-5E6F                      │
│                                                                      │
╰──────────────────────────────────────────────────────────────────────╯
"""


def test_a_certificate_from_before_signing_has_no_signature(tmp_path, capsys):
    path = tmp_path / "old.txt"
    path.write_text(OLD_CERTIFICATE, encoding="utf-8")
    reason = refused(path, capsys)
    assert reason.startswith("signature missing: this certificate was issued before certificates were signed")


V2_KEY = bytes(range(32))
"""The private key (raw Ed25519 bytes) that signed :data:`V2_CERTIFICATE`."""
V2_CERTIFICATE = """\
╭────────────── backprop-tui · Certificate of completion ──────────────╮
│                                                                      │
│                         This certifies that                          │
│                             Ada Lovelace                             │
│      has completed the backprop-tui lesson on backpropagation.       │
│                                                                      │
│                           Date: 2026-03-14                           │
│                       Sections visited: 8 of 8                       │
│             Quick checks: 8 of 11 right on the first try             │
│                        Time spent: 1 h 05 min                        │
│                                                                      │
│    Signed by: SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg     │
│                           Signature (v2):                            │
│             av9pJkX3vjo9UuSYk+dzw76LdHXHFXdhOjNm45wIS9Eu             │
│             LWvbo67ijKbLJCGjxxTXJpkefG5zqMtw8eAE46iKBw==             │
│                                                                      │
│               Check it with: backprop-tui verify FILE                │
│                                                                      │
╰──────────────────────────────────────────────────────────────────────╯
"""
"""A v2 certificate exactly as backprop-tui wrote it before the exercises were graded (no exercises line)."""


@pytest.fixture
def v2_installation(tmp_path, monkeypatch) -> Path:
    """This installation's key is the one that signed :data:`V2_CERTIFICATE`; returns that certificate's file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(V2_KEY)
    path = tmp_path / "v2_key"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
    )
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(path))
    certificate = tmp_path / "certificate-v2.txt"
    certificate.write_text(V2_CERTIFICATE, encoding="utf-8")
    return certificate


def test_a_v2_certificate_from_before_the_exercises_still_verifies_and_says_so(v2_installation, capsys):
    assert run(v2_installation, capsys) == (
        0, "valid: Ada Lovelace, 2026-03-14, 8/11 (format v2: issued before the exercises were graded)\n"
    )
    facts = signing.verify(v2_installation)
    assert (facts.version, facts.solved, facts.exercises, facts.attempts) == ("v2", 0, 0, 0)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Quick checks: 8 of 11", "Quick checks: 9 of 11", MISMATCH),
        ("Time spent: 1 h 05 min", "Time spent: 1 h 05 min│\n│Exercises: 5 of 5 solved, 5 attempts in all",
         "not a certificate as issued: this line is not one it prints: 'Exercises: 5 of 5 solved, 5 attempts in all'"),
        ("Signature (v2):", "Signature (v3):", "not a whole certificate: the exercises line is missing"),
    ],
    ids=["score", "exercises-added", "relabelled-v3"],
)
def test_a_changed_v2_certificate_is_refused(v2_installation, capsys, old, new, reason):
    text = V2_CERTIFICATE
    assert text.count(old) == 1
    v2_installation.write_text(text.replace(old, new), encoding="utf-8")
    assert refused(v2_installation, capsys) == reason


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_visible_character_changed_is_not_valid(cert, data):
    """Any one character inside the frame (or of its bottom border) replaced by another visible one: never valid."""
    original = cert.txt_path.read_text(encoding="utf-8")
    lines = original.splitlines()
    row = data.draw(st.integers(1, len(lines) - 1))
    column = data.draw(st.integers(0, len(lines[row]) - 1))
    glyph = data.draw(st.characters(blacklist_categories=("Z", "C")).filter(lambda ch: ch != lines[row][column]))
    lines[row] = lines[row][:column] + glyph + lines[row][column + 1 :]
    cert.txt_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        with pytest.raises(signing.NotValid):
            signing.verify(cert.txt_path)
    finally:
        cert.txt_path.write_text(original, encoding="utf-8")


# -- which key -------------------------------------------------------------------------------------------


def test_signed_by_another_installation_prints_both_fingerprints(tmp_path, capsys, monkeypatch):
    theirs = tmp_path / "their_host_key"
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(theirs))
    their_fingerprint = fingerprint_of(theirs)
    cert = issue(tmp_path / "certs")
    assert cert.signer == their_fingerprint
    monkeypatch.delenv(keys.HOST_KEY_ENV)
    ours = keys.fingerprint(keys.signing_key().public_key())

    lines = refused_lines(cert.txt_path, capsys)
    assert lines[0] == "not valid: signed by a different key than this installation's"
    assert lines[1:3] == [f"  signed by:          {their_fingerprint}", f"  this installation:  {ours}"]
    assert "on the installation that issued it" in lines[3]

    monkeypatch.setenv(keys.HOST_KEY_ENV, str(theirs))  # the teacher, on the issuing server
    assert run(cert.svg_path, capsys) == (0, VALID)


def test_an_installation_without_a_key_says_who_signed_and_makes_no_key(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(keys.HOST_KEY_ENV, str(tmp_path / "their_host_key"))
    keys.load_or_create(tmp_path / "their_host_key")
    cert = issue(tmp_path / "certs")
    monkeypatch.delenv(keys.HOST_KEY_ENV)
    reason = refused(cert.txt_path, capsys)
    assert reason.startswith("this installation has no key yet") and cert.signer in reason
    assert not (data_dir() / keys.KEY_NAME).exists()


def test_a_broken_key_here_is_a_reason_not_a_traceback(cert, capsys):
    (data_dir() / keys.KEY_NAME).write_bytes(b"not a key")
    reason = refused(cert.txt_path, capsys)
    assert reason.startswith("this installation's key can't be used to check it: ") and keys.KEY_NAME in reason


def test_signing_refuses_facts_that_name_another_signer(cert):
    facts = signing.verify(cert.txt_path)
    stranger = keys.load_or_create(data_dir() / "stranger")
    with pytest.raises(ValueError, match="another signer"):
        signing.sign(facts, stranger)


# -- files that are no certificate ---------------------------------------------------------------------


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>"""


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty, not a certificate"),
        (b"  \n\t\n", "is empty, not a certificate"),
        (bytes(range(256)) * 8, "holds binary data, not a certificate"),
        (b"\xff\xfe\xfa certificate", "is not UTF-8 text, so not a certificate"),
        (b"hello\nworld\n", "not a certificate: it doesn't start with the heading"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "shows no text, so it is not a certificate"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect/><text x='1'>  </text></svg>", "shows no text"),
        (b"<svg><text>unclosed", "is not a readable SVG"),
        (BOMB, "is not an SVG of a certificate (it declares a document type)"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><text x='0' y='1'>Hello</text></svg>", "not a certificate:"),
        (b"a" * (certificate_facts.MAX_BYTES + 1), "is too large to be a certificate (more than 1024 KiB)"),
    ],
    ids=["empty", "blank", "binary", "latin", "text", "svg-empty", "svg-blank", "svg-broken", "svg-entities",
         "svg-other", "huge"],
)
def test_a_file_that_is_no_certificate_is_one_line_of_reason(tmp_path, capsys, content, reason):
    path = tmp_path / "file"
    path.write_bytes(content)
    assert reason in refused(path, capsys)


def test_a_file_that_cant_be_read(tmp_path, capsys):
    assert refused(tmp_path / "missing.txt", capsys) == f"can't read {tmp_path / 'missing.txt'}: No such file or directory"
    assert refused(tmp_path, capsys).startswith(f"can't read {tmp_path}: ")


@FUZZ
@given(content=st.binary(max_size=2048))
def test_any_bytes_give_a_reason_not_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "garbage"
    path.write_bytes(content)
    refused(path, capsys)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_under_a_certificate_heading_gives_a_reason(tmp_path, capsys, text):
    path = tmp_path / "garbage.txt"
    path.write_text(f"╭── {certificate_facts.TITLE} ──╮\n│ {text} │\n╰──╯\n", encoding="utf-8")
    refused(path, capsys)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_svg_text_gives_a_reason(tmp_path, capsys, text):
    path = tmp_path / "garbage.svg"
    body = html.escape(text)
    path.write_text(
        f"<svg xmlns='http://www.w3.org/2000/svg'><text x='0' y='1' textLength='0' clip-path='url(#t-line-0)'>"
        f"╭ {certificate_facts.TITLE} ╮</text><text x='abc' y='2'>{body}</text>"
        f"<text x='12' clip-path='url(#t-line-1)'>{body}</text></svg>",
        encoding="utf-8",
    )
    refused(path, capsys)


# -- names that look like lines of a certificate ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Date: 2020-01-01", "Signature (v2):", "Signed by: SHA256:x", "Verification code: 1A2B", "This certifies that",
     "╰── x ──╯", "│ Ada │", "Zoë 名前 🎓", "a" * 64, " ".join(["Wolfeschlegelsteinhausenberger"] * 4), "&#160;<b>&amp;"],
)
def test_a_name_that_looks_like_a_certificate_line_still_checks(tmp_path, capsys, kind, name):
    cert = issue(tmp_path, learner=name)
    status, out = run(path_of(cert, kind), capsys)
    assert (status, out) == (0, f"valid: {certificate_facts.printable_name(name)}, 2026-03-14, 8/{TOTAL}, exercises {N}/{N}\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=80))
def test_any_name_is_signed_as_printed_and_checks_in_both_files(tmp_path, name):
    cert = issue(tmp_path / "any", learner=name)
    for path in (cert.txt_path, cert.svg_path):
        assert signing.verify(path).display_name == " ".join(certificate_facts.name_lines(name))
