"""Progress in PostgreSQL: choosing the database (``--database``, ``$BACKPROP_TUI_DATABASE``), its migrations,
faults at start (unreachable, a newer schema, someone else's tables), a lost connection, locks, and the commands
(`serve`, `class`, `reset`, the lesson) on it. The store's own behaviour is tested on both backends in
test_progress*.py (the ``database`` fixture)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from backprop_tui import cli
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress import backends, postgres, schema
from backprop_tui.progress.queries import KEPT
from backprop_tui.progress.store import (
    DATABASE_ENV,
    SCHEMA_VERSION,
    ProgressStore,
    SchemaTooNewError,
    StoreDamagedError,
    open_store,
)
from postgres_helpers import FAST, cluster, free_port, run_sql
from server_helpers import ROOT, start_server, student, until

SECRET = "s3cret-Pa55"


@pytest.fixture
def nowhere() -> str:
    """A PostgreSQL URL, with a password, of a port nothing listens on."""
    return f"postgresql://teacher:{SECRET}@127.0.0.1:{free_port()}/classroom"


def version_in(url: str) -> int:
    (row,) = run_sql(url, "SELECT version FROM backprop_schema")
    return int(row[0])  # type: ignore[call-overload]


def command(*args: str, env: dict[str, str] | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    """``backprop-tui ARGS`` in a process of its own, with its own data directory."""
    import os

    environment = {k: v for k, v in os.environ.items() if k != DATABASE_ENV}
    environment.update(BACKPROP_TUI_HOME=str(home), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "backprop_tui", *args],
        capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )


# -- naming the database -----------------------------------------------------------------------------------------


def test_a_url_shown_never_holds_its_password():
    assert backends.redact(f"postgresql://teacher:{SECRET}@db.school:5433/class") == "postgresql://teacher@db.school:5433/class"
    assert backends.redact(f"postgres://db/class?password={SECRET}&sslmode=require") == "postgres://db/class?sslmode=require"
    assert backends.redact("postgresql://db.school/class") == "postgresql://db.school/class"
    assert backends.scrub(f"auth for teacher with {SECRET} failed", f"postgresql://teacher:{SECRET}@db/c") == (
        "auth for teacher with … failed"
    )


def test_what_database_is_asked_for(tmp_path):
    assert backends.parse_target(" postgresql://db/class ") == "postgresql://db/class"
    assert backends.parse_target("POSTGRES://db/class") == "POSTGRES://db/class"
    assert backends.parse_target(str(tmp_path / "p.sqlite3")) == tmp_path / "p.sqlite3"
    for bad, why in (("", "must name a database"), ("mysql://root:pw@db/x", "not mysql://root@db/x")):
        with pytest.raises(ValueError, match=why):
            backends.parse_target(bad)


def test_database_on_the_command_line_for_the_lesson_and_every_command():
    url = "postgresql://db.school/class"
    parser = cli.build_parser()
    assert parser.parse_args(["--database", url]).database == url
    assert cli.build_parser(commands=False).parse_args(["--name", "ada", "--database", url]).database == url
    for command_line in (["serve", "--open", "--database", url], ["--database", url, "serve", "--open"],
                         ["class", "--csv", "--database", url], ["reset", "--database", url], ["--database", url, "reset"]):
        assert parser.parse_args(command_line).database == url, command_line
    assert parser.parse_args(["class"]).database is None


def test_a_database_of_another_kind_is_one_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--database", "mysql://root:pw@db/x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "argument --database" in err and "pw" not in err


def test_the_lesson_uses_the_database_named_on_its_command_line(pg_url, monkeypatch):
    opened: list[ProgressStore] = []
    monkeypatch.setattr(cli, "has_terminal", lambda: True)
    monkeypatch.setattr("backprop_tui.app.BackpropApp.run", lambda app: opened.append(app.store))
    assert cli.main(["--name", "ada", "--database", pg_url]) == 0
    (store,) = opened
    assert store.url == pg_url and not store.in_memory
    store.close()


# -- the schema ----------------------------------------------------------------------------------------------------


def test_a_fresh_database_gets_every_table_at_the_current_version(pg_url):
    with ProgressStore(pg_url) as store:
        assert store.backend == "postgresql" and store.writable()
    assert version_in(pg_url) == SCHEMA_VERSION
    here = "table_schema = current_schema()"
    tables = {r[0] for r in run_sql(pg_url, f"SELECT table_name FROM information_schema.tables WHERE {here}")}
    assert tables == set(schema.COLUMNS) | {"backprop_schema"}
    column = "table_name = 'learners' AND column_name = 'seconds'"
    (kind,) = run_sql(pg_url, f"SELECT data_type FROM information_schema.columns WHERE {column} AND {here}")
    assert kind == ("double precision",)  # SQLite's REAL is 8 bytes: time must not lose precision here


def test_time_keeps_full_precision(pg_url):
    with ProgressStore(pg_url) as store:
        for _ in range(10):
            store.add_time("ada", 0.1)
        assert store.seconds("ada") == sum([0.1] * 10)  # adding in double precision, as Python does


def test_a_version_2_database_is_migrated_in_place(pg_url):
    with ProgressStore(pg_url) as store:
        store.set_position("ada", "health", 1)
        store.set_hand("ada", True)
    run_sql(pg_url, "DROP TABLE sessions")  # as version 2 left it
    run_sql(pg_url, "DROP TABLE exercises")
    run_sql(pg_url, "UPDATE backprop_schema SET version = 2")
    with ProgressStore(pg_url) as store:
        assert store.position("ada") == ("health", 1) and store.hand_raised("ada")
        store.record_exercise("ada", "dL_dw11", True)
        assert store.exercises_solved("ada") == {"dL_dw11"}
        assert store.last_error is None
    assert version_in(pg_url) == SCHEMA_VERSION


def test_hosts_starting_at_once_migrate_once(pg_url):
    errors: list[BaseException] = []
    stores: list[ProgressStore] = []
    gate = threading.Barrier(6)

    def start() -> None:
        gate.wait()
        try:
            stores.append(ProgressStore(pg_url))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert run_sql(pg_url, "SELECT version FROM backprop_schema") == [(SCHEMA_VERSION,)]
    for store in stores:
        store.close()


def test_a_newer_schema_is_refused_with_one_line_and_left_alone(pg_url, tmp_path):
    with ProgressStore(pg_url) as store:
        store.set_position("ada", "backward", 2)
    run_sql(pg_url, "UPDATE backprop_schema SET version = 99")
    with pytest.raises(SchemaTooNewError) as refused:
        ProgressStore(pg_url)
    assert str(refused.value) == (
        f"the progress database {backends.redact(pg_url)} holds progress schema version 99, newer than this backprop-tui knows "
        f"({SCHEMA_VERSION}): upgrade backprop-tui to use it"
    )
    store, notice = open_store(pg_url)  # the lesson: says so, and goes on in memory
    assert store.in_memory and notice is not None and notice.startswith("The progress database") and "99" in notice
    store.close()
    assert version_in(pg_url) == 99
    assert run_sql(pg_url, "SELECT name, section, step FROM learners") == [("ada", "backward", 2)]
    served = command("serve", "--open", "--port", str(free_port()), "--database", pg_url, home=tmp_path / "home")
    assert served.returncode == 2
    where = backends.redact(pg_url)
    assert served.stderr == f"backprop-tui serve: error: the progress database {where} can't be used ({refused.value})\n"


def test_someone_elses_tables_are_not_touched(pg_url):
    run_sql(pg_url, "CREATE TABLE learners (id INTEGER PRIMARY KEY, email TEXT)")
    run_sql(pg_url, "INSERT INTO learners (id, email) VALUES (1, 'someone@example.org')")
    with pytest.raises(StoreDamagedError, match="table learners lacks"):
        ProgressStore(pg_url)
    store, notice = open_store(pg_url)
    assert store.in_memory and notice is not None and "table learners lacks" in notice
    assert run_sql(pg_url, "SELECT email FROM learners") == [("someone@example.org",)]
    assert run_sql(pg_url, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'backprop_schema' "
                           "AND table_schema = current_schema()") == [(0,)]


# -- faults at start -----------------------------------------------------------------------------------------------


def test_an_unreachable_database_gives_the_lesson_memory_and_one_notice(nowhere, monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, nowhere)
    store, notice = open_store()
    assert store.in_memory
    assert notice is not None and notice.count("\n") == 0
    assert notice.startswith(f"Progress can't be saved in {backends.redact(nowhere)} (")
    assert backends.redact(nowhere).startswith("postgresql://teacher@127.0.0.1:")
    assert notice.endswith("this session won't be remembered.") and SECRET not in notice
    store.set_position("ada", "forward", 1)  # and the lesson works on, in memory
    assert store.position("ada") == ("forward", 1)


async def test_the_lesson_with_an_unreachable_database_says_so_once_and_works_on(nowhere, monkeypatch):
    from backprop_tui.app import BackpropApp

    monkeypatch.setenv(DATABASE_ENV, nowhere)
    app = BackpropApp(learner="Ada")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "]", "n")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        assert app.section_screen.SECTION_ID == "chain-rule" and app.section_screen.step == 1
        assert app.store.in_memory and app.store.position("Ada") == ("chain-rule", 1)
    told = [m for m in notices if "127.0.0.1" in m]
    assert len(told) == 1 and "won't be remembered" in told[0] and SECRET not in told[0], notices


def test_serve_refuses_an_unreachable_database_with_one_line(nowhere, tmp_path):
    served = command("serve", "--open", "--port", str(free_port()), "--database", nowhere, home=tmp_path / "home")
    assert served.returncode == 2
    assert served.stderr.count("\n") == 1
    where = backends.redact(nowhere)
    assert served.stderr.startswith(f"backprop-tui serve: error: the progress database {where} can't be used (")
    assert SECRET not in served.stderr and SECRET not in served.stdout
    again = command("serve", "--open", "--port", str(free_port()), home=tmp_path / "home", env={DATABASE_ENV: nowhere})
    assert (again.returncode, again.stderr) == (2, served.stderr)


# -- while running -------------------------------------------------------------------------------------------------


def test_a_lost_connection_is_opened_again_and_the_lesson_goes_on(pg_url, monkeypatch):
    monkeypatch.setattr(postgres, "RECONNECT_EVERY", 0.0)
    with ProgressStore(pg_url) as store:
        store.add_time("ada", 1.0)
        run_sql(pg_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'backprop-tui'")
        store.add_time("ada", 2.0)  # meets the dead connection: kept, and said
        assert store.last_error == KEPT and store.kept == 1
        store.last_error = None
        store.add_time("ada", 4.0)  # a new connection: the kept write first, then this one
        assert store.last_error is None and store.kept == 0
        assert store.seconds("ada") == 7.0


async def test_writes_while_postgres_is_away_are_kept_and_written_when_it_is_back(monkeypatch):
    from backprop_tui.app import PROGRESS_KEPT, BackpropApp

    monkeypatch.setattr(postgres, "RECONNECT_EVERY", 0.0)
    q = QUESTIONS[0]
    with cluster(FAST) as server:  # a cluster of this test's own: it is stopped and started again
        url = server.url()
        store = ProgressStore(url)
        app = BackpropApp(learner="Ada", store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert store.position("Ada") == ("intro", 1) and store.kept == 0
            server.stop()
            await pilot.press("n", "n", "]", "n")  # the lesson goes on while the database is away
            await pilot.pause()
            store.add_time("Ada", 5.0)
            store.record_answer("Ada", q.id, q.answer, True)
            assert app.section_screen.SECTION_ID == "chain-rule" and app.section_screen.step == 1
            assert store.kept >= 4 and store.last_error == KEPT
            told = [(n.message, n.severity) for n in app._notifications if "kept" in n.message]
            assert told == [(PROGRESS_KEPT, "information")]  # once, however many writes wait
            server.start()
            await pilot.press("n")  # the next write sends what was kept first, in order
            await pilot.pause()
            assert store.kept == 0
        store.close()
        with ProgressStore(url) as seen:  # another connection sees it all
            assert seen.position("Ada") == ("chain-rule", 2)
            assert seen.visited("Ada") >= {"intro", "chain-rule"}
            assert seen.seconds("Ada") >= 5.0
            assert seen.answers("Ada")[q.id].correct


def test_a_write_postgres_refuses_is_not_kept(pg_url):
    with ProgressStore(pg_url) as store:
        store.add_time("ada", 1.0)
        store._write(("INSERT INTO learners (name) VALUES (?)", ("bob",)))  # refused: columns left out
        assert store.kept == 0 and store.last_error is not None and store.last_error != KEPT
        store.add_time("ada", 1.0)
        assert store.seconds("ada") == 2.0


def test_a_lock_held_beyond_the_timeout_skips_the_write_and_keeps_going(pg_url, monkeypatch):
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 100)  # read at each connect
    with ProgressStore(pg_url) as store, psycopg.connect(pg_url) as other:
        store.add_time("ada", 1.0)
        other.execute("LOCK TABLE learners IN ACCESS EXCLUSIVE MODE")
        store.add_time("ada", 1.0)  # must not raise, nor wait for ever
        assert store.last_error is not None and "lock timeout" in store.last_error
        other.rollback()
        store.add_time("ada", 1.0)
        assert store.seconds("ada") == 2.0


def test_two_connections_under_one_name_writing_at_once_lose_nothing(pg_url):
    """Two hosts (here two threads, each with its own connection) add time to one learner at the same moment."""
    ProgressStore(pg_url).close()
    gate = threading.Barrier(2)
    errors: list[str | None] = []

    def host(k: int) -> None:
        with ProgressStore(pg_url) as store:
            gate.wait()
            for i in range(200):
                store.add_time("ada", 0.5)
                store.record_answer("ada", QUESTIONS[0].id, "a", False)
                store.record_exercise("ada", f"e{i % 3}", i % 2 == 1)
            errors.append(store.last_error)

    threads = [threading.Thread(target=host, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [None, None]
    with ProgressStore(pg_url) as store:
        assert store.seconds("ada") == 200.0
        assert store.answers("ada")[QUESTIONS[0].id].attempts == 400
        assert store.exercise_attempts("ada") == {"e0": (134, True), "e1": (134, True), "e2": (132, True)}


# -- the commands on PostgreSQL --------------------------------------------------------------------------------------


def test_class_and_reset_read_and_clear_the_database_named(pg_url, tmp_path):
    with ProgressStore(pg_url) as store:
        store.set_position("ada", "backward", 2)
        store.set_position("bob", "intro", 0)
    shown = command("class", "--csv", "--database", pg_url, home=tmp_path / "home")
    assert shown.returncode == 0, shown.stderr
    assert [line.split(",")[0] for line in shown.stdout.splitlines()[1:]] == ["ada", "bob"]
    cleared = command("reset", "--name", "ada", "--yes", home=tmp_path / "home", env={DATABASE_ENV: pg_url})
    assert cleared.returncode == 0, cleared.stderr
    assert cleared.stdout == "Cleared ada's progress: place (backward, step 3).\n"
    with ProgressStore(pg_url) as store:
        assert [r.name for r in store.learners()] == ["bob"]
    assert not (tmp_path / "home" / "progress.sqlite3").exists()  # nothing went to the default file


def test_class_and_reset_on_an_unreachable_database_say_so(nowhere, tmp_path):
    shown = command("class", "--csv", "--database", nowhere, home=tmp_path / "home")
    assert shown.returncode == 1
    assert shown.stderr.startswith(f"backprop-tui: Can't read {backends.redact(nowhere)} (") and SECRET not in shown.stderr
    cleared = command("reset", "--name", "ada", "--yes", "--database", nowhere, home=tmp_path / "home")
    assert cleared.returncode == 1
    assert cleared.stderr.startswith(f"backprop-tui: reset: can't open {backends.redact(nowhere)} (")
    assert cleared.stderr.endswith("; nothing was cleared.\n") and SECRET not in cleared.stderr


async def test_serve_keeps_every_students_progress_in_postgres(pg_url, tmp_path):
    server = start_server(tmp_path / "home", "--open", "--database", pg_url, "--host-id", "lab-9")
    try:
        assert server.process.stdout is not None
        said = [server.process.stdout.readline() for _ in range(3)]
        assert said[1] == f"backprop-tui serve: progress in {backends.redact(pg_url)}\n", said
        assert said[2] == "backprop-tui serve: this server is host lab-9 in the class view\n", said
        amy = await student(server.port, "amy")
        try:
            await amy.term.wait_text("Step 1 of")
            amy.term.send("n")
            await amy.term.wait_text("Step 2 of")
            store = ProgressStore(pg_url)
            try:
                await until(lambda: "amy" in store.connected(), what="amy shown as connected")
                await until(lambda: store.position("amy") == ("intro", 1), what="amy's place in PostgreSQL")
                assert store.connected_hosts() == {"amy": "lab-9"}  # seen from here (another host) by its heartbeat
            finally:
                store.close()
        finally:
            await amy.close()
    finally:
        assert server.stop() == 0
    assert not (tmp_path / "home" / "progress.sqlite3").exists()


def test_database_may_name_an_sqlite_file_elsewhere(tmp_path):
    elsewhere = tmp_path / "shared" / "class.sqlite3"
    with open_store(elsewhere)[0] as store:
        store.set_position("ada", "forward", 0)
    shown = command("class", "--csv", home=tmp_path / "home", env={DATABASE_ENV: str(elsewhere)})
    assert shown.returncode == 0, shown.stderr
    assert [line.split(",")[0] for line in shown.stdout.splitlines()[1:]] == ["ada"]
    cleared = command("reset", "--name", "ada", "--yes", "--database", str(elsewhere), home=tmp_path / "home")
    assert cleared.stdout == "Cleared ada's progress: place (forward, step 1).\n", cleared.stderr
    with ProgressStore(elsewhere) as store:
        assert store.learners() == []
    assert not (tmp_path / "home" / "progress.sqlite3").exists()
