"""A certificate's facts as they are printed: the name, date, sections, score, exercises and time,
the lines of its panel, and the one canonical statement a signature covers.

:mod:`~backprop_tui.progress.signing` signs and checks these facts and reads them back from a
file; :mod:`~backprop_tui.progress.certificate` writes them as text and SVG.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from backprop_tui.progress.records import plural

FORMAT = "v3"
"""The certificate format written now: printed with the signature, so formats can be told apart."""
OLD_FORMATS = ("v2",)
"""Earlier formats that are still read and checked: v2 has no exercises line (it predates them)."""
FORMATS = (*OLD_FORMATS, FORMAT)
"""Every format this version reads."""
STATEMENT_TAG = f"backprop-tui certificate {FORMAT}"
"""The first field of the signed statement (of the current format)."""
TITLE = "backprop-tui · Certificate of completion"
"""The panel's title (and the SVG's window title)."""
WIDTH = 72
"""Width of the certificate, in terminal cells."""
INNER_WIDTH = WIDTH - 6
"""Cells inside the panel: its two borders and two cells of padding on each side taken off."""
SIGNATURE_CHUNK = 44
"""The 88 characters of a signature are printed in lines of this many."""
MAX_BYTES = 1024 * 1024
"""A certificate is a few kilobytes: a file larger than this is not read."""

INTRO = "This certifies that"
COMPLETED = "has completed the backprop-tui lesson on backpropagation."
SIGNATURE_LABEL = f"Signature ({FORMAT}):"
"""The line above the signature, in the current format."""
CHECK_HINT = "Check it with: backprop-tui verify FILE"


# -- the facts as printed ----------------------------------------------------------------------------


def counted_seconds(seconds: float) -> int:
    """Time spent as the certificate counts it: whole minutes, in seconds (what it prints)."""
    return int(max(seconds, 0.0) // 60) * 60


def format_duration(seconds: float) -> str:
    """Time spent in words: ``12 min`` or ``1 h 05 min``."""
    minutes = counted_seconds(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def printable_name(name: str) -> str:
    """The name as a certificate prints it: no control characters, one space between words.

    (It comes from a login or an SSH user name.)
    """
    printable = " ".join("".join(ch for ch in name if ch.isprintable()).split())
    return printable if cell_len(printable) else "learner"  # nothing that takes a cell would print as nothing


def name_lines(name: str, width: int = INNER_WIDTH) -> tuple[str, ...]:
    """:func:`printable_name` of ``name`` in lines of at most ``width`` cells: broken at a space
    where there is one, else folded. No line starts or ends with a space, so reading lines back gives them exactly."""
    rest = printable_name(name)
    lines: list[str] = []
    while cell_len(rest) > width:
        cut = 0
        while cut < len(rest) and cell_len(rest[: cut + 1]) <= width:
            cut += 1
        cut = max(cut, 1)
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            lines.append(rest[:space])
            rest = rest[space + 1 :]
        else:
            lines.append(rest[:cut])
            rest = rest[cut:].removeprefix(" ")
    lines.append(rest)
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class Facts:
    """What a certificate states, as printed, and the fingerprint of the key that signs it.

    Attributes:
        name: the learner's name, in the lines it is printed in (one, unless it is very long).
        date: the date, ISO (``2026-03-14``).
        visited: sections visited.
        sections: sections in the lesson.
        score: quick checks right on the first try.
        total: quick checks in the lesson.
        seconds: time spent, in whole minutes, as seconds.
        signer: the signing key's fingerprint (``SHA256:…``).
        solved: exercises solved.
        exercises: exercises in the lesson.
        attempts: answers checked over every exercise.
        version: the certificate's format (:data:`FORMAT`, or one of :data:`OLD_FORMATS`
            read back: a ``v2`` certificate states no exercises, and its three exercise fields are 0).
    """

    name: tuple[str, ...]
    date: str
    visited: int
    sections: int
    score: int
    total: int
    seconds: int
    signer: str
    solved: int = 0
    exercises: int = 0
    attempts: int = 0
    version: str = FORMAT

    @property
    def display_name(self) -> str:
        """The name on one line."""
        return " ".join(self.name)

    @property
    def states_exercises(self) -> bool:
        """Whether the certificate's format has the exercises line (v2 does not)."""
        return self.version != "v2"

    def statement(self) -> bytes:
        """The signed statement: one canonical line (a JSON array) of the version tag and every printed fact.

        A v2 statement is exactly what v2 signed (no exercises), so v2 certificates still check.
        """
        exercises = [self.solved, self.exercises, self.attempts] if self.states_exercises else []
        fields = [
            f"backprop-tui certificate {self.version}",
            "\n".join(self.name),
            self.date,
            self.score,
            self.total,
            self.seconds,
            self.visited,
            self.sections,
            *exercises,
            self.signer,
        ]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def fact_lines(self) -> list[str]:
        """The lines stating date, sections, score, exercises (not in v2) and time, in order."""
        exercises = (
            [f"Exercises: {self.solved} of {self.exercises} solved, {plural(self.attempts, 'attempt')} in all"]
            if self.states_exercises
            else []
        )
        return [
            f"Date: {self.date}",
            f"Sections visited: {self.visited} of {self.sections}",
            f"Quick checks: {self.score} of {self.total} right on the first try",
            *exercises,
            f"Time spent: {format_duration(self.seconds)}",
        ]

    @property
    def signature_label(self) -> str:
        """The line above the signature: ``Signature (v3):``."""
        return f"Signature ({self.version}):"

    def summary(self) -> str:
        """What ``verify`` says of a valid certificate after ``valid:``: name, date, score, and the exercises
        (or, for a v2 certificate, that it predates them)."""
        head = f"{self.display_name}, {self.date}, {self.score}/{self.total}"
        if self.states_exercises:
            return f"{head}, exercises {self.solved}/{self.exercises}"
        return f"{head} (format {self.version}: issued before the exercises were graded)"


def signature_lines(signature: str) -> list[str]:
    """The signature in lines that fit inside the panel."""
    return [signature[i : i + SIGNATURE_CHUNK] for i in range(0, len(signature), SIGNATURE_CHUNK)] or [""]


def body_lines(facts: Facts, signature: str) -> list[str]:
    """Every line inside the certificate's panel, blank ones as ``""``: what it prints and what is read back."""
    return panel_lines(facts, signature_lines(signature))


def panel_lines(facts: Facts, signature: Sequence[str]) -> list[str]:
    return [
        INTRO,
        *facts.name,
        COMPLETED,
        "",
        *facts.fact_lines(),
        "",
        f"Signed by: {facts.signer}",
        facts.signature_label,
        *signature,
        "",
        CHECK_HINT,
    ]
