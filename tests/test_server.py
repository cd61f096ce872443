"""``backprop-tui serve`` against real SSH clients on 127.0.0.1: the lesson, refusals, limits, endings.

One server per module (password and authorized keys both on) serves most tests; tests that end or
fill a server start their own. Every wait is for a condition, with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from backprop_tui.progress.store import ProgressStore
from server_helpers import (
    ROOT,
    Server,
    descendants,
    free_port,
    start_server,
    student,
    until,
    wait_for,
)

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An OpenSSH key (ssh-keygen), an asyncssh key, both authorized, and a stranger's key that is not."""
    folder = tmp_path_factory.mktemp("keys")
    openssh = folder / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(openssh)], check=True)
    ours = asyncssh.generate_private_key("ssh-ed25519")
    ours.write_private_key(str(folder / "ours"))
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    stranger.write_private_key(str(folder / "stranger"))
    authorized = folder / "authorized_keys"
    authorized.write_text(openssh.with_suffix(".pub").read_text() + ours.export_public_key().decode())
    return {"openssh": openssh, "ours": folder / "ours", "stranger": folder / "stranger", "authorized": authorized}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]):
    """A class with a password and authorized keys."""
    home = tmp_path_factory.mktemp("class") / "home"
    srv = start_server(home, "--password", PASSWORD, "--authorized-keys", str(keys["authorized"]))
    yield srv
    srv.stop()


def positions(home: Path) -> dict[str, tuple[str, int]]:
    """Every learner's saved place, as the store reads it."""
    store = ProgressStore(home / "progress.sqlite3")
    try:
        return {row.name: p for row in store.learners() if (p := store.position(row.name)) is not None}
    finally:
        store.close()


def learner_names(home: Path) -> set[str]:
    store = ProgressStore(home / "progress.sqlite3")
    try:
        return {row.name for row in store.learners()}
    finally:
        store.close()


# -- the lesson ---------------------------------------------------------------------------


async def test_a_session_draws_the_lesson_and_answers_keys(server: Server) -> None:
    amy = await student(server.port, "amy", password=PASSWORD)
    try:
        await amy.term.wait_text("1/8 · Why backpropagation")
        await amy.term.wait_text("Step 1 of")
        amy.term.send("n")
        await amy.term.wait_text("Step 2 of")
        assert "38;5;" in amy.term.received()  # xterm-256color: 256 colours
        assert "38;2;" not in amy.term.received()  # … and no truecolor it may not show
        store = ProgressStore(server.home / "progress.sqlite3")
        try:
            await until(lambda: "amy" in store.connected(), what="amy shown as connected")
            await amy.close()
            await until(lambda: "amy" not in store.connected(), what="amy shown as gone")
        finally:
            store.close()
    finally:
        await amy.close()


