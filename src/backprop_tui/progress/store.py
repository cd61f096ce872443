"""Opening the learner's progress store, and recovering when that fails.

Standard library only (no textual, no numpy), so the CLI and the SSH server can use it.

The store itself is split by concern:

- :mod:`~backprop_tui.progress.schema`: the file format (schema, version,
  integrity and column checks) and opening a connection;
- :mod:`~backprop_tui.progress.backends`: which database (an SQLite file, the default,
  or PostgreSQL: ``--database`` / ``$BACKPROP_TUI_DATABASE``) and the interface the
  store's SQL runs through; :mod:`~backprop_tui.progress.postgres`: PostgreSQL's side;
- :mod:`~backprop_tui.progress.queries`: :class:`ProgressStore`, its reads and writes;
- :mod:`~backprop_tui.progress.class_queries`: the part of them for the class view, the
  classroom server's sessions and reset;
- :mod:`~backprop_tui.progress.records`: the typed rows it returns;
- :mod:`~backprop_tui.progress.results`: a learner's results for the finish screen;
- this module: where the file lives and :func:`open_store`, which never raises.
  It re-exports the public names of the others, so ``from
  backprop_tui.progress.store import …`` keeps working for every caller
  (the results' on first use: the lesson's first frame does not need them).

:func:`open_store` falls back to a fresh file (moving a damaged one aside, never
deleting it) or to memory (PostgreSQL unreachable, or a database of a newer
version, which is never touched), and returns a one-line notice; at runtime a failed
write is skipped and remembered in :attr:`ProgressStore.last_error`, and a failed
read returns an empty default.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from backprop_tui.progress.backends import DATABASE_ENV, configured, is_postgres_url, redact, scrub
from backprop_tui.progress.queries import ProgressStore, reason
from backprop_tui.progress.records import Answer, CertificateRecord, LearnerRow, QuestionTally
from backprop_tui.progress.schema import BUSY_TIMEOUT_MS, SCHEMA_VERSION, SchemaTooNewError, StoreDamagedError

if TYPE_CHECKING:
    from backprop_tui.progress.results import Results, results

__all__ = [
    "APP_NAME",
    "BUSY_TIMEOUT_MS",
    "DATABASE_ENV",
    "DB_NAME",
    "HOME_ENV",
    "SCHEMA_VERSION",
    "Answer",
    "CertificateRecord",
    "LearnerRow",
    "ProgressStore",
    "QuestionTally",
    "Results",
    "SchemaTooNewError",
    "StoreDamagedError",
    "data_dir",
    "database",
    "describe",
    "open_store",
    "results",
]

_LATER = frozenset({"Results", "results"})
"""Re-exported names whose module loads on first use (:func:`__getattr__`)."""


def __getattr__(name: str) -> Any:
    """``Results`` and ``results``, imported from :mod:`~backprop_tui.progress.results` when first asked for."""
    if name in _LATER:
        from backprop_tui.progress import results as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


APP_NAME = "backprop-tui"
"""The application's name, as platformdirs knows it."""
DB_NAME = "progress.sqlite3"
"""The database's file name inside the data directory."""
HOME_ENV = "BACKPROP_TUI_HOME"
"""Environment variable that overrides the data directory (the tests always set it)."""


def data_dir() -> Path:
    """Where progress and certificates live: ``$BACKPROP_TUI_HOME``, else the user data directory."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database(option: Path | str | None = None) -> Path | str:
    """The progress database to use: ``option`` (``--database``), else ``$BACKPROP_TUI_DATABASE``,
    else the SQLite file in the data directory. A PostgreSQL URL is a ``str``, a file a ``Path``.

    Raises:
        ValueError: the environment variable names something that is not a database.
    """
    target = configured(option)
    return data_dir() / DB_NAME if target is None else target


def describe(target: Path | str) -> str:
    """``target`` to show: a file's path, or a URL without its password."""
    return redact(target) if isinstance(target, str) and is_postgres_url(target) else str(target)


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
    """An in-memory store, and a notice saying why nothing can be saved in ``directory``."""
    why = reason(error)
    blocker = next((p for p in (directory, *directory.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir says "File exists", which doesn't say which file
        why = f"{blocker} is a file, not a folder"
    return _in_memory(f"Progress can't be saved in {directory} ({why}); this session won't be remembered.")


def _sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:]


def _open_postgres(url: str) -> tuple[ProgressStore, str | None]:
    """The store in PostgreSQL at ``url``, or one in memory with a notice naming the database (no password)."""
    where = redact(url)
    try:
        store = ProgressStore(url)
    except SchemaTooNewError as error:
        return _in_memory(f"{_sentence(reason(error))}; this session won't be remembered.")
    except Exception as error:  # unreachable, refused, someone else's tables, psycopg missing…
        why = scrub(reason(error), url)
        return _in_memory(f"Progress can't be saved in {where} ({why}); this session won't be remembered.")
    if not store.writable():
        why = scrub(store.last_error or "refused", url)
        return store, (
            f"The progress database {where} can't be written ({why}): your place was read, but this session won't be saved."
        )
    return store, None


def open_store(path: Path | str | None = None) -> tuple[ProgressStore, str | None]:
    """Open the progress store, never raising.

    Args:
        path: the SQLite file or a ``postgresql://`` URL (default: :func:`database`:
            ``$BACKPROP_TUI_DATABASE``, else ``data_dir() / DB_NAME``); a file's folder is created.

    Returns:
        The store, and a one-line notice for the learner (or ``None`` when all went well).
        A damaged file is moved aside and a fresh one started; an unusable directory,
        an unreachable PostgreSQL, or a database of a newer version than this code
        knows (left untouched) gives an in-memory store.
    """
    # The broad excepts below are the point: whatever goes wrong, the lesson still opens.
    try:
        target = database(path)
    except Exception as error:  # a bad $BACKPROP_TUI_DATABASE, no home directory to resolve…
        return _in_memory(f"Progress can't be saved ({reason(error)}); this session won't be remembered.")
    if isinstance(target, str) and is_postgres_url(target):
        return _open_postgres(target)
    file = Path(target)
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
    except SchemaTooNewError as error:  # a newer copy's file: not ours to move or change
        return _in_memory(f"{_sentence(reason(error))}; this session won't be remembered.")
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
            f"Your progress file {file} is damaged and couldn't be moved aside ({reason(error)}); "
            "this session won't be remembered."
        )
    notice = f"Your progress file was damaged; it was moved aside to {aside} and a fresh one started."
    try:
        return ProgressStore(file), notice
    except Exception as error:  # a fresh file that still can't be made
        return _in_memory(
            f"Your progress file was damaged and moved aside to {aside}, but a fresh one couldn't be "
            f"started ({reason(error)}); this session won't be remembered."
        )
