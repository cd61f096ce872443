"""One student's session channel: the lesson on its own pty, bytes both ways, window changes, endings.

The session asks the spawner for a lesson process on a new pseudo-terminal, copies bytes between
the SSH channel and the pty master (holding input while the lesson is busy), passes window changes
on with TIOCSWINSZ, and ends the lesson when the student leaves, idles too long or the class ends.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
import signal
import struct
import termios
import time
from typing import TYPE_CHECKING, Any

import asyncssh

from backprop_tui.server import terminal
from backprop_tui.server.lessons import SpawnerGone
from backprop_tui.server.session import SessionSpec

if TYPE_CHECKING:
    from backprop_tui.server.ssh import Classroom

CLOSE_WAIT = 6.0
"""Seconds a closing lesson has to save and exit before the session is closed anyway."""

MAX_PENDING_INPUT = 1 << 20
"""Bytes of student input held while the lesson is busy; beyond that, input is dropped."""


def who(name: str) -> str:
    """A user name as it may appear in the log: printable, short."""
    shown = name if name.isprintable() and len(name) <= 40 else ascii(name[:40])
    return shown or "''"


class LessonSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session: with a terminal, the student's lesson; without, one line on how to connect."""

    def __init__(self, room: Classroom, name: str, peer: str) -> None:
        self.room = room
        self.name = name
        self.peer = peer
        self.ident = secrets.token_hex(4)
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.pid: int | None = None
        self.master: int | None = None
        self.started = 0.0
        self.last_input = time.monotonic()
        self.warned = False
        self.ending: str | None = None
        """Why the session is being closed by the server (idle, class over), once it is."""
        self.gone = False
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self._idle_timer: asyncio.TimerHandle | None = None
        self._exited: asyncio.Event = asyncio.Event()
        self._goodbye: asyncio.Future[None] | None = None
        self.status: int | None = None
        """The lesson's exit status (negative: the signal that ended it), once the spawner has reaped it."""
        self._released = False

    # -- the channel ------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = terminal.safe_term(term_type)
        cols, rows = term_size[0] or 80, term_size[1] or 24
        self.size = (cols, rows)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command  # answered with one line once the session starts
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.room.log(f"refused {who(self.name)} from {self.peer}: subsystem {who(subsystem)}")
        return False

    def _refuse(self, text: str, why: str) -> None:
        assert self.chan is not None
        self.room.log(f"refused {who(self.name)} from {self.peer}: {why}")
        self.chan.write_stderr(terminal.line(text))
        self.chan.exit(1)

    def session_started(self) -> None:
        port = self.room.settings.port
        connect = terminal.how_to_connect(port)
        if self.command is not None:
            self._refuse(f"backprop-tui: this server runs the lesson and nothing else; connect with: {connect}", "a command")
        elif self.term is None:
            self._refuse(f"backprop-tui: the lesson needs a terminal; connect with: {connect}", "no terminal")
        elif self.room.closing:
            self._refuse("backprop-tui: the class is over; the server is shutting down.", "shutting down")
        elif self.room.full():
            limit = self.room.settings.max_sessions
            self._refuse(
                f"backprop-tui: the class is full ({limit} students connected); try again in a while or ask your teacher.",
                "class full",
            )
        else:
            self.room.sessions.add(self)
            asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        assert self.chan is not None and self.term is not None
        env = self.chan.get_environment()
        colorterm = env.get("COLORTERM")
        spec = SessionSpec(
            name=self.name,
            term=self.term,
            colorterm=colorterm if colorterm in ("truecolor", "24bit") else None,
            warn_seconds=self.room.settings.warn_seconds,
        )
        try:
            pid, master = await self.room.lessons.spawn(spec, *self.size, on_exit=self._lesson_exited)
        except (OSError, SpawnerGone) as e:
            self.room.sessions.discard(self)
            self.room.log(f"failed {self.name} from {self.peer}: the lesson could not start ({e})")
            if not self.gone:
                self.chan.write(terminal.line("backprop-tui: the lesson could not start; please tell your teacher."))
                self.chan.exit(1)
            return
        if self.gone or self.ending:  # left (or the class ended) while the lesson was starting
            os.close(master)
            self.room.lessons.end(pid)
            self.room.sessions.discard(self)
            if not self.gone and self.ending:
                self.chan.write(terminal.line(self.ending))
                self.chan.exit(0)
            return
        self.pid, self.master, self.started = pid, master, time.monotonic()
        self.room.log(f"connect {self.name} from {self.peer} (session {self.ident}, {len(self.room.sessions)} connected)")
        self.room.store("session_started", self.name, self.ident, pid)
        self.room.started(self)
        self._resume_reading()
        if self._pending:
            self._flush_input()
        self._arm_idle_timer()

    # -- bytes both ways ----------------------------------------------------------------

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.last_input = time.monotonic()
        self.warned = False
        if self.ending or len(self._pending) + len(data) > MAX_PENDING_INPUT:
            return
        self._pending += data
        if self.master is not None:
            self._flush_input()

    def _flush_input(self) -> None:
        master = self.master
        if master is None:
            return
        loop = asyncio.get_running_loop()
        while self._pending:
            try:
                written = os.write(master, self._pending)
            except BlockingIOError:
                loop.add_writer(master, self._flush_input)
                return
            except OSError:
                self._pending.clear()
                break
            del self._pending[:written]
        loop.remove_writer(master)

    def eof_received(self) -> bool:
        return True  # a client whose stdin has ended still gets the lesson on screen

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width or 80, height or 24)
        if self.master is not None:
            try:
                fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, pixwidth, pixheight))
            except OSError:
                pass

    def _resume_reading(self) -> None:
        if self.master is not None and not self._reading and not self._paused:
            asyncio.get_running_loop().add_reader(self.master, self._read_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self.master)
            self._reading = False

    def pause_writing(self) -> None:
        """The student's connection is slow: stop reading the lesson, which then waits on its own writes."""
        self._paused = True
        self._stop_reading()

    def resume_writing(self) -> None:
        self._paused = False
        self._resume_reading()

    def _read_output(self) -> None:
        assert self.master is not None
        try:
            data = os.read(self.master, 1 << 16)
        except BlockingIOError:
            return
        except OSError:  # EIO: every copy of the pty's other side is closed, the lesson is over
            data = b""
        if data:
            if self.chan is not None and not self.gone:
                self.chan.write(data)
            return
        self._lesson_over()

    # -- endings ----------------------------------------------------------------------------

    def _lesson_exited(self, status: int) -> None:
        """The spawner reaped the lesson (the pty may still hold output: that is read to its end first)."""
        self.status = status
        if status not in (0, -signal.SIGTERM, -signal.SIGHUP):
            self.room.log(f"lesson of {self.name} (session {self.ident}) ended with status {status}")
        self._exited.set()

    def _close_master(self) -> None:
        self._stop_reading()
        if self.master is not None:
            asyncio.get_running_loop().remove_writer(self.master)
            os.close(self.master)  # hangs up the lesson's terminal, if it is still running
            self.master = None

    def _lesson_over(self) -> None:
        """The lesson's terminal is closed: it quit, was ended by the server, or crashed."""
        if self.master is None:
            return
        self._close_master()
        self._goodbye = asyncio.ensure_future(self._say_goodbye())

    async def _say_goodbye(self) -> None:
        if self.ending is None:  # not ended by us: learn how it ended (the spawner tells us at once)
            try:
                await asyncio.wait_for(self._exited.wait(), 2.0)
            except TimeoutError:
                pass
        crashed = self.ending is None and self.status not in (0, None)
        if self.chan is not None and not self.gone:
            if self.ending is not None:
                text = self.ending
            elif crashed:
                text = f"The lesson stopped unexpectedly, {self.name}; your progress to your last step is saved. Reconnect."
            else:
                text = f"Goodbye, {self.name}: your progress is saved. Come back any time."
            # A lesson that quit has reset the terminal itself; one that crashed or was ended may not have.
            self.chan.write(terminal.RESETS.encode() + terminal.line("") + terminal.line(text))
            self.chan.exit(1 if crashed else 0)
        self._release(self.ending or ("crashed" if crashed else "quit"))

    async def close(self, message: str, why: str) -> None:
        """End the session from the server's side: the lesson saves and exits, then ``message`` is shown."""
        if self.ending is not None or self.gone:
            return
        self.ending = message
        self._why = why
        if self.pid is None:
            return  # still starting: _start ends it
        self.room.lessons.end(self.pid)
        try:
            await asyncio.wait_for(self._exited.wait(), CLOSE_WAIT)
            # whatever the lesson wrote on its way out is still in the pty: read it to the end
            for _ in range(50):
                if self.master is None:
                    break
                await asyncio.sleep(0.02)
        except TimeoutError:
            pass
        if self.master is not None:
            self._lesson_over()
        if self._goodbye is not None:
            await self._goodbye

    def connection_lost(self, exc: Exception | None) -> None:
        """The student left (or vanished): hang up their lesson, which saves and exits."""
        self.gone = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self.pid is not None and self.master is not None:
            self._close_master()
            self.room.lessons.end(self.pid)
        self._release("connection closed" if exc is None else f"connection lost ({exc})")

    def _release(self, why: str = "") -> None:
        if self._released:
            return
        self._released = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self.room.sessions.discard(self)
        if self.pid is not None:
            minutes = (time.monotonic() - self.started) / 60
            reason = getattr(self, "_why", None) or why
            self.room.log(
                f"disconnect {self.name} from {self.peer} (session {self.ident}, {minutes:.1f} min, {reason}; "
                f"{len(self.room.sessions)} connected)"
            )
            self.room.store("session_ended", self.name, self.ident)

    # -- idleness ------------------------------------------------------------------------------

    def _arm_idle_timer(self) -> None:
        settings = self.room.settings
        idle = time.monotonic() - self.last_input
        loop = asyncio.get_running_loop()
        if idle >= settings.idle_timeout:
            minutes = settings.idle_timeout / 60
            limit = f"{minutes:g} minutes" if minutes >= 1 else f"{settings.idle_timeout} seconds"
            asyncio.ensure_future(
                self.close(
                    f"Closed after {limit} without a key press; your progress is saved. Reconnect to go on.",
                    "idle",
                )
            )
            return
        warn_at = settings.idle_timeout - settings.warn_seconds
        if idle >= warn_at and not self.warned and self.pid is not None:
            self.warned = True
            self.room.lessons.signal(self.pid, signal.SIGUSR1)
        due = settings.idle_timeout if self.warned else warn_at
        self._idle_timer = loop.call_later(max(0.05, due - idle), self._arm_idle_timer)
