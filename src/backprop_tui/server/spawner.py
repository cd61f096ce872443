"""The spawner: a process that imports the lesson once, then forks one lesson process per student.

Forking a process that has threads or an event loop is unsafe, so the server never forks: it starts
this module with ``python -m`` (a fresh, single-threaded interpreter) before its own event loop, and
asks it over a Unix socket (SOCK_SEQPACKET, one JSON message each) for lessons. For each request
the spawner opens a pseudo-terminal, forks a child that becomes the session leader with the pty
as its controlling terminal, and hands the pty's master back with SCM_RIGHTS. The children share
the spawner's pages (``gc.freeze()`` keeps the imported objects' pages untouched); about 19 MiB
each instead of about 35 for a fresh interpreter.

Messages in: ``{"op": "spawn", "id": N, "spec": {...}, "cols": C, "rows": R}``,
``{"op": "end", "pid": P}`` (SIGTERM now, SIGKILL after a grace period) and
``{"op": "signal", "pid": P, "signal": S}``. Messages out: ``{"op": "spawned", "id": N, "pid": P}``
with the master's descriptor, ``{"op": "failed", "id": N, "error": "..."}`` and
``{"op": "exited", "pid": P, "status": S}``. When the server's end of the socket closes (the server
stopped, or died), every lesson is ended the same way and the spawner exits.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import selectors
import signal
import socket
import struct
import sys
import termios
import time
import traceback

from backprop_tui.server.session import SessionSpec

GRACE = 5.0
"""Seconds a lesson has to save and exit after SIGTERM before it is killed."""

SPAWN_MODE_ENV = "BACKPROP_TUI_SERVE_SPAWN"
"""``fork`` (the default) or ``exec``: how lessons start (``exec`` is there to measure against)."""

MAX_MESSAGE = 64 * 1024


def preload() -> None:
    """Import everything a lesson uses, so that every forked child shares it."""
    import numpy.random  # noqa: F401
    import textual.drivers.linux_driver  # noqa: F401
    import textual.scrollbar  # noqa: F401

    import backprop_tui.app  # noqa: F401
    import backprop_tui.server.driver  # noqa: F401
    from backprop_tui.app import _import_engine
    from backprop_tui.lesson.sections import SECTION_IDS
    from backprop_tui.progress.backends import configured
    from backprop_tui.screens import screen_class

    _import_engine()
    for section in SECTION_IDS:
        screen_class(section)
    try:
        shared = configured()
    except ValueError:  # serve has refused such a setting before it gets here
        shared = None
    if isinstance(shared, str):  # progress in PostgreSQL: every lesson would import psycopg on its own
        import backprop_tui.progress.postgres  # noqa: F401


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _reset_signals() -> None:
    signal.set_wakeup_fd(-1)
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def _reseed() -> None:
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _child(slave: int, spec: SessionSpec, mode: str) -> None:
    """In the forked child: become the pty's session, drop the spawner's state, run the lesson. Never returns."""
    status = 1
    try:
        _reset_signals()
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") > 0 else 4096)
        if mode == "exec":
            argv = [sys.executable, "-m", "backprop_tui.server.session", spec.to_json()]
            os.execv(sys.executable, argv)
        _reseed()
        from backprop_tui.server.session import run

        status = run(spec)
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else 0
    except BaseException:
        try:
            report = "\x1b[?1049l\r\nThe lesson stopped with an error:\r\n" + traceback.format_exc().replace("\n", "\r\n")
            os.write(2, report.encode())
        except OSError:
            pass
    finally:
        os._exit(status)


class Spawner:
    """The spawner's loop: requests in, lessons forked, exits reported."""

    def __init__(self, sock: socket.socket, mode: str) -> None:
        self.sock = sock
        self.mode = mode
        self.children: dict[int, float | None] = {}
        """Live lessons: pid → when to kill it (after an end request), or None."""
        self.selector = selectors.DefaultSelector()
        self._wake_read, wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c at the server's terminal is the server's to handle
        signal.signal(signal.SIGTERM, lambda *_: None)  # handled as the socket closing, below
        self.stopping = False
        self.selector.register(sock, selectors.EVENT_READ)
        self.selector.register(self._wake_read, selectors.EVENT_READ)

    def send(self, message: dict[str, object], fds: list[int] | None = None) -> None:
        data = json.dumps(message).encode()
        try:
            if fds:
                socket.send_fds(self.sock, [data], fds)
            else:
                self.sock.send(data)
        except OSError:
            self.stop()

    def spawn(self, request: dict[str, object]) -> None:
        ident = request.get("id")
        try:
            spec = SessionSpec.from_json(json.dumps(request["spec"]))
            cols, rows = int(request.get("cols", 80)), int(request.get("rows", 24))  # type: ignore[call-overload]
            master, slave = os.openpty()
        except (KeyError, TypeError, ValueError, OSError) as e:
            self.send({"op": "failed", "id": ident, "error": str(e)})
            return
        try:
            _set_size(slave, max(1, min(cols, 1000)), max(1, min(rows, 1000)))
            pid = os.fork()
        except OSError as e:
            os.close(master)
            os.close(slave)
            self.send({"op": "failed", "id": ident, "error": str(e)})
            return
        if pid == 0:
            self.sock.detach()
            _child(slave, spec, self.mode)
        os.close(slave)
        self.children[pid] = None
        self.send({"op": "spawned", "id": ident, "pid": pid}, [master])
        os.close(master)

    def end(self, pid: int, sig: int = signal.SIGTERM) -> None:
        if pid in self.children:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            if sig in (signal.SIGTERM, signal.SIGHUP) and self.children[pid] is None:
                self.children[pid] = time.monotonic() + GRACE

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.pop(pid, None)
            self.send({"op": "exited", "pid": pid, "status": os.waitstatus_to_exitcode(status)})

    def kill_overdue(self) -> None:
        now = time.monotonic()
        for pid, due in list(self.children.items()):
            if due is not None and due <= now:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def handle(self) -> None:
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.stop()
            return
        try:
            request = json.loads(data)
            op = request["op"]
            if op == "spawn":
                self.spawn(request)
            elif op == "end":
                self.end(int(request["pid"]))
            elif op == "signal":
                self.end(int(request["pid"]), int(request["signal"]))
        except (ValueError, KeyError, TypeError):
            pass

    def stop(self) -> None:
        """The server is gone: end every lesson (they save), kill the slow ones, and exit."""
        if not self.stopping:
            self.stopping = True
            self.selector.unregister(self.sock)  # at end of file it would read as ready for ever
            for pid in list(self.children):
                self.end(pid)

    def run(self) -> None:
        while not (self.stopping and not self.children):
            dues = [due for due in self.children.values() if due is not None]
            timeout = max(0.0, min(dues) - time.monotonic()) + 0.01 if dues else None
            for key, _ in self.selector.select(timeout):
                if key.fileobj is self.sock:
                    if not self.stopping:
                        self.handle()
                else:
                    try:
                        os.read(self._wake_read, 4096)
                    except BlockingIOError:
                        pass
            self.reap()
            self.kill_overdue()


def main(argv: list[str]) -> int:
    """``python -m backprop_tui.server.spawner FD``: serve lesson requests on socket FD until it closes."""
    # One BLAS thread per lesson: its networks are tiny, and threads would make forking unsafe.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    mode = os.environ.get(SPAWN_MODE_ENV, "fork")
    sock = socket.socket(fileno=int(argv[1]))
    sock.setblocking(False)
    if mode != "exec":
        preload()
    gc.collect()
    gc.freeze()
    Spawner(sock, mode).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
