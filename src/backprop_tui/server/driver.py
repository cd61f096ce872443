"""Textual's Linux driver for a served lesson: its input thread sleeps until a key arrives.

The stock driver's input thread wakes ten times a second (``select`` with a 0.1 s timeout) to
time out a lone ESC. Thirty idle students cost 2.5–2.9 % of a core that way; this driver waits
with no timeout unless the key parser has an ESC pending, or until it is woken to stop. It also
reads and writes the session's own terminal (descriptors 0 and 1, the pty) without going through
``sys``, never stops on a write to a hung-up terminal, and ends the app when the terminal hangs up.
"""

from __future__ import annotations

import asyncio
import io
import math
import os
import select
import threading
from codecs import getincrementaldecoder
from typing import TYPE_CHECKING, Any

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App


class _WakingEvent(threading.Event):
    """An event whose ``set`` also wakes the input thread's ``poll``."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self._wake_fd = wake_fd

    def set(self) -> None:
        super().set()
        try:
            os.write(self._wake_fd, b"x")
        except OSError:  # the pipe is full (already woken) or closed
            pass


class _TerminalOut(io.RawIOBase):
    """Descriptor ``fd``, where a write to a hung-up terminal is dropped instead of raised.

    A write error would end Textual's writer thread, and the app would then block for ever on its full queue.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.hung_up = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: Any) -> int:
        view = memoryview(data)
        size = len(view)
        if self.hung_up:
            return size
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            self.hung_up = True
        return size


def terminal_writer(fd: int) -> io.TextIOWrapper:
    """A UTF-8 text file on ``fd`` that never raises on a hung-up terminal."""
    return io.TextIOWrapper(io.BufferedWriter(_TerminalOut(fd), 1 << 16), encoding="utf-8", errors="replace")


class QuietDriver(LinuxDriver):
    """The Linux driver, reading fd 0 and writing fd 1, with an input thread that sleeps until input."""

    def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True, size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._file = terminal_writer(1)
        self.fileno = 0
        self.input_tty = os.isatty(0)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self.exit_event = _WakingEvent(self._wake_write)
        self._app_loop: asyncio.AbstractEventLoop | None = None

    def _get_terminal_size(self) -> tuple[int, int]:
        """The pty's own size (COLUMNS and LINES of the server's environment mean nothing here)."""
        try:
            size = os.get_terminal_size(self.fileno)
        except OSError:
            return 80, 24
        return size.columns or 80, size.lines or 24

    def start_application_mode(self) -> None:
        self._app_loop = asyncio.get_running_loop()
        super().start_application_mode()

    def _hang_up(self) -> None:
        """The terminal is gone (the student left): end the app, which saves on its way out."""
        loop = self._app_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._app.exit)

    def run_input_thread(self) -> None:
        """Wait for input (or an ESC's timeout, or a wake-up) and turn it into Textual events."""
        fileno, wake = self.fileno, self._wake_read
        poller = select.poll()
        poller.register(fileno, select.POLLIN)
        poller.register(wake, select.POLLIN)
        parser = XTermParser(self._debug)
        # Random bytes must not end the lesson: undecodable input becomes U+FFFD.
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        while not self.exit_event.is_set():
            # The parser's ESC timeout is private; without it a lone ESC would wait for the next key.
            due = getattr(parser, "_timeout_time", None)
            timeout = None if due is None else max(0, math.ceil((due - get_time()) * 1000))
            for fd, _mask in poller.poll(timeout):
                if fd == wake:
                    os.read(wake, 512)
                    continue
                try:
                    data = os.read(fileno, 4096)
                except OSError:
                    data = b""
                if not data:
                    self._hang_up()
                    return
                try:
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                except ParseError:
                    parser = XTermParser(self._debug)
            for event in parser.tick():
                self.process_message(event)

    def close(self) -> None:
        super().close()
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass
