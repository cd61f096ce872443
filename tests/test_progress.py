"""The progress store: round trips, resuming, concurrent writers, damaged files, unwritable homes, results."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from backprop_tui.lesson.exercises import EXERCISE_IDS, EXERCISES
from backprop_tui.lesson.quiz import QUESTIONS, questions_for
from backprop_tui.lesson.sections import SECTION_IDS
from backprop_tui.progress import schema
from backprop_tui.progress.results import ExerciseResult
from backprop_tui.progress.store import (
    DB_NAME,
    SCHEMA_VERSION,
    Answer,
    CertificateRecord,
    ProgressStore,
    Results,
    data_dir,
    open_store,
    results,
)
from postgres_helpers import run_sql


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_NAME


def open_ok(path: Path | None = None) -> ProgressStore:
    store, notice = open_store(path)
    assert notice is None
    assert not store.in_memory
    return store


# -- data directory and opening --------------------------------------------------------------


def test_data_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_TUI_HOME", str(tmp_path / "elsewhere"))
    assert data_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("BACKPROP_TUI_HOME", "")
    assert data_dir() != tmp_path / "elsewhere"
    assert "backprop-tui" in str(data_dir())


def test_open_store_creates_the_file_in_the_data_dir():
    store = open_ok()
    try:
        assert store.path == data_dir() / DB_NAME
        assert store.path.is_file()
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"learners", "visits", "answers", "certificates"} <= tables
        conn.close()
    finally:
        store.close()


def test_reopening_keeps_the_schema_and_data(database):
    with open_ok(database) as store:
        store.set_position("ada", "forward", 3)
    with open_ok(database) as again:
        assert again.position("ada") == ("forward", 3)


# -- round trips -----------------------------------------------------------------------------


def test_every_method_round_trips(database, tmp_path):
    with open_ok(database) as store:
        assert store.position("ada") is None
        assert store.visited("ada") == set()
        assert store.answers("ada") == {}
        assert store.seconds("ada") == 0.0
        assert store.certificate("ada") is None

        store.set_position("ada", "backward", 2)
        store.set_position("ada", "health", 4)
        assert store.position("ada") == ("health", 4)

        store.visit("ada", "intro")
        store.visit("ada", "intro")
        store.visit("ada", "health")
        assert store.visited("ada") == {"intro", "health"}

        store.record_answer("ada", "chain-product", "c", True)
        assert store.answers("ada") == {"chain-product": Answer(choice="c", correct=True, last="c", attempts=1)}

        store.add_time("ada", 12.5)
        store.add_time("ada", 0.25)
        assert store.seconds("ada") == 12.75

        svg, txt = tmp_path / "c.svg", tmp_path / "c.txt"
        store.save_certificate("ada", "ABCD-EF01-2345", svg, txt, 8, 9, "2026-01-05")
        assert store.certificate("ada") == CertificateRecord("ada", "ABCD-EF01-2345", "2026-01-05", svg, txt, 8, 9)
        store.save_certificate("ada", "1111-2222-3333", svg, txt, 9, 9, "2026-01-06")
        assert store.certificate("ada").code == "1111-2222-3333"

        # Learners are kept apart.
        assert store.position("bob") is None
        assert store.visited("bob") == set()
        assert store.answers("bob") == {}
        assert store.seconds("bob") == 0.0
        assert store.certificate("bob") is None
        assert store.last_error is None


def test_time_before_position_and_position_keeps_time(database):
    with open_ok(database) as store:
        store.add_time("ada", 5.0)
        assert store.position("ada") is None  # a learner row without a place yet
        store.set_position("ada", "intro", 1)
        assert store.seconds("ada") == 5.0
        store.visit("ada", "intro")
        assert store.position("ada") == ("intro", 1)


@pytest.mark.parametrize("bad", [-3.0, 0.0, float("nan"), float("inf"), float("-inf")])
def test_add_time_ignores_nonsense(database, bad):
    with open_ok(database) as store:
        store.add_time("ada", 2.0)
        store.add_time("ada", bad)
        assert store.seconds("ada") == 2.0
        assert store.last_error is None


def test_first_attempt_is_the_one_scored(database):
    with open_ok(database) as store:
        store.record_answer("ada", "forward-sigmoid", "b", False)
        store.record_answer("ada", "forward-sigmoid", "a", True)
        assert store.answers("ada")["forward-sigmoid"] == Answer(choice="b", correct=False, last="a", attempts=2)
        store.record_answer("ada", "forward-sigmoid", "d", False)
        assert store.answers("ada")["forward-sigmoid"] == Answer(choice="b", correct=False, last="d", attempts=3)
        store.record_answer("ada", "intro-random", "b", True)
        store.record_answer("ada", "intro-random", "a", False)
        assert store.answers("ada")["intro-random"] == Answer(choice="b", correct=True, last="a", attempts=2)


def test_resume_in_a_new_store_on_the_same_file(database):
    with open_ok(database) as first:
        first.set_position("ada", "learning-rate", 2)
        first.visit("ada", "intro")
        first.record_answer("ada", "intro-random", "b", True)
        first.add_time("ada", 42.0)
    with open_ok(database) as second:
        assert second.position("ada") == ("learning-rate", 2)
        assert second.visited("ada") == {"intro"}
        assert second.answers("ada")["intro-random"].correct is True
        assert second.seconds("ada") == 42.0


def test_close_is_idempotent_and_later_calls_do_not_raise(database):
    store = open_ok(database)
    store.close()
    store.close()
    store.set_position("ada", "intro", 0)
    store.add_time("ada", 1.0)
    assert store.position("ada") is None
    assert store.seconds("ada") == 0.0
    assert store.last_error is not None


# -- runtime errors -----------------------------------------------------------------------------


def test_locked_beyond_the_timeout_skips_the_write_and_keeps_going(db, monkeypatch):
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 50)  # read at each connect
    with open_ok(db) as store:
        store.add_time("ada", 1.0)
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            store.add_time("ada", 1.0)  # must not raise
            store.record_answer("ada", "intro-random", "b", True)
            assert store.last_error is not None and "locked" in store.last_error
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.add_time("ada", 1.0)
        assert store.seconds("ada") == 2.0  # the locked write was skipped, the others kept


def test_reads_return_defaults_when_the_database_fails(database):
    with open_ok(database) as store:
        store.record_answer("ada", "intro-random", "b", True)
        store.visit("ada", "intro")
        run_sql(database, "DROP TABLE answers")
        run_sql(database, "DROP TABLE visits")
        assert store.answers("ada") == {}
        assert store.visited("ada") == set()
        missing = "no such table: visits" if isinstance(database, Path) else 'relation "visits" does not exist'
        assert store.last_error == missing
        store.record_answer("ada", "intro-random", "b", True)  # fails quietly
        assert results(store, "ada").answered == 0


# -- two writers ---------------------------------------------------------------------------------


def test_two_stores_interleaved_in_one_process_lose_nothing(database):
    a, b = open_ok(database), open_ok(database)
    try:
        for i in range(100):
            for k, store in enumerate((a, b)):
                store.add_time("ada", 0.5)
                store.visit("ada", f"s{i % 7}")
                store.record_answer("ada", f"q{k}-{i}", "a", True)
                store.record_answer("ada", "shared", "b", False)
        assert a.seconds("ada") == b.seconds("ada") == 100.0
        assert a.visited("ada") == {f"s{i}" for i in range(7)}
        answers = b.answers("ada")
        assert len(answers) == 201
        assert answers["shared"].attempts == 200
        assert a.last_error is None and b.last_error is None
    finally:
        a.close()
        b.close()


def test_threads_with_their_own_stores_lose_nothing(database):
    open_ok(database).close()
    errors: list[str | None] = []

    def work(k: int) -> None:
        with ProgressStore(database) as store:
            for i in range(150):
                store.add_time("ada", 0.25)
                store.record_answer("ada", f"t{k}-{i}", "c", i % 2 == 0)
                store.record_answer("ada", "shared", "a", True)
            errors.append(store.last_error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [None] * 4
    with open_ok(database) as store:
        assert store.seconds("ada") == 4 * 150 * 0.25
        answers = store.answers("ada")
        assert len(answers) == 4 * 150 + 1
        assert answers["shared"].attempts == 4 * 150


WRITER = """
import json, sys, time
from pathlib import Path
from backprop_tui.progress.store import ProgressStore
path, k, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])  # a file, or a postgresql:// URL
with ProgressStore(path) as store:
    print("ready", flush=True)
    sys.stdin.read()  # the starting gun: returns for every writer at once, when the test closes the pipe
    start = time.monotonic()
    for i in range(n):
        store.add_time("ada", 0.5)
        store.visit("ada", f"p{k}-{i % 5}")
        store.record_answer("ada", f"p{k}-{i}", "a", True)
        store.record_answer("ada", "shared", "b", False)
        store.set_position("ada", "health", i)
    end = time.monotonic()
    print(json.dumps({"error": store.last_error, "start": start, "end": end}))