async def test_the_class_data_is_private_to_the_teacher(server: Server) -> None:
    """The data directory is 0700 and every file in it 0600 (other users of a lab server read nothing)."""
    import stat

    fay = await student(server.port, "fay", password=PASSWORD)
    try:
        await fay.term.wait_text("Step 1 of")
        fay.term.send("n")
        await fay.term.wait_text("Step 2 of")
    finally:
        await fay.close()
    assert stat.S_IMODE(server.home.stat().st_mode) == 0o700
    files = [p for p in server.home.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"progress.sqlite3", "host_key"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for folder in (p for p in server.home.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder


async def test_a_lone_escape_reaches_the_app(server: Server) -> None:
    """The quiet driver sleeps until input, yet a lone ESC (no key after it) still arrives, after its timeout."""
    rae = await student(server.port, "rae", password=PASSWORD)
    try:
        await rae.term.wait_text("Step 1 of")
        rae.term.send("?")
        await rae.term.wait_text("Keys on this screen")
        rae.term.send("\x1b")
        await until(lambda: "Keys on this screen" not in rae.term.text(), what="the help to close on escape")
        assert "Step 1 of" in rae.term.text()
    finally:
        await rae.close()


async def test_a_client_whose_input_has_ended_still_gets_the_lesson(server: Server) -> None:
    bo = await student(server.port, "bo", password=PASSWORD)
    try:
        bo.chan.write_eof()  # as `ssh -tt … </dev/null` does
        await bo.term.wait_text("1/8 · Why backpropagation")
        assert not bo.term.closed.is_set()
    finally:
        await bo.close()


async def test_a_window_resize_reaches_the_app(server: Server) -> None:
    ben = await student(server.port, "ben", cols=100, rows=30, password=PASSWORD)
    try:
        await ben.term.wait_text("q Quit")
        assert "q Quit" in ben.term.screen.lines()[29]
        ben.term.resize(120, 40)
        # the footer on the new last row, drawn right to the new width
        await until(lambda: "q Quit" in ben.term.screen.lines()[39] and "palette" in ben.term.screen.lines()[39][100:])
        assert "Why backpropagation" in ben.term.screen.lines()[0]
    finally:
        await ben.close()


async def test_two_students_keep_their_own_place_and_resume(server: Server) -> None:
    cal = await student(server.port, "cal", password=PASSWORD)
    dee = await student(server.port, "dee", password=PASSWORD)
    try:
        await cal.term.wait_text("Step 1 of")
        await dee.term.wait_text("Step 1 of")
        cal.term.send("n")
        await cal.term.wait_text("Step 2 of")
        cal.term.send("n")
        await cal.term.wait_text("Step 3 of")
        dee.term.send("2")
        await dee.term.wait_text("2/8 · The chain rule")
        assert "Why backpropagation" in cal.term.text()
    finally:
        await cal.close()
        await dee.close()
    await until(lambda: positions(server.home).get("cal") == ("intro", 2), what="cal's place saved")
    assert positions(server.home)["dee"][0] == "chain-rule"
    again = await student(server.port, "cal", password=PASSWORD)
    try:
        await again.term.wait_text("Step 3 of")
    finally:
        await again.close()


async def test_two_connections_under_one_name_lose_nothing(server: Server) -> None:
    one = await student(server.port, "twin", password=PASSWORD)
    two = await student(server.port, "twin", password=PASSWORD)
    try:
        await one.term.wait_text("Step 1 of")
        await two.term.wait_text("Step 1 of")
        one.term.send("2")
        two.term.send("3")
        await one.term.wait_text("2/8 · The chain rule")
        await two.term.wait_text("3/8 · Forward pass")
    finally:
        await one.close()
        await two.close()
    store = ProgressStore(server.home / "progress.sqlite3")
    try:
        # (not "intro": the app notes the first section after its first frame, and a jump key may come first)
        await until(lambda: {"chain-rule", "forward"} <= store.visited("twin"), what="both sessions' visits saved")
    finally:
        store.close()


async def test_random_bytes_and_garbage_do_not_crash_anything(server: Server) -> None:
    eve = await student(server.port, "eve", password=PASSWORD)
    try:
        await eve.term.wait_text("Step 1 of")
        eve.term.send(bytes(range(256)) * 4 + os.urandom(4096))
        with socket.create_connection(("127.0.0.1", server.port)) as raw:
            raw.sendall(os.urandom(2048))
        eve.term.send("\x1b[<u\x1b")  # let any half-read escape finish
        eve.term.send("1")
        await eve.term.wait_text("1/8 · Why backpropagation")
        later = await student(server.port, "eve2", password=PASSWORD)
        await later.term.wait_text("Step 1 of")
        await later.close()
    finally:
        await eve.close()
    assert server.process.poll() is None


# -- what a client may not do ------------------------------------------------------------


async def test_a_session_without_a_terminal_is_told_how_to_connect(server: Server) -> None:
    async with await asyncssh.connect(
        "127.0.0.1", server.port, username="fay", password=PASSWORD, known_hosts=None, client_keys=None
    ) as conn:
        result = await conn.run(timeout=10)  # a shell, no pty: ssh -T
    assert result.exit_status == 1
    assert isinstance(result.stderr, str)
    assert result.stderr.count("\n") == 1
    assert f"ssh -t -p {server.port}" in result.stderr
    assert result.stdout == ""


async def test_commands_subsystems_and_forwarding_are_refused(server: Server) -> None:
    async with await asyncssh.connect(
        "127.0.0.1", server.port, username="gus", password=PASSWORD, known_hosts=None, client_keys=None
    ) as conn:
        result = await conn.run("cat /etc/passwd", timeout=10)
        assert result.exit_status == 1
        assert isinstance(result.stderr, str) and result.stderr.count("\n") == 1
        assert "nothing else" in result.stderr
        assert result.stdout == ""
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port)
    log = server.log()
    assert "refused gus" in log and "subsystem sftp" in log and "port forwarding" in log and "remote forwarding" in log


async def test_wrong_password_unknown_key_and_bad_names_are_refused(server: Server, keys: dict[str, Path]) -> None:
    started = time.monotonic()
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", server.port, username="hal", password="not it", known_hosts=None, client_keys=None
        )
    assert time.monotonic() - started >= 0.9  # each wrong guess waits
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", server.port, username="ida", client_keys=[str(keys["stranger"])], known_hosts=None, password=None
        )
    for name in ("../x", "a" * 33):
        with pytest.raises(asyncssh.DisconnectError, match="your name"):
            await asyncssh.connect(
                "127.0.0.1", server.port, username=name, password=PASSWORD, known_hosts=None, client_keys=None
            )
    await until(lambda: server.log().count("refused") >= 4, what="four refusals logged")
    log = server.log()
    assert "refused hal" in log and "wrong password" in log
    assert "refused ida" in log and "authorized keys" in log
    assert "not it" not in log and PASSWORD not in log  # no password in the log, right or wrong
    names = learner_names(server.home)
    assert not names & {"hal", "ida", "../x", "a" * 33}
    assert not list(server.home.rglob("*x*")) and not any("aaaa" in p.name for p in server.home.rglob("*"))


