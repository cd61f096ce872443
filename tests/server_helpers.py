"""Helpers for the classroom server's tests: start ``serve`` on a free port, SSH clients, a tiny terminal."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent

_CSI = re.compile(r"\x1b\[([0-9;?<>=!$ ]*)([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_ESC = re.compile(r"\x1b[^\[\]]")


class Screen:
    """Just enough of a VT terminal for the lesson's output: cursor moves, text, clears.

    Colours and modes are ignored; the screen's text is what the tests read.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.resize(cols, rows)
        self._tail = ""

    def resize(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0

    def feed(self, data: bytes | str) -> None:
        text = self._tail + (data.decode("utf-8", "replace") if isinstance(data, bytes) else data)
        self._tail = ""
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "\x1b":
                m = _CSI.match(text, i) or _OSC.match(text, i) or _ESC.match(text, i)
                if m is None:
                    self._tail = text[i:]  # an escape cut in two by the network
                    return
                if m.re is _CSI:
                    self._csi(m.group(1), m.group(2))
                i = m.end()
                continue
            if ch == "\r":
                self.x = 0
            elif ch == "\n":
                self.y = min(self.y + 1, self.rows - 1)
            elif ch >= " ":
                if 0 <= self.y < self.rows and 0 <= self.x < self.cols:
                    self.grid[self.y][self.x] = ch
                self.x += 1
            i += 1

    def _csi(self, params: str, final: str) -> None:
        if params.startswith(("?", "<", ">", "=")):
            return
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        if final in "Hf":
            row = numbers[0] if numbers and numbers[0] else 1
            col = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.y, self.x = min(row, self.rows) - 1, col - 1
        elif final == "J" and numbers[:1] == [2]:
            self.grid = [[" "] * self.cols for _ in range(self.rows)]

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


async def until(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Like :func:`wait_for`, in a coroutine."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.03)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Server:
    """A ``backprop-tui serve`` subprocess."""

    process: subprocess.Popen[str]
    port: int
    home: Path
    stderr_path: Path
    fingerprint: str = ""

    def log(self) -> str:
        return self.stderr_path.read_text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout)


def start_server(home: Path, *options: str, port: int | None = None, env: dict[str, str] | None = None) -> Server:
    """Start ``python -m backprop_tui serve --host 127.0.0.1 --port PORT OPTIONS`` and wait until it listens."""
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    stderr_path = home.parent / f"serve-{port}.log"
    environment = dict(os.environ, BACKPROP_TUI_HOME=str(home), **(env or {}))
    process = subprocess.Popen(
        [sys.executable, "-m", "backprop_tui", "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=open(stderr_path, "w"),  # noqa: SIM115 - the server's own file, closed with it
        text=True,
        env=environment,
        cwd=ROOT,
    )
    server = Server(process, port, home, stderr_path)
    wait_for(lambda: "serving on port" in server.log() or process.poll() is not None, 20, "the server to listen")
    assert process.poll() is None, server.log()
    assert process.stdout is not None
    first = process.stdout.readline()
    server.fingerprint = first.rsplit(" ", 1)[-1].strip()
    return server


class Terminal(asyncssh.SSHClientSession[bytes]):
    """An SSH client session that keeps everything it receives, and a screen of it."""

    def __init__(self, cols: int = 100, rows: int = 30) -> None:
        self.raw = bytearray()
        self.stderr = bytearray()
        self.screen = Screen(cols, rows)
        self.closed = asyncio.Event()
        self.changed = asyncio.Event()
        self.chan: asyncssh.SSHClientChannel[bytes] | None = None

    def connection_made(self, chan: asyncssh.SSHClientChannel[bytes]) -> None:  # type: ignore[override]
        self.chan = chan

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        if datatype == asyncssh.EXTENDED_DATA_STDERR:
            self.stderr.extend(data)
            return
        self.raw.extend(data)
        self.screen.feed(data)
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    def text(self) -> str:
        return self.screen.text()

    def received(self) -> str:
        return self.raw.decode("utf-8", "replace")

    async def wait_text(self, text: str, timeout: float = 10.0) -> None:
        """Wait until ``text`` is on the screen, looking again as soon as anything arrives."""
        deadline = time.monotonic() + timeout
        while text not in self.text():
            self.changed.clear()
            left = deadline - time.monotonic()
            try:
                await asyncio.wait_for(self.changed.wait(), max(0.0, left))
            except TimeoutError:
                raise AssertionError(f"timed out after {timeout} s waiting for {text!r} on the screen:\n{self.text()}") from None

    def send(self, data: str | bytes) -> None:
        assert self.chan is not None
        self.chan.write(data.encode() if isinstance(data, str) else data)

    def resize(self, cols: int, rows: int) -> None:
        assert self.chan is not None
        self.screen.resize(cols, rows)
        self.chan.change_terminal_size(cols, rows)


@dataclass
class Student:
    """A connected student: the connection and their terminal."""

    conn: asyncssh.SSHClientConnection
    term: Terminal
    chan: asyncssh.SSHClientChannel[bytes] = field(repr=False)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()


async def connect(port: int, name: str, cols: int = 100, rows: int = 30, **options: object) -> asyncssh.SSHClientConnection:
    """An asyncssh connection as ``name`` (no host key check: the tests check the fingerprint themselves)."""
    settings: dict[str, object] = {"known_hosts": None, "client_keys": None, "agent_path": None, **options}
    return await asyncssh.connect("127.0.0.1", port, username=name, **settings)  # type: ignore[arg-type]


async def student(port: int, name: str, cols: int = 100, rows: int = 30, **options: object) -> Student:
    """``name`` connected with a terminal of ``cols`` × ``rows``."""
    conn = await connect(port, name, **options)
    term = Terminal(cols, rows)
    chan, _ = await conn.create_session(
        lambda: term, term_type="xterm-256color", term_size=(cols, rows), encoding=None
    )
    return Student(conn, term, chan)
