"""Write an SVG of every lesson screen into ``screenshots/``.

    python -m backprop_tui.screenshots                 # 100×30, into ./screenshots
    python -m backprop_tui.screenshots --size 80x24 --out /tmp/shots

Each shot opens the app headless on its section, goes to its step (by id),
presses its keys, waits for any background work and saves what is on screen.
The learner's progress lives in memory (the finish shot fills it in first),
so nothing on disk changes but the SVGs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot: a file name, the section to open, the step to go to (by id), the keys to press there."""

    name: str
    section: str
    step: str | None = None
    keys: tuple[str, ...] = ()
    done: bool = False
    """Fill the learner's progress in first (every section, every check), as after the whole lesson."""


SHOTS: tuple[Shot, ...] = (
    Shot("01-intro", "intro"),
    Shot("02-intro-forward", "intro", "forward-L"),
    Shot("03-intro-backward", "intro", "backward-x"),
    Shot("04-chain-rule-explorer", "chain-rule", "explorer", ("plus", "plus", "plus")),
    Shot("05-chain-rule-paths", "chain-rule", "paths"),
    Shot("06-forward-anatomy", "forward", "loss"),
    Shot("07-forward-sigmoid", "forward", "activation-sigmoid"),
    Shot("08-forward-gelu", "forward", "activation-gelu"),
    Shot("09-quick-check", "intro", "check-1", ("c",)),
    Shot("10-backward-network", "backward"),
    Shot("11-backward-weight", "backward", "w11"),
    Shot("12-backward-your-turn", "backward", "your-turn", ("enter", "minus", "0", "full_stop", "0", "5", "6", "6", "enter")),
    Shot("13-backward-bars", "backward", "bars"),
    Shot("14-backward-update", "backward", "update"),
    Shot("15-backward-training", "backward", "train", ("t",) * 5),
    Shot("16-learning-rate-runs", "learning-rate", "overview"),
    Shot("17-learning-rate-overshooting", "learning-rate", "overshooting"),
    Shot("18-learning-rate-adam", "learning-rate", "adam-large"),
    Shot("19-health-sigmoid-relu", "health", "side"),
    Shot("20-health-vanishing-deep", "health", "vanish", ("plus",) * 10),
    Shot("21-health-remedies", "health", "remedies", ("i", "i", "l")),
    Shot("22-health-adam", "health", "remedies", ("plus",) * 5 + ("i", "o", "o")),
    Shot("23-playground-xor", "playground", "play", ("s",) * 5),
    Shot("24-playground-vanishing", "playground", "play",
         ("e", "8", "tab", "1", "6", "tab") + tuple("sigmoid") + ("enter", "s", "s", "s")),
    Shot("25-playground-diverged", "playground", "play",
         ("e",) + ("tab",) * 7 + tuple("sgd") + ("tab", "5") + ("tab",) * 4 + tuple("sine") + ("enter",) + ("s",) * 6),
    Shot("26-finish", "finish", "results", done=True),
    Shot("27-help", "chain-rule", "explorer", ("question_mark",)),
    Shot("30-backward-matrices", "backward", "matrices"),
    Shot("31-learning-rate-batch", "learning-rate", "batch"),
    Shot("32-health-exploding", "health", "explode"),
)
"""Every screen worth a picture, in lesson order."""

CERTIFICATE = "28-certificate.svg"
"""The finish shot also keeps a copy of the certificate it earned."""


def fill_progress(store: object, learner: str) -> None:
    """Every section visited, every quick check answered (one of them wrongly, to be honest), every
    exercise solved (one after a wrong try): enough for the certificate."""
    from backprop_tui.lesson.exercises import EXERCISE_IDS
    from backprop_tui.lesson.quiz import QUESTIONS
    from backprop_tui.lesson.sections import SECTION_IDS

    for section in SECTION_IDS:
        store.visit(learner, section)  # type: ignore[attr-defined]
    for i, q in enumerate(QUESTIONS):
        choice = q.answer if i != 1 else next(letter for letter in "abcd" if letter != q.answer)
        store.record_answer(learner, q.id, choice, choice == q.answer)  # type: ignore[attr-defined]
    for i, exercise in enumerate(EXERCISE_IDS):
        if i == 2:
            store.record_exercise(learner, exercise, False)  # type: ignore[attr-defined]  # one wrong try first
        store.record_exercise(learner, exercise, True)  # type: ignore[attr-defined]
    store.add_time(learner, 1234.0)  # type: ignore[attr-defined]


