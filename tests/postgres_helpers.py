"""A throwaway PostgreSQL cluster for the tests and the benchmark: initdb in a temporary folder, pg_ctl start on
a free port (and a unix socket in that folder), stop and remove it at the end.

It uses the PostgreSQL binaries already on the machine (``pg_config --bindir``, else the newest
``/usr/lib/postgresql/*/bin``, else ``$BACKPROP_TUI_PG_BIN``) and installs nothing. PostgreSQL refuses to
run as root: as root, the cluster belongs to the ``postgres`` system user (Debian's package makes it),
and initdb and pg_ctl run as that user through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN_ENV = "BACKPROP_TUI_PG_BIN"
SUPERUSER = "backprop"
MISSING = (
    "the tests need PostgreSQL's server binaries (initdb, pg_ctl) and found none: install Debian's "
    f"`postgresql` package (apt-get install postgresql), or name their folder in ${BIN_ENV}"
)


class ClusterError(RuntimeError):
    """The throwaway cluster couldn't be made or started (the message says why)."""


def bin_dir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl`` (raises :class:`ClusterError` if there is none)."""
    candidates: list[Path] = []
    if os.environ.get(BIN_ENV):
        candidates.append(Path(os.environ[BIN_ENV]))
    if shutil.which("pg_config"):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    candidates += versions
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise ClusterError(MISSING)


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _owner() -> str | None:
    """Who runs the cluster: ``None`` for this user, or the system user to switch to when running as root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ClusterError("running as root, and there is no postgres (or nobody) user to run PostgreSQL as")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: connect as :data:`SUPERUSER` to ``127.0.0.1:port`` or through ``socket_dir``."""

    folder: Path
    port: int
    owner: str | None
    bin: Path

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, database: str = "postgres", **params: str) -> str:
        """A URL of database ``database`` on this cluster, over TCP on loopback."""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}" + (f"?{query}" if query else "")

    def fresh_schema_url(self) -> str:
        """The URL of an empty schema of its own (a test's whole database, at a few milliseconds' cost)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE SCHEMA {name}")
        return self.url(options=f"-csearch_path%3D{name}")

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit); its rows, if any."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(statement)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return _run(self.owner, [str(self.bin / args[0]), *args[1:]], timeout=timeout)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (it may be started again with :meth:`start`)."""
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def start(self, settings: dict[str, str] | None = None) -> None:
        """Start the server on :attr:`port` (raises :class:`ClusterError` with its log if it won't)."""
        options = [f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1"]
        options += [f"-c {k}={v}" for k, v in (settings or {}).items()]
        done = self.run(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-o", " ".join(options),
            "-w", "-t", "30", "start",
        )
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace") if (self.folder / "log").exists() else ""
            raise ClusterError(f"pg_ctl start failed: {done.stdout}{done.stderr}{log[-2000:]}")


def _run(owner: str | None, command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    if owner is not None:
        command = ["runuser", "-u", owner, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/")


FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
"""Settings for tests: nothing survives a crash of the machine, and nothing needs to."""


@contextlib.contextmanager
def cluster(settings: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A fresh cluster, started, for the duration of the ``with`` block; then stopped and removed."""
    binaries = bin_dir()
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="backprop-pg-"))
    try:
        if owner is not None:
            shutil.chown(folder, owner)
        done = _run(
            owner,
            [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER, "--auth=trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            timeout=120,
        )
        if done.returncode != 0:
            raise ClusterError(f"initdb failed: {done.stdout}{done.stderr}")
        running: Cluster | None = None
        failure = ClusterError("PostgreSQL would not start")
        for _ in range(5):  # a free port may be taken by someone else before the server binds it
            candidate = Cluster(folder, free_port(), owner, binaries)
            try:
                candidate.start(settings)
            except ClusterError as error:
                failure = error
                continue
            running = candidate
            break
        if running is None:
            raise failure
        try:
            yield running
        finally:
            running.run("pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_sql(target: Path | str, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run one statement (``?`` placeholders) on a store's database behind its back: an SQLite file or a
    PostgreSQL URL. Its rows, if any."""
    if isinstance(target, Path):
        import sqlite3

        conn = sqlite3.connect(target)
        try:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()
    import psycopg

    from backprop_tui.progress.postgres import to_postgres

    with psycopg.connect(target, autocommit=True) as pg:
        cur = pg.execute(to_postgres(statement), params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []
