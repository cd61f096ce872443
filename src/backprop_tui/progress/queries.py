"""The progress store's reads and writes: :class:`ProgressStore`.

Standard library only (no textual, no numpy), so the CLI and the SSH server can use it.

Several app instances may share one file (two terminals, or the classroom
server's sessions). Every write is one short ``BEGIN IMMEDIATE … COMMIT``
transaction, and counters are incremented inside SQL (``seconds = seconds + ?``),
so interleaved writers lose nothing. A failed write is skipped and remembered in
:attr:`ProgressStore.last_error`; a failed read returns an empty default.
Nothing here raises into the app once the store is open.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress import schema
from backprop_tui.progress.records import Answer, CertificateRecord, LearnerRow, QuestionTally, parse_utc

_TOUCH_LEARNER = (
    "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, 0, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET updated = excluded.updated"
)
_SET_POSITION = (
    "INSERT INTO learners (name, section, step, seconds, created, updated) VALUES (?, ?, ?, 0, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET "
    "section = excluded.section, step = excluded.step, updated = excluded.updated"
)
_ADD_TIME = (
    "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, ?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET seconds = seconds + excluded.seconds, updated = excluded.updated"
)
_RECORD_ANSWER = (
    "INSERT INTO answers (learner, question, choice, correct, first_choice, first_correct, "
    "answered_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
    "ON CONFLICT (learner, question) DO UPDATE SET "
    "choice = excluded.choice, correct = excluded.correct, attempts = attempts + 1"
)
_SAVE_CERTIFICATE = (
    "INSERT OR REPLACE INTO certificates (learner, code, issued_at, svg_path, txt_path, score, total) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SET_HAND = (
    "INSERT INTO hands (learner, raised, changed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (learner) DO UPDATE SET raised = excluded.raised, changed_at = excluded.changed_at"
)
_LEARNERS = """
    SELECT l.name, l.section, l.step, l.updated,
           COALESCE(a.first_right, 0), COALESCE(a.answered, 0), COALESCE(h.raised, 0), h.changed_at,
           COALESCE(e.solved, 0)
    FROM learners AS l
    LEFT JOIN (
        SELECT learner, COUNT(*) AS answered, SUM(first_correct != 0) AS first_right
        FROM answers WHERE question IN ({marks}) GROUP BY learner
    ) AS a ON a.learner = l.name
    LEFT JOIN hands AS h ON h.learner = l.name
    LEFT JOIN (
        SELECT learner, COUNT(*) AS solved FROM exercises WHERE solved_at IS NOT NULL GROUP BY learner
    ) AS e ON e.learner = l.name
    ORDER BY l.name COLLATE NOCASE, l.name
"""
_QUESTION_TALLIES = (
    "SELECT question, COUNT(*), SUM(first_correct != 0) FROM answers "
    "JOIN learners ON learners.name = answers.learner GROUP BY question"
)
_START_SESSION = (
    "INSERT OR REPLACE INTO sessions (learner, session, pid, owner, started_at) VALUES (?, ?, ?, ?, ?)"
)
_RECORD_EXERCISE = (
    "INSERT INTO exercises (learner, exercise, attempts, solved_at) VALUES (?, ?, 1, ?) "
    "ON CONFLICT (learner, exercise) DO UPDATE SET attempts = attempts + 1, "
    "solved_at = COALESCE(solved_at, excluded.solved_at)"
)
LEARNER_TABLES = ("visits", "answers", "certificates", "hands", "sessions", "exercises")
"""Every table with rows per learner (column ``learner``), besides ``learners`` itself (column ``name``)."""


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (it may belong to another user).

    Signal 0 checks without signalling. Windows has no such check (``os.kill`` there
    ends the process), so every process reads as gone on it.
    """
    if pid <= 0 or os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def reason(error: BaseException) -> str:
    """A short, one-line reason for ``error``."""
    text = (error.strerror if isinstance(error, OSError) and error.strerror else None) or str(error)
    return " ".join(text.split()) or type(error).__name__


