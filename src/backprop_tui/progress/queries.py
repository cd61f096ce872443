"""The progress store's reads and writes: :class:`ProgressStore` (the class view's, the server's
and reset's are in :mod:`~backprop_tui.progress.class_queries`).

Standard library only (no textual, no numpy), so the CLI and the SSH server can use it;
psycopg is loaded only for a PostgreSQL database (see :mod:`~backprop_tui.progress.backends`).

Several app instances may share one database (two terminals, the classroom
server's sessions, several servers on one PostgreSQL). Every write is one short
transaction, and counters are incremented inside SQL (``seconds = learners.seconds + ?``),
so interleaved writers lose nothing. The SQL is one dialect for both engines: ``?``
placeholders, ``INSERT … ON CONFLICT``, and columns qualified by their table in a
``DO UPDATE`` (PostgreSQL would find ``seconds`` ambiguous beside ``excluded.seconds``).
A failed write is skipped and remembered in :attr:`ProgressStore.last_error`; a failed
read returns an empty default. Nothing here raises into the app once the store is open.

A write that fails because the database can't be reached (PostgreSQL restarting, the
network down) is kept instead, in order, and written before the next read or write once
the database answers again (:data:`KEPT`, at most :data:`MAX_KEPT` of them); the store
says so once in :attr:`ProgressStore.last_error`, which the lesson shows the learner.
Writes still kept when the store closes are lost.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from backprop_tui.progress.backends import Database, SQLiteDatabase, is_postgres_url, redact
from backprop_tui.progress.class_queries import TOUCH_LEARNER, ClassQueries
from backprop_tui.progress.records import Answer, CertificateRecord, now_iso

_SET_POSITION = (
    "INSERT INTO learners (name, section, step, seconds, created, updated) VALUES (?, ?, ?, 0, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET "
    "section = excluded.section, step = excluded.step, updated = excluded.updated"
)
_ADD_TIME = (
    "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, ?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET seconds = learners.seconds + excluded.seconds, updated = excluded.updated"
)
_VISIT = "INSERT INTO visits (learner, section, first_at) VALUES (?, ?, ?) ON CONFLICT (learner, section) DO NOTHING"
_RECORD_ANSWER = (
    "INSERT INTO answers (learner, question, choice, correct, first_choice, first_correct, "
    "answered_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
    "ON CONFLICT (learner, question) DO UPDATE SET "
    "choice = excluded.choice, correct = excluded.correct, attempts = answers.attempts + 1"
)
_SAVE_CERTIFICATE = (
    "INSERT INTO certificates (learner, code, issued_at, svg_path, txt_path, score, total) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (learner) DO UPDATE SET code = excluded.code, issued_at = excluded.issued_at, "
    "svg_path = excluded.svg_path, txt_path = excluded.txt_path, score = excluded.score, total = excluded.total"
)
_SET_HAND = (
    "INSERT INTO hands (learner, raised, changed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (learner) DO UPDATE SET raised = excluded.raised, changed_at = excluded.changed_at"
)
RETRIES = 3
"""How many times a write that met a deadlock (PostgreSQL picks one of the writers to fail) is run again."""
MAX_KEPT = 100_000
"""The most writes kept while the database can't be reached (hours of a lesson); beyond it the oldest go."""
KEPT = "the progress database can't be reached: your progress is kept and will be saved when it is back"
"""What :attr:`ProgressStore.last_error` says while writes are kept."""


def reason(error: BaseException) -> str:
    """A short, one-line reason for ``error`` (its first line: PostgreSQL's next lines quote the SQL)."""
    text = (error.strerror if isinstance(error, OSError) and error.strerror else None) or str(error)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return " ".join(first.split()) or type(error).__name__


def open_database(target: Path | str | None) -> Database:
    """A connection to the progress database ``target``: a PostgreSQL URL, an SQLite file, or ``None`` (memory).

    Raises:
        schema.SchemaTooNewError: the database was made by a newer copy of the app.
        schema.StoreDamagedError, sqlite3.DatabaseError: an SQLite file that is not a usable progress database.
        sqlite3.OperationalError: it cannot be opened or written.
        psycopg.Error: PostgreSQL can't be reached, or refused (see :mod:`~backprop_tui.progress.postgres`).
    """
    if is_postgres_url(target):
        from backprop_tui.progress import postgres  # loads psycopg: only when a URL asks for it

        assert isinstance(target, str)
        return postgres.PostgresDatabase(target)
    return SQLiteDatabase(None if target is None else Path(target))


