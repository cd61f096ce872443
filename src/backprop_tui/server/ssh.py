"""The SSH side: who may sign in and what a connection may ask for (a session, nothing else).

What the sessions share (the teacher's settings, the spawner, the log, the store) is the
:class:`Classroom`; each session's channel, with its lesson on a pty, is
:class:`~backprop_tui.server.channel.LessonSession`.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncssh

from backprop_tui.parsing import student_name
from backprop_tui.server import fairness
from backprop_tui.server.channel import LessonSession, who
from backprop_tui.server.lessons import Lessons

FAILED_PASSWORD_DELAY = 1.0
"""Seconds before a wrong password is answered (guessing the class password stays slow)."""


@dataclass
class Settings:
    """What the teacher chose."""

    port: int
    password: bytes | None = None
    authorized_keys: asyncssh.SSHAuthorizedKeys | None = None
    open: bool = False
    max_sessions: int = 50
    idle_timeout: int = 1800

    @property
    def warn_seconds(self) -> int:
        """How long before an idle close the student is warned."""
        return max(2, min(60, self.idle_timeout // 5))


class Classroom:
    """Everything the sessions share: settings, the spawner, the log, the store, who is connected."""

    def __init__(self, settings: Settings, lessons: Lessons, log: Callable[[str], None], store: Any) -> None:
        self.settings = settings
        self.lessons = lessons
        self.log = log
        self.store = store
        """Runs the progress store's calls off the event loop: ``store(method_name, *args)``."""
        self.sessions: set[LessonSession] = set()
        self.closing = False
        self._governor = fairness.Governor() if fairness.available() else None
        self._governing: asyncio.TimerHandle | None = None
        self._looked = time.monotonic()

    def started(self, session: LessonSession) -> None:
        """A lesson is running: keep an eye on its CPU use (once a second, while any lesson runs)."""
        if self._governor is not None and self._governing is None:
            self._looked = time.monotonic()
            self._governing = asyncio.get_running_loop().call_later(fairness.INTERVAL, self._govern)

    def _govern(self) -> None:
        assert self._governor is not None
        now = time.monotonic()
        pids = {s.pid for s in self.sessions if s.pid is not None}
        self._governor.look(pids, now - self._looked)
        self._looked = now
        self._governing = asyncio.get_running_loop().call_later(fairness.INTERVAL, self._govern) if pids else None

    def full(self) -> bool:
        return len(self.sessions) >= self.settings.max_sessions


class StudentServer(asyncssh.SSHServer):
    """One SSH connection: signs the student in by name, and refuses everything but a session."""

    def __init__(self, room: Classroom) -> None:
        self.room = room
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = "?"
        self.name = ""
        self.signed_in = False
        self.failure: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.signed_in and self.failure is not None:
            self.room.log(f"refused {who(self.name)} from {self.peer}: {self.failure}")

    def begin_auth(self, username: str) -> bool:
        self.name = username
        try:
            student_name(username)
        except ValueError as e:
            self.failure = f"not a student name ({e})"
            raise asyncssh.DisconnectError(
                asyncssh.DISC_ILLEGAL_USER_NAME,
                f"the user name is your name: letters, digits, '.', '_' and '-', at most 32; this one {e}",
            ) from None
        if self.room.settings.open:
            self.signed_in = True
            return False
        return True

    def password_auth_supported(self) -> bool:
        return self.room.settings.password is not None

    async def validate_password(self, username: str, password: str) -> bool:
        expected = self.room.settings.password
        given = password.encode("utf-8", "surrogateescape")
        if expected is not None and hmac.compare_digest(given, expected):
            self.signed_in = True
            return True
        self.failure = "wrong password"
        await asyncio.sleep(FAILED_PASSWORD_DELAY)
        return False

    def public_key_auth_supported(self) -> bool:
        return self.room.settings.authorized_keys is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        keys = self.room.settings.authorized_keys
        host, _, addr = self.peer.rpartition(":")
        if keys is not None and keys.validate(key, host, host) is not None:
            self.signed_in = True
            return True
        self.failure = "key not in the authorized keys"
        return False

    def session_requested(self) -> asyncssh.SSHServerSession[bytes]:
        return LessonSession(self.room, self.name, self.peer)

    # -- no forwarding of any kind ---------------------------------------------------

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        self.room.log(f"refused {who(self.name)} from {self.peer}: port forwarding to {dest_host}:{dest_port}")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self.room.log(f"refused {who(self.name)} from {self.peer}: remote forwarding of port {listen_port}")
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        self.room.log(f"refused {who(self.name)} from {self.peer}: socket forwarding")
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        self.room.log(f"refused {who(self.name)} from {self.peer}: remote socket forwarding")
        return False