async def take(shot: Shot, size: tuple[int, int], out: Path) -> Path:
    """Open the app for ``shot``, press its keys, save the SVG; returns its path."""
    from backprop_tui.app import BackpropApp
    from backprop_tui.progress.store import ProgressStore

    store = ProgressStore()
    if shot.done:
        fill_progress(store, "Ada")
    app = BackpropApp(section=shot.section, learner="Ada", store=store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if shot.step is not None:
            screen = app.section_screen
            assert screen is not None
            screen.go_to_step(shot.step)
            await pilot.pause()
        for key in shot.keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()  # a pass measured in the background is on screen, not "computing…"
        await pilot.pause()
        app.save_screenshot(f"{shot.name}.svg", str(out))
        if shot.done and (record := store.certificate("Ada")) is not None:
            shutil.copyfile(record.svg_path, out / CERTIFICATE)  # the certificate itself, as a learner gets it
    return out / f"{shot.name}.svg"


CLASS_VIEW = "29-class-view"
"""The teacher's live view, of a made-up class (the store is not involved)."""

CLASS = (
    # name, section, step, first try right, answered, exercises, hand up (minutes), idle (seconds), connected
    ("ada", "health", 3, 5, 6, 1, None, 12, True),
    ("alan", "backward", 6, 3, 4, 0, 2, 40, True),
    ("emmy", "learning-rate", 1, 4, 4, 1, None, 75, True),
    ("grace", "playground", 0, 6, 7, 1, None, 5, True),
    ("hedy", "forward", 4, 2, 3, 0, None, 420, True),
    ("john", "chain-rule", 2, 1, 2, 0, None, 3600, False),
    ("katherine", "finish", 1, 7, 8, 1, None, 900, False),
    ("mary", "backward", 2, 3, 3, 0, 1, 20, True),
    ("sofia", "intro", 5, 1, 1, 0, None, 8, True),
)  # fmt: skip


async def take_class_view(size: tuple[int, int], out: Path) -> Path:
    """The class view of :data:`CLASS`, with the cursor on a raised hand."""
    from datetime import UTC, datetime, timedelta

    from backprop_tui.class_app import class_app
    from backprop_tui.lesson.quiz import QUESTIONS
    from backprop_tui.models.classroom import ClassSnapshot
    from backprop_tui.progress.records import LearnerRow, QuestionTally

    now = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)
    rows = tuple(
        LearnerRow(
            name=name, section=section, step=step, first_try_right=right, answered=answered,
            exercises_solved=exercises, hand_raised=hand is not None,
            hand_since=None if hand is None else now - timedelta(minutes=hand),
            last_active=now - timedelta(seconds=idle), connected=connected,
        )  # fmt: skip
        for name, section, step, right, answered, exercises, hand, idle, connected in CLASS
    )
    tallies = {q.id: QuestionTally(q.id, 9 - k // 2, max(1, 8 - k)) for k, q in enumerate(QUESTIONS)}
    snapshot = ClassSnapshot(rows, tallies)
    app = class_app(lambda: snapshot, lambda: now, refresh_every=0)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        app.save_screenshot(f"{CLASS_VIEW}.svg", str(out))
    return out / f"{CLASS_VIEW}.svg"


async def take_all(shots: Sequence[Shot], size: tuple[int, int], out: Path, class_view: bool) -> list[Path]:
    """Every shot, one after another (and the class view's)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [await take(shot, size, out) for shot in shots]
    if class_view:
        paths.append(await take_class_view(size, out))
    return paths


def parse_size(text: str) -> tuple[int, int]:
    """``100x30`` → (100, 30)."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must look like 100x30, got {text!r}") from None
    if not (20 <= width <= 400 and 10 <= height <= 200):
        raise argparse.ArgumentTypeError(f"must be between 20x10 and 400x200, got {text!r}")
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    """Write the screenshots; prints each file written."""
    parser = argparse.ArgumentParser(prog="python -m backprop_tui.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the SVGs (default: screenshots)")
    parser.add_argument("--size", type=parse_size, default=(100, 30), help="terminal size (default: 100x30)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="only shots whose name contains one of these")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or any(part in s.name for part in args.only)]
    # The certificate of the finish shot goes to a scratch folder, never a learner's data.
    os.environ["BACKPROP_TUI_HOME"] = str(Path(tempfile.gettempdir()) / "backprop-tui-screenshots")
    class_view = not args.only or any(part in CLASS_VIEW for part in args.only)
    for path in asyncio.run(take_all(shots, args.size, args.out, class_view)):
        print(path)
    if any(s.done for s in shots):
        print(args.out / CERTIFICATE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
