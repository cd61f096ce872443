"""``backprop-tui serve``: check the teacher's choices, then serve lessons until SIGTERM or ctrl+c.

A mistake the teacher can make (no sign-in method, an unreadable file, a port in use, a bad host
key, a PostgreSQL database that can't be reached) is one line on stderr and exit status 2. The log
is one line per connect, disconnect and refusal, with a UTC timestamp, on stderr; it never holds a
password.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncssh

from backprop_tui.progress import keys
from backprop_tui.progress.backends import DATABASE_ENV, configured, is_postgres_url, redact, scrub
from backprop_tui.progress.class_queries import HEARTBEAT_SECONDS, HOST_ENV, host_id
from backprop_tui.progress.store import DB_NAME, data_dir
from backprop_tui.server import terminal
from backprop_tui.server.lessons import Lessons
from backprop_tui.server.ssh import Classroom, Settings, StudentServer

PROG = "backprop-tui serve"

KEEPALIVE_INTERVAL = 15
KEEPALIVE_COUNT_MAX = 3
"""A client that answers none of three keepalives 15 s apart is gone: its lesson ends."""
LOGIN_TIMEOUT = 30
GOODBYE = "The class is over: the server is shutting down. Your progress is saved."


class ServeError(Exception):
    """A teacher's mistake: one line, exit status 2."""


def log(text: str) -> None:
    """One line on stderr, with a UTC timestamp."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"{stamp} {text}", file=sys.stderr, flush=True)


def _password(args: argparse.Namespace) -> bytes | None:
    if args.password is not None and args.password_file is not None:
        raise ServeError("give --password or --password-file, not both")
    if args.password_file is not None:
        try:
            with open(args.password_file, encoding="utf-8") as f:
                text = f.readline().rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as e:
            why = getattr(e, "strerror", None) or e
            raise ServeError(f"--password-file {args.password_file} can't be read ({why})") from None
        if not text:
            raise ServeError(f"--password-file {args.password_file}: its first line is empty")
        return text.encode("utf-8")
    if args.password is not None:
        if not args.password:
            raise ServeError("--password must not be empty")
        return str(args.password).encode("utf-8", "surrogateescape")
    return None


def _authorized_keys(path: str | None) -> asyncssh.SSHAuthorizedKeys | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ServeError(f"--authorized-keys {path} can't be read ({getattr(e, 'strerror', None) or e})") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise ServeError(f"--authorized-keys {path} holds no keys")
    try:
        return asyncssh.import_authorized_keys(text)
    except (ValueError, asyncssh.KeyImportError) as e:
        raise ServeError(f"--authorized-keys {path} is not an OpenSSH authorized_keys file ({e})") from None


def settings_from(args: argparse.Namespace) -> Settings:
    """The teacher's choices, checked (raises :class:`ServeError`)."""
    password = _password(args)
    authorized = _authorized_keys(args.authorized_keys)
    if args.open and (password is not None or authorized is not None):
        raise ServeError("--open means no sign-in at all: leave out --password, --password-file and --authorized-keys")
    if password is None and authorized is None and not args.open:
        raise ServeError(
            "choose how students sign in: --password SECRET (or --password-file FILE) for one class password, "
            "--authorized-keys FILE for SSH keys, or --open for no sign-in at all"
        )
    return Settings(
        port=args.port,
        password=password,
        authorized_keys=authorized,
        open=bool(args.open),
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout,
    )


def _private_data_dir() -> Path:
    """The data directory, 0700, its database files 0600 (other users of this machine must not read them)."""
    home = data_dir()
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(home, 0o700)
        for file in home.glob(DB_NAME + "*"):
            os.chmod(file, 0o600)
    except OSError as e:
        raise ServeError(f"the data directory {home} can't be used ({e.strerror or e})") from None
    return home


def _database(option: Path | str | None) -> Path | str | None:
    """The progress database asked for (``None``: the SQLite file in the data directory), checked now
    when it is PostgreSQL: raises :class:`ServeError`, one line naming the database, never its password.
    An SQLite file is opened by the first session, as it always was."""
    try:
        target = configured(option)
    except ValueError as e:
        raise ServeError(f"{DATABASE_ENV}: {e}") from None
    if not (isinstance(target, str) and is_postgres_url(target)):
        return target
    from backprop_tui.progress.queries import ProgressStore, reason

    try:
        store = ProgressStore(target)
    except Exception as e:  # unreachable, refused, a newer schema, psycopg missing…
        raise ServeError(f"the progress database {redact(target)} can't be used ({scrub(reason(e), target)})") from None
    try:
        if not store.writable():
            why = scrub(store.last_error or "refused", target)
            raise ServeError(f"the progress database {redact(target)} can't be written ({why})")
    finally:
        store.close()
    return target


HOST_ID_MAX = 64
"""The longest ``--host-id``."""


def _host_id(option: str | None) -> str | None:
    """``--host-id`` checked (``None``: not given, the machine's name is used)."""
    if option is None:
        return None
    name = option.strip()
    if not name or len(name) > HOST_ID_MAX or not name.isprintable():
        raise ServeError(f"--host-id must be 1 to {HOST_ID_MAX} printable characters")
    return name


