"""The example deployment (deploy/haproxy.cfg, README "A class across several servers"), end to end:
a throwaway PostgreSQL, two ``serve`` hosts sharing it and one host key, HAProxy in front on loopback,
and 20 students through it. One host is killed; its students come back through HAProxy and resume.
Also what makes a host one of several: ``--host-id``, checked, and the heartbeat that tells other hosts
its sessions are still served."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backprop_tui.progress import keys
from backprop_tui.progress.class_queries import HOST_ENV
from backprop_tui.progress.queries import ProgressStore
from postgres_helpers import run_sql
from server_helpers import ROOT, Server, Student, descendants, free_port, start_server, student, until, wait_for

CONFIG = ROOT / "deploy" / "haproxy.cfg"
STUDENTS = 20
CSV_HEADER = "name,connected,section,step,first_try_right,answered,exercises_solved,hand_raised,last_active"


def haproxy_binary() -> str:
    """HAProxy's program; the test fails (never skips) without it."""
    found = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)
    if found is None:
        pytest.fail("HAProxy is needed for the deployment's test: install Debian's haproxy package (.ci/run does)")
    return found


def loopback_config(front: int, lab1: int, lab2: int) -> str:
    """deploy/haproxy.cfg as shipped, with free loopback ports in place of its 2222, 2301 and 2302."""
    text = CONFIG.read_text(encoding="utf-8")
    for old, new in (
        ("bind :2222\n", f"bind 127.0.0.1:{front}\n"),
        ("127.0.0.1:2301 check", f"127.0.0.1:{lab1} check"),
        ("127.0.0.1:2302 check", f"127.0.0.1:{lab2} check"),
    ):
        assert text.count(old) == 1, f"deploy/haproxy.cfg no longer has {old!r}"
        text = text.replace(old, new)
    return text


def ssh_banner(port: int) -> bytes:
    """The first bytes a server on ``port`` sends (an SSH server: its banner), or ``b""``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64)
    except OSError:
        return b""


def lesson_env(server: Server, name: str) -> set[str]:
    """``name``'s value in the environment of every process below ``server`` (its spawner and lessons)."""
    values = set()
    for pid in descendants(server.process.pid):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        values |= {e.partition(b"=")[2].decode() for e in environ if e.startswith(name.encode() + b"=")}
    return values


