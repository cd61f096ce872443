"""The learner's progress in SQLite: place in the lesson, visits, answers, time spent, certificate.

Standard library only (no textual, no numpy), so the CLI and the SSH server can use it.

Several app instances may share one file (two terminals, or the classroom
server's sessions). The database runs in WAL mode with a busy timeout, every
write is one short ``BEGIN IMMEDIATE … COMMIT`` transaction, and counters are
incremented inside SQL (``seconds = seconds + ?``), so interleaved writers lose
nothing.

Nothing here raises into the app: :func:`open_store` falls back to a fresh file
(moving a damaged one aside, never deleting it) or to memory, and returns a
one-line notice; at runtime a failed write is skipped and remembered in
:attr:`ProgressStore.last_error`, and a failed read returns an empty default.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import BY_ID, SECTION_IDS

APP_NAME = "backprop-tui"
DB_NAME = "progress.sqlite3"
"""The database's file name inside the data directory."""
HOME_ENV = "BACKPROP_TUI_HOME"
"""Environment variable that overrides the data directory (the tests always set it)."""
SCHEMA_VERSION = 1
"""The schema this code writes, kept in ``PRAGMA user_version``."""
BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's transaction before giving up."""

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 → 1: the first schema. Append one tuple per future version; never edit old ones.
    (
        """CREATE TABLE IF NOT EXISTS learners (
            name TEXT PRIMARY KEY,
            section TEXT,
            step INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS visits (
            learner TEXT NOT NULL,
            section TEXT NOT NULL,
            first_at TEXT NOT NULL,
            PRIMARY KEY (learner, section)
        )""",
        """CREATE TABLE IF NOT EXISTS answers (
            learner TEXT NOT NULL,
            question TEXT NOT NULL,
            choice TEXT NOT NULL,
            correct INTEGER NOT NULL,
            first_choice TEXT NOT NULL,
            first_correct INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (learner, question)
        )""",
        """CREATE TABLE IF NOT EXISTS certificates (
            learner TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            svg_path TEXT NOT NULL,
            txt_path TEXT NOT NULL,
            score INTEGER NOT NULL,
            total INTEGER NOT NULL
        )""",
    ),
)
assert len(_MIGRATIONS) == SCHEMA_VERSION

_COLUMNS: dict[str, frozenset[str]] = {
    "learners": frozenset({"name", "section", "step", "seconds", "created", "updated"}),
    "visits": frozenset({"learner", "section", "first_at"}),
    "answers": frozenset(
        {"learner", "question", "choice", "correct", "first_choice", "first_correct", "answered_at", "attempts"}
    ),
    "certificates": frozenset({"learner", "code", "issued_at", "svg_path", "txt_path", "score", "total"}),
}
"""The columns this code needs in each table (a newer schema may add more)."""

_TOUCH_LEARNER = (
    "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, 0, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET updated = excluded.updated"
)


_SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


class StoreDamagedError(sqlite3.DatabaseError):
    """The file is not a usable progress database: garbage, corrupt, or someone else's schema."""


def _check_integrity(conn: sqlite3.Connection) -> None:
    """Raise :class:`StoreDamagedError` unless ``PRAGMA quick_check`` says ``ok``."""
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise StoreDamagedError(f"integrity check failed: {row[0] if row else 'no answer'}")


def _check_columns(conn: sqlite3.Connection, *, all_present: bool) -> None:
    """Raise :class:`StoreDamagedError` if a table of ours lacks a column we need.

    With ``all_present``, a missing table counts as damage too (after the schema is made).
    """
    for table, needed in _COLUMNS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if (have or all_present) and not needed <= have:
            raise StoreDamagedError(f"table {table} lacks {', '.join(sorted(needed - have))}")


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