class ProgressStore:
    """Progress of every learner, by name, in one SQLite file (or in memory).

    Args:
        path: the database file; ``None`` keeps everything in memory.

    Raises (only from the constructor; :func:`~backprop_tui.progress.store.open_store` handles them):
        StoreDamagedError, sqlite3.DatabaseError: the file is not a usable database.
        sqlite3.OperationalError: it cannot be opened or written.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path: Path | None = Path(path) if path is not None else None
        self.last_error: str | None = None
        """The last error a read or write met (``None`` if none so far); the app keeps going."""
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = schema.connect(self.path)

    # -- plumbing ----------------------------------------------------------------------

    @property
    def in_memory(self) -> bool:
        """Whether this store forgets everything when closed."""
        return self.path is None

    def _write(self, *statements: tuple[str, Sequence[Any]]) -> bool:
        """Run ``statements`` as one short transaction; on error skip them and note why."""
        with self._lock:
            conn = self._conn
            if conn is None:
                self.last_error = "the progress store is closed"
                return False
            try:
                conn.execute("BEGIN IMMEDIATE")
                for sql, params in statements:
                    conn.execute(sql, params)
                conn.execute("COMMIT")
                return True
            except sqlite3.Error as error:
                self.last_error = reason(error)
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                return False

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one query, or ``[]`` (and a note in :attr:`last_error`) on error."""
        with self._lock:
            conn = self._conn
            if conn is None:
                self.last_error = "the progress store is closed"
                return []
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                self.last_error = reason(error)
                return []

    def writable(self) -> bool:
        """Whether writes reach the file: a read-only file opens and reads fine, then refuses every write.

        The check writes the schema version back unchanged (never lowering a newer file's).
        """
        rows = self._read("PRAGMA user_version", ())
        version = int(rows[0][0]) if rows else schema.SCHEMA_VERSION
        return self._write((f"PRAGMA user_version = {version}", ()))

    def close(self) -> None:
        """Close the database (calling it again does nothing)."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(sqlite3.Error):
                conn.close()

    def __enter__(self) -> Self:
        """The store itself; leaving the ``with`` block closes it."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the store."""
        self.close()

    # -- place in the lesson -------------------------------------------------------------

    def position(self, learner: str) -> tuple[str, int] | None:
        """Where ``learner`` left off: (section id, step), or ``None`` if never saved."""
        rows = self._read("SELECT section, step FROM learners WHERE name = ?", (learner,))
        if not rows or rows[0][0] is None:
            return None
        return str(rows[0][0]), int(rows[0][1])

    def set_position(self, learner: str, section: str, step: int) -> None:
        """Remember that ``learner`` is at ``step`` of ``section``."""
        now = now_iso()
        self._write((_SET_POSITION, (learner, section, int(step), now, now)))

    def visit(self, learner: str, section: str) -> None:
        """Note that ``learner`` has opened ``section`` (the first time is kept)."""
        now = now_iso()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            ("INSERT OR IGNORE INTO visits (learner, section, first_at) VALUES (?, ?, ?)", (learner, section, now)),
        )

    def visited(self, learner: str) -> set[str]:
        """The ids of every section ``learner`` has opened."""
        return {str(r[0]) for r in self._read("SELECT section FROM visits WHERE learner = ?", (learner,))}

    # -- quick checks ----------------------------------------------------------------------

    def record_answer(self, learner: str, question_id: str, choice: str, correct: bool) -> None:
        """Record an answer: the first attempt is kept and scored, later ones update the latest choice."""
        now = now_iso()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (_RECORD_ANSWER, (learner, question_id, choice, int(correct), choice, int(correct), now)),
        )

    def answers(self, learner: str) -> dict[str, Answer]:
        """Every quick check ``learner`` has answered, by question id."""
        rows = self._read(
            "SELECT question, first_choice, first_correct, choice, attempts FROM answers WHERE learner = ?",
            (learner,),
        )
        return {
            str(q): Answer(choice=str(first), correct=bool(ok), last=str(last), attempts=int(n))
            for q, first, ok, last, n in rows
        }

    # -- time --------------------------------------------------------------------------------

    def add_time(self, learner: str, seconds: float) -> None:
        """Add ``seconds`` to ``learner``'s time spent (negative, zero or non-finite: ignored)."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        now = now_iso()
        self._write((_ADD_TIME, (learner, float(seconds), now, now)))

    def seconds(self, learner: str) -> float:
        """The total time ``learner`` has spent in the lesson, in seconds."""
        rows = self._read("SELECT seconds FROM learners WHERE name = ?", (learner,))
        return float(rows[0][0]) if rows and rows[0][0] is not None else 0.0

    # -- certificate ---------------------------------------------------------------------------

    def save_certificate(
        self,
        learner: str,
        code: str,
        svg_path: Path | str,
        txt_path: Path | str,
        score: int,
        total: int,
        issued_at: date | str,
    ) -> None:
        """Record the certificate issued to ``learner`` (replacing an earlier one)."""
        issued = issued_at.isoformat() if isinstance(issued_at, date) else str(issued_at)
        now = now_iso()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (_SAVE_CERTIFICATE, (learner, code, issued, str(svg_path), str(txt_path), int(score), int(total))),
        )

    def certificate(self, learner: str) -> CertificateRecord | None:
        """The certificate issued to ``learner``, or ``None``."""
        rows = self._read(
            "SELECT code, issued_at, svg_path, txt_path, score, total FROM certificates WHERE learner = ?",
            (learner,),
        )
        if not rows:
            return None
        code, issued, svg, txt, score, total = rows[0]
        return CertificateRecord(learner, str(code), str(issued), Path(svg), Path(txt), int(score), int(total))

    # -- the class view --------------------------------------------------------------------------

    def set_hand(self, learner: str, raised: bool) -> None:
        """Raise (``True``) or lower (``False``) ``learner``'s hand; it counts as activity."""
        now = now_iso()
        self._write((_TOUCH_LEARNER, (learner, now, now)), (_SET_HAND, (learner, int(raised), now)))

    def hand_raised(self, learner: str) -> bool:
        """Whether ``learner``'s hand is up (``False`` if it never was)."""
        rows = self._read("SELECT raised FROM hands WHERE learner = ?", (learner,))
        return bool(rows and rows[0][0])

    def learners(self) -> list[LearnerRow]:
        """Every learner the store knows, for the teacher's class view, ordered by name.

        Names are ordered case-insensitively (ASCII), ties broken by the exact name.
        One query for the counts, so the rows agree with each other, and one for the
        open sessions; ``[]`` (and a note in :attr:`last_error`) if the database fails.
        See :class:`LearnerRow` for what each field counts.
        """
        ids = [q.id for q in QUESTIONS]
        rows = self._read(_LEARNERS.format(marks=", ".join("?" * len(ids))), ids)
        online = self.connected()
        return [
            LearnerRow(
                name=str(name),
                section=None if section is None else str(section),
                step=int(step),
                first_try_right=int(right),
                answered=int(answered),
                exercises_solved=int(solved),
                hand_raised=bool(hand),
                last_active=parse_utc(updated),
                connected=str(name) in online,
                hand_since=parse_utc(since) if hand and since is not None else None,
            )
            for name, section, step, updated, right, answered, hand, since, solved in rows
        ]

    def question_tallies(self) -> dict[str, QuestionTally]:
        """For each quick check anyone answered, by id: how many answered it, how many right first time.

        Only answers of learners the store lists count (the same learners as :meth:`learners`).
        """
        return {
            str(q): QuestionTally(str(q), int(n), int(right or 0))
            for q, n, right in self._read(_QUESTION_TALLIES, ())
        }

    # -- exercises ---------------------------------------------------------------------------------

    def record_exercise(self, learner: str, exercise: str, solved: bool) -> None:
        """Record an attempt at a typed-answer exercise; the first right one marks it solved for good."""
        now = now_iso()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (_RECORD_EXERCISE, (learner, exercise, now if solved else None)),
        )

    def exercises_solved(self, learner: str) -> set[str]:
        """The ids of the exercises ``learner`` has solved."""
        rows = self._read("SELECT exercise FROM exercises WHERE learner = ? AND solved_at IS NOT NULL", (learner,))
        return {str(r[0]) for r in rows}

    # -- sessions on the classroom server ------------------------------------------------------------

    def session_started(self, learner: str, session: str, pid: int) -> None:
        """Note that ``learner`` connected: session ``session``, served by process ``pid``.

        The row also keeps this process's id (the server's): a learner reads as connected
        while both processes live, so rows left by a server that died don't count.
        Connecting counts as activity.
        """
        now = now_iso()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (_START_SESSION, (learner, session, int(pid), os.getpid(), now)),
        )

    def session_ended(self, learner: str, session: str) -> None:
        """Note that ``learner``'s session ``session`` is over (an unknown one: nothing happens)."""
        self._write(("DELETE FROM sessions WHERE learner = ? AND session = ?", (learner, session)))

    def end_all_sessions(self) -> None:
        """Forget the sessions this process recorded, and those of any server no longer running.

        A server calls it when it starts (clearing what a crashed one left) and when it stops.
        Sessions of another server still running on the same data directory are kept.
        """
        rows = self._read("SELECT DISTINCT owner FROM sessions", ())
        gone = [int(r[0]) for r in rows if int(r[0]) == os.getpid() or not process_alive(int(r[0]))]
        if gone:
            self._write((f"DELETE FROM sessions WHERE owner IN ({', '.join('?' * len(gone))})", gone))

    def sessions(self, learner: str) -> int:
        """How many sessions of ``learner`` are open on a running server."""
        rows = self._read("SELECT pid, owner FROM sessions WHERE learner = ?", (learner,))
        return sum(process_alive(int(pid)) and process_alive(int(owner)) for pid, owner in rows)

    def connected(self) -> set[str]:
        """The names of the learners with at least one session open on a running server."""
        rows = self._read("SELECT learner, pid, owner FROM sessions", ())
        alive: dict[int, bool] = {}

        def live(pid: int) -> bool:
            if pid not in alive:
                alive[pid] = process_alive(pid)
            return alive[pid]

        return {str(name) for name, pid, owner in rows if live(int(owner)) and live(int(pid))}

    # -- starting again ----------------------------------------------------------------------------------

    def reset(self, learner: str) -> bool:
        """Forget everything about ``learner`` (and nothing of anyone else); ``True`` if there was anything.

        Place, visits, answers, time, hand, sessions, exercises and the certificate's record
        go (the certificate's files are not touched). ``False`` also when the write failed
        (see :attr:`last_error`).
        """
        with self._lock:
            conn = self._conn
            if conn is None:
                self.last_error = "the progress store is closed"
                return False
            try:
                conn.execute("BEGIN IMMEDIATE")
                removed = conn.execute("DELETE FROM learners WHERE name = ?", (learner,)).rowcount
                for table in LEARNER_TABLES:
                    removed += conn.execute(f"DELETE FROM {table} WHERE learner = ?", (learner,)).rowcount
                conn.execute("COMMIT")
                return removed > 0
            except sqlite3.Error as error:
                self.last_error = reason(error)
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                return False