async def test_an_authorized_key_signs_in(server: Server, keys: dict[str, Path]) -> None:
    kim = await student(server.port, "kim", client_keys=[str(keys["ours"])], password=None)
    try:
        await kim.term.wait_text("Step 1 of")
    finally:
        await kim.close()


def test_openssh_with_a_key_gets_the_lesson(server: Server, keys: dict[str, Path]) -> None:
    ssh = subprocess.Popen(
        [
            "/usr/bin/ssh", "-tt", "-p", str(server.port), "-i", str(keys["openssh"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "lou@127.0.0.1",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, TERM="xterm-256color"),
    )
    assert ssh.stdin is not None and ssh.stdout is not None
    os.set_blocking(ssh.stdout.fileno(), False)
    out = bytearray()

    def read() -> bytes:
        try:
            out.extend(os.read(ssh.stdout.fileno(), 1 << 16))  # type: ignore[union-attr]
        except BlockingIOError:
            pass
        return bytes(out)

    try:
        wait_for(lambda: b"Why backpropagation" in read(), 15, "the lesson through OpenSSH")
        ssh.stdin.write(b"q")
        ssh.stdin.flush()
        assert ssh.wait(10) == 0
        read()
        assert b"Goodbye, lou" in out
    finally:
        ssh.kill()
        ssh.wait()
    shown = subprocess.run(["ssh-keygen", "-l", "-f", str(server.home / "host_key")], capture_output=True, text=True)
    assert server.fingerprint.startswith("SHA256:") and server.fingerprint in shown.stdout


# -- endings ------------------------------------------------------------------------------


async def test_a_disconnect_leaves_no_process_behind(server: Server) -> None:
    spawner = set(descendants(server.process.pid))
    assert len(spawner) >= 1
    mo = await student(server.port, "mo", password=PASSWORD)
    await mo.term.wait_text("Step 1 of")
    lesson = set(descendants(server.process.pid)) - spawner
    assert len(lesson) == 1
    mo.conn.abort()  # vanish, no goodbye
    await until(lambda: not (set(descendants(server.process.pid)) & lesson), what="the lesson process to go")
    for pid in descendants(server.process.pid):
        with open(f"/proc/{pid}/stat") as f:
            assert f.read().rsplit(")", 1)[1].split()[0] != "Z"  # no zombie left unreaped
    await until(lambda: "disconnect mo" in server.log(), what="the disconnect logged")


async def test_a_crashed_lesson_touches_nobody_else(server: Server) -> None:
    spawner = set(descendants(server.process.pid))
    sal = await student(server.port, "sal", password=PASSWORD)
    await sal.term.wait_text("Step 1 of")
    sal_lesson = set(descendants(server.process.pid)) - spawner
    tim = await student(server.port, "tim", password=PASSWORD)
    try:
        await tim.term.wait_text("Step 1 of")
        (pid,) = sal_lesson
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(sal.term.closed.wait(), 10)
        received = sal.term.received()
        said = received.rindex("stopped unexpectedly")
        assert "\x1b[?1049l" in received[said - 200 : said]  # the terminal put back, as the lesson could not
        tim.term.send("n")
        await tim.term.wait_text("Step 2 of")
        assert "ended with status -9" in server.log()
    finally:
        await tim.close()
        await sal.close()


def test_serve_refuses_to_start_without_a_way_to_sign_in(tmp_path: Path) -> None:
    def serve(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backprop_tui", "serve", "--host", "127.0.0.1", "--port", str(free_port()), *options],
            capture_output=True, text=True, timeout=30, cwd=ROOT, env=dict(os.environ, BACKPROP_TUI_HOME=str(tmp_path / "h")),
        )

    done = serve()
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--password" in done.stderr and "--open" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "bad_keys").write_text("this is not a key\n")
    for options, words in (
        (("--password-file", str(tmp_path / "missing")), "can't be read"),
        (("--authorized-keys", str(tmp_path / "bad_keys")), "authorized_keys"),
        (("--open", "--host-key", str(tmp_path / "bad_keys")), "host key"),
    ):
        done = serve(*options)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and words in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "backprop_tui", "serve", "--host", "127.0.0.1", "--port", str(port), "--open"],
            capture_output=True, text=True, timeout=30, cwd=ROOT, env=dict(os.environ, BACKPROP_TUI_HOME=str(tmp_path)),
        )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "in use" in done.stderr