def data_dir() -> Path:
    """Where progress and certificates live: ``$BACKPROP_TUI_HOME``, else the user data directory."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _reason(error: BaseException) -> str:
    """A short, one-line reason for ``error``."""
    text = (error.strerror if isinstance(error, OSError) and error.strerror else None) or str(error)
    return " ".join(text.split()) or type(error).__name__


class ProgressStore:
    """Progress of every learner, by name, in one SQLite file (or in memory).

    Args:
        path: the database file; ``None`` keeps everything in memory.

    Raises (only from the constructor; :func:`open_store` handles them):
        StoreDamagedError, sqlite3.DatabaseError: the file is not a usable database.
        sqlite3.OperationalError: it cannot be opened or written.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path: Path | None = Path(path) if path is not None else None
        self.last_error: str | None = None
        """The last error a read or write met (``None`` if none so far); the app keeps going."""
        self._lock = threading.RLock()
        if self.path is not None:
            self._inspect(self.path)
        conn = sqlite3.connect(
            ":memory:" if self.path is None else str(self.path),
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn

    @staticmethod
    def _inspect(path: Path) -> None:
        """Check an existing file without changing it, so a damaged one can be moved aside intact.

        A writable connection would switch the file to WAL mode (rewriting its
        header) and, on closing, delete a write-ahead log it cannot use; this
        check reads the header itself, then looks through a read-only connection.

        Raises:
            StoreDamagedError, sqlite3.DatabaseError: the file is not a usable progress database.
        """
        try:
            if not path.is_file() or path.stat().st_size == 0:
                return  # nothing there yet (or not a file: opening will say why)
            with path.open("rb") as f:
                header = f.read(len(_SQLITE_HEADER))
        except OSError:
            return  # opening will say why
        if header != _SQLITE_HEADER:
            raise StoreDamagedError("not an SQLite database")
        try:
            conn = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.OperationalError:
            return  # opening for writing will say why
        try:
            _check_integrity(conn)
            _check_columns(conn, all_present=False)
        except sqlite3.OperationalError:
            pass  # not damage (busy, read-only folder…): opening for writing will tell
        finally:
            conn.close()

    @staticmethod
    def _prepare(conn: sqlite3.Connection) -> None:
        """Set the pragmas, check the file's integrity, then create or migrate the schema."""
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_integrity(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode; one fsync per checkpoint
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < 0:
                raise StoreDamagedError(f"unknown schema version {version}")
            for statements in _MIGRATIONS[version:]:
                for sql in statements:
                    conn.execute(sql)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            _check_columns(conn, all_present=True)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

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
                self.last_error = _reason(error)
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                return False

    def writable(self) -> bool:
        """Whether writes reach the file: a read-only file opens and reads fine, then refuses every write."""
        return self._write((f"PRAGMA user_version = {SCHEMA_VERSION}", ()))

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
                self.last_error = _reason(error)
                return []

    def close(self) -> None:
        """Close the database (calling it again does nothing)."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(sqlite3.Error):
                conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
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
        now = _now()
        self._write(
            (
                "INSERT INTO learners (name, section, step, seconds, created, updated) VALUES (?, ?, ?, 0, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET "
                "section = excluded.section, step = excluded.step, updated = excluded.updated",
                (learner, section, int(step), now, now),
            )
        )

    def visit(self, learner: str, section: str) -> None:
        """Note that ``learner`` has opened ``section`` (the first time is kept)."""
        now = _now()
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
        now = _now()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (
                "INSERT INTO answers (learner, question, choice, correct, first_choice, first_correct, "
                "answered_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (learner, question) DO UPDATE SET "
                "choice = excluded.choice, correct = excluded.correct, attempts = attempts + 1",
                (learner, question_id, choice, int(correct), choice, int(correct), now),
            ),
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
        now = _now()
        self._write(
            (
                "INSERT INTO learners (name, step, seconds, created, updated) VALUES (?, 0, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET seconds = seconds + excluded.seconds, updated = excluded.updated",
                (learner, float(seconds), now, now),
            )
        )

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
        now = _now()
        self._write(
            (_TOUCH_LEARNER, (learner, now, now)),
            (
                "INSERT OR REPLACE INTO certificates (learner, code, issued_at, svg_path, txt_path, score, total) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (learner, code, issued, str(svg_path), str(txt_path), int(score), int(total)),
            ),
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


# -- opening ------------------------------------------------------------------------------------


def _move_aside(file: Path) -> Path:
    """Rename ``file`` (and its -wal/-shm files) to ``<name>.corrupt-YYYYMMDD-HHMMSS``; return the new path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = file.with_name(f"{file.name}.corrupt-{stamp}")
    n = 1
    while any(Path(f"{aside}{s}").exists() for s in ("", "-wal", "-shm")):
        aside = file.with_name(f"{file.name}.corrupt-{stamp}-{n}")
        n += 1
    # The main file first: the sidecars must follow it, or SQLite would replay the old
    # write-ahead log into the fresh database.
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):  # no sidecar, or another process moved it already
            os.rename(f"{file}{suffix}", f"{aside}{suffix}")
    return aside


def _in_memory(notice: str) -> tuple[ProgressStore, str]:
    """A store that forgets everything at the end of the session, with ``notice``."""
    return ProgressStore(None), notice


def _unsaved(directory: Path, error: BaseException) -> tuple[ProgressStore, str]:
    reason = _reason(error)
    blocker = next((p for p in (directory, *directory.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir says "File exists", which doesn't say which file
        reason = f"{blocker} is a file, not a folder"
    return _in_memory(f"Progress can't be saved in {directory} ({reason}); this session won't be remembered.")


def open_store(path: Path | None = None) -> tuple[ProgressStore, str | None]:
    """Open the progress store, never raising.

    Args:
        path: the database file (default: ``data_dir() / DB_NAME``); its folder is created.

    Returns:
        The store, and a one-line notice for the learner (or ``None`` when all went well).
        A damaged file is moved aside and a fresh one started; an unusable
        directory gives an in-memory store.
    """
    try:
        file = Path(path) if path is not None else data_dir() / DB_NAME
    except Exception as error:  # e.g. no home directory to resolve
        return _in_memory(f"Progress can't be saved ({_reason(error)}); this session won't be remembered.")
    directory = file.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        store = ProgressStore(file)
        if not store.writable():
            return store, (
                f"Your progress file {file} can't be written ({store.last_error}): "
                "your place was read, but this session won't be saved."
            )
        return store, None
    except sqlite3.OperationalError as error:  # can't open, read-only, locked for too long…
        return _unsaved(directory, error)
    except sqlite3.DatabaseError:  # not a database, corrupt, or a foreign schema
        pass
    except Exception as error:  # OSError from mkdir and anything unforeseen
        return _unsaved(directory, error)

    try:
        aside = _move_aside(file)
    except OSError as error:
        return _in_memory(
            f"Your progress file {file} is damaged and couldn't be moved aside ({_reason(error)}); "
            "this session won't be remembered."
        )
    notice = f"Your progress file was damaged; it was moved aside to {aside} and a fresh one started."
    try:
        return ProgressStore(file), notice
    except Exception as error:
        return _in_memory(
            f"Your progress file was damaged and moved aside to {aside}, but a fresh one couldn't be "
            f"started ({_reason(error)}); this session won't be remembered."
        )


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Results:
    """How far a learner has come: what the finish screen and the certificate show.

    Attributes:
        visited: the sections opened, in lesson order.
        sections_total: how many sections the lesson has.
        answered: how many of the lesson's quick checks have an answer.
        questions_total: how many quick checks the lesson has.
        score: how many were answered right on the first try.
        seconds: time spent in the lesson.
        unanswered: ids of the quick checks still without an answer, in lesson order.
    """

    visited: tuple[str, ...]
    sections_total: int
    answered: int
    questions_total: int
    score: int
    seconds: float
    unanswered: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Every section visited and every quick check answered."""
        return len(self.visited) >= self.sections_total and self.answered >= self.questions_total

    @property
    def missing(self) -> tuple[str, ...]:
        """What is left, in words: unvisited sections, then unanswered quick checks per section."""
        seen = set(self.visited)
        items = [f"section {s.key} {s.title}" for s in (BY_ID[i] for i in SECTION_IDS) if s.id not in seen]
        left = set(self.unanswered)
        per_section = Counter(q.section for q in QUESTIONS if q.id in left)
        for section_id in SECTION_IDS:
            if n := per_section[section_id]:
                s = BY_ID[section_id]
                items.append(f"{n} quick check{'s' if n > 1 else ''} in section {s.key} {s.title}")
        if (other := self.questions_total - self.answered - sum(per_section.values())) > 0:
            items.append(f"{other} quick check{'s' if other > 1 else ''}")
        return tuple(items)


def results(store: ProgressStore, learner: str) -> Results:
    """``learner``'s results so far (answers to questions no longer in the lesson are ignored)."""
    seen = store.visited(learner)
    answers = store.answers(learner)
    current = [answers.get(q.id) for q in QUESTIONS]
    return Results(
        visited=tuple(s for s in SECTION_IDS if s in seen),
        sections_total=len(SECTION_IDS),
        answered=sum(a is not None for a in current),
        questions_total=len(QUESTIONS),
        score=sum(a is not None and a.correct for a in current),
        seconds=store.seconds(learner),
        unanswered=tuple(q.id for q, a in zip(QUESTIONS, current, strict=True) if a is None),
    )
