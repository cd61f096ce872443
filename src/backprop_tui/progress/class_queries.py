"""The progress store's reads and writes for the teacher's class view, the classroom server and reset.

:class:`ClassQueries` is a part of :class:`~backprop_tui.progress.queries.ProgressStore`
(which runs its SQL): every learner at once, the quick checks' tallies, exercises,
open sessions, and forgetting a learner. Standard library only.

Connected means an open session that is still served. Each session row names the
host serving it (:func:`host_id`: ``serve --host-id`` or the machine's name), the
lesson's process and the server's (the one that recorded it). On the host that
recorded it, both processes must be alive (``os.kill(pid, 0)``); seen from any
other host (several ``serve`` hosts sharing one PostgreSQL), the serving host must
have noted it within :data:`FRESH_SECONDS` (its heartbeat, ``seen_at``, every
:data:`HEARTBEAT_SECONDS`). A server that died leaves rows that read as not
connected, and the next one to start on its host removes them; a host's start and
stop touch only its own rows (and rows no host has noted for :data:`STALE_SECONDS`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress.records import LearnerRow, QuestionTally, now_iso, parse_utc

HOST_ENV = "BACKPROP_TUI_HOST_ID"
"""Environment variable naming this host in the session rows (``serve --host-id`` sets it)."""
HEARTBEAT_SECONDS = 5.0
"""How often a serving host notes that its sessions are still served."""
FRESH_SECONDS = 30.0
"""A session another host noted less than this long ago reads as connected."""
STALE_SECONDS = 3600.0
"""A session no host has noted for this long is left over from a host that is gone: a starting host removes it."""

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
    "INSERT INTO sessions (learner, session, pid, owner, started_at, host, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (learner, session) DO UPDATE SET pid = excluded.pid, owner = excluded.owner, "
    "started_at = excluded.started_at, host = excluded.host, seen_at = excluded.seen_at"
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


def host_id() -> str:
    """This host's name in the session rows: ``$BACKPROP_TUI_HOST_ID``, else the machine's name."""
    return os.environ.get(HOST_ENV, "").strip() or socket.gethostname() or "localhost"


def _ago(seconds: float) -> str:
    """The time stamp ``seconds`` ago, in the store's format (ISO 8601 UTC strings order as times do)."""
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


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
        online = self.connected_hosts()
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
                host=online.get(str(name)),
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
        """Note that ``learner`` connected: session ``session``, served by process ``pid`` on this host.

        The row also keeps this process's id (the server's) and this host's name
        (:func:`host_id`): a learner reads as connected while both processes live,
        or, seen from another host, while this one keeps noting the session
        (:meth:`heartbeat`). Connecting counts as activity.
        """
        now = now_iso()
        self._write(
            (TOUCH_LEARNER, (learner, now, now)),
            (_START_SESSION, (learner, session, int(pid), os.getpid(), now, host_id(), now)),
        )

    def session_ended(self, learner: str, session: str) -> None:
        """Note that ``learner``'s session ``session`` on this host is over (an unknown one: nothing happens)."""
        self._write(("DELETE FROM sessions WHERE learner = ? AND session = ? AND host = ?", (learner, session, host_id())))

    def heartbeat(self) -> None:
        """Note that this server still serves its sessions (a serving host calls it every
        :data:`HEARTBEAT_SECONDS`), so other hosts read them as connected. Never kept while the
        database is away (the next one says the same), but it writes what was kept once it is back."""
        self._changes(("UPDATE sessions SET seen_at = ? WHERE host = ? AND owner = ?", (now_iso(), host_id(), os.getpid())))

    def end_all_sessions(self) -> None:
        """Forget the sessions this process recorded, those of any server of this host no longer
        running, and those no host has noted for :data:`STALE_SECONDS`.

        A server calls it when it starts (clearing what a crashed one left) and when it stops.
        Sessions of another server still running on this host are kept, and so are every
        other host's (unless stale).
        """
        here = host_id()
        rows = self._read("SELECT DISTINCT owner FROM sessions WHERE host = ?", (here,))
        gone = [int(r[0]) for r in rows if int(r[0]) == os.getpid() or not process_alive(int(r[0]))]
        statements: list[tuple[str, Sequence[Any]]] = []
        if gone:
            marks = ", ".join("?" * len(gone))
            statements.append((f"DELETE FROM sessions WHERE host = ? AND owner IN ({marks})", [here, *gone]))
        statements.append(("DELETE FROM sessions WHERE host != ? AND seen_at < ?", (here, _ago(STALE_SECONDS))))
        self._write(*statements)

    def sessions(self, learner: str) -> int:
        """How many sessions of ``learner`` are open on a running server (of any host)."""
        rows = self._read("SELECT learner, pid, owner, host, seen_at FROM sessions WHERE learner = ?", (learner,))
        live = self._liveness()
        return sum(live(*row[1:]) for row in rows)

    def connected(self) -> set[str]:
        """The names of the learners with at least one session open on a running server."""
        return set(self.connected_hosts())

    def connected_hosts(self) -> dict[str, str]:
        """The learners with at least one session open on a running server, each with its host
        (of several sessions on several hosts, the latest started)."""
        rows = self._read("SELECT learner, pid, owner, host, seen_at FROM sessions ORDER BY started_at, seen_at", ())
        live = self._liveness()
        here = host_id()
        return {str(name): str(host) or here for name, pid, owner, host, seen in rows if live(pid, owner, host, seen)}

    def _liveness(self) -> Callable[[Any, Any, Any, Any], bool]:
        """A check of one session row's (pid, owner, host, seen_at): whether it is still served."""
        here = host_id()
        fresh = _ago(FRESH_SECONDS)
        alive: dict[int, bool] = {}

        def live_pid(pid: int) -> bool:
            if pid not in alive:
                alive[pid] = process_alive(pid)
            return alive[pid]

        def live(pid: Any, owner: Any, host: Any, seen: Any) -> bool:
            if not host or host == here:  # this host's (a row from before hosts were named: this machine's too)
                return live_pid(int(owner)) and live_pid(int(pid))
            return seen is not None and str(seen) >= fresh

        return live

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