async def test_a_full_class_and_an_idle_student(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "home", "--open", "--max-sessions", "1", "--idle-timeout", "10")
    try:
        first = await student(srv.port, "nia")
        await first.term.wait_text("Step 1 of")
        async with await asyncssh.connect("127.0.0.1", srv.port, username="oz", known_hosts=None, client_keys=None) as conn:
            result = await conn.run(term_type="xterm", timeout=10)
        assert result.exit_status == 1
        assert isinstance(result.stderr, str) and "class is full" in result.stderr
        await asyncio.wait_for(first.term.closed.wait(), 25)  # however long the refusal took under load
        received = first.term.received()
        plain = re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", "", received)
        assert plain.index("No key pressed for a while") < plain.index("Closed after 10 seconds")  # warned first
        closing = received.rindex("Closed after 10 seconds without a key press")
        assert "\x1b[?1049l" in received[closing - 200 : closing]  # the alternate screen left first
        assert "\x1b[?25h" in received[closing - 200 : closing]
        assert "refused oz" in srv.log() and "class full" in srv.log() and "idle" in srv.log()
        after = await student(srv.port, "oz")  # the place is free again
        await after.term.wait_text("Step 1 of")
        await after.close()
    finally:
        srv.stop()


async def test_sigterm_saves_progress_and_says_goodbye(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "home", "--open")
    try:
        pat = await student(srv.port, "pat")
        await pat.term.wait_text("Step 1 of")
        pat.term.send("n")
        await pat.term.wait_text("Step 2 of")
        pat.term.send("n")
        await pat.term.wait_text("Step 3 of")
        lessons = descendants(srv.process.pid)
        srv.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(pat.term.closed.wait(), 10)
        received = pat.term.received()
        goodbye = received.rindex("The class is over")
        assert "\x1b[?1049l" in received[goodbye - 200 : goodbye] and "\x1b[?1004l" in received[goodbye - 200 : goodbye]
        assert await asyncio.to_thread(srv.process.wait, 15) == 0
        assert positions(srv.home)["pat"] == ("intro", 2)
        assert not [pid for pid in lessons if os.path.exists(f"/proc/{pid}")]
    finally:
        srv.stop(signal.SIGKILL)
