"""The progress store's reads and writes for the teacher's class view, the classroom server and reset.

:class:`ClassQueries` is a part of :class:`~backprop_tui.progress.queries.ProgressStore`
(which runs its SQL): every learner at once, the quick checks' tallies, exercises,
open sessions, and forgetting a learner. Standard library only.

Connected means an open session whose processes still run: the row names the
lesson's process and the server's (the one that recorded it), and both must be
alive on this machine (``os.kill(pid, 0)``). A server that died leaves rows that
read as not connected, and the next one to start removes them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress.records import LearnerRow, QuestionTally, now_iso, parse_utc

TOUCH_LEARNER = (
    "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, 0, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET updated = excluded.updated"
)
"""Make ``learner`` known (or note their latest activity)."""
_LEARNERS = """
    SELECT l.name, l.section, l.step, l.updated,
           COALESCE(a.first_right, 0), COALESCE(a.answered, 0), COALESCE(h.raised, 0), h.changed_at,
           COALESCE(e.solved, 0)
    FROM learners AS l
    LEFT JOIN (
        SELECT learner, COUNT(*) AS answered, SUM(CASE WHEN first_correct != 0 THEN 1 ELSE 0 END) AS first_right
        FROM answers WHERE question IN ({marks}) GROUP BY learner
    ) AS a ON a.learner = l.name
    LEFT JOIN hands AS h ON h.learner = l.name
    LEFT JOIN (
        SELECT learner, COUNT(*) AS solved FROM exercises WHERE solved_at IS NOT NULL GROUP BY learner
    ) AS e ON e.learner = l.name
"""
_QUESTION_TALLIES = (
    "SELECT question, COUNT(*), SUM(CASE WHEN first_correct != 0 THEN 1 ELSE 0 END) FROM answers "
    "JOIN learners ON learners.name = answers.learner GROUP BY question"
)
_START_SESSION = (
    "INSERT INTO sessions (learner, session, pid, owner, started_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (learner, session) DO UPDATE SET "
    "pid = excluded.pid, owner = excluded.owner, started_at = excluded.started_at"
)
_RECORD_EXERCISE = (
    "INSERT INTO exercises (learner, exercise, attempts, solved_at) VALUES (?, ?, 1, ?) "
    "ON CONFLICT (learner, exercise) DO UPDATE SET attempts = exercises.attempts + 1, "
    "solved_at = COALESCE(exercises.solved_at, excluded.solved_at)"
)
LEARNER_TABLES = ("visits", "answers", "certificates", "hands", "sessions", "exercises")
"""Every table with rows per learner (column ``learner``), besides ``learners`` itself (column ``name``)."""


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def name_order(name: str) -> tuple[str, str]:
    """How the class view orders names: case-insensitively in ASCII, ties broken by the exact name.

    Sorted here rather than in SQL: the engines' collations differ (SQLite's ``NOCASE`` is
    ASCII only, PostgreSQL's order follows the database's locale); code points agree with both.
    """
    return name.translate(_ASCII_LOWER), name


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


class ClassQueries:
    """The class view's, the server's and reset's queries (a part of ``ProgressStore``), in the SQL
    both engines share (see :mod:`~backprop_tui.progress.queries`)."""

    last_error: str | None

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        raise NotImplementedError  # ProgressStore's

    def _write(self, *statements: tuple[str, Sequence[Any]]) -> bool:
        raise NotImplementedError  # ProgressStore's

    def _changes(self, *statements: tuple[str, Sequence[Any]]) -> int | None:
        raise NotImplementedError  # ProgressStore's

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
        rows = sorted(rows, key=lambda row: name_order(str(row[0])))
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
        return {str(q): QuestionTally(str(q), int(n), int(right or 0)) for q, n, right in self._read(_QUESTION_TALLIES, ())}

    # -- exercises ---------------------------------------------------------------------------------

    def record_exercise(self, learner: str, exercise: str, solved: bool) -> None:
        """Record an attempt at a typed-answer exercise; the first right one marks it solved for good."""
        now = now_iso()
        self._write(
            (TOUCH_LEARNER, (learner, now, now)),
            (_RECORD_EXERCISE, (learner, exercise, now if solved else None)),
        )

    def exercises_solved(self, learner: str) -> set[str]:
        """The ids of the exercises ``learner`` has solved."""
        rows = self._read("SELECT exercise FROM exercises WHERE learner = ? AND solved_at IS NOT NULL", (learner,))
        return {str(r[0]) for r in rows}

    def exercise_attempts(self, learner: str) -> dict[str, tuple[int, bool]]:
        """Each exercise ``learner`` has tried, by id: (answers checked, solved)."""
        rows = self._read("SELECT exercise, attempts, solved_at IS NOT NULL FROM exercises WHERE learner = ?", (learner,))
        return {str(exercise): (int(attempts), bool(solved)) for exercise, attempts, solved in rows}

    # -- sessions on the classroom server ------------------------------------------------------------

    def session_started(self, learner: str, session: str, pid: int) -> None:
        """Note that ``learner`` connected: session ``session``, served by process ``pid``.

        The row also keeps this process's id (the server's): a learner reads as connected
        while both processes live, so rows left by a server that died don't count.
        Connecting counts as activity.
        """
        now = now_iso()
        self._write(
            (TOUCH_LEARNER, (learner, now, now)),
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
        changed = self._changes(
            ("DELETE FROM learners WHERE name = ?", (learner,)),
            *((f"DELETE FROM {table} WHERE learner = ?", (learner,)) for table in LEARNER_TABLES),
        )
        return bool(changed)
