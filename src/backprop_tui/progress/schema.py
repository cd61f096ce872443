"""The progress database's file format: schema, version, checks, and opening a connection.

Standard library only. :func:`connect` is the one way in: it checks an existing
file without changing it, opens it, sets the pragmas (WAL, busy timeout), checks
its integrity, and creates or migrates the schema, raising
:class:`StoreDamagedError` (or another :class:`sqlite3.DatabaseError`) when the
file is not a usable progress database. What to do then (move the file aside,
fall back to memory) is :mod:`backprop_tui.progress.store`'s business.

The schema is one for both backends: :data:`MIGRATIONS` are numbered steps,
applied at start to an SQLite file here and to a PostgreSQL database by
:mod:`~backprop_tui.progress.postgres` (which keeps its version in a table of its
own). In SQLite the version lives in ``PRAGMA user_version``. Each version's
migration only ever creates what is missing (``CREATE TABLE IF NOT EXISTS``), so
running one twice is harmless (a column is added only where it is missing:
see :func:`added_column`): an older copy of the app that wrote its own, lower
version number into a newer file (as version 1's writability check did) costs
nothing when a newer copy opens it again. A database of a newer version than this
code knows is refused (:class:`SchemaTooNewError`) and left exactly as it is.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import suppress
from pathlib import Path

SCHEMA_VERSION = 4
"""The schema this code writes, kept in ``PRAGMA user_version``."""
BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's transaction before giving up (read at each connect)."""
SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 → 1: the first schema. Append one tuple per future version; never edit old ones,
    # keep each one safe to run twice, and write SQL that SQLite and PostgreSQL both run
    # (PostgreSQL reads REAL as DOUBLE PRECISION: see progress/postgres.py).
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
    # 1 → 2: raised hands, for the teacher's class view. A table of its own rather than
    # a new column, so the step is idempotent and a version-1 file needs no rewriting.
    (
        """CREATE TABLE IF NOT EXISTS hands (
            learner TEXT PRIMARY KEY,
            raised INTEGER NOT NULL,
            changed_at TEXT NOT NULL
        )""",
    ),
    # 2 → 3: who is connected to the classroom server (one row per open session, with the
    # process serving it and the process that recorded it, so rows a dead server left behind
    # can be told apart), and the typed-answer exercises each learner solved.
    (
        """CREATE TABLE IF NOT EXISTS sessions (
            learner TEXT NOT NULL,
            session TEXT NOT NULL,
            pid INTEGER NOT NULL,
            owner INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            PRIMARY KEY (learner, session)
        )""",
        """CREATE TABLE IF NOT EXISTS exercises (
            learner TEXT NOT NULL,
            exercise TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            solved_at TEXT,
            PRIMARY KEY (learner, exercise)
        )""",
    ),
    # 3 → 4: sessions across several servers sharing one database. Each session names the host
    # serving it (``--host-id`` or the machine's name), and that host notes every few seconds that
    # it still serves it (``seen_at``), so another machine can tell a live session from a dead host's.
    (
        "ALTER TABLE sessions ADD COLUMN host TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE sessions ADD COLUMN seen_at TEXT",
    ),
)
"""SQL that takes a file from version ``i`` to ``i + 1``, at index ``i``."""
assert len(MIGRATIONS) == SCHEMA_VERSION

COLUMNS: dict[str, frozenset[str]] = {
    "learners": frozenset({"name", "section", "step", "seconds", "created", "updated"}),
    "visits": frozenset({"learner", "section", "first_at"}),
    "answers": frozenset(
        {"learner", "question", "choice", "correct", "first_choice", "first_correct", "answered_at", "attempts"}
    ),
    "certificates": frozenset({"learner", "code", "issued_at", "svg_path", "txt_path", "score", "total"}),
    "hands": frozenset({"learner", "raised", "changed_at"}),
    "sessions": frozenset({"learner", "session", "pid", "owner", "started_at", "host", "seen_at"}),
    "exercises": frozenset({"learner", "exercise", "attempts", "solved_at"}),
}
"""The columns this code needs in each table (a newer schema may add more)."""
_ADD_COLUMN = re.compile(r"^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)\b", re.IGNORECASE)


def added_column(sql: str) -> tuple[str, str] | None:
    """(table, column) if ``sql`` adds a column to a table (``ALTER TABLE t ADD COLUMN c …``), else ``None``."""
    match = _ADD_COLUMN.match(sql)
    return None if match is None else (match.group(1), match.group(2))


def _later_columns() -> dict[str, frozenset[str]]:
    later: dict[str, set[str]] = {}
    for added in (added_column(sql) for statements in MIGRATIONS for sql in statements):
        if added is not None:
            later.setdefault(added[0], set()).add(added[1])
    return {table: frozenset(columns) for table, columns in later.items()}