def class_csv(url: str, home: Path) -> list[dict[str, str]]:
    """``backprop-tui class --csv --database URL`` as a teacher on a third machine runs it."""
    env = {k: v for k, v in os.environ.items() if k != HOST_ENV}
    env.update(BACKPROP_TUI_HOME=str(home), **{HOST_ENV: "teacher"})
    done = subprocess.run(
        [sys.executable, "-m", "backprop_tui", "class", "--csv", "--database", url],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == CSV_HEADER  # DESIGN §5's columns, whatever the hosts
    return list(csv.DictReader(io.StringIO(done.stdout)))


async def step_to(who: Student, steps: int) -> None:
    """Press n ``steps`` times from the lesson's first step, waiting for each step to show."""
    await who.term.wait_text("Step 1 of", timeout=40)
    for k in range(steps):
        who.term.send("n")
        await who.term.wait_text(f"Step {k + 2} of", timeout=20)


def test_the_example_config_is_valid_as_shipped():
    done = subprocess.run([haproxy_binary(), "-c", "-f", str(CONFIG)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    text = CONFIG.read_text(encoding="utf-8")
    assert "mode tcp" in text and "balance leastconn" in text and text.count(" check\n") == 2


def test_serve_refuses_a_host_id_it_cannot_use(tmp_path):
    for bad in ("", " ", "x" * 65, "lab\n1"):
        done = subprocess.run(
            [sys.executable, "-m", "backprop_tui", "serve", "--open", "--port", str(free_port()), "--host-id", bad],
            capture_output=True, text=True, timeout=30, cwd=ROOT, env=dict(os.environ, BACKPROP_TUI_HOME=str(tmp_path)),
        )  # fmt: skip
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--host-id" in done.stderr, done.stderr


async def test_two_hosts_behind_haproxy_take_a_class_and_one_dying_loses_nobody(pg_url, tmp_path):
    haproxy = haproxy_binary()
    host_key = tmp_path / "class_host_key"  # one identity for the whole class, made as the README says
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True, timeout=30)
    ports = {"lab-1": free_port(), "lab-2": free_port()}
    servers: dict[str, Server] = {}
    proxy: subprocess.Popen[bytes] | None = None
    students: dict[str, Student] = {}
    store = ProgressStore(pg_url)
    try:
        for host, port in ports.items():
            options = ("--open", "--database", pg_url, "--host-key", str(host_key), "--host-id", host)
            servers[host] = start_server(tmp_path / host, *options, port=port)
        front = free_port()
        config = tmp_path / "haproxy.cfg"
        config.write_text(loopback_config(front, ports["lab-1"], ports["lab-2"]), encoding="utf-8")
        proxy_log = tmp_path / "haproxy.log"
        proxy = subprocess.Popen([haproxy, "-f", str(config), "-db"], stdout=open(proxy_log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
        wait_for(lambda: ssh_banner(front).startswith(b"SSH-2.0-") or proxy.poll() is not None, 10, "HAProxy to pass SSH")
        assert proxy.poll() is None, proxy_log.read_text()

        # Both hosts present one fingerprint, and hand one signing key to their lessons.
        assert servers["lab-1"].fingerprint == servers["lab-2"].fingerprint != ""
        assert lesson_env(servers["lab-1"], keys.HOST_KEY_ENV) == lesson_env(servers["lab-2"], keys.HOST_KEY_ENV)
        assert lesson_env(servers["lab-1"], keys.HOST_KEY_ENV) == {str(host_key.resolve())}

        names = [f"s{i:02d}" for i in range(STUDENTS)]
        steps = {name: 1 + i % 3 for i, name in enumerate(names)}
        started = time.monotonic()
        joined = await asyncio.gather(*(student(front, name) for name in names))
        students = dict(zip(names, joined, strict=True))
        fingerprints = {s.conn.get_server_host_key().get_fingerprint() for s in joined}  # type: ignore[union-attr]
        assert fingerprints == {servers["lab-1"].fingerprint}
        await asyncio.gather(*(step_to(students[name], steps[name]) for name in names))
        placed = {name: ("intro", steps[name]) for name in names}
        await until(lambda: {n: store.position(n) for n in names} == placed, timeout=15, what="every place in PostgreSQL")
        await until(lambda: len(store.connected_hosts()) == STUDENTS, what="every student connected")
        on = store.connected_hosts()
        by_host = {host: sorted(n for n, h in on.items() if h == host) for host in ports}
        assert set(on.values()) == set(ports) and all(by_host.values()), by_host  # both hosts take sessions
        assert len(by_host["lab-1"]) + len(by_host["lab-2"]) == STUDENTS
        shown = class_csv(pg_url, tmp_path / "teacher")
        assert [(r["name"], r["connected"], r["step"]) for r in shown] == [(n, "yes", str(steps[n])) for n in names]

        # lab-1 dies: its students' connections drop, and they come back through the same address.
        moved = by_host["lab-1"]
        servers["lab-1"].stop(signal.SIGKILL)
        await until(lambda: all(students[n].term.closed.is_set() for n in moved), timeout=15, what="lab-1's students cut off")
        for name in moved:
            students.pop(name).conn.close()
        again = await asyncio.gather(*(student(front, name) for name in moved))
        students.update(zip(moved, again, strict=True))
        await asyncio.gather(*(students[n].term.wait_text(f"Step {steps[n] + 1} of", timeout=30) for n in moved))
        assert not any(students[n].term.closed.is_set() for n in by_host["lab-2"])  # nobody on lab-2 noticed
        stayed = by_host["lab-2"][0]
        students[stayed].term.send("n")  # and they still work
        await students[stayed].term.wait_text(f"Step {steps[stayed] + 2} of")
        placed[stayed] = ("intro", steps[stayed] + 1)
        await until(lambda: {n: store.position(n) for n in names} == placed, what="every place kept")
        on_lab2 = {str(r[0]) for r in run_sql(pg_url, "SELECT learner FROM sessions WHERE host = 'lab-2'")}
        assert on_lab2 == set(names)  # every student has a session on the host that is left
        shown = class_csv(pg_url, tmp_path / "teacher")
        assert [(r["name"], r["connected"]) for r in shown] == [(n, "yes") for n in names]
        print(f"{STUDENTS} students through HAProxy, one host killed and its {len(moved)} back: "
              f"{time.monotonic() - started:.1f} s")  # fmt: skip
    finally:
        await asyncio.gather(*(s.close() for s in students.values()), return_exceptions=True)
        store.close()
        if proxy is not None:
            proxy.terminate()
            proxy.wait(10)
        for server in servers.values():
            server.stop()


async def test_a_serving_host_notes_its_sessions_every_few_seconds_off_the_event_loop(monkeypatch):
    from backprop_tui.server import main

    monkeypatch.setattr(main, "HEARTBEAT_SECONDS", 0.02)
    calls: list[tuple[str, int]] = []
    store = main._Store()
    store.store = type("Recorder", (), {"heartbeat": lambda self: calls.append(("heartbeat", threading.get_ident()))})()
    beating = asyncio.ensure_future(main._heartbeat(store))
    try:
        await until(lambda: len(calls) >= 3, timeout=5, what="three heartbeats")
    finally:
        beating.cancel()
        store.executor.shutdown(wait=True)
    assert {name for name, _ in calls} == {"heartbeat"}
    assert threading.get_ident() not in {thread for _, thread in calls}  # the store's own thread, never the loop's
