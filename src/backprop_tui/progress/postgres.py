"""The progress store in PostgreSQL (psycopg 3): connecting, applying the schema's migrations, running the SQL.

Imported only when a ``postgresql://`` URL is named (``--database`` or
``$BACKPROP_TUI_DATABASE``), so the lesson's start-up on SQLite never loads psycopg.

Several ``serve`` hosts and every lesson they run share one database: each
store has a connection of its own in autocommit mode. A one-statement write is
atomic by itself; a longer one runs in a transaction. Counters are incremented
in SQL (``INSERT … ON CONFLICT DO UPDATE SET seconds = learners.seconds + …``,
atomic in PostgreSQL), so concurrent writers under one name lose nothing.

The migrations are :data:`~backprop_tui.progress.schema.MIGRATIONS`, the same
steps as SQLite's (``REAL`` read as double precision), applied under an advisory
lock so that hosts starting together migrate once; the version is kept in the
table ``backprop_schema``. A connection that drops is opened again at the next
read or write (at most every :data:`RECONNECT_EVERY` seconds); meanwhile they fail
like any other, and the store skips them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from backprop_tui.progress import schema
from backprop_tui.progress.backends import Database, Statement, redact

CONNECT_TIMEOUT = 5
"""Seconds to wait for the server when connecting (unless the URL says ``connect_timeout``)."""
RECONNECT_EVERY = 5.0
"""After a connection is lost, the least time between two attempts to open it again, in seconds."""
VERSION_TABLE = "backprop_schema"
"""The table holding the schema version (one row), as ``PRAGMA user_version`` does in SQLite."""
MIGRATION_LOCK = 0x62_70_74_75_69
"""The advisory lock taken while migrating, so hosts starting at once migrate one after the other."""
_REAL = re.compile(r"\bREAL\b")
_ADD_COLUMN = re.compile(r"\bADD\s+COLUMN\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def to_postgres(sql: str) -> str:
    """The store's SQL (``?`` placeholders) with psycopg's placeholders (``%s``; a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def ddl(sql: str) -> str:
    """A migration's statement for PostgreSQL: SQLite's ``REAL`` is 8 bytes, PostgreSQL's 4; a column
    is added only if missing (the step stays safe to run twice)."""
    sql = _REAL.sub("DOUBLE PRECISION", sql)
    if schema.added_column(sql) is not None:
        sql = _ADD_COLUMN.sub("ADD COLUMN IF NOT EXISTS", sql, count=1)
    return sql


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to ``url`` in autocommit mode, waiting on another's lock at most as long as SQLite would.

    Raises:
        psycopg.Error: the server can't be reached, or refuses (no such database, wrong password…).
    """
    given = conninfo_to_dict(url)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in given:
        extra["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in given:
        extra["application_name"] = "backprop-tui"
    conn = psycopg.connect(url, autocommit=True, **extra)
    try:
        conn.execute(f"SET lock_timeout = {int(schema.BUSY_TIMEOUT_MS)}")
    except BaseException:
        conn.close()
        raise
    return conn


def check_columns(conn: psycopg.Connection[Any], *, all_present: bool) -> None:
    """Raise :class:`~backprop_tui.progress.schema.StoreDamagedError` if a table of ours lacks a column
    this code needs (with ``all_present``, if a table is missing too)."""
    have: dict[str, set[str]] = {table: set() for table in schema.COLUMNS}
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
        (list(schema.COLUMNS),),
    ).fetchall()
    for table, column in rows:
        have[str(table)].add(str(column))
    for table, columns in schema.COLUMNS.items():
        needed = columns if all_present else columns - schema.LATER_COLUMNS.get(table, frozenset())
        if (have[table] or all_present) and not needed <= have[table]:
            raise schema.StoreDamagedError(f"table {table} lacks {', '.join(sorted(needed - have[table]))}")


def migrate(conn: psycopg.Connection[Any], where: str) -> int:
    """Create or migrate the schema in one transaction; the version it was at.

    Raises:
        SchemaTooNewError: a newer copy of the app made it (nothing is changed).
        StoreDamagedError: a table of ours exists without a column we need (someone else's).
        psycopg.Error: the server refused (no right to create tables…).
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
        rows = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall()
        version = max((int(r[0]) for r in rows), default=0)
        schema.check_version(version, where)
        check_columns(conn, all_present=False)
        for statements in schema.MIGRATIONS[version:]:
            for sql in statements:
                conn.execute(ddl(sql))
        if not rows:
            conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (%s)", (schema.SCHEMA_VERSION,))
        elif version < schema.SCHEMA_VERSION or len(rows) > 1:
            conn.execute(f"DELETE FROM {VERSION_TABLE}")
            conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (%s)", (schema.SCHEMA_VERSION,))
        check_columns(conn, all_present=True)
    return version


class PostgresDatabase(Database):
    """The progress database in PostgreSQL at ``url`` (checked and migrated on opening).

    Raises (from the constructor):
        psycopg.Error: the server can't be reached or refused.
        SchemaTooNewError, StoreDamagedError: see :func:`migrate`.
    """

    errors = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = redact(url)
        self.conn = connect(url)
        try:
            migrate(self.conn, f"the progress database {self.where}")
        except BaseException:
            self.conn.close()
            raise
        self._next_try = 0.0

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened again if it was lost (at most every :data:`RECONNECT_EVERY` seconds)."""
        if not self.conn.closed:
            return self.conn
        now = time.monotonic()
        if now < self._next_try:
            raise psycopg.OperationalError("the connection to the progress database was lost")
        self._next_try = now + RECONNECT_EVERY
        self.conn = connect(self.url)
        return self.conn

    def unreachable(self, error: Exception) -> bool:
        # A lost connection is closed (psycopg marks it broken); a refused statement leaves it open.
        return isinstance(error, psycopg.OperationalError) and self.conn.closed

    def write(self, statements: Sequence[Statement]) -> int:
        conn = self._live()
        if len(statements) == 1:  # autocommit: one statement is its own transaction, one round trip
            sql, params = statements[0]
            return max(conn.execute(to_postgres(sql), params).rowcount, 0)
        with conn.transaction():
            return sum(max(conn.execute(to_postgres(sql), params).rowcount, 0) for sql, params in statements)

    def read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return self._live().execute(to_postgres(sql), params).fetchall()

    def check_writable(self) -> None:
        self._live().execute(f"UPDATE {VERSION_TABLE} SET version = version")

    def retryable(self, error: Exception) -> bool:
        return isinstance(error, pg_errors.DeadlockDetected | pg_errors.SerializationFailure)

    def close(self) -> None:
        with suppress(psycopg.Error):
            self.conn.close()