"""


def test_processes_writing_at_once_lose_nothing(database):
    """Writers in separate processes, released together, hammer the same counters.

    Each writer opens its store (imports, connection, schema check) and says
    ``ready``; only when all are ready does the test close the pipe they all
    wait on, so they start writing within a moment of each other and their
    writes interleave for the whole run (checked below with their start and end
    times). Without that, one writer could finish before the next had even
    imported the store, and a lost update would slip through.
    """
    open_ok(database).close()
    procs, n = 3, 200
    gun_read, gun_write = os.pipe()
    try:
        running = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(database), str(k), str(n)],
                stdin=gun_read,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for k in range(procs)
        ]
    finally:
        os.close(gun_read)
    try:
        for proc in running:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n", proc.communicate(timeout=60)[1]
    finally:
        os.close(gun_write)  # fire (or, if a writer failed to start, let the others go home)
    reports = []
    for proc in running:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert [r["error"] for r in reports] == [None] * procs  # no "database is locked", nothing at all
    assert max(r["start"] for r in reports) < min(r["end"] for r in reports), "the writers never overlapped"
    with open_ok(database) as store:
        assert store.seconds("ada") == procs * n * 0.5
        assert store.visited("ada") == {f"p{k}-{j}" for k in range(procs) for j in range(5)}
        answers = store.answers("ada")
        assert len(answers) == procs * n + 1
        assert answers["shared"].attempts == procs * n
        assert store.position("ada") == ("health", n - 1)


# -- damaged files ---------------------------------------------------------------------------------


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name)


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database at all\n" * 50, b"SQLite format 3\x00" + bytes(range(256)) * 20, b"x"],
    ids=["text", "bad-header", "one-byte"],
)
def test_a_garbage_file_is_moved_aside_and_a_fresh_one_started(db, garbage):
    db.parent.mkdir(parents=True)
    db.write_bytes(garbage)
    store, notice = open_store(db)
    try:
        (aside,) = aside_files(db.parent)
        assert aside.name.startswith(f"{DB_NAME}.corrupt-")
        assert aside.read_bytes() == garbage  # kept, byte for byte
        assert notice is not None and aside.name in notice and "damaged" in notice
        assert not store.in_memory and store.path == db
        store.set_position("ada", "intro", 1)
        assert store.position("ada") == ("intro", 1)
        assert store.last_error is None
    finally:
        store.close()
    with open_ok(db) as again:  # the fresh file is healthy
        assert again.position("ada") == ("intro", 1)


def test_sidecar_files_go_aside_with_the_damaged_file(db):
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 100)
    Path(f"{db}-wal").write_bytes(b"old wal")
    Path(f"{db}-shm").write_bytes(b"old shm")
    store, notice = open_store(db)
    store.close()
    assert notice is not None
    names = {p.name for p in aside_files(db.parent)}
    (main,) = [n for n in names if not n.endswith(("-wal", "-shm"))]
    assert names == {main, f"{main}-wal", f"{main}-shm"}
    assert (db.parent / f"{main}-wal").read_bytes() == b"old wal"
    assert (db.parent / f"{main}-shm").read_bytes() == b"old shm"


def corrupt_copy(db: Path) -> bytes:
    """Bytes of a real progress database with a few pages overwritten (its header still valid)."""
    with open_ok(db) as store:
        for i in range(2000):
            store.record_answer("ada" * 20, f"q{i}", "a", True)
    data = bytearray(db.read_bytes())
    data[4096 * 3 : 4096 * 6] = bytes(range(256)) * 48
    db.unlink()
    return bytes(data)


def test_a_corrupt_database_and_its_sidecars_are_kept_intact(db):
    damaged = corrupt_copy(db)
    db.write_bytes(damaged)
    Path(f"{db}-wal").write_bytes(b"a write-ahead log" * 40)
    store, notice = open_store(db)
    store.close()
    assert notice is not None and "moved aside" in notice
    main = next(p for p in aside_files(db.parent) if not p.name.endswith(("-wal", "-shm")))
    assert main.read_bytes() == damaged
    assert Path(f"{main}-wal").read_bytes() == b"a write-ahead log" * 40


def test_a_schema_missing_a_table_counts_as_damaged(db):
    with open_ok(db) as store:
        store.set_position("ada", "intro", 1)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE visits")
    conn.commit()
    conn.close()
    store, notice = open_store(db)
    store.close()
    assert notice is not None and "moved aside" in notice


def test_a_write_ahead_log_left_by_a_crash_is_recovered_not_moved(db, tmp_path):
    store = open_ok(db)
    store.set_position("ada", "backward", 5)
    store.add_time("ada", 9.0)
    copy = tmp_path / "copy" / DB_NAME
    copy.parent.mkdir()
    for suffix in ("", "-wal", "-shm"):  # the files as a crash would leave them
        Path(f"{copy}{suffix}").write_bytes(Path(f"{db}{suffix}").read_bytes())
    store.close()
    assert Path(f"{copy}-wal").stat().st_size > 0
    with open_ok(copy) as again:
        assert again.position("ada") == ("backward", 5)
        assert again.seconds("ada") == 9.0
    assert aside_files(copy.parent) == []


def test_a_truncated_database_is_moved_aside(db):
    with open_ok(db) as store:
        for i in range(2000):
            store.record_answer("ada" * 20, f"q{i}", "a", True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    store, notice = open_store(db)
    store.close()
    assert notice is not None and "moved aside" in notice
    main = next(p for p in aside_files(db.parent) if not p.name.endswith(("-wal", "-shm")))
    assert main.read_bytes() == data[: len(data) // 2]


def test_a_foreign_learners_table_counts_as_damaged(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE learners (id INTEGER PRIMARY KEY, email TEXT)")
    conn.execute("INSERT INTO learners (email) VALUES ('someone@example.org')")
    conn.commit()
    conn.close()
    original = db.read_bytes()
    store, notice = open_store(db)
    try:
        assert notice is not None and "moved aside" in notice
        (aside,) = aside_files(db.parent)
        assert aside.read_bytes() == original
        store.set_position("ada", "health", 2)
        assert store.position("ada") == ("health", 2)
    finally:
        store.close()


def test_a_second_damaged_file_gets_its_own_name(db):
    for _ in range(2):
        db.parent.mkdir(parents=True, exist_ok=True)
        db.unlink(missing_ok=True)
        db.write_bytes(b"garbage" * 100)
        store, notice = open_store(db)
        store.close()
        assert notice is not None
    assert len(aside_files(db.parent)) == 2


# -- unwritable data directory -------------------------------------------------------------------------


def test_an_unwritable_home_gives_an_in_memory_store(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a regular file, not a folder")
    home = blocker / "sub"
    monkeypatch.setenv("BACKPROP_TUI_HOME", str(home))
    store, notice = open_store()
    try:
        assert store.in_memory
        assert notice is not None and str(home) in notice and "won't be remembered" in notice
        assert f"{blocker} is a file, not a folder" in notice
        assert "\n" not in notice
        store.set_position("ada", "playground", 1)
        store.visit("ada", "playground")
        store.record_answer("ada", "intro-random", "a", False)
        store.add_time("ada", 3.0)
        assert store.position("ada") == ("playground", 1)
        assert store.visited("ada") == {"playground"}
        assert store.answers("ada")["intro-random"].correct is False
        assert store.seconds("ada") == 3.0
        assert store.last_error is None
    finally:
        store.close()
    assert blocker.read_text() == "a regular file, not a folder"


def test_a_database_path_that_is_a_folder_gives_an_in_memory_store(db):
    db.mkdir(parents=True)
    store, notice = open_store(db)
    store.close()
    assert store.in_memory
    assert notice is not None and "can't be saved" in notice
    assert db.is_dir()  # left alone


# -- results ------------------------------------------------------------------------------------------


def finish_everything(store: ProgressStore, learner: str, *, wrong: set[str] = frozenset()) -> None:
    for section in SECTION_IDS:
        store.visit(learner, section)
    for q in QUESTIONS:
        first = next(letter for letter in "abcd" if letter != q.answer) if q.id in wrong else q.answer
        store.record_answer(learner, q.id, first, q.is_correct(first))
    for exercise in EXERCISE_IDS:
        store.record_exercise(learner, exercise, True)


def test_results_of_a_new_learner(database):
    with open_ok(database) as store:
        r = results(store, "ada")
    assert r == Results(
        visited=(),
        sections_total=8,
        answered=0,
        questions_total=len(QUESTIONS),
        score=0,
        seconds=0.0,
        exercises=tuple(ExerciseResult(e.id, e.title, 0, False) for e in EXERCISES),
        unanswered=tuple(q.id for q in QUESTIONS),
    )
    assert not r.passed
    visit, answer, *_ = r.missing
    assert visit.startswith("Visit section 1 Why backpropagation, section 2 The chain rule, ")
    assert visit.endswith(" and section 8 Finish.")
    n = len(questions_for("chain-rule"))
    assert answer.startswith(f"Answer the {len(QUESTIONS)} quick checks still open: ")
    assert f"{n} in section 2 The chain rule" in answer


def test_results_complete_only_with_every_section_and_every_answer(database):
    with open_ok(database) as store:
        for section in SECTION_IDS[:-1]:
            store.visit("ada", section)
        for q in QUESTIONS:
            store.record_answer("ada", q.id, q.answer, True)
        for exercise in EXERCISE_IDS:
            store.record_exercise("ada", exercise, True)
        r = results(store, "ada")
        assert not r.passed
        assert r.missing == ("Visit section 8 Finish.",)

        store.visit("ada", "finish")
        store.record_answer("ada", "gone-question", "a", True)  # no longer in the lesson: ignored
        store.visit("ada", "gone-section")
        store.record_exercise("ada", "gone-exercise", False)  # nor is this one
        r = results(store, "ada")
        assert r.passed and r.missing == ()
        assert r.visited == SECTION_IDS
        assert [e.id for e in r.exercises] == list(EXERCISE_IDS)
        assert r.answered == r.questions_total == len(QUESTIONS)
        assert r.score == len(QUESTIONS)


def test_results_missing_answers_are_listed_per_section(database):
    with open_ok(database) as store:
        for section in SECTION_IDS:
            store.visit("ada", section)
        last = QUESTIONS[-1]
        for q in QUESTIONS[:-1]:
            store.record_answer("ada", q.id, q.answer, True)
        for exercise in EXERCISE_IDS:
            store.record_exercise("ada", exercise, True)
        r = results(store, "ada")
    assert not r.passed
    assert r.answered == len(QUESTIONS) - 1
    assert r.unanswered == (last.id,)
    assert r.missing == ("Answer the quick check still open, in section 6 Gradient health.",)


def test_score_counts_first_attempts_only(database):
    wrong = {QUESTIONS[0].id, QUESTIONS[3].id}
    with open_ok(database) as store:
        finish_everything(store, "ada", wrong=wrong)
        for q in QUESTIONS:  # then everything right: changes nothing in the score
            store.record_answer("ada", q.id, q.answer, True)
        store.add_time("ada", 61.0)
        r = results(store, "ada")
    assert r.passed
    assert r.score == len(QUESTIONS) - 2
    assert r.seconds == 61.0


def test_a_read_only_file_is_read_and_the_learner_told_nothing_will_be_saved(monkeypatch, tmp_path):
    import sqlite3 as real_sqlite3

    from backprop_tui.progress import store as store_module

    path = tmp_path / "ro" / store_module.DB_NAME
    first, notice = store_module.open_store(path)
    assert notice is None
    first.set_position("ada", "forward", 3)
    first.close()

    connect = real_sqlite3.connect

    def read_only(database, *args, uri=False, **kwargs):  # as if the file were chmod 444
        if not uri and database != ":memory:":
            return connect(f"{Path(database).absolute().as_uri()}?mode=ro", *args, uri=True, **kwargs)
        return connect(database, *args, uri=uri, **kwargs)

    monkeypatch.setattr(store_module.sqlite3, "connect", read_only)
    store, notice = store_module.open_store(path)
    assert notice is not None and "can't be written" in notice and str(path) in notice
    assert store.position("ada") == ("forward", 3)
    store.set_position("ada", "intro", 0)  # refused quietly, never raised
    assert store.last_error
    store.close()
