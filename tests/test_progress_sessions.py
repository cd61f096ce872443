"""Who is connected (the classroom server's sessions, on one host or several sharing a database),
exercises, the class's tallies, forgetting a learner, and the schema steps that added sessions and
exercises (version 3) and each session's host and heartbeat (version 4)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress import class_queries as queries
from backprop_tui.progress.store import DB_NAME, SCHEMA_VERSION, ProgressStore, QuestionTally, open_store
from postgres_helpers import run_sql


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_NAME


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not queries.process_alive(child.pid)
    return child.pid


@pytest.fixture
def live_pid():
    """The id of a process that runs until the test ends."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child.pid
    child.kill()
    child.wait()


def open_ok(path: Path) -> ProgressStore:
    store, notice = open_store(path)
    assert notice is None
    return store


def connected(store: ProgressStore) -> dict[str, bool]:
    return {r.name: r.connected for r in store.learners()}


# -- sessions ------------------------------------------------------------------------------------------


def test_process_alive():
    assert queries.process_alive(os.getpid())
    assert not queries.process_alive(0)  # never "this process group"
    assert not queries.process_alive(-1)
    assert not queries.process_alive(2**40)


def test_a_session_makes_a_learner_known_and_connected_until_it_ends(database, live_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
        (row,) = store.learners()
        assert (row.name, row.connected, row.section) == ("ada", True, None)
        assert store.sessions("ada") == 1
        store.session_ended("ada", "s1")
        assert connected(store) == {"ada": False}
        assert store.sessions("ada") == 0
        store.session_ended("ada", "never-started")  # harmless
        assert store.last_error is None


def test_a_dead_lesson_process_reads_as_not_connected(database, dead_pid, live_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", dead_pid)
        store.session_started("bob", "s2", live_pid)
        assert connected(store) == {"ada": False, "bob": True}


def test_sessions_of_a_server_that_died_read_as_not_connected(database, dead_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", os.getpid())
        assert connected(store) == {"ada": True}
    run_sql(database, "UPDATE sessions SET owner = ?", (dead_pid,))  # as if a server (now dead) had recorded it
    with open_ok(database) as store:
        assert connected(store) == {"ada": False}
        store.end_all_sessions()  # a new server clears what the dead one left
        assert store.sessions("ada") == 0
        assert [r.name for r in store.learners()] == ["ada"]  # the learner stays known
    assert run_sql(database, "SELECT COUNT(*) FROM sessions") == [(0,)]


def test_end_all_sessions_ends_this_servers_sessions_and_keeps_a_running_servers(database, live_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
        store.session_started("bob", "s2", live_pid)
        store.session_started("cy", "s3", live_pid)
    # cy's session belongs to another server, still running
    run_sql(database, "UPDATE sessions SET owner = ? WHERE learner = 'cy'", (live_pid,))
    with open_ok(database) as store:
        assert connected(store) == {"ada": True, "bob": True, "cy": True}
        store.end_all_sessions()
        assert connected(store) == {"ada": False, "bob": False, "cy": True}
        store.end_all_sessions()  # twice: nothing more to do
        assert store.last_error is None


def test_two_sessions_under_one_name(database, live_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
        store.session_started("ada", "s2", os.getpid())
        assert store.sessions("ada") == 2
        assert [r.name for r in store.learners()] == ["ada"]
        store.session_ended("ada", "s1")
        assert connected(store) == {"ada": True}
        store.session_ended("ada", "s2")
        assert connected(store) == {"ada": False}


def test_the_same_session_id_under_another_name_is_another_session(database, live_pid):
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
        store.session_started("bob", "s1", live_pid)
        store.session_ended("ada", "s1")
        assert connected(store) == {"ada": False, "bob": True}


def test_sessions_seen_by_another_store_on_the_same_file(database, live_pid):
    with open_ok(database) as server, open_ok(database) as teacher:
        server.session_started("ada", "s1", live_pid)
        assert connected(teacher) == {"ada": True}
        server.session_ended("ada", "s1")
        assert connected(teacher) == {"ada": False}


# -- sessions across hosts (several servers sharing one database) ------------------------------------------


def hosts(store: ProgressStore) -> dict[str, str | None]:
    return {r.name: r.host for r in store.learners()}


def as_host(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(queries.HOST_ENV, name)


def test_host_id_is_the_variable_else_the_machines_name(monkeypatch):
    monkeypatch.delenv(queries.HOST_ENV, raising=False)
    assert queries.host_id() == socket.gethostname()
    as_host(monkeypatch, " lab-2 ")
    assert queries.host_id() == "lab-2"


def test_a_session_carries_its_host_and_another_host_sees_it_by_its_heartbeat(database, monkeypatch, dead_pid):
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as lab1:
        # the lesson's pid means nothing on another machine: lab-2 must not read it
        lab1.session_started("ada", "s1", os.getpid())
        assert hosts(lab1) == {"ada": "lab-1"}
        run_sql(database, "UPDATE sessions SET pid = ?", (dead_pid,))  # as lab-2 would see a pid it can't check
    as_host(monkeypatch, "lab-2")
    with open_ok(database) as lab2:
        assert connected(lab2) == {"ada": True} and hosts(lab2) == {"ada": "lab-1"}
        assert lab2.sessions("ada") == 1
        run_sql(database, "UPDATE sessions SET seen_at = ?", (queries._ago(queries.FRESH_SECONDS + 5),))
        assert connected(lab2) == {"ada": False} and hosts(lab2) == {"ada": None}  # lab-1 stopped noting it
        assert lab2.sessions("ada") == 0
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as lab1:
        run_sql(database, "UPDATE sessions SET owner = ?", (os.getpid(),))
        lab1.heartbeat()  # lab-1 notes it again
        assert lab1.last_error is None
    as_host(monkeypatch, "lab-2")
    with open_ok(database) as lab2:
        assert hosts(lab2) == {"ada": "lab-1"}


def test_a_hosts_start_and_stop_end_only_its_own_sessions(database, monkeypatch, live_pid):
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as lab1:
        lab1.session_started("ada", "s1", live_pid)
    as_host(monkeypatch, "lab-2")
    with open_ok(database) as lab2:
        lab2.session_started("bob", "s1", live_pid)
        lab2.session_started("cy", "s2", live_pid)
        lab2.session_ended("ada", "s1")  # lab-2 has no such session: lab-1's stays
        assert connected(lab2) == {"ada": True, "bob": True, "cy": True}
        lab2.end_all_sessions()  # lab-2 stops: its own sessions end, lab-1's stay
        assert hosts(lab2) == {"ada": "lab-1", "bob": None, "cy": None}
        assert lab2.last_error is None
    assert run_sql(database, "SELECT learner, host FROM sessions") == [("ada", "lab-1")]


def test_a_starting_host_removes_sessions_no_host_has_noted_for_an_hour(database, monkeypatch, live_pid):
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as lab1:
        lab1.session_started("ada", "s1", live_pid)
        lab1.session_started("bob", "s2", live_pid)
    run_sql(database, "UPDATE sessions SET seen_at = ? WHERE learner = 'ada'", (queries._ago(queries.STALE_SECONDS + 60),))
    run_sql(database, "UPDATE sessions SET seen_at = ? WHERE learner = 'bob'", (queries._ago(queries.STALE_SECONDS - 60),))
    as_host(monkeypatch, "lab-2")
    with open_ok(database) as lab2:
        lab2.end_all_sessions()
    assert run_sql(database, "SELECT learner FROM sessions") == [("bob",)]  # lab-1 may only have lost touch


def test_the_heartbeat_notes_only_this_servers_sessions(database, monkeypatch, live_pid):
    old = queries._ago(120)
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as lab1:
        lab1.session_started("ada", "s1", live_pid)
        lab1.session_started("bob", "s2", live_pid)
        run_sql(database, "UPDATE sessions SET seen_at = ?", (old,))
        run_sql(database, "UPDATE sessions SET owner = ? WHERE learner = 'bob'", (live_pid,))  # another server of lab-1
        lab1.heartbeat()
    seen = dict(run_sql(database, "SELECT learner, seen_at FROM sessions"))
    assert seen["bob"] == old and str(seen["ada"]) > old


# -- exercises and tallies ---------------------------------------------------------------------------------


def test_an_exercise_counts_once_solved_and_stays_solved(database):
    with open_ok(database) as store:
        store.record_exercise("ada", "dL_dw11", False)
        assert store.exercises_solved("ada") == set()
        assert store.learners()[0].exercises_solved == 0
        store.record_exercise("ada", "dL_dw11", True)
        store.record_exercise("ada", "dL_dw11", False)  # a later wrong try does not unsolve it
        store.record_exercise("ada", "dL_dw11", True)
        store.record_exercise("ada", "other", True)
        store.record_exercise("bob", "dL_dw11", False)
        assert store.exercises_solved("ada") == {"dL_dw11", "other"}
        assert {r.name: r.exercises_solved for r in store.learners()} == {"ada": 2, "bob": 0}


def test_question_tallies(database):
    q0, q1 = QUESTIONS[0], QUESTIONS[1]
    wrong = next(x for x in "abcd" if x != q0.answer)
    with open_ok(database) as store:
        assert store.question_tallies() == {}
        store.record_answer("ada", q0.id, q0.answer, True)
        store.record_answer("bob", q0.id, wrong, False)
        store.record_answer("bob", q0.id, q0.answer, True)  # right on the second try: not first-time right
        store.record_answer("cy", q0.id, q0.answer, True)
        store.record_answer("cy", q1.id, wrong, q1.is_correct(wrong))
        tallies = store.question_tallies()
    assert tallies[q0.id] == QuestionTally(q0.id, 3, 2)
    assert tallies[q1.id] == QuestionTally(q1.id, 1, int(q1.is_correct(wrong)))
    assert set(tallies) == {q0.id, q1.id}


def test_a_raised_hand_says_since_when(database):
    with open_ok(database) as store:
        store.set_position("bob", "intro", 0)
        store.set_hand("ada", True)
        rows = {r.name: r for r in store.learners()}
        assert rows["ada"].hand_since is not None and rows["ada"].hand_since.tzinfo is not None
        assert rows["bob"].hand_since is None
        store.set_hand("ada", False)
        assert store.learners()[0].hand_since is None


# -- reset ------------------------------------------------------------------------------------------------


def fill(store: ProgressStore, name: str, pid: int) -> None:
    q = QUESTIONS[0]
    store.set_position(name, "backward", 2)
    store.visit(name, "backward")
    store.record_answer(name, q.id, q.answer, True)
    store.add_time(name, 60.0)
    store.set_hand(name, True)
    store.session_started(name, "s-" + name, pid)
    store.record_exercise(name, "dL_dw11", True)
    store.save_certificate(name, "CODE", "c.svg", "c.txt", 1, 5, "2026-01-05")


def test_reset_forgets_one_learner_and_nobody_else(database, live_pid):
    with open_ok(database) as store:
        fill(store, "ada", live_pid)
        fill(store, "bob", live_pid)
        before = store.learners()[1]
        assert store.reset("ada") is True
        assert store.position("ada") is None
        assert store.answers("ada") == {}
        assert store.seconds("ada") == 0.0
        assert store.hand_raised("ada") is False
        assert store.visited("ada") == set()
        assert store.sessions("ada") == 0
        assert store.exercises_solved("ada") == set()
        assert store.certificate("ada") is None
        assert store.learners() == [before]  # bob, untouched
        assert store.certificate("bob") is not None
        assert store.reset("ada") is False  # nothing left to clear
        assert store.reset("nobody") is False
        assert store.last_error is None
    for table in ("learners", *queries.LEARNER_TABLES):
        column = "name" if table == "learners" else "learner"
        names = {r[0] for r in run_sql(database, f"SELECT {column} FROM {table}")}
        assert names == {"bob"}, table


def test_reset_on_a_closed_store_says_false():
    store = ProgressStore(None)
    store.set_position("ada", "intro", 0)
    store.close()
    assert store.reset("ada") is False
    assert store.last_error is not None


# -- schema versions 3 and 4 --------------------------------------------------------------------------------------


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_version_2_file_is_upgraded_in_place(db, live_pid):
    with open_ok(db) as store:
        store.set_position("ada", "health", 1)
        store.set_hand("ada", True)
        store.record_answer("ada", QUESTIONS[0].id, QUESTIONS[0].answer, True)
    conn = sqlite3.connect(db)  # make it a file as version 2 wrote it
    conn.execute("DROP TABLE sessions")
    conn.execute("DROP TABLE exercises")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with open_ok(db) as store:
        assert store.position("ada") == ("health", 1)
        assert store.hand_raised("ada") is True
        store.session_started("ada", "s1", live_pid)
        store.record_exercise("ada", "dL_dw11", True)
        (row,) = store.learners()
        assert (row.answered, row.connected, row.exercises_solved) == (1, True, 1)
    assert version_of(db) == SCHEMA_VERSION == 4
    assert sorted(p.name for p in db.parent.iterdir() if ".corrupt-" in p.name) == []


def test_the_version_3_step_is_safe_to_run_twice(db, live_pid):
    with open_ok(db) as store:
        store.session_started("ada", "s1", live_pid)
        store.record_exercise("ada", "dL_dw11", True)
    conn = sqlite3.connect(db)  # an older copy wrote its lower version into the file
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with open_ok(db) as store:
        (row,) = store.learners()
        assert (row.connected, row.exercises_solved) == (True, 1)
    assert version_of(db) == SCHEMA_VERSION


def make_version_3(database: Path | str) -> None:
    """Take a current database back to version 3: sessions without a host or a heartbeat."""
    run_sql(database, "ALTER TABLE sessions DROP COLUMN host")
    run_sql(database, "ALTER TABLE sessions DROP COLUMN seen_at")
    if isinstance(database, Path):
        run_sql(database, "PRAGMA user_version = 3")
    else:
        run_sql(database, "UPDATE backprop_schema SET version = 3")


def test_a_version_3_database_gains_hosts_and_its_sessions_stay_this_machines(database, monkeypatch, live_pid):
    monkeypatch.delenv(queries.HOST_ENV, raising=False)
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
    make_version_3(database)
    with open_ok(database) as store:
        assert hosts(store) == {"ada": socket.gethostname()}  # a row from before hosts: this machine's
        store.session_started("bob", "s2", live_pid)
        assert store.last_error is None
    with open_ok(database) as store:  # a second opening changes nothing
        assert hosts(store) == {"ada": socket.gethostname(), "bob": socket.gethostname()}
    rows = run_sql(database, "SELECT learner, host FROM sessions ORDER BY learner")
    assert rows == [("ada", ""), ("bob", socket.gethostname())]


def test_the_version_4_step_is_safe_to_run_twice(database, monkeypatch, live_pid):
    as_host(monkeypatch, "lab-1")
    with open_ok(database) as store:
        store.session_started("ada", "s1", live_pid)
    if isinstance(database, Path):  # an older copy wrote its lower version into the file
        run_sql(database, "PRAGMA user_version = 3")
    else:
        run_sql(database, "UPDATE backprop_schema SET version = 3")
    with open_ok(database) as store:
        assert hosts(store) == {"ada": "lab-1"} and store.last_error is None
