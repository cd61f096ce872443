"""Signed certificates: signing and checking the facts (see :mod:`~backprop_tui.progress.certificate_facts`),
reading a certificate back, and ``backprop-tui verify``.

A certificate prints its facts as a person reads them (name, date, sections
visited, quick-check score, exercises solved, time spent), then the fingerprint
of the key that signed them and the Ed25519 signature in base64. The signature covers one
canonical line built from exactly what is printed (:meth:`Facts.statement`),
with a version tag and the signer's fingerprint, so only the holder of the
installation's private key (:mod:`~backprop_tui.progress.keys`) can make one
that checks, and changing any printed fact breaks it. The key is the classroom
server's SSH host key, whose fingerprint the students have already seen.

:func:`read_certificate` reads a certificate back from its text file or its
SVG (Rich's export: one ``<text>`` element per run of one style, placed by
``x``, spaces as ``&#160;``); the whole panel must be exactly what its facts
print, so no unsigned line can be added. :func:`verify_command` is
``backprop-tui verify FILE``: ``valid: …`` and exit 0, or why not and exit 1,
never a traceback.

Formats: ``v3`` (written now) states the exercises; ``v2`` certificates, issued
before the exercises were graded, are still read and checked as they were
signed, and :func:`verify_command` says which format a valid one is in. Any
other format is refused with the formats this version reads.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from rich.cells import cell_len

from backprop_tui.progress import keys
from backprop_tui.progress.certificate_facts import (
    COMPLETED,
    FORMATS,
    INTRO,
    MAX_BYTES,
    TITLE,
    WIDTH,
    Facts,
    format_duration,
    panel_lines,
)

_DATE = re.compile(r"Date: (\d{4}-\d{2}-\d{2})", re.ASCII)
_SECTIONS = re.compile(r"Sections visited: (\d{1,6}) of (\d{1,6})", re.ASCII)
_SCORE = re.compile(r"Quick checks: (\d{1,6}) of (\d{1,6}) right on the first try", re.ASCII)
_EXERCISES = re.compile(r"Exercises: (\d{1,6}) of (\d{1,6}) solved, (\d{1,7}) attempts? in all", re.ASCII)
_TIME = re.compile(r"Time spent: (?:(\d{1,7}) h (\d{2}) min|(\d{1,9}) min)", re.ASCII)
_SIGNER = re.compile(r"Signed by: (SHA256:[A-Za-z0-9+/]{43})", re.ASCII)
_LABEL = re.compile(r"Signature \((v\d{1,4})\):", re.ASCII)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]+", re.ASCII)
_SVG_LINE = re.compile(r"line-(\d{1,6})\)")


class NotValid(Exception):
    """The certificate is not valid here; the message says why (one sentence, or a few lines for another key)."""


# -- signing and checking ------------------------------------------------------------------------------


def sign(facts: Facts, key: Ed25519PrivateKey) -> str:
    """The Ed25519 signature of ``facts``' statement, in base64 (88 characters).

    Raises:
        ValueError: ``facts.signer`` is not ``key``'s fingerprint.
    """
    if facts.signer != keys.fingerprint(key.public_key()):
        raise ValueError("the facts name another signer than this key")
    return base64.b64encode(key.sign(facts.statement())).decode("ascii")


def check(facts: Facts, signature: str, installation: Ed25519PublicKey | None) -> None:
    """Nothing if ``signature`` is ``installation``'s signature of ``facts``.

    Raises:
        NotValid: signed by another key (or there is no key here to check with), a damaged
            signature, or one that doesn't match the stated facts.
    """
    if installation is None:
        raise NotValid(
            f"this installation has no key yet, so it can't check a signature; the certificate says it was signed by "
            f"{facts.signer}: check it on the installation that issued it"
        )
    own = keys.fingerprint(installation)
    if facts.signer != own:
        raise NotValid(
            "signed by a different key than this installation's\n"
            f"  signed by:          {facts.signer}\n"
            f"  this installation:  {own}\n"
            "Check it on the installation that issued it (backprop-tui verify there), or compare the signer with "
            "the fingerprint that installation's server shows. (A server started with --host-key FILE signs with "
            "that key: run BACKPROP_TUI_HOST_KEY=FILE backprop-tui verify CERTIFICATE.)"
        )
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 64 or base64.b64encode(raw).decode("ascii") != signature:  # one spelling only: no spare bits
        raise NotValid("the signature was changed: it is not an Ed25519 signature (88 characters of base64)")
    try:
        installation.verify(raw, facts.statement())
    except InvalidSignature:
        raise NotValid(
            "the signature does not match the stated facts: the name, date, sections, score, exercises or time was "
            "changed, or the signature was"
        ) from None


# -- reading a certificate back -------------------------------------------------------------------------


def read_certificate(path: Path) -> tuple[Facts, str]:
    """The facts a certificate file (text or SVG) states, and its signature.

    Raises:
        NotValid: the file can't be read, is not a certificate, has no signature, or
            has lines that are not exactly what its facts print.
    """
    return parse_lines(file_lines(path))


def file_lines(path: Path) -> list[str]:
    """The lines of a certificate file: its text, or the text an SVG shows, line by line.

    Raises:
        NotValid: the file can't be read, is too large, is binary, or is an SVG that can't be parsed.
    """
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise NotValid(f"can't read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise NotValid(f"{path} is too large to be a certificate (more than {MAX_BYTES // 1024} KiB)")
    if not data.strip():
        raise NotValid(f"{path} is empty, not a certificate")
    if b"\x00" in data:
        raise NotValid(f"{path} holds binary data, not a certificate")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise NotValid(f"{path} is not UTF-8 text, so not a certificate") from None
    if text.lstrip().startswith("<"):
        return svg_lines(text, path)
    return text.splitlines()


def svg_lines(text: str, path: Path | str = "the SVG") -> list[str]:
    """The lines of text an SVG shows, as Rich's export draws a terminal: ``<text>`` elements
    grouped by the line each is clipped to (else by ``y``), placed by ``x``.

    Raises:
        NotValid: it doesn't parse, declares entities, or shows no text.
    """
    if "<!DOCTYPE" in text or "<!ENTITY" in text:  # Rich writes neither; entities could expand without bound
        raise NotValid(f"{path} is not an SVG of a certificate (it declares a document type)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise NotValid(f"{path} is not a readable SVG ({error})") from None
    runs: dict[tuple[int, float], list[tuple[float, float, str]]] = {}
    clipped = False
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "text":
            continue
        content = "".join(element.itertext()).replace("\n", "").replace("\xa0", " ")
        if not content.strip():  # Rich draws spaces by placing the next run: it writes none alone
            continue
        try:
            x = float(element.get("x", "0"))
            y = float(element.get("y", "0"))
            length = float(element.get("textLength", "0"))
        except ValueError:
            continue
        line = _SVG_LINE.search(element.get("clip-path", ""))
        if line and not clipped:  # the terminal's lines: forget anything outside them (the window title)
            runs.clear()
            clipped = True
        if clipped and not line:
            continue
        key = (int(line.group(1)), 0.0) if line else (0, y)
        runs.setdefault(key, []).append((x, length / len(content), content))
    if not runs:
        raise NotValid(f"{path} shows no text, so it is not a certificate")
    return [_place(runs[key]) for key in sorted(runs)]


def _place(runs: list[tuple[float, float, str]]) -> str:
    """One line from its runs of text: each at its ``x`` (in cells of the width its ``textLength`` gives)."""
    line, column = [], 0
    for x, cell, content in sorted(runs, key=lambda run: run[0]):
        at = round(x / cell) if cell > 0 else column
        if at > column:
            line.append(" " * min(at - column, WIDTH * 4))
            column = at
        line.append(content)
        column += cell_len(content)
    return "".join(line)


def parse_lines(lines: Sequence[str]) -> tuple[Facts, str]:
    """The facts and signature of a certificate's lines (as :func:`file_lines` gives them).

    Raises:
        NotValid: it is not a certificate, has no signature, states a fact in a way no
            certificate does, or has any line that its facts would not print.
    """
    rows = [line.strip() for line in lines if line.strip()]
    if not rows or not (rows[0].startswith("╭") and rows[0].endswith("╮") and f" {TITLE} " in rows[0]):
        raise NotValid(f"not a certificate: it doesn't start with the heading '{TITLE}'")
    end = next((i for i, row in enumerate(rows) if row.startswith("╰")), None)
    if end is None:
        raise NotValid("not a whole certificate: its bottom border is missing")
    if end != len(rows) - 1:
        raise NotValid("not a certificate as issued: it has text after its frame")
    if rows[end] != "╰" + "─" * (len(rows[end]) - 2) + "╯":
        raise NotValid(f"not a certificate as issued: its bottom border was changed: {_quote(rows[end])}")
    body: list[str] = []
    for row in rows[1:end]:
        if len(row) < 2 or row[0] != "│" or row[-1] != "│":
            raise NotValid(f"not a certificate: it has a line outside its frame: {_quote(row)}")
        if inner := row[1:-1].strip():
            body.append(inner)

    try:
        first = body.index(INTRO)
        last = body.index(COMPLETED, first + 1)
    except ValueError:
        raise NotValid(f"not a whole certificate: the lines around the name ('{INTRO}' … '{COMPLETED}') are missing") from None
    name, rest = tuple(body[first + 1 : last]), body[last + 1 :]  # facts are looked for after the name only
    if not name:
        raise NotValid("not a whole certificate: the name is missing")
    if not any(row.startswith("Signature") for row in rest):
        if any(row.startswith("Verification code:") for row in rest):
            raise NotValid(
                "signature missing: this certificate was issued before certificates were signed, and its verification "
                "code can be worked out by anyone; ask for a new one (press c on section 8's results)"
            )
        raise NotValid("signature missing: the certificate has no 'Signature' line")
    facts, chunks = _read_facts(name, rest)
    expected = [row for row in panel_lines(facts, chunks) if row]  # the signature as it is split: check() judges it
    if body != expected:
        changed = next((got for got, want in zip(body, expected) if got != want), None)
        if changed is None:
            raise NotValid("not a certificate as issued: it has lines missing or added")
        raise NotValid(f"not a certificate as issued: this line is not one it prints: {_quote(changed)}")
    return facts, "".join(chunks)


def _read_facts(name: tuple[str, ...], rest: list[str]) -> tuple[Facts, list[str]]:
    """Each fact from the first line after the name that states it, checked to read back as printed."""

    def find(prefix: str, what: str) -> str:
        row = next((row for row in rest if row.startswith(prefix)), None)
        if row is None:
            raise NotValid(f"not a whole certificate: the {what} line is missing")
        return row

    def read(prefix: str, what: str, pattern: re.Pattern[str]) -> re.Match[str]:
        row = find(prefix, what)
        if (match := pattern.fullmatch(row)) is None:
            raise NotValid(f"the {what} line was changed: {_quote(row)} is not how a certificate states it")
        return match

    label = read("Signature", "signature", _LABEL)
    version = label.group(1)
    if version not in FORMATS:
        raise NotValid(
            f"the certificate is in format {version}, which this version of backprop-tui can't check "
            f"(it reads {' and '.join(FORMATS)}): check it with the version that issued it"
        )
    start = rest.index(label.group(0)) + 1
    chunks: list[str] = []
    for row in rest[start:]:
        if not _BASE64.fullmatch(row):
            break
        chunks.append(row)
    if not chunks:
        raise NotValid("signature missing: nothing follows the 'Signature' line")
    signer = read("Signed by", "signer's fingerprint ('Signed by')", _SIGNER).group(1)
    date = read("Date", "date", _DATE).group(1)
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise NotValid(f"the date line was changed: {date} is not a date") from None
    visited, sections = (int(n) for n in read("Sections", "sections visited", _SECTIONS).groups())
    score, total = (int(n) for n in read("Quick checks", "quick checks", _SCORE).groups())
    solved = exercises = attempts = 0
    if version != "v2":  # v2 predates the exercises: it has no such line (nor may it gain one)
        solved, exercises, attempts = (int(n) for n in read("Exercises", "exercises", _EXERCISES).groups())
    time = read("Time spent", "time spent", _TIME)
    hours, minutes, only = time.groups()
    seconds = (int(hours) * 60 + int(minutes) if only is None else int(only)) * 60
    if format_duration(seconds) != time.group(0).removeprefix("Time spent: "):
        raise NotValid(f"the time spent line was changed: {_quote(time.group(0))} is not how a certificate states it")
    facts = Facts(
        name, date, visited, sections, score, total, seconds, signer,
        solved=solved, exercises=exercises, attempts=attempts, version=version,
    )  # fmt: skip
    return facts, chunks


def _quote(text: str, most: int = 60) -> str:
    """``text`` to show in a message: printable characters only, at most ``most`` of them, quoted."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(shown if len(shown) <= most else shown[: most - 1] + "…")


# -- the command ---------------------------------------------------------------------------------------


def verify(path: Path) -> Facts:
    """The facts of the certificate in ``path``, if this installation signed them and nothing was changed.

    Raises:
        NotValid: why not.
    """
    facts, signature = read_certificate(path)
    try:
        installation = keys.installation_public_key()
    except keys.KeyFileError as error:
        raise NotValid(f"this installation's key can't be used to check it: {error}") from None
    check(facts, signature, installation)
    return facts


def verify_command(args: argparse.Namespace) -> int:
    """``backprop-tui verify FILE``: print ``valid: NAME, DATE, SCORE, exercises SOLVED`` (see :meth:`Facts.summary`)
    and return 0, or ``not valid: why`` and return 1."""
    try:
        facts = verify(Path(args.file))
    except NotValid as error:
        print(f"not valid: {error}")
        return 1
    print(f"valid: {facts.summary()}")
    return 0