def _host_key(option: str | None, home: Path) -> tuple[Path, asyncssh.SSHKey, str]:
    path = Path(option) if option is not None else home / keys.KEY_NAME
    if option is not None and not path.is_file():
        raise ServeError(f"--host-key {option}: no such file")
    try:
        key = keys.load_or_create(path)
        ssh_key = asyncssh.import_private_key(path.read_bytes())
    except keys.KeyFileError as e:
        raise ServeError(f"the host key {e}") from None
    except (OSError, asyncssh.KeyImportError) as e:
        raise ServeError(f"the host key {path} can't be used ({e})") from None
    return path.resolve(), ssh_key, keys.fingerprint(key.public_key())


def _listen(host: str, port: int) -> socket.socket:
    try:
        return socket.create_server((host, port), backlog=128)
    except OSError as e:
        why = "already in use" if e.errno == 98 else (e.strerror or str(e))
        raise ServeError(f"can't listen on {host}:{port} ({why}); choose another with --port or --host") from None
    except (UnicodeError, ValueError) as e:
        raise ServeError(f"can't listen on {host}:{port} ({e})") from None


class _Store:
    """The progress store, used from one thread of its own (SQLite may wait on a busy file)."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.store: Any = None

    def _call(self, method: str, *args: object) -> None:
        if self.store is None:
            from backprop_tui.progress.store import open_store

            self.store, _notice = open_store()
        call = getattr(self.store, method, None)
        if call is not None:  # the store's session methods may be missing in older versions
            call(*args)

    def __call__(self, method: str, *args: object) -> None:
        self.executor.submit(self._call, method, *args)

    def close(self) -> None:
        self.executor.submit(self._call, "close")
        self.executor.shutdown(wait=True)


async def _serve(settings: Settings, sock: socket.socket, host_key: asyncssh.SSHKey, lessons: Lessons) -> None:
    loop = asyncio.get_running_loop()
    lessons.attach(loop)
    store = _Store()
    store("end_all_sessions")
    room = Classroom(settings, lessons, log, store)
    heartbeat = asyncio.ensure_future(_heartbeat(store))
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    server = await asyncssh.create_server(
        lambda: StudentServer(room),
        sock=sock,
        server_host_keys=[host_key],
        encoding=None,
        line_editor=False,
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        keepalive_interval=KEEPALIVE_INTERVAL,
        keepalive_count_max=KEEPALIVE_COUNT_MAX,
        login_timeout=LOGIN_TIMEOUT,
    )
    log(f"serving on port {settings.port}: students type  {terminal.how_to_connect(settings.port)}")
    try:
        await stop.wait()
    finally:
        room.closing = True
        heartbeat.cancel()
        server.close()
        sessions = list(room.sessions)
        if sessions:
            log(f"closing {len(sessions)} sessions")
        await asyncio.gather(*(s.close(GOODBYE, "the class is over") for s in sessions), return_exceptions=True)
        await asyncio.sleep(0.1)  # let the goodbyes reach the wire before the connections close
        store("end_all_sessions")
        store.close()
    log("stopped")


async def _heartbeat(store: _Store) -> None:
    """Every few seconds, note in the store (on its own thread) that this server's sessions are still served."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        store("heartbeat")


def serve(args: argparse.Namespace) -> int:
    """Run ``backprop-tui serve``; returns the exit status (2 for a teacher's mistake)."""
    os.umask(0o077)
    try:
        settings = settings_from(args)
        host_name = _host_id(getattr(args, "host_id", None))
        progress = _database(getattr(args, "database", None))
        home = _private_data_dir()
        key_path, host_key, fingerprint = _host_key(args.host_key, home)
        sock = _listen(args.host, args.port)
    except ServeError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    # Keep asyncssh's own log quiet; our lines say who came and went.
    logging.getLogger("asyncssh").setLevel(logging.CRITICAL)
    os.environ[keys.HOST_KEY_ENV] = str(key_path)  # lessons sign certificates with the host key in use
    print(f"{PROG}: host key fingerprint {fingerprint}", flush=True)
    print(f"{PROG}: data in {home}", flush=True)
    if progress is not None:
        shown = redact(progress) if isinstance(progress, str) and is_postgres_url(progress) else str(progress)
        print(f"{PROG}: progress in {shown}", flush=True)
        # Every lesson (the spawner's children inherit it) and the server's own store use this database.
        os.environ[DATABASE_ENV] = str(progress)
    if host_name is not None:
        os.environ[HOST_ENV] = host_name  # the name this server's sessions carry in the store
    if host_name is not None or progress is not None:
        print(f"{PROG}: this server is host {host_id()} in the class view", flush=True)
    lessons = Lessons.start()
    try:
        asyncio.run(_serve(settings, sock, host_key, lessons))
    except KeyboardInterrupt:
        pass
    finally:
        lessons.close()
    return 0
