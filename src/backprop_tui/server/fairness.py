"""Keys before number crunching: a lesson that keeps a core busy runs at a lower priority until it calms down.

Every lesson is its own session (``setsid``), so with Linux's autogroup scheduling each gets an equal
share of the CPU, however many threads it runs. A student training in the playground redraws a dozen
times a second and can use half a core; five of them take two cores from everyone else's key
presses. Once a second the server reads each lesson's CPU time; one that used more than
:data:`BUSY` of a core has its autogroup's nice value set to :data:`NICE`, and back to 0 once it has
used less than :data:`CALM` for :data:`CALM_SECONDS` seconds. Raising and restoring a nice value
of 0 or more needs no privilege. Without autogroup (or off Linux) this does nothing.
"""

from __future__ import annotations

import os

INTERVAL = 1.0
"""Seconds between looks."""
BUSY = 0.25
"""A lesson using more than this share of one core is busy."""
CALM = 0.10
"""… and calm again below this share."""
CALM_SECONDS = 2
NICE = 10
"""The busy lessons' nice value: about a tenth of the CPU share of a lesson at 0 when both want it."""
ENV = "BACKPROP_TUI_SERVE_FAIR"
"""``0`` turns this off (to measure against)."""

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _set_nice(pid: int, nice: int) -> bool:
    try:
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        return False
    return True


def available() -> bool:
    """Autogroup scheduling is on and its nice values can be written here."""
    if os.environ.get(ENV) == "0":
        return False
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            return f.read().strip() == "1"
    except OSError:
        return False


class Governor:
    """Tracks each lesson's CPU use between looks and lowers the busy ones."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._calm_for: dict[int, int] = {}
        self.lowered: set[int] = set()

    def look(self, pids: set[int], seconds: float) -> None:
        """One look at ``pids`` (the live lessons), ``seconds`` after the last."""
        for pid in list(self._last):
            if pid not in pids:
                self._last.pop(pid, None)
                self._calm_for.pop(pid, None)
                self.lowered.discard(pid)
        for pid in pids:
            now = _cpu_seconds(pid)
            if now is None:
                continue
            before = self._last.get(pid)
            self._last[pid] = now
            if before is None or seconds <= 0:
                continue
            share = (now - before) / seconds
            if pid not in self.lowered:
                if share > BUSY and _set_nice(pid, NICE):
                    self.lowered.add(pid)
            elif share < CALM:
                self._calm_for[pid] = self._calm_for.get(pid, 0) + 1
                if self._calm_for[pid] >= CALM_SECONDS and _set_nice(pid, 0):
                    self.lowered.discard(pid)
                    self._calm_for.pop(pid, None)
            else:
                self._calm_for[pid] = 0
