"""The typed rows the progress store hands out (frozen dataclasses), and reading its time stamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The ``last_active`` of a learner whose time stamp can't be read (a hand-edited file)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A learner's answers to one quick check.

    Attributes:
        choice: the first letter chosen (the one scored).
        correct: whether that first choice was right.
        last: the latest letter chosen.
        attempts: how many times the learner answered.
    """

    choice: str
    correct: bool
    last: str
    attempts: int


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """The certificate issued to a learner, as recorded in the store."""

    learner: str
    code: str
    issued_at: str
    svg_path: Path
    txt_path: Path
    score: int
    total: int


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """One learner as the teacher's class view shows it (DESIGN §5's columns, and when the hand went up).

    Attributes:
        name: the learner's name (the SSH user name in a classroom).
        section: the id of the section where the learner is now, or ``None`` if no
            place has been saved yet (the lesson would open at its start).
        step: the step within that section (0 with no saved place).
        first_try_right: how many of the lesson's quick checks were answered right
            on the first try (the score on the finish screen and the certificate).
        answered: how many of the lesson's quick checks have an answer. Answers to
            questions no longer in the lesson count in neither number.
        exercises_solved: how many typed-answer exercises the learner has solved
            (see ``ProgressStore.record_exercise``; 0 until the lesson records them).
        hand_raised: whether the learner's hand is up (see ``ProgressStore.set_hand``).
        last_active: when the learner last did anything the store saw (a step, an
            answer, time counted, a hand raised, a connection), timezone-aware, in UTC.
        connected: whether the learner has an open session on a classroom server that
            is still running (see ``ProgressStore.session_started``).
        hand_since: when the raised hand went up (UTC), ``None`` while it is down.
        host: the host serving the learner's session while connected (``serve --host-id`` or
            the machine's name; the latest session's if several), ``None`` while not connected.
    """

    name: str
    section: str | None
    step: int
    first_try_right: int
    answered: int
    exercises_solved: int
    hand_raised: bool
    last_active: datetime
    connected: bool = False
    hand_since: datetime | None = None
    host: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionTally:
    """How the class did on one quick check.

    Attributes:
        question: the question's id.
        answered: how many learners answered it.
        first_try_right: how many of them were right on the first try.
    """

    question: str
    answered: int
    first_try_right: int


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second (how the store writes every time stamp)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_utc(text: object) -> datetime:
    """A stored time stamp as an aware UTC datetime (naive ones are taken as UTC; unreadable: :data:`EPOCH`)."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return EPOCH
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def plural(n: int, word: str) -> str:
    """``1 attempt``, ``3 attempts``."""
    return f"{n} {word}{'' if n == 1 else 's'}"
