"""Where progress is kept, and the small interface :class:`~backprop_tui.progress.queries.ProgressStore`
runs its SQL through: an SQLite file (the default) or a PostgreSQL database.

Standard library only. The SQL is written once, in the dialect both engines share
(``?`` placeholders, ``INSERT … ON CONFLICT``, table-qualified columns in its
``DO UPDATE``); :mod:`~backprop_tui.progress.postgres` translates the placeholders.
Naming a ``postgresql://`` URL is what loads psycopg: the SQLite path never does.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from backprop_tui.progress import schema

DATABASE_ENV = "BACKPROP_TUI_DATABASE"
"""Environment variable naming the progress database (a ``postgresql://`` URL or an SQLite file);
``--database`` sets it for the lesson and for every lesson the classroom server starts."""
POSTGRES_SCHEMES = ("postgresql", "postgres")
"""The URL schemes that mean PostgreSQL (libpq accepts both)."""

Statement = tuple[str, Sequence[Any]]


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` is a PostgreSQL URL (``postgresql://…`` or ``postgres://…``)."""
    return isinstance(target, str) and target.partition("://")[0].lower() in POSTGRES_SCHEMES and "://" in target


def redact(url: str) -> str:
    """``url`` without its password (in the user part or as a ``password=`` parameter), to show or log."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}@{host}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return f"{url.partition('://')[0]}://…"


def scrub(text: str, url: str) -> str:
    """``text`` (an error message about ``url``) with any password of ``url`` blotted out."""
    secrets: list[str] = []
    with suppress(ValueError):
        parts = urlsplit(url)
        secrets += [parts.password or ""]
        secrets += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() == "password"]
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


def parse_target(text: str) -> Path | str:
    """A ``--database`` value: a PostgreSQL URL as it is, anything else as an SQLite file's path.

    Raises:
        ValueError: empty, or a URL of another kind of database (with the reason).
    """
    text = text.strip()
    if not text:
        raise ValueError("must name a database: a postgresql:// URL or an SQLite file")
    if is_postgres_url(text):
        return text
    if "://" in text:
        raise ValueError(f"must be a postgresql:// URL or an SQLite file, not {redact(text)}")
    return Path(text).expanduser()


class Database:
    """One open connection to the progress database, as the store uses it.

    Every method may raise one of :attr:`errors`; the store catches them.
    """

    errors: tuple[type[Exception], ...] = ()
    """What a failing read or write raises."""
    where: str = ""
    """Where the data is, for messages (never with a password)."""

    def write(self, statements: Sequence[Statement]) -> int:
        """Run ``statements`` as one transaction; how many rows they changed."""
        raise NotImplementedError

    def read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one query."""
        raise NotImplementedError

    def check_writable(self) -> None:
        """Raise unless a write reaches the database (it writes the schema version back unchanged)."""
        raise NotImplementedError

    def retryable(self, error: Exception) -> bool:
        """Whether a write that raised ``error`` may simply be run again (a deadlock, a serialization failure)."""
        return False

    def unreachable(self, error: Exception) -> bool:
        """Whether ``error`` means the database can't be reached just now (its writes may wait for it)."""
        return False

    def close(self) -> None:
        """Close the connection (never raises)."""
        raise NotImplementedError


class SQLiteDatabase(Database):
    """An SQLite file (or memory): every write one ``BEGIN IMMEDIATE … COMMIT``, waiting on a busy file."""

    errors = (sqlite3.Error,)

    def __init__(self, path: Path | None) -> None:
        self.where = ":memory:" if path is None else str(path)
        self.conn = schema.connect(path)

    def write(self, statements: Sequence[Statement]) -> int:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            changed = sum(max(conn.execute(sql, params).rowcount, 0) for sql, params in statements)
            conn.execute("COMMIT")
            return changed
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def read(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def check_writable(self) -> None:
        # A read-only file opens and reads fine, then refuses every write: write the version back unchanged.
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        self.write([(f"PRAGMA user_version = {version}", ())])

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self.conn.close()


def configured(option: Path | str | None = None) -> Path | str | None:
    """The database asked for: ``option``, else ``$BACKPROP_TUI_DATABASE`` (``None``: the default file).

    Raises:
        ValueError: the environment variable names something that is not a database.
    """
    if option is not None:
        return option
    value = os.environ.get(DATABASE_ENV, "").strip()
    return parse_target(value) if value else None
