"""``backprop-tui class``: the teacher's live view of every student in the progress database (DESIGN §5).

``--csv`` prints the students' table and exits without importing Textual. The
live view reads the same database the classroom server writes: SQLite in WAL
mode lets it read while ``serve`` writes, and it never moves, replaces or
creates the file (a missing one reads as an empty class until it appears).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from backprop_tui.models.classroom import ClassSnapshot, csv_text
from backprop_tui.progress.backends import scrub
from backprop_tui.progress.class_queries import host_id
from backprop_tui.progress.queries import ProgressStore, reason
from backprop_tui.progress.store import database, describe

if TYPE_CHECKING:
    from textual.app import App


def utc_now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


class ClassReader:
    """Reads the class from the database at ``path`` (an SQLite file, opened only once it exists, or a
    ``postgresql://`` URL).

    Unlike the lesson's :func:`~backprop_tui.progress.store.open_store`, it never
    moves a damaged file aside nor starts a fresh one: the file is the server's.
    Call it for a :class:`ClassSnapshot`; :meth:`close` when done.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.where = describe(path)
        """The database, to show (a URL without its password)."""
        self._store: ProgressStore | None = None

    def exists(self) -> bool:
        """Whether there is a database to read: the SQLite file is there (a URL always is)."""
        return not isinstance(self.path, Path) or self.path.exists()

    def __call__(self) -> ClassSnapshot:
        """The class as it is now (with a notice, and no one in it, if the database can't be read)."""
        if self._store is None:
            if isinstance(self.path, Path) and not self.path.is_file():
                return ClassSnapshot(notice=f"No progress yet in {self.path.parent}: nobody has started the lesson.")
            try:
                self._store = ProgressStore(self.path)
            except Exception as error:  # damaged, foreign, unreadable, unreachable: say so and try again later
                return ClassSnapshot(notice=f"Can't read {self.where} ({self._reason(reason(error))}).")
        store = self._store
        store.last_error = None
        rows = tuple(store.learners())
        tallies = store.question_tallies()
        notice = None if store.last_error is None else f"Can't read {self.where} ({self._reason(store.last_error)})."
        return ClassSnapshot(rows, tallies, notice, here=host_id())

    def _reason(self, text: str) -> str:
        """``text`` without the URL's password, if it quoted it."""
        return scrub(text, self.path) if isinstance(self.path, str) else text

    def close(self) -> None:
        """Close the database, if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


def class_app(
    load: Callable[[], ClassSnapshot],
    clock: Callable[[], datetime] = utc_now,
    refresh_every: float | None = None,
) -> App[None]:
    """The class view as a Textual app (imports Textual: only the live view pays for it)."""
    from textual.app import App

    from backprop_tui.renderables import palette
    from backprop_tui.screens.class_view import REFRESH_SECONDS, ClassScreen

    every = REFRESH_SECONDS if refresh_every is None else refresh_every

    class ClassApp(App[None]):
        """The teacher's live view: ``q`` quits."""

        TITLE = "backprop-tui class"
        ENABLE_COMMAND_PALETTE = False

        def __init__(self) -> None:
            super().__init__()
            self.console.push_theme(palette.THEME)

        def on_mount(self) -> None:
            self.push_screen(ClassScreen(load, clock, every))

    return ClassApp()


NO_TERMINAL = (
    "backprop-tui: the class view needs a terminal to draw in (stdin and stdout are not one); "
    "`backprop-tui class --csv` prints it to a pipe or a file."
)


def run_class(args: argparse.Namespace) -> int:
    """``backprop-tui class [--csv] [--database URL]``: the live view, or the CSV on stdout (exit 1 if the
    database can't be read)."""
    try:
        target = database(getattr(args, "database", None))
    except ValueError as error:
        print(f"backprop-tui: class: BACKPROP_TUI_DATABASE {error}", file=sys.stderr)
        return 2
    reader = ClassReader(target)
    try:
        if args.csv:
            snapshot = reader()
            sys.stdout.write(csv_text(snapshot.rows))
            sys.stdout.flush()
            if snapshot.notice is not None and reader.exists():
                print(f"backprop-tui: {snapshot.notice}", file=sys.stderr)
                return 1
            return 0
        if not (sys.stdin is not None and sys.stdout is not None and sys.stdin.isatty() and sys.stdout.isatty()):
            print(NO_TERMINAL, file=sys.stderr)
            return 2
        class_app(reader).run()
        return 0
    finally:
        reader.close()
