"""The completion certificate: a Rich panel, saved as SVG and plain text, with a verification code.

The code is a hash of what the certificate states (name, date, score, time
counted in whole minutes, as printed), so anyone holding the certificate can
recompute it with :func:`verification_code`, and a changed line gives a
different code.
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

from backprop_tui.progress.store import ProgressStore, Results, data_dir

TITLE = "backprop-tui · Certificate of completion"
"""The panel's title (and the SVG's window title)."""
WIDTH = 72
"""Width of the certificate, in terminal cells."""
_NAME_LIMIT = 40
"""At most this many characters of the learner's name go into the file name."""


class CertificateError(Exception):
    """The certificate could not be written; the message is one line to show the learner."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate written to disk.

    Attributes:
        code: the verification code, ``XXXX-XXXX-XXXX``.
        svg_path: the picture of the certificate.
        txt_path: the same as plain text.
        issued: the date it states.
    """

    code: str
    svg_path: Path
    txt_path: Path
    issued: dt.date


def verification_code(learner: str, date_iso: str, score: int, total: int, seconds_int: int) -> str:
    """The code for these facts: sha256 of a canonical line, 12 hex digits as ``XXXX-XXXX-XXXX``."""
    canonical = f"backprop-tui|v1|{learner}|{date_iso}|{score}/{total}|{seconds_int}"
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 12, 4))


def counted_seconds(seconds: float) -> int:
    """Time spent as the certificate counts it: whole minutes, in seconds (what it prints)."""
    return int(max(seconds, 0.0) // 60) * 60


def format_duration(seconds: float) -> str:
    """Time spent in words: ``12 min`` or ``1 h 05 min``."""
    minutes = counted_seconds(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def printable_name(name: str) -> str:
    """The name without control characters (it comes from a login or an SSH user name)."""
    return "".join(ch for ch in name if ch.isprintable()).strip() or "learner"


def certificate_code(learner: str, date: dt.date, results: Results) -> str:
    """The verification code of ``learner``'s certificate dated ``date`` for ``results``.

    It hashes the facts as the certificate prints them: the name without control
    characters, and the time in whole minutes.
    """
    return verification_code(
        printable_name(learner),
        date.isoformat(),
        results.score,
        results.questions_total,
        counted_seconds(results.seconds),
    )


def render_certificate(learner: str, date: dt.date, results: Results) -> Panel:
    """The certificate as a Rich panel (the name is plain text, never read as markup)."""
    body = Group(
        Align.center(Text("This certifies that")),
        Align.center(Text(printable_name(learner), style="bold")),
        Align.center(Text("has completed the backprop-tui lesson on backpropagation.")),
        Text(),
        Align.center(Text(f"Date: {date.isoformat()}")),
        Align.center(Text(f"Sections visited: {len(results.visited)} of {results.sections_total}")),
        Align.center(Text(f"Quick checks: {results.score} of {results.questions_total} right on the first try")),
        Align.center(Text(f"Time spent: {format_duration(results.seconds)}")),
        Text(),
        Align.center(Text(f"Verification code: {certificate_code(learner, date, results)}", style="bold")),
    )
    return Panel(body, title=TITLE, border_style="green", padding=(1, 2))


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


def write_certificate(
    store: ProgressStore,
    learner: str,
    results: Results,
    today: dt.date | None = None,
    directory: Path | None = None,
) -> Certificate:
    """Write ``learner``'s certificate as SVG and text, record it in ``store``, and return it.

    Files: ``certificate-<name>.svg`` and ``.txt`` in ``directory`` (default: the
    data directory), replacing earlier ones. The same day and results give the same code.

    Raises:
        ValueError: the lesson is not complete yet.
        CertificateError: the files could not be written (one line, for the learner).
    """
    if not results.complete:
        raise ValueError("The certificate needs the whole lesson; still to do: " + ", ".join(results.missing))
    issued = today or dt.date.today()
    code = certificate_code(learner, issued, results)
    folder = Path(directory) if directory is not None else data_dir()
    stem = f"certificate-{safe_name(learner)}"
    svg_path, txt_path = folder / f"{stem}.svg", folder / f"{stem}.txt"

    console = Console(record=True, width=WIDTH, file=io.StringIO(), color_system="truecolor", force_terminal=True)
    console.print(render_certificate(learner, issued, results))
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
        learner, code, svg_path, txt_path, results.score, results.questions_total, issued_at=issued
    )
    return Certificate(code=code, svg_path=svg_path, txt_path=txt_path, issued=issued)