class ProgressStore(ClassQueries):
    """Progress of every learner, by name, in one SQLite file, a PostgreSQL database, or memory.

    Args:
        path: the SQLite file; a ``postgresql://`` URL for PostgreSQL; ``None`` keeps everything in memory.

    Raises (only from the constructor; :func:`~backprop_tui.progress.store.open_store` handles them):
        SchemaTooNewError: the database was made by a newer copy of the app (it is left as it is).
        StoreDamagedError, sqlite3.DatabaseError: the file is not a usable database.
        sqlite3.OperationalError: it cannot be opened or written.
        psycopg.Error: PostgreSQL can't be reached or refused.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.url: str | None = path if isinstance(path, str) and is_postgres_url(path) else None
        """The PostgreSQL URL (``None`` for SQLite and memory); it may hold a password: show :attr:`where`."""
        self.path: Path | None = Path(path) if path is not None and self.url is None else None
        """The SQLite file (``None`` for PostgreSQL and memory)."""
        self.where = redact(self.url) if self.url is not None else str(self.path) if self.path is not None else "memory"
        """Where the progress is kept, to show: the file, or the URL without its password."""
        self.last_error: str | None = None
        """The last error a read or write met (``None`` if none so far); the app keeps going."""
        self._lock = threading.RLock()
        self._kept: deque[tuple[tuple[str, Sequence[Any]], ...]] = deque()
        self._db: Database | None = open_database(self.url if self.url is not None else self.path)

    # -- plumbing ----------------------------------------------------------------------

    @property
    def in_memory(self) -> bool:
        """Whether this store forgets everything when closed."""
        return self.path is None and self.url is None

    @property
    def backend(self) -> str:
        """``"postgresql"`` or ``"sqlite"`` (an in-memory store is SQLite)."""
        return "postgresql" if self.url is not None else "sqlite"

    @property
    def kept(self) -> int:
        """How many writes wait for the database to be reachable again."""
        return len(self._kept)

    def _write(self, *statements: tuple[str, Sequence[Any]]) -> bool:
        """Run ``statements`` as one short transaction; on error skip them and note why.

        If the database can't be reached, they are kept and written once it can (see :meth:`_flush`).
        """
        return self._changes(*statements, keep=True) is not None

    def _changes(self, *statements: tuple[str, Sequence[Any]], keep: bool = False) -> int | None:
        """Run ``statements`` as one short transaction: how many rows they changed, or ``None``
        (and a note in :attr:`last_error`) if it failed and was skipped. With ``keep``, a write the
        database is away for is kept for later (0 rows changed so far)."""
        with self._lock:
            db = self._db
            if db is None:
                self.last_error = "the progress store is closed"
                return None
            if self._kept and not self._flush(db):  # still away: this one waits behind the others
                return self._keep(statements) if keep else None
            try:
                return self._run(db, statements)
            except db.errors as error:
                if keep and db.unreachable(error):
                    return self._keep(statements)
                self.last_error = reason(error)
                return None

    def _run(self, db: Database, statements: Sequence[tuple[str, Sequence[Any]]]) -> int:
        """One transaction, run again after a deadlock (at most :data:`RETRIES` times); raises ``db.errors``."""
        for attempt in range(RETRIES + 1):
            try:
                return db.write(statements)
            except db.errors as error:
                if attempt < RETRIES and db.retryable(error):
                    continue
                raise
        raise AssertionError("never reached: the last attempt returns or raises")

    def _keep(self, statements: tuple[tuple[str, Sequence[Any]], ...]) -> int:
        """Keep a write until the database is back (the oldest goes past :data:`MAX_KEPT`)."""
        if len(self._kept) >= MAX_KEPT:
            self._kept.popleft()
        self._kept.append(statements)
        self.last_error = KEPT
        return 0

    def _flush(self, db: Database) -> bool:
        """Write the kept writes, oldest first; ``False`` if the database is still away (the rest stay kept).

        A kept write the database refuses for another reason is skipped, as it would have been then.
        """
        while self._kept:
            try:
                self._run(db, self._kept[0])
            except db.errors as error:
                if db.unreachable(error):
                    return False
                self.last_error = reason(error)
            self._kept.popleft()
        return True

    def _read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one query, or ``[]`` (and a note in :attr:`last_error`) on error.

        Kept writes are written first, so a read sees them once the database is back.
        """
        with self._lock:
            db = self._db
            if db is None:
                self.last_error = "the progress store is closed"
                return []
            if self._kept and not self._flush(db):
                return []
            try:
                return db.read(sql, params)
            except db.errors as error:
                self.last_error = reason(error)
                return []

    def writable(self) -> bool:
        """Whether writes reach the database: a read-only file opens and reads fine, then refuses every write.

        The check writes the schema version back unchanged.
        """
        with self._lock:
            db = self._db
            if db is None:
                self.last_error = "the progress store is closed"
                return False
            try:
                db.check_writable()
                return True
            except db.errors as error:
                self.last_error = reason(error)
                return False

    def close(self) -> None:
        """Close the database (calling it again does nothing); kept writes get one last try."""
        with self._lock:
            if self._kept and self._db is not None:
                self._flush(self._db)
            db, self._db = self._db, None
        if db is not None:
            db.close()

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
            (TOUCH_LEARNER, (learner, now, now)),
            (_VISIT, (learner, section, now)),
        )

    def visited(self, learner: str) -> set[str]:
        """The ids of every section ``learner`` has opened."""
        return {str(r[0]) for r in self._read("SELECT section FROM visits WHERE learner = ?", (learner,))}

    # -- quick checks ----------------------------------------------------------------------

    def record_answer(self, learner: str, question_id: str, choice: str, correct: bool) -> None:
        """Record an answer: the first attempt is kept and scored, later ones update the latest choice."""
        now = now_iso()
        self._write(
            (TOUCH_LEARNER, (learner, now, now)),
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
            (TOUCH_LEARNER, (learner, now, now)),
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
        self._write((TOUCH_LEARNER, (learner, now, now)), (_SET_HAND, (learner, int(raised), now)))

    def hand_raised(self, learner: str) -> bool:
        """Whether ``learner``'s hand is up (``False`` if it never was)."""
        rows = self._read("SELECT raised FROM hands WHERE learner = ?", (learner,))
        return bool(rows and rows[0][0])
