"""The server's side of the spawner: start it, ask it for lessons, hear when they end."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from backprop_tui.server.session import SessionSpec
from backprop_tui.server.spawner import MAX_MESSAGE


class SpawnerGone(Exception):
    """The spawner has exited: no new lessons can start."""


class Lessons:
    """A running spawner, driven from the server's event loop."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[tuple[int, int]]] = {}
        self._on_exit: dict[int, Callable[[int], None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.gone = False

    @classmethod
    def start(cls) -> Lessons:
        """Start the spawner (before any event loop or thread: it is a fresh interpreter either way)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        process = subprocess.Popen(
            [sys.executable, "-m", "backprop_tui.server.spawner", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        ours.setblocking(False)
        return cls(process, ours)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Listen for the spawner's answers on ``loop``."""
        self._loop = loop
        loop.add_reader(self.sock.fileno(), self._receive)

    def _send(self, message: dict[str, object]) -> None:
        if self.gone:
            raise SpawnerGone("the spawner has stopped")
        try:
            self.sock.send(json.dumps(message).encode())
        except OSError:
            self._lost()
            raise SpawnerGone("the spawner has stopped") from None

    async def spawn(self, spec: SessionSpec, cols: int, rows: int, on_exit: Callable[[int], None]) -> tuple[int, int]:
        """A new lesson for ``spec``: its pid and its pty master (non-blocking, ours to close)."""
        assert self._loop is not None
        ident = next(self._ids)
        future: asyncio.Future[tuple[int, int]] = self._loop.create_future()
        self._waiting[ident] = future
        try:
            self._send({"op": "spawn", "id": ident, "spec": json.loads(spec.to_json()), "cols": cols, "rows": rows})
            pid, master = await future
        finally:
            self._waiting.pop(ident, None)
        self._on_exit[pid] = on_exit
        return pid, master

    def end(self, pid: int) -> None:
        """SIGTERM the lesson (it saves and exits); the spawner kills it if it hasn't after a grace period."""
        try:
            self._send({"op": "end", "pid": pid})
        except SpawnerGone:
            pass

    def signal(self, pid: int, signum: int) -> None:
        """Send ``signum`` to the lesson, if it is still running."""
        try:
            self._send({"op": "signal", "pid": pid, "signal": int(signum)})
        except SpawnerGone:
            pass

    def _receive(self) -> None:
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data, fds = b"", []
            if not data:
                for fd in fds:
                    os.close(fd)
                self._lost()
                return
            self._dispatch(json.loads(data), fds)

    def _dispatch(self, message: dict[str, Any], fds: list[int]) -> None:
        op = message.get("op")
        if op == "spawned":
            future = self._waiting.get(message["id"])
            master = fds[0]
            os.set_blocking(master, False)
            if future is None or future.done():
                os.close(master)
                self.end(int(message["pid"]))
            else:
                future.set_result((int(message["pid"]), master))
        elif op == "failed":
            future = self._waiting.get(message["id"])
            if future is not None and not future.done():
                future.set_exception(OSError(str(message.get("error"))))
        elif op == "exited":
            callback = self._on_exit.pop(int(message["pid"]), None)
            if callback is not None:
                callback(int(message["status"]))

    def _lost(self) -> None:
        if self.gone:
            return
        self.gone = True
        if self._loop is not None:
            self._loop.remove_reader(self.sock.fileno())
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(SpawnerGone("the spawner has stopped"))

    def close(self, timeout: float = 10.0) -> int | None:
        """Close our end (the spawner ends every lesson and exits); wait for it. Its exit status, or None."""
        if self._loop is not None and not self.gone:
            self._loop.remove_reader(self.sock.fileno())
        self.gone = True
        self.sock.close()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
