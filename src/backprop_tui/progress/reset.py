"""``backprop-tui reset``: clear one learner's progress, and nothing of anyone else's.

It opens the database as it is (never moving a damaged file aside or starting a
fresh one: reset only ever removes one learner's rows) and says what it cleared.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from backprop_tui.progress.backends import scrub
from backprop_tui.progress.identity import login_name
from backprop_tui.progress.queries import ProgressStore, reason
from backprop_tui.progress.records import plural
from backprop_tui.progress.store import database, describe

PROG = "backprop-tui"


def _printable(name: str) -> str:
    """``name`` with control characters shown as ``�`` (a local learner's name may hold anything)."""
    return "".join("�" if not c.isprintable() else c for c in name)


def what_is_kept(store: ProgressStore, learner: str) -> list[str]:
    """What the store keeps of ``learner``, in words (empty: nothing)."""
    items: list[str] = []
    place = store.position(learner)
    if place is not None:
        items.append(f"place ({place[0]}, step {place[1] + 1})")
    if visited := store.visited(learner):
        items.append(plural(len(visited), "section") + " visited")
    if answers := store.answers(learner):
        items.append(plural(len(answers), "quick-check answer"))
    if tried := store.exercise_attempts(learner):
        solved = sum(done for _, done in tried.values())
        items.append(plural(len(tried), "exercise") + f" tried ({solved} solved)")
    if (seconds := store.seconds(learner)) > 0:
        items.append(f"{max(1, round(seconds / 60))} min in the lesson")
    if store.hand_raised(learner):
        items.append("a raised hand")
    if sessions := store.sessions(learner):
        items.append(plural(sessions, "open session"))
    if store.certificate(learner) is not None:
        items.append("the certificate record")
    return items


def reset_learner(path: Path | str, learner: str) -> tuple[int, str]:
    """Clear ``learner``'s progress in the database at ``path`` (an SQLite file or a ``postgresql://`` URL):
    (exit status, what to say)."""
    who = _printable(learner)
    if isinstance(path, Path) and not path.is_file():
        return 0, f"Nothing to clear: no progress is kept in {path.parent}."
    where = str(path.parent) if isinstance(path, Path) else describe(path)
    secret = str(path)
    try:
        store = ProgressStore(path)
    except Exception as error:  # damaged, foreign, unreadable, unreachable: leave it exactly as it is
        why = scrub(reason(error), secret)
        return 1, f"{PROG}: reset: can't open {describe(path)} ({why}); nothing was cleared."
    with store:
        items = what_is_kept(store, learner)
        certificate = store.certificate(learner)
        connected = store.sessions(learner) > 0
        cleared = store.reset(learner)
        if not cleared:
            if store.last_error is not None:
                why = scrub(store.last_error, secret)
                return 1, f"{PROG}: reset: can't clear {who}'s progress ({why}); nothing was cleared."
            return 0, f"Nothing to clear: no progress of {who} is kept in {where}."
    lines = [f"Cleared {who}'s progress: {', '.join(items) if items else 'their record'}."]
    if certificate is not None:
        lines.append(f"The certificate's files are kept ({certificate.txt_path}, {certificate.svg_path}).")
    if connected:
        lines.append(f"{who} is connected right now: their open lesson will save its place again.")
    return 0, "\n".join(lines)


def confirm(question: str, ask: Callable[[str], str] = input) -> bool:
    """Ask ``question``; only ``y`` or ``yes`` (any case) says yes. End of input or ctrl+c says no."""
    try:
        return ask(question).strip().lower() in ("y", "yes")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        return False


def reset_command(args: argparse.Namespace) -> int:
    """``backprop-tui reset [--name NAME] [--yes] [--database URL]``: exit 0 when done (or nothing to do), 1 when not."""
    learner = args.name or login_name()
    who = _printable(learner)
    try:
        path = database(getattr(args, "database", None))
    except ValueError as error:
        print(f"{PROG}: reset: BACKPROP_TUI_DATABASE {error}; nothing was cleared.", file=sys.stderr)
        return 1
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            print(f"{PROG}: reset: not clearing {who}'s progress without asking; add --yes to clear it.", file=sys.stderr)
            return 1
        if not confirm(f"Clear all progress of {who}? [y/N] "):
            print("Nothing was cleared.")
            return 1
    status, message = reset_learner(path, learner)
    print(message, file=sys.stderr if status else sys.stdout)
    return status
