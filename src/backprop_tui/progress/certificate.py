"""The completion certificate: a Rich panel, saved as SVG and plain text, signed by the installation.

It is issued only at the pass mark (:attr:`~backprop_tui.progress.results.Results.passed`).
It states the learner's name, the date, the sections visited, the quick-check
score, the exercises solved (with the attempts they took, in all) and the time
(in whole minutes), then the fingerprint of the
installation's key and the Ed25519 signature of those facts
(:mod:`~backprop_tui.progress.signing`), so ``backprop-tui verify FILE`` on the
issuing installation tells a genuine certificate from a changed or made-up one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from rich.align import Align
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from backprop_tui.progress import keys
from backprop_tui.progress.certificate_facts import (
    CHECK_HINT,
    COMPLETED,
    INTRO,
    TITLE,
    WIDTH,
    Facts,
    counted_seconds,
    format_duration,
    name_lines,
    printable_name,
    signature_lines,
)
from backprop_tui.progress.signing import sign
from backprop_tui.progress.store import ProgressStore, Results, data_dir

__all__ = [
    "TITLE",
    "WIDTH",
    "Certificate",
    "CertificateError",
    "counted_seconds",
    "facts_for",
    "format_duration",
    "printable_name",
    "render_certificate",
    "safe_name",
    "served_directory",
    "write_certificate",
]

_NAME_LIMIT = 40
"""At most this many characters of the learner's name go into the file name."""
SERVED_FOLDER = "certificates"
"""Inside the data directory, the folder that holds a folder per served student."""


class CertificateError(Exception):
    """The certificate could not be written; the message is one line to show the learner."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate written to disk.

    Attributes:
        code: the signature, base64 (88 characters): what the store records as its code.
        signer: the fingerprint of the key that signed it (``SHA256:…``).
        svg_path: the picture of the certificate.
        txt_path: the same as plain text.
        issued: the date it states.
    """

    code: str
    signer: str
    svg_path: Path
    txt_path: Path
    issued: dt.date


def facts_for(learner: str, date: dt.date, results: Results, signer: str) -> Facts:
    """What ``learner``'s certificate dated ``date`` for ``results`` states, to be signed by the key ``signer``."""
    return Facts(
        name=name_lines(learner),
        date=date.isoformat(),
        visited=len(results.visited),
        sections=results.sections_total,
        score=results.score,
        total=results.questions_total,
        seconds=counted_seconds(results.seconds),
        signer=signer,
        solved=results.exercises_solved,
        exercises=len(results.exercises),
        attempts=results.exercise_attempts,
    )


def render_certificate(facts: Facts, signature: str) -> Panel:
    """The certificate as a Rich panel: exactly the lines :func:`~backprop_tui.progress.signing.body_lines`
    reads back, centred (the name is plain text, never read as markup)."""

    def line(text: str, style: str = "") -> Align:
        return Align.center(Text(text, style=style, no_wrap=True, overflow="ignore"))

    signed_by = Text.assemble(("Signed by: ", "dim"), (facts.signer, "bold"), no_wrap=True, overflow="ignore")
    body = Group(
        line(INTRO),
        *(line(part, "bold") for part in facts.name),
        line(COMPLETED),
        Text(),
        *(line(fact) for fact in facts.fact_lines()),
        Text(),
        Align.center(signed_by),
        line(facts.signature_label, "dim"),
        *(line(chunk, "bold") for chunk in signature_lines(signature)),
        Text(),
        line(CHECK_HINT, "dim"),
    )
    return Panel(body, title=TITLE, border_style="green", padding=(1, 2), width=WIDTH)


def safe_name(learner: str) -> str:
    """``learner`` fit for a file name: letters, digits, ``-`` and ``_`` only.

    When cleaning changed the name, a short hash of the real name follows, so
    that "a b" and "a/b" (or two names cleaned down to nothing) never share a file.
    """
    cleaned = re.sub(r"[^\w-]+", "-", learner).strip("-")[:_NAME_LIMIT].strip("-")
    if cleaned and cleaned == learner:
        return cleaned
    tag = hashlib.sha256(learner.encode("utf-8")).hexdigest()[:6]
    return f"{cleaned or 'learner'}-{tag}"


def served_directory(learner: str) -> Path:
    """Where a served student's certificate is kept: their own folder in the server's data directory."""
    return data_dir() / SERVED_FOLDER / safe_name(learner)


def write_certificate(
    store: ProgressStore,
    learner: str,
    results: Results,
    today: dt.date | None = None,
    directory: Path | None = None,
) -> Certificate:
    """Sign ``learner``'s certificate, write it as SVG and text, record it in ``store``, and return it.

    Files: ``certificate-<name>.svg`` and ``.txt`` in ``directory`` (default: the
    data directory), replacing earlier ones. It is signed with the installation's
    key (:func:`~backprop_tui.progress.keys.signing_key`); the same day, results
    and key give the same signature.

    Raises:
        ValueError: the pass mark is not reached yet (the message says what is still to do).
        CertificateError: the key can't be used or the files could not be written (one line, for the learner).
    """
    if not results.passed:
        raise ValueError("The certificate needs the pass mark. Still to do: " + " ".join(results.missing))
    issued = today or dt.date.today()
    try:
        key = keys.signing_key()
    except keys.KeyFileError as error:
        raise CertificateError(f"Couldn't sign the certificate: {error}.") from error
    facts = facts_for(learner, issued, results, keys.fingerprint(key.public_key()))
    signature = sign(facts, key)
    folder = Path(directory) if directory is not None else data_dir()
    stem = f"certificate-{safe_name(learner)}"
    svg_path, txt_path = folder / f"{stem}.svg", folder / f"{stem}.txt"

    console = Console(record=True, width=WIDTH, file=io.StringIO(), color_system="truecolor", force_terminal=True)
    console.print(render_certificate(facts, signature))
    text = console.export_text(clear=False)
    svg = console.export_svg(title=TITLE)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        svg_path.write_text(svg, encoding="utf-8")
        txt_path.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        raise CertificateError(f"Couldn't save the certificate in {folder}: {reason}.") from error

    store.save_certificate(
        learner, signature, svg_path, txt_path, results.score, results.questions_total, issued_at=issued
    )
    return Certificate(code=signature, signer=facts.signer, svg_path=svg_path, txt_path=txt_path, issued=issued)
