"""``backprop-tui reset``: one learner's progress cleared, everyone else's kept, and asking first."""

from __future__ import annotations

import io
import sqlite3
import sys

import pytest

from backprop_tui.cli import main
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress import class_queries as queries
from backprop_tui.progress import identity, reset
from backprop_tui.progress.store import DB_NAME, ProgressStore, data_dir


def fill(store: ProgressStore, name: str) -> None:
    """Some of everything the store keeps of a learner."""
    q = QUESTIONS[0]
    store.set_position(name, "backward", 2)
    store.visit(name, "backward")
    store.record_answer(name, q.id, q.answer, True)
    store.add_time(name, 120.0)
    store.set_hand(name, True)
    store.record_exercise(name, "dL_dw11", True)
    store.save_certificate(name, "CODE", f"{name}.svg", f"{name}.txt", 1, len(QUESTIONS), "2026-03-14")


@pytest.fixture
def db():
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    with ProgressStore(path) as store:
        fill(store, "ada")
        fill(store, "bob")
    return path


def names_in(path, table: str) -> set[str]:
    column = "name" if table == "learners" else "learner"
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute(f"SELECT {column} FROM {table}")}
    finally:
        conn.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reset_with_yes_clears_only_that_learner(db, capsys):
    with ProgressStore(db) as store:
        bob_before = [r for r in store.learners() if r.name == "bob"]
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cleared ada's progress: place (backward, step 3), 1 section visited, 1 quick-check answer,")
    assert "1 exercise tried (1 solved), 2 min in the lesson, a raised hand, the certificate record." in out
    assert "ada.txt" in out  # the certificate's files are named as kept
    for table in ("learners", *queries.LEARNER_TABLES):
        assert "ada" not in names_in(db, table), table
    with ProgressStore(db) as store:
        assert [r for r in store.learners()] == bob_before
        assert store.certificate("bob") is not None
        assert store.answers("bob") and store.visited("bob") == {"backward"}


def test_reset_again_says_there_is_nothing(db, capsys):
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    capsys.readouterr()
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Nothing to clear: no progress of ada is kept")
    assert names_in(db, "learners") == {"bob"}


def test_reset_with_no_data_directory_creates_nothing(capsys):
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Nothing to clear: no progress is kept in")
    assert not data_dir().exists()


def test_reset_defaults_to_the_login_name(db, capsys, monkeypatch):
    monkeypatch.setattr(identity.getpass, "getuser", lambda: "bob")
    assert main(["reset", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Cleared bob's progress")
    assert names_in(db, "learners") == {"ada"}


def test_login_name_falls_back_when_there_is_none(monkeypatch):
    def no_name() -> str:
        raise OSError("no user")

    monkeypatch.setattr(identity.getpass, "getuser", no_name)
    assert identity.login_name() == "learner"


def test_without_yes_and_without_a_terminal_it_refuses(db, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(["reset", "--name", "ada"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "without asking" in err and "--yes" in err
    assert names_in(db, "learners") == {"ada", "bob"}


@pytest.mark.parametrize(("answer", "cleared"), [("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False), ("", False)])
def test_on_a_terminal_it_asks_first(db, capsys, monkeypatch, answer, cleared):
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    status = main(["reset", "--name", "ada"])
    out = capsys.readouterr().out
    assert out.startswith("Clear all progress of ada? [y/N] ")
    assert status == (0 if cleared else 1)
    assert ("Cleared ada's progress" in out) is cleared
    assert ("Nothing was cleared." in out) is not cleared
    assert names_in(db, "learners") == ({"bob"} if cleared else {"ada", "bob"})


def test_a_connected_learner_is_told_the_lesson_may_save_again(db, capsys):
    import os

    with ProgressStore(db) as store:
        store.session_started("ada", "s1", os.getpid())
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "1 open session" in out and "connected right now" in out
    assert "ada" not in names_in(db, "sessions")


def test_a_damaged_file_is_left_as_it_is(capsys):
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    assert main(["reset", "--name", "ada", "--yes"]) == 1
    assert "nothing was cleared" in capsys.readouterr().err
    assert path.read_bytes() == b"not a database at all" * 100
    assert [p.name for p in path.parent.iterdir()] == [DB_NAME]


def test_control_characters_in_a_name_are_not_printed(tmp_path):
    path = tmp_path / DB_NAME
    with ProgressStore(path) as store:
        store.set_position("a\x1b[2Jb", "intro", 0)
    status, message = reset.reset_learner(path, "a\x1b[2Jb")
    assert status == 0
    assert "\x1b" not in message and "a�[2Jb" in message


def test_reset_is_the_fresh_start_section_8_offers_when_the_mark_is_out_of_reach(capsys):
    """A first try can't be taken again: below the pass mark with every first try taken, reset gives the
    learner back every first try and every exercise (unsolved attempts too), and leaves the others' as they were."""
    from backprop_tui.lesson.exercises import EXERCISE_IDS
    from backprop_tui.progress.store import results

    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    with ProgressStore(path) as store:
        for name in ("ada", "bob"):
            for q in QUESTIONS:
                store.record_answer(name, q.id, next(x for x in "abcd" if x != q.answer), False)
            store.record_exercise(name, EXERCISE_IDS[0], False)
        before = results(store, "ada")
        bob = results(store, "bob")
    assert not before.score_in_reach and before.exercises[0].attempts == 1
    assert main(["reset", "--name", "ada", "--yes"]) == 0
    capsys.readouterr()
    with ProgressStore(path) as store:
        after = results(store, "ada")
        assert results(store, "bob") == bob
    assert after.score_in_reach and after.still_open == len(QUESTIONS) and after.score == 0
    assert all(e.attempts == 0 and not e.solved for e in after.exercises)
    assert "ada" not in names_in(path, "exercises")