LATER_COLUMNS: dict[str, frozenset[str]] = _later_columns()
"""The columns a migration adds to a table an earlier one made: a database not yet migrated may lack them."""


class StoreDamagedError(sqlite3.DatabaseError):
    """The file is not a usable progress database: garbage, corrupt, or someone else's schema."""


class SchemaTooNewError(Exception):
    """The database was made by a newer copy of the app: this one must not touch it."""

    def __init__(self, where: str, version: int) -> None:
        super().__init__(
            f"{where} holds progress schema version {version}, newer than this backprop-tui knows "
            f"({SCHEMA_VERSION}): upgrade backprop-tui to use it"
        )
        self.version = version


def check_version(version: int, where: str) -> None:
    """Raise unless a database at schema ``version`` can be migrated by this code.

    Raises:
        StoreDamagedError: a negative version (no copy of the app writes one).
        SchemaTooNewError: a version newer than :data:`SCHEMA_VERSION`.
    """
    if version < 0:
        raise StoreDamagedError(f"unknown schema version {version}")
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(where, version)


def check_integrity(conn: sqlite3.Connection) -> None:
    """Raise :class:`StoreDamagedError` unless ``PRAGMA quick_check`` says ``ok``."""
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise StoreDamagedError(f"integrity check failed: {row[0] if row else 'no answer'}")


def check_columns(conn: sqlite3.Connection, *, all_present: bool) -> None:
    """Raise :class:`StoreDamagedError` if a table of ours lacks a column we need.

    With ``all_present``, a missing table counts as damage too (after the schema is made);
    without it, a missing table is fine (the migrations will create it), and so is a missing
    column that a migration adds (:data:`LATER_COLUMNS`).
    """
    for table, columns in COLUMNS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        needed = columns if all_present else columns - LATER_COLUMNS.get(table, frozenset())
        if (have or all_present) and not needed <= have:
            raise StoreDamagedError(f"table {table} lacks {', '.join(sorted(needed - have))}")


def inspect_file(path: Path, *, timeout_ms: int) -> None:
    """Check an existing file without changing it, so a damaged one can be moved aside intact.

    A writable connection would switch the file to WAL mode (rewriting its
    header) and, on closing, delete a write-ahead log it cannot use; this
    check reads the header itself, then looks through a read-only connection.
    A missing, empty or unreadable file passes: opening it will say what is wrong.

    Raises:
        StoreDamagedError, sqlite3.DatabaseError: the file is not a usable progress database.
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return  # nothing there yet (or not a file: opening will say why)
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError:
        return  # opening will say why
    if header != SQLITE_HEADER:
        raise StoreDamagedError("not an SQLite database")
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=timeout_ms / 1000)
    except sqlite3.OperationalError:
        return  # opening for writing will say why
    try:
        check_integrity(conn)
        check_columns(conn, all_present=False)
    except sqlite3.OperationalError:
        pass  # not damage (busy, read-only folder…): opening for writing will tell
    finally:
        conn.close()


def prepare(conn: sqlite3.Connection, *, timeout_ms: int, where: str = "the progress file") -> None:
    """Set the pragmas, check the file's integrity, then create or migrate the schema.

    Raises:
        StoreDamagedError: the file fails its integrity check, has an impossible
            version, or lacks a table or column this code needs.
        SchemaTooNewError: a newer copy of the app made it (nothing is changed).
        sqlite3.OperationalError: it cannot be written (or stayed locked too long).
    """
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    check_integrity(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode; one fsync per checkpoint
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        check_version(version, where)
        for statements in MIGRATIONS[version:]:
            for sql in statements:
                if (added := added_column(sql)) is not None:
                    table, column = added
                    if column in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}:
                        continue  # added already: SQLite has no ADD COLUMN IF NOT EXISTS
                conn.execute(sql)
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        check_columns(conn, all_present=True)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def connect(path: Path | None) -> sqlite3.Connection:
    """A connection to a checked, up-to-date progress database at ``path`` (``None``: in memory).

    The connection is in autocommit mode (every transaction is explicit) and may be
    used from several threads, one at a time. The busy timeout is
    :data:`BUSY_TIMEOUT_MS` as it is at the time of the call.

    Raises:
        StoreDamagedError, sqlite3.DatabaseError: the file is not a usable progress database.
        SchemaTooNewError: a newer copy of the app made it.
        sqlite3.OperationalError: it cannot be opened or written.
    """
    timeout_ms = BUSY_TIMEOUT_MS
    if path is not None:
        inspect_file(path, timeout_ms=timeout_ms)
    conn = sqlite3.connect(
        ":memory:" if path is None else str(path),
        isolation_level=None,
        check_same_thread=False,
        timeout=timeout_ms / 1000,
    )
    try:
        prepare(conn, timeout_ms=timeout_ms, where="memory" if path is None else f"the progress file {path}")
    except BaseException:
        conn.close()
        raise
    return conn
