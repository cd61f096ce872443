"""How fast backprop-tui paints its first frame, and redraws after a step key.

A script run by hand (not a test): ``.venv/bin/python benchmarks/bench_app.py``.
Everything runs in a private tmux server (its own ``-L`` socket, killed at the
end) at 80×24; only the standard library and the project are used. Panes are
read with ``capture-pane -p`` and keys sent with ``send-keys`` through one
tmux control-mode client (``tmux -C``), about 0.1–0.2 ms a call, instead of a
``tmux`` process per call (~2.5 ms of fork/exec, on a 2-core machine taken
from the app under test); ``--one-shot`` uses a process per call instead.

1. First frame. ``backprop-tui --section intro`` (the console script) against
   a minimal Textual app (Header(), Static("hello"), Footer()) written to a
   temp file and run with the same python, and a file that only prints
   "hello" as the floor of the method. Each run is a fresh process in a fresh
   tmux session; the clock starts just before ``tmux new-session`` and stops when
   ``capture-pane`` (polled every ~2 ms) first shows the expected text. The
   apps are interleaved (order reversed every other round), after one
   uncounted warm-up round. Goal: lesson median ≤ 1.15 × minimal median.
   The package's bytecode is compiled first, as installing it does: an
   editable install run with PYTHONDONTWRITEBYTECODE=1 would otherwise
   compile every module of ours at every start (about 30 ms here).

   Then an in-process probe: each app run through ``python -c`` with a
   subclass whose ``_display`` notes ``time.monotonic()`` (system-wide, so
   comparable with the parent's clock) when the first frame holding the
   expected text is handed to the terminal driver, reads ``sys.modules``
   (numpy must not be there) and exits. It splits the time into interpreter
   start, imports and ``App.run()`` to the first frame. Nothing in ``src/``
   is changed. Last, ``python -X importtime -c "import backprop_tui.app"``
   and the import cost of the modules the lesson loads and the minimal app
   does not.

2. Step key → redrawn pane. The app starts at ``--section intro`` or
   ``--section forward`` (fresh BACKPROP_TUI_HOME and session each run).
   Keys: ``n`` to the section's last step, ``p`` back to its first, and so on
   (every step: the chain diagrams, the activation gallery's braille plots,
   the quick checks), then a few ``1``/``3`` section jumps. Per key: "shown"
   is send-keys → the first capture that differs from before and shows
   ``Step k of N``; "complete" is send-keys → the pane's last change, watched
   for ``--gap`` seconds after the key and until unchanged 30 ms (the footer's
   keys, e.g., are redrawn a little later than the step). Then the next key,
   so the app is idle when it arrives. Goal: p95 < 50 ms. An in-process probe
   then logs the app's Key events and frames for the same keys.

    .venv/bin/python benchmarks/bench_app.py                 # ~5 minutes
    .venv/bin/python benchmarks/bench_app.py --rounds 25 --runs 4 --keys 50
    .venv/bin/python benchmarks/bench_app.py --no-steps       # the first frame only
    .venv/bin/python benchmarks/bench_app.py --one-shot       # a tmux process per capture
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

WIDTH, HEIGHT = 80, 24
POLL = 0.002
"""Seconds slept between two ``capture-pane`` calls (each call costs more than this)."""
SETTLE = 0.030
"""The pane counts as settled when unchanged for this long."""
GOAL_RATIO = 1.15
GOAL_P95_MS = 50.0

MINIMAL_APP = '''\
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
'''

PROBE = '''\
import sys, time
T_START = time.monotonic()
import inspect, json, os, re
OUT, KIND = sys.argv[1], sys.argv[2]
if KIND == "lesson":
    from backprop_tui.cli import build_parser
    from backprop_tui.app import BackpropApp as Base
    ARGS = build_parser().parse_args(["--section", "intro", "--name", "bench"])
    NEEDLE = "Why backpropagation matters"
    def make(cls):
        return cls(section=ARGS.section, learner=ARGS.name)
else:
    sys.path.insert(0, sys.argv[3])
    from minimal_app import MinimalApp as Base
    NEEDLE = "hello"
    def make(cls):
        return cls()
T_IMPORTED = time.monotonic()
ESCAPES = re.compile(r"\\x1b\\[[0-9;?<>=$]*[ -/]*[@-~]|\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)")

class Probe(Base):
    # Textual finds CSS_PATH relative to the file of the app's class: this one has none.
    if isinstance(Base.CSS_PATH, str):
        CSS_PATH = os.path.join(os.path.dirname(inspect.getfile(Base)), Base.CSS_PATH)
    TITLE = Base.TITLE or Base.__name__
    _bench_done = False
    _bench_mount = None

    def on_mount(self):  # runs just before the app's own on_mount (Textual calls both)
        self._bench_mount = time.monotonic()

    def _display(self, screen, renderable):
        driver = self._driver
        if driver is not None and not getattr(driver, "_bench_hooked", False):
            driver._bench_hooked = True
            write = driver.write
            def probe_write(data):
                write(data)
                if not self._bench_done and NEEDLE in ESCAPES.sub("", data):
                    self._bench_done = True
                    self._bench_record(time.monotonic())
            driver.write = probe_write
        super()._display(screen, renderable)

    def _bench_record(self, t_frame):
        stdlib = set(sys.stdlib_module_names)
        top = sorted({m.split(".")[0] for m in sys.modules} - stdlib - {"__main__", "_distutils_hack"})
        ours = sorted(m for m in sys.modules if m.startswith("backprop_tui"))
        with open(OUT + ".tmp", "w") as f:
            json.dump({"start": T_START, "imported": T_IMPORTED, "mount": self._bench_mount, "frame": t_frame,
                       "numpy": "numpy" in sys.modules, "modules": len(sys.modules),
                       "third_party": top, "ours": ours, "all": sorted(sys.modules)}, f)
        os.replace(OUT + ".tmp", OUT)
        self.exit()

make(Probe).run()
'''
"""Run with ``python -c PROBE OUT lesson|minimal DIR``: times the first write of a frame holding the text."""


STEP_PROBE = '''\
import inspect, json, os, sys, time
OUT, SECTION = sys.argv[1], sys.argv[2]
from backprop_tui.app import BackpropApp as Base
LOG = []

class Probe(Base):
    CSS_PATH = os.path.join(os.path.dirname(inspect.getfile(Base)), Base.CSS_PATH)

    def on_key(self, event):
        LOG.append(["key", event.key, event.time, time.monotonic()])

    def _display(self, screen, renderable):
        t = time.monotonic()
        super()._display(screen, renderable)
        if renderable is not None:
            LOG.append(["display", "", t, time.monotonic()])

    def on_unmount(self):
        with open(OUT + ".tmp", "w") as f:
            json.dump(LOG, f)
        os.replace(OUT + ".tmp", OUT)

Probe(section=SECTION, learner="bench").run()
'''
"""The lesson with a log of key events (their ``event.time``) and frames handed to the driver."""


# -- small statistics -------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100), linear between the closest ranks."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# -- tmux -------------------------------------------------------------------------


class Tmux:
    """A private tmux server (own ``-L`` socket, killed by :meth:`close`).

    Sessions are started with a ``tmux new-session`` process, as by hand.
    ``capture-pane`` and ``send-keys`` go, by default, through one tmux
    control-mode client (``tmux -C``) kept open for the whole run: a command
    there costs well under a millisecond and no fork/exec, where a ``tmux``
    process per call costs a few milliseconds of CPU, taken from the app
    under test on a small machine. ``one_shot=True`` uses a process per call.
    """

    def __init__(self, one_shot: bool = False) -> None:
        self.socket = f"backprop-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        self.counter = 0
        self.one_shot = one_shot
        # A session that lives for the whole run, so the server is warm and
        # each measured launch is only ``new-session`` on a running server.
        self.call("new-session", "-d", "-s", "hold", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 86400")
        self.control = subprocess.Popen([*self.base, "-C", "attach-session", "-t", "hold"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.sequence = 0
        self.socket_path = self.command("display-message -p '#{socket_path}'").strip()

    def call(self, *args: str) -> str:
        """Run one ``tmux`` process; its stdout."""
        return subprocess.run([*self.base, *args], check=True, capture_output=True, text=True).stdout

    def command(self, line: str) -> str:
        """Run one command through the control-mode client; its output.

        The command goes with a numbered ``display-message`` marker (each
        command of the list gets its own reply block), and the reply is the
        block just before the marker's: the client's own attach is answered
        too, at a time of tmux's choosing, and must not be taken for it.
        """
        assert self.control.stdin is not None
        self.sequence += 1
        marker = f"bench-reply-{self.sequence}"
        self.control.stdin.write(f"{line} ; display-message -p {marker}\n".encode())
        self.control.stdin.flush()
        previous = ""
        while True:
            ok, text = self._block(line)
            if not ok:
                raise RuntimeError(f"tmux: {line}: {text.strip()}")
            if text.rstrip("\n") == marker:
                return previous
            previous = text

    def _block(self, line: str) -> tuple[bool, str]:
        """The next reply block of the control client: (not an error, its text)."""
        assert self.control.stdout is not None
        read = self.control.stdout.readline
        number = None
        out: list[bytes] = []
        while True:
            raw = read()
            if not raw:
                raise RuntimeError(f"the tmux control client closed (command: {line})")
            if number is None:
                if raw.startswith(b"%begin "):
                    number = raw.split()[2]
                continue  # a notification outside a reply
            parts = raw.split()
            if raw.startswith((b"%end ", b"%error ")) and len(parts) >= 3 and parts[2] == number:
                return raw.startswith(b"%end"), b"".join(out).decode("utf-8", "replace")
            out.append(raw)

    def command_line(self, *args: str) -> str:
        return shlex.join(["tmux", "-L", "SOCKET", "-f", "/dev/null", *args])

    def new_args(self, name: str, command: str, env: dict[str, str]) -> list[str]:
        args = ["new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT)]
        for key, value in env.items():
            args += ["-e", f"{key}={value}"]
        return [*args, command]

    def new(self, command: str, env: dict[str, str]) -> str:
        self.counter += 1
        name = f"s{self.counter}"
        self.call(*self.new_args(name, command, env))
        return name

    def capture(self, target: str) -> str:
        if self.one_shot:
            return self.call("capture-pane", "-p", "-t", target)
        return self.command(f"capture-pane -p -t {target}")

    def send(self, target: str, key: str) -> None:
        if self.one_shot:
            self.call("send-keys", "-t", target, key)
        else:
            self.command(f"send-keys -t {target} {key}")

    def kill(self, target: str) -> None:
        subprocess.run([*self.base, "kill-session", "-t", target], capture_output=True)

    def close(self) -> None:
        if self.control.stdin is not None:
            self.control.stdin.close()
        try:
            self.control.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.control.kill()
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)


def wait_for(tmux: Tmux, target: str, needle: str, timeout: float = 30.0) -> tuple[float, str]:
    """Poll the pane until ``needle`` shows; the monotonic time first seen, and the pane."""
    deadline = time.monotonic() + timeout
    while True:
        screen = tmux.capture(target)
        now = time.monotonic()
        if needle in screen:
            return now, screen
        if now > deadline:
            raise TimeoutError(f"{needle!r} did not appear in {timeout:g} s; the pane shows:\n{screen}")
        time.sleep(POLL)


def settle(tmux: Tmux, target: str, quiet: float = SETTLE, timeout: float = 5.0) -> str:
    """Wait until the pane is unchanged for ``quiet`` seconds; its content."""
    last = tmux.capture(target)
    since = time.monotonic()
    deadline = since + timeout
    while time.monotonic() - since < quiet:
        time.sleep(POLL)
        screen = tmux.capture(target)
        if screen != last:
            last, since = screen, time.monotonic()
        if time.monotonic() > deadline:
            break
    return last


def call_cost(tmux: Tmux, target: str, n: int = 200) -> dict[str, list[float]]:
    """Seconds per call: capture-pane and send-keys, through the control client and as a process each."""
    costs: dict[str, list[float]] = defaultdict(list)
    calls = {
        "capture-pane (control client)": lambda: tmux.command(f"capture-pane -p -t {target}"),
        "capture-pane (tmux process)": lambda: tmux.call("capture-pane", "-p", "-t", target),
        "send-keys (control client)": lambda: tmux.command(f"send-keys -t {target} F12"),
        "send-keys (tmux process)": lambda: tmux.call("send-keys", "-t", target, "F12"),
    }
    for label, call in calls.items():
        for _ in range(n if label.startswith("capture") else n // 4):
            t0 = time.monotonic()
            call()
            costs[label].append(time.monotonic() - t0)
    return costs


# -- 1. first frame -----------------------------------------------------------------


@dataclass
class Launch:
    label: str
    command: str
    needle: str
    lesson_home: bool = False
    times: list[float] = field(default_factory=list)


def first_frames(tmux: Tmux, launches: list[Launch], rounds: int, workdir: Path) -> None:
    """Time each launch ``rounds`` times, interleaved (order reversed every other round)."""
    for r in range(rounds):
        order = launches if r % 2 == 0 else launches[::-1]
        for launch in order:
            env = {"BACKPROP_TUI_HOME": tempfile.mkdtemp(dir=workdir)} if launch.lesson_home else {}
            t0 = time.monotonic()
            name = tmux.new(launch.command, env)
            t1, _ = wait_for(tmux, name, launch.needle)
            launch.times.append(t1 - t0)
            tmux.kill(name)
            time.sleep(0.25)  # let the killed app go before the next launch
        print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{l.label.split()[0]} {ms(l.times[-1])}" for l in launches),
              file=sys.stderr)


@dataclass
class ProbeRun:
    label: str
    kind: str
    launch: float
    data: dict


def probe_frames(tmux: Tmux, python: str, minimal_dir: Path, rounds: int, workdir: Path) -> list[ProbeRun]:
    """The in-process measure, interleaved like the tmux one."""
    runs: list[ProbeRun] = []
    kinds = [("backprop-tui (probe)", "lesson"), ("minimal (probe)", "minimal")]
    for r in range(rounds):
        for label, kind in kinds if r % 2 == 0 else kinds[::-1]:
            out = Path(tempfile.mkdtemp(dir=workdir)) / f"probe-{kind}.json"
            cmd = probe_command(python, out, kind, minimal_dir)
            env = {"BACKPROP_TUI_HOME": tempfile.mkdtemp(dir=workdir)}
            t0 = time.monotonic()
            name = tmux.new(cmd, env)
            deadline = t0 + 30
            while not out.exists():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{label}: no probe result; the pane shows:\n{tmux.capture(name)}")
                time.sleep(0.01)
            runs.append(ProbeRun(label, kind, t0, json.loads(out.read_text())))
            tmux.kill(name)
            time.sleep(0.25)
    return runs


def probe_command(python: str, out: Path | str, kind: str, minimal_dir: Path | str) -> str:
    return shlex.join([python, "-c", PROBE, str(out), kind, str(minimal_dir)])


def importtime(python: str, module: str, repeats: int = 5) -> dict[str, list[int]]:
    """Cumulative import µs per module, over ``repeats`` runs of ``-X importtime``."""
    cumulative: dict[str, list[int]] = defaultdict(list)
    self_us: dict[str, list[int]] = defaultdict(list)
    for _ in range(repeats):
        err = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"],
                             capture_output=True, text=True, check=True).stderr
        for line in err.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if m:
                self_us[m.group(4)].append(int(m.group(1)))
                cumulative[m.group(4)].append(int(m.group(2)))
    return {"cumulative": cumulative, "self": self_us}


# -- 2. step keys ---------------------------------------------------------------------

STEP = re.compile(r"Step (\d+) of (\d+)(?: · (.*?))?\s*[●○]")


def step_of(screen: str) -> tuple[int, int, str]:
    m = STEP.search(screen)
    if not m:
        raise ValueError(f"no step bar on the pane:\n{screen}")
    return int(m.group(1)), int(m.group(2)), (m.group(3) or "").strip()


@dataclass
class Sample:
    section: str
    key: str
    label: str
    seconds: float
    """Key sent → the first capture that differs and shows the expected step."""
    complete: float
    """Key sent → the last change of the pane (e.g. the footer's keys, redrawn later)."""
    partial: int
    """Changed captures seen before the expected one (half-drawn frames)."""
    first_visit: bool
    """The first time this session shows that step (lazy imports and caches are cold)."""


def press(tmux: Tmux, target: str, key: str, needle: str, before: str, timeout: float = 5.0) -> tuple[float, float, int, str]:
    """Send ``key``; (send time, seconds until the pane differs from ``before`` and shows ``needle``, partial, pane)."""
    partial = 0
    t0 = time.monotonic()
    tmux.send(target, key)
    deadline = t0 + timeout
    last = before
    while True:
        screen = tmux.capture(target)
        now = time.monotonic()
        if screen != before and needle in screen:
            return t0, now - t0, partial, screen
        if screen != last:
            partial += 1
            last = screen
        if now > deadline:
            raise TimeoutError(f"key {key!r}: {needle!r} did not appear in {timeout:g} s; the pane shows:\n{screen}")
        time.sleep(POLL)


from backprop_tui.lesson.sections import SECTIONS  # noqa: E402  (the project is installed in the venv)

SECTION_PLACE = {s.id: f"{s.key}/{len(SECTIONS)} ·" for s in SECTIONS}
JUMP_KEY = {s.id: str(s.key) for s in SECTIONS}


@dataclass
class Session:
    samples: list[Sample]
    sent: list[float]
    """When each step key was sent (monotonic), for the probe's log."""
    late_changes: int
    """Keys after which the pane changed again after the measured frame (within the gap)."""


def step_session(tmux: Tmux, command: str, section: str, keys: int, jumps: int, gap: float,
                 workdir: Path, probe_out: Path | None = None) -> Session:
    """One fresh app at ``section``: ``keys`` step keys bouncing through it, then ``jumps`` 1/3 jumps.

    After each key the pane is polled for ``gap`` seconds and until unchanged
    for SETTLE: the last change found is when the redraw completed, and the app
    is idle when the next key arrives.
    """
    env = {"BACKPROP_TUI_HOME": tempfile.mkdtemp(dir=workdir)}
    name = tmux.new(command.format(section=section), env)
    samples: list[Sample] = []
    sent: list[float] = []
    late = 0

    def pause(t_sent: float, seconds: float, shown: str) -> tuple[str, float]:
        """Poll until ``gap`` after the key and SETTLE after the last change; (pane, key → last change)."""
        nonlocal late
        current, changed = shown, t_sent + seconds
        deadline = t_sent + max(gap, 5.0)
        while True:
            now = time.monotonic()
            if (now >= t_sent + gap and now - changed >= SETTLE) or now > deadline:
                break
            time.sleep(POLL)
            screen = tmux.capture(name)
            if screen != current:
                current, changed = screen, time.monotonic()
        late += current != shown
        return current, changed - t_sent

    try:
        wait_for(tmux, name, "Step 1 of")
        screen = settle(tmux, name, quiet=0.3)
        step, total, _ = step_of(screen)
        seen = {step}
        direction = 1
        for _ in range(keys):
            if step + direction < 1 or step + direction > total:
                direction = -direction
            key = "n" if direction > 0 else "p"
            target = step + direction
            t_sent, seconds, partial, screen = press(tmux, name, key, f"Step {target} of {total}", screen)
            step, _, label = step_of(screen)
            if step != target:
                raise RuntimeError(f"expected step {target}, the pane shows step {step}")
            screen, complete = pause(t_sent, seconds, screen)
            samples.append(Sample(section, key, label, seconds, complete, partial, step not in seen))
            seen.add(step)
            sent.append(t_sent)
        here, other = section, ("forward" if section == "intro" else "intro")
        for j in range(jumps):
            here, other = other, here
            t_sent, seconds, partial, screen = press(tmux, name, JUMP_KEY[here], SECTION_PLACE[here], screen)
            screen, complete = pause(t_sent, seconds, screen)
            samples.append(Sample(section, JUMP_KEY[here], "jump", seconds, complete, partial, j == 0))
        if probe_out is not None:
            tmux.send(name, "q")
            deadline = time.monotonic() + 10
            while not probe_out.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        tmux.kill(name)
        time.sleep(0.25)
    return Session(samples, sent, late)


def probe_steps(session: Session, log: list) -> list[tuple[float, float, float, int]]:
    """Per step key: (tmux → key event, key event → first frame, key event → last frame, frames)."""
    keys = [i for i, e in enumerate(log) if e[0] == "key"]
    out = []
    for n, (i, t_sent) in enumerate(zip(keys, session.sent)):
        end = keys[n + 1] if n + 1 < len(keys) else len(log)
        frames = [e for e in log[i + 1:end] if e[0] == "display"]
        key_time = log[i][2]
        if frames:
            out.append((key_time - t_sent, frames[0][3] - key_time, frames[-1][3] - key_time, len(frames)))
    return out


# -- output -----------------------------------------------------------------------------


def print_environment(python: str) -> None:
    out = subprocess.run([python, "-c", "import textual, rich, sys; print(textual.__version__, "
                          "__import__('importlib.metadata').metadata.version('rich'), sys.version.split()[0])"],
                         capture_output=True, text=True, check=True).stdout.split()
    tmux_v = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    print(f"python {out[2]}, textual {out[0]}, rich {out[1]}, {tmux_v}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


COMPILE = "import compileall, os, backprop_tui; compileall.compile_dir(os.path.dirname(backprop_tui.__file__), quiet=1)"


def compile_package(python: str) -> None:
    """Write the package's bytecode (``__pycache__``), as ``pip install`` does, so no run compiles it."""
    subprocess.run([python, "-c", COMPILE], check=True)
    print(f"bytecode: compiled first with `{python} -c {shlex.quote(COMPILE)}`", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="first-frame launches per app (default: 15)")
    parser.add_argument("--probe-rounds", type=int, default=None,
                        help="in-process first-frame launches per app (default: --rounds)")
    parser.add_argument("--runs", type=int, default=3, help="fresh app sessions per section for the step keys (default: 3)")
    parser.add_argument("--sections", nargs="+", default=["intro", "forward", "backward", "learning-rate"],
                        help="sections whose steps are timed (default: intro forward backward learning-rate)")
    parser.add_argument("--keys", type=int, default=40, help="step keys per session (default: 40)")
    parser.add_argument("--jumps", type=int, default=6, help="1/3 section jumps per session (default: 6)")
    parser.add_argument("--gap", type=float, default=0.5, help="seconds to watch the pane after each key (default: 0.5)")
    parser.add_argument("--probe-keys", type=int, default=30,
                        help="keys per section in the in-process step probe (default: 30; 0: skip)")
    parser.add_argument("--one-shot", action="store_true",
                        help="poll with a `tmux capture-pane` process per call, not the control client")
    parser.add_argument("--no-startup", action="store_true", help="skip the first-frame part")
    parser.add_argument("--no-steps", action="store_true", help="skip the step-key part")
    parser.add_argument("--size", default="80x24", help="terminal size WxH of every tmux session (default: 80x24)")
    args = parser.parse_args(argv)

    global WIDTH, HEIGHT
    try:
        WIDTH, HEIGHT = (int(n) for n in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size: expected WxH such as 120x40, not {args.size!r}")

    python = sys.executable
    script = str(Path(python).parent / "backprop-tui")
    if not Path(script).exists():
        print(f"error: no console script at {script}; run this with the project's venv python "
              "(.venv/bin/python benchmarks/bench_app.py)", file=sys.stderr)
        return 2
    if shutil.which("tmux") is None:
        print("error: tmux is not installed", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="backprop-bench-"))
    minimal_dir = workdir / "minimal"
    minimal_dir.mkdir()
    minimal = minimal_dir / "minimal_app.py"
    minimal.write_text(MINIMAL_APP)
    compile_package(python)
    tmux = Tmux(one_shot=args.one_shot)
    try:
        print(f"command: {shlex.join([python, *sys.argv])}")
        print_environment(python)
        costs = call_cost(tmux, "hold")
        print("tmux call cost (median / p95 ms): " + "; ".join(
            f"{k} {ms(statistics.median(v))} / {ms(pct(v, 95))}" for k, v in costs.items()))
        mode = "a tmux process per call" if args.one_shot else "the control client"
        cap = statistics.median(costs[f"capture-pane ({'tmux process' if args.one_shot else 'control client'})"])
        send = statistics.median(costs[f"send-keys ({'tmux process' if args.one_shot else 'control client'})"])
        print(f"polling: capture-pane through {mode}, {POLL * 1000:g} ms sleep between captures "
              f"(one poll every ~{ms(cap + POLL)} ms)")
        print()
        if not args.no_startup:
            run_startup(tmux, python, script, minimal, workdir, args)
        if not args.no_steps:
            run_steps(tmux, python, script, workdir, args, cap, send)
        print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        tmux.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run_startup(tmux: Tmux, python: str, script: str, minimal: Path, workdir: Path, args: argparse.Namespace) -> None:
    floor_py = minimal.parent / "floor.py"
    floor_py.write_text('import time\n\nprint("hello", flush=True)\ntime.sleep(600)\n')
    floor = Launch("python print (floor)", shlex.join([python, str(floor_py)]), "hello")
    mini = Launch("minimal Textual app", shlex.join([python, str(minimal)]), "hello")
    lesson = Launch("backprop-tui --section intro",
                    shlex.join([script, "--section", "intro", "--name", "bench"]),
                    "Why backpropagation matters", lesson_home=True)
    launches = [floor, mini, lesson]
    print(f"== 1. First frame: process start -> first frame seen by capture-pane (tmux {WIDTH}x{HEIGHT}) ==")
    print("commands (BACKPROP_TUI_HOME=<fresh temp dir> for backprop-tui; SOCKET is private to this run):")
    for l in launches:
        env = {"BACKPROP_TUI_HOME": "HOME"} if l.lesson_home else {}
        print(f"  {l.label}: {tmux.command_line(*tmux.new_args('NAME', l.command, env))}")
        print(f"      then poll `tmux capture-pane -p -t NAME` every ~{POLL * 1000:g} ms until {l.needle!r} shows")
    print(f"  {minimal.name}: an App composing Header(), Static('hello'), Footer(); {floor_py.name}: print('hello') then sleep")
    # one warm-up each (page cache, .pyc), not counted
    first_frames(tmux, launches, 1, workdir)
    for l in launches:
        l.times.clear()
    first_frames(tmux, launches, args.rounds, workdir)
    print()
    print(f"{'app':<30} {'n':>3} {'median ms':>10} {'min ms':>8} {'p90 ms':>8} {'max ms':>8}")
    for l in launches:
        t = l.times
        print(f"{l.label:<30} {len(t):>3} {ms(statistics.median(t)):>10} {ms(min(t)):>8} {ms(pct(t, 90)):>8} {ms(max(t)):>8}")
    m_l, m_m, m_f = (statistics.median(x.times) for x in (lesson, mini, floor))
    ratio = m_l / m_m
    ratio_min = min(lesson.times) / min(mini.times)
    print(f"ratio backprop-tui / minimal: {ratio:.2f} (medians), {ratio_min:.2f} (mins); "
          f"above the floor: {(m_l - m_f) / (m_m - m_f):.2f}")
    print(f"verdict: {'PASS' if ratio <= GOAL_RATIO else 'FAIL'} (goal: <= {GOAL_RATIO:g}x the minimal app, medians)")
    print()

    rounds = args.probe_rounds or args.rounds
    print(f"-- in-process probe: launch -> first frame written to the terminal (python -c, {rounds} each, interleaved) --")
    shown = f'{python} -c "$PROBE" OUT.json lesson|minimal {minimal.parent}'
    print(f"command: tmux -L SOCKET -f /dev/null new-session -d -s NAME -x {WIDTH} -y {HEIGHT} "
          f"-e BACKPROP_TUI_HOME=HOME '{shown}'")
    print("  (PROBE = the `PROBE` string in this file: subclasses the app, wraps its driver's write, notes the")
    print("   first write whose text holds the expected words, reads sys.modules, writes OUT.json and exits)")
    probe_frames(tmux, python, minimal.parent, 1, workdir)  # warm-up
    runs = probe_frames(tmux, python, minimal.parent, rounds, workdir)
    print(f"{'app':<22} {'start':>6} {'imports':>8} {'to mount':>9} {'mount->frame':>13} {'total':>7} {'min':>7} "
          f"{'numpy?':>7} {'modules':>8}   (ms, medians)")
    totals: dict[str, float] = {}
    for label in ("backprop-tui (probe)", "minimal (probe)"):
        rs = [r for r in runs if r.label == label]
        med = lambda f, rs=rs: statistics.median(f(r) for r in rs)  # noqa: E731
        total = [r.data["frame"] - r.launch for r in rs]
        totals[label] = statistics.median(total)
        numpy = "yes" if any(r.data["numpy"] for r in rs) else "no"
        print(f"{label:<22} {ms(med(lambda r: r.data['start'] - r.launch)):>6} "
              f"{ms(med(lambda r: r.data['imported'] - r.data['start'])):>8} "
              f"{ms(med(lambda r: r.data['mount'] - r.data['imported'])):>9} "
              f"{ms(med(lambda r: r.data['frame'] - r.data['mount'])):>13} "
              f"{ms(statistics.median(total)):>7} {ms(min(total)):>7} {numpy:>7} "
              f"{statistics.median(r.data['modules'] for r in rs):>8.0f}")
    print("  start = tmux new-session + interpreter start-up to the first line of the -c code; imports = the")
    print("  app's module imports; to mount = App.run() to the app's on_mount; mount->frame = on_mount to the")
    print("  first write to the terminal holding the expected text (the lesson: open the progress store, import")
    print("  and compose the intro screen, ...).")
    print(f"ratio (probe totals): {totals['backprop-tui (probe)'] / totals['minimal (probe)']:.2f}")
    lesson_run = next(r for r in runs if r.kind == "lesson")
    print(f"numpy in sys.modules at the lesson's first frame: {lesson_run.data['numpy']}")
    print(f"third-party packages loaded at the lesson's first frame: {', '.join(lesson_run.data['third_party'])}")
    print(f"backprop_tui modules loaded: {', '.join(m.removeprefix('backprop_tui.') for m in lesson_run.data['ours'])}")
    print()

    print('-- python -X importtime -c "import backprop_tui.app" (median of 5 runs) --')
    data = importtime(python, "backprop_tui.app")
    cum = {k: statistics.median(v) for k, v in data["cumulative"].items()}
    print(f"{'module':<40} {'cumulative ms':>14}")
    for name, us in sorted(cum.items(), key=lambda kv: -kv[1])[:15]:
        print(f"{name:<40} {us / 1000:>14.1f}")
    by_pkg: dict[str, float] = defaultdict(float)
    for name, v in data["self"].items():
        by_pkg[name.split(".")[0]] += statistics.median(v)
    top = sorted(by_pkg.items(), key=lambda kv: -kv[1])[:8]
    print("self time by top-level package (ms): " + ", ".join(f"{k} {v / 1000:.1f}" for k, v in top))
    print()

    # What the lesson loads before its first frame that the minimal app does not, and what it costs.
    lesson_mods = set(lesson_run.data["all"])
    minimal_mods = set(next(r for r in runs if r.kind == "minimal").data["all"])
    extra = lesson_mods - minimal_mods
    entry = "backprop_tui.cli, backprop_tui.app, backprop_tui.progress.store, backprop_tui.screens.intro"
    print(f'-- modules loaded before the first frame by backprop-tui but not by the minimal app: {len(extra)} --')
    print(f'   self import time from: python -X importtime -c "import {entry}" (median of 5 runs)')
    data = importtime(python, entry)
    groups: dict[str, float] = defaultdict(float)
    for name, v in data["self"].items():
        if name in extra:
            parts = name.split(".")
            key = ".".join(parts[:2]) if parts[0] in ("backprop_tui", "textual", "rich") else parts[0]
            groups[key] += statistics.median(v)
    total = sum(groups.values())
    print(f"   total {total / 1000:.1f} ms; largest: " + ", ".join(
        f"{k} {v / 1000:.1f}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])[:12]))
    print()


def run_steps(tmux: Tmux, python: str, script: str, workdir: Path, args: argparse.Namespace,
              cap: float, send: float) -> None:
    command = shlex.join([script, "--section", "SECTION", "--name", "bench"]).replace("SECTION", "{section}")
    print(f"== 2. Step key -> redrawn pane (tmux {WIDTH}x{HEIGHT}) ==")
    print("commands (fresh BACKPROP_TUI_HOME per session):")
    sections = command.format(section="|".join(args.sections))
    print(f"  {tmux.command_line(*tmux.new_args('NAME', sections, {'BACKPROP_TUI_HOME': 'HOME'}))}")
    print("  then per key: `send-keys -t NAME n|p|1|3`; poll `capture-pane -p -t NAME` until the pane differs")
    print(f"  and shows `Step k of N` (jumps: `1/8 ·` or `3/8 ·`), then on until >= {args.gap:g} s after the key and")
    print(f"  the pane unchanged {SETTLE * 1000:g} ms; then the next key. n up to the last step, p back to the first, ...")
    samples: list[Sample] = []
    late = 0
    for r in range(args.runs):
        order = args.sections[r % len(args.sections):] + args.sections[: r % len(args.sections)]
        for section in order:
            got = step_session(tmux, command, section, args.keys, args.jumps, args.gap, workdir)
            samples += got.samples
            late += got.late_changes
            steps_ = [s.complete for s in got.samples if s.key in "np"]
            print(f"  run {r + 1}/{args.runs} {section}: {len(steps_)} keys, complete median {ms(statistics.median(steps_))} ms, "
                  f"max {ms(max(steps_))} ms", file=sys.stderr)
    print()
    print(f"{'keys':<36} {'n':>4} {'shown ms':>14} {'complete ms':>14} {'max ms':>7}  verdict: complete p95 < {GOAL_P95_MS:g} ms")
    print(f"{'':<36} {'':>4} {'median / p95':>14} {'median / p95':>14}")
    steps = [s for s in samples if s.key in "np"]
    jumps = [s for s in samples if s.key not in "np"]
    groups = [
        *((f"{sec}: n/p", [s for s in steps if s.section == sec]) for sec in args.sections),
        ("  forward gallery steps (braille)", [s for s in steps if s.section == "forward" and s.label.startswith("Activation")]),
        ("all n/p", steps),
        ("  all n/p, step seen before", [s for s in steps if not s.first_visit]),
        ("  all n/p, first visit (cold)", [s for s in steps if s.first_visit]),
        ("1/3 jumps, screen already built", [s for s in jumps if not s.first_visit]),
        ("1/3 first jump (builds the screen)", [s for s in jumps if s.first_visit]),
    ]
    for label, group in groups:
        if not group:
            continue
        shown = [s.seconds for s in group]
        complete = [s.complete for s in group]
        p95 = pct(complete, 95)
        shown_verdict = "PASS" if pct(shown, 95) * 1000 < GOAL_P95_MS else "FAIL"
        verdict = ("PASS" if p95 * 1000 < GOAL_P95_MS else "FAIL") + f" (shown p95: {shown_verdict})"
        if label.startswith("1/3 first"):
            verdict = "(info)"
        print(f"{label:<36} {len(group):>4} {ms(statistics.median(shown)) + ' / ' + ms(pct(shown, 95)):>14} "
              f"{ms(statistics.median(complete)) + ' / ' + ms(pct(complete, 95)):>14} {ms(max(complete)):>7}  {verdict}")
    partial = sum(s.partial for s in samples)
    print("  shown = key sent -> first capture that differs and shows the new step; complete = key sent -> the")
    print(f"  pane's last change (polled for >= {args.gap:g} s after the key, until unchanged {SETTLE * 1000:g} ms).")
    print(f"  floor of the method: send-keys {ms(send)} ms + up to one poll ({ms(cap)} ms capture + {POLL * 1000:g} ms sleep);")
    print(f"  keys whose pane changed again after 'shown': {late} of {len(samples)}; "
          f"changed captures without the new step yet: {partial}")
    by_label: dict[tuple[str, str], list[float]] = defaultdict(list)
    for s in steps:
        by_label[(s.section, s.label)].append(s.complete)
    slow = sorted(by_label.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    print("  slowest steps to arrive at, complete (median / p95 ms, n): " + "; ".join(
        f"{sec}/{lab} {ms(statistics.median(v))} / {ms(pct(v, 95))} ({len(v)})" for (sec, lab), v in slow))
    cold = sorted((s for s in steps if s.first_visit), key=lambda s: -s.complete)[:3]
    print("  slowest single keys: " + "; ".join(f"{s.section}/{s.label} {ms(s.complete)}" for s in cold))
    print()

    if args.probe_keys <= 0:
        return
    print(f"-- in-process step probe: the lesson with a log of key events and frames ({args.probe_keys} keys per section) --")
    shown = f'{python} -c "$STEP_PROBE" OUT.json intro|forward'
    print(f"command: tmux -L SOCKET -f /dev/null new-session -d -s NAME -x {WIDTH} -y {HEIGHT} "
          f"-e BACKPROP_TUI_HOME=HOME '{shown}'  (same keys and pauses, then q)")
    print(f"{'section':<10} {'tmux->key event':>16} {'key->1st frame':>15} {'key->last frame':>16} "
          f"{'frames/key':>11} {'pane (tmux)':>16}")
    print(f"{'':<10} {'median ms':>16} {'median/p95 ms':>15} {'median/p95 ms':>16} {'median':>11} {'shown/complete':>16}")
    for section in ("intro", "forward"):
        out = Path(tempfile.mkdtemp(dir=workdir)) / "steps.json"
        cmd = shlex.join([python, "-c", STEP_PROBE, str(out), "SECTION"]).replace("SECTION", "{section}")
        got = step_session(tmux, cmd, section, args.probe_keys, 0, args.gap, workdir, probe_out=out)
        rows = probe_steps(got, json.loads(out.read_text()))
        deliver, first, last, frames = (list(x) for x in zip(*rows))
        pane = [s.seconds for s in got.samples]
        done = [s.complete for s in got.samples]
        print(f"{section:<10} {ms(statistics.median(deliver)):>16} "
              f"{ms(statistics.median(first)) + '/' + ms(pct(first, 95)):>15} "
              f"{ms(statistics.median(last)) + '/' + ms(pct(last, 95)):>16} {statistics.median(frames):>11g} "
              f"{ms(statistics.median(pane)) + ' / ' + ms(statistics.median(done)):>16}")
    print("  tmux->key event = send-keys to the app's Key event (event.time); 1st frame = the first frame handed to")
    print("  the terminal driver after the key; last frame = the last one before the next key (mostly footer")
    print("  repaints, visible only when the footer's keys change, e.g. a–d Answer on and off a quick check).")
    print()


if __name__ == "__main__":
    sys.exit(main())
