"""One student's lesson, in its own process on its own pseudo-terminal (descriptors 0, 1 and 2).

The spawner calls :func:`run` in a forked child that is already the pty's session leader; with
``BACKPROP_TUI_SERVE_SPAWN=exec`` the child runs ``python -m backprop_tui.server.session SPEC``
instead (the slower, larger way, kept to measure against).

Signals from the server: SIGTERM or SIGHUP end the lesson as ``q`` would (the app saves on its way
out); SIGUSR1 tells the student the session is about to close for idleness.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from types import FrameType

from backprop_tui.server.terminal import DEFAULT_TERM, colour_system

DRIVER_ENV = "BACKPROP_TUI_SERVE_DRIVER"


@dataclass(frozen=True)
class SessionSpec:
    """What a lesson process needs to know about its student and their terminal."""

    name: str
    term: str = DEFAULT_TERM
    colorterm: str | None = None
    warn_seconds: int = 60
    """How long before an idle close the warning comes (said in it)."""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SessionSpec:
        data = json.loads(text)
        return cls(
            name=str(data["name"]),
            term=str(data.get("term") or DEFAULT_TERM),
            colorterm=data.get("colorterm"),
            warn_seconds=int(data.get("warn_seconds", 60)),
        )


def idle_warning(seconds: int) -> str:
    """What the student reads before an idle close."""
    return f"No key pressed for a while: this session closes in {seconds} seconds unless you press a key."


def _environment(spec: SessionSpec) -> None:
    """The student's terminal, not the server's, in this process's environment."""
    env = os.environ
    for name in ("COLUMNS", "LINES", "COLORTERM", "TERM_PROGRAM", "NO_COLOR", "TEXTUAL_DRIVER", "TEXTUAL_ALLOW_SIGNALS"):
        env.pop(name, None)
    env["TERM"] = spec.term
    if spec.colorterm:
        env["COLORTERM"] = spec.colorterm
    env.setdefault("LANG", "C.UTF-8")


BACKGROUND_NICENESS = 10
"""How much lower a lesson's worker threads run than its keys (a tenth of the CPU share when they compete)."""


def _background() -> None:
    """Lower this thread's priority (Linux: a thread id is a ``PRIO_PROCESS`` target of its own)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except OSError:
        pass


def run(spec: SessionSpec) -> int:
    """Run the lesson for ``spec.name`` on this process's terminal; returns the exit status."""
    _environment(spec)
    # textual.constants read the environment when it was imported (in the spawner, long ago):
    # this session's settings go in before the App exists.
    from textual import constants

    constants.COLOR_SYSTEM = colour_system(spec.term, spec.colorterm)  # type: ignore[misc]

    from backprop_tui.app import BackpropApp
    from backprop_tui.server.driver import QuietDriver

    app = BackpropApp(learner=spec.name, served=True)
    if os.environ.get(DRIVER_ENV) != "stock":  # "stock": Textual's own driver, kept to measure against
        app.driver_class = QuietDriver

    def in_app(callback: object) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        loop.call_soon_threadsafe(callback)  # type: ignore[arg-type]
        return True

    def end(signum: int, frame: FrameType | None) -> None:
        if not in_app(app.exit):
            raise SystemExit(0)  # not drawn yet: nothing to save

    def warn(signum: int, frame: FrameType | None) -> None:
        in_app(lambda: app.notify(idle_warning(spec.warn_seconds), severity="warning", timeout=spec.warn_seconds))

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGHUP, end)
    signal.signal(signal.SIGUSR1, warn)
    # Textual's thread workers (the playground's training, the engine's warm-up) run in the loop's
    # default executor: at a lower priority there, one student's training yields the cores to
    # everyone's keys, its own lesson's included.
    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(thread_name_prefix="lesson-work", initializer=_background))
    asyncio.set_event_loop(loop)
    try:
        app.run(loop=loop)
    finally:
        loop.close()
    return 0


def main(argv: list[str]) -> int:
    """``python -m backprop_tui.server.session SPEC``: the exec way of starting a lesson."""
    return run(SessionSpec.from_json(argv[1]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
