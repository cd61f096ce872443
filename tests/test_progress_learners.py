"""The teacher's list of learners, raised hands, and the schema step (version 2) that added them."""

from __future__ import annotations

import sqlite3
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.progress import records
from backprop_tui.progress.store import (
    DB_NAME,
    SCHEMA_VERSION,
    LearnerRow,
    ProgressStore,
    SchemaTooNewError,
    open_store,
)
from postgres_helpers import run_sql


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_NAME


def open_ok(path: Path) -> ProgressStore:
    store, notice = open_store(path)
    assert notice is None
    return store


def wrong(letter: str) -> str:
    return next(x for x in "abcd" if x != letter)


def now_bounds() -> tuple[datetime, datetime]:
    """A window around "now" that a stored time stamp (whole seconds) must fall in."""
    now = datetime.now(UTC)
    return now - timedelta(seconds=2), now + timedelta(seconds=2)


# -- learners() ----------------------------------------------------------------------------------


def test_no_learners_yet(database):
    with open_ok(database) as store:
        assert store.learners() == []
        assert store.last_error is None


def test_several_learners_one_row_each_in_name_order(database):
    q0, q1, q2 = QUESTIONS[0], QUESTIONS[1], QUESTIONS[2]
    low, _ = now_bounds()
    with open_ok(database) as store:
        # bob: one right first time, one wrong then right (scored wrong), one right after a retry of another.
        store.set_position("bob", "backward", 3)
        store.record_answer("bob", q0.id, q0.answer, True)
        store.record_answer("bob", q1.id, wrong(q1.answer), False)
        store.record_answer("bob", q1.id, q1.answer, True)
        store.record_answer("bob", q2.id, q2.answer, True)
        store.record_answer("bob", q2.id, wrong(q2.answer), False)  # a later change does not unscore it
        # Ada (capital A still sorts first): everything right, hand up.
        store.set_position("Ada", "finish", 0)
        for q in QUESTIONS:
            store.record_answer("Ada", q.id, q.answer, True)
        store.set_hand("Ada", True)
        # carol: never answered anything; only moved and spent time.
        store.set_position("carol", "intro", 2)
        store.add_time("carol", 30.0)
        # dan: answered only a question that is no longer in the lesson, and has no place yet.
        store.record_answer("dan", "gone-question", "a", True)
        _, high = now_bounds()
        rows = store.learners()
        assert store.last_error is None

    assert [r.name for r in rows] == ["Ada", "bob", "carol", "dan"]
    for row in rows:
        assert isinstance(row, LearnerRow)
        assert row.last_active.tzinfo is not None and row.last_active.utcoffset() == timedelta(0)
        assert low <= row.last_active <= high
    stamp = rows[0].last_active
    assert rows[0].hand_since is not None and low <= rows[0].hand_since <= high
    assert [replace(r, last_active=stamp, hand_since=r.hand_since and stamp) for r in rows] == [
        LearnerRow("Ada", "finish", 0, len(QUESTIONS), len(QUESTIONS), 0, True, stamp, hand_since=stamp),
        LearnerRow("bob", "backward", 3, 2, 3, 0, False, stamp),
        LearnerRow("carol", "intro", 2, 0, 0, 0, False, stamp),
        LearnerRow("dan", None, 0, 0, 0, 0, False, stamp),
    ]


def test_a_learner_row_is_frozen(database):
    with open_ok(database) as store:
        store.set_position("ada", "intro", 0)
        (row,) = store.learners()
    with pytest.raises(FrozenInstanceError):
        row.step = 3  # type: ignore[misc]


def test_learners_agree_with_the_finish_screen_results(database):
    from backprop_tui.progress.store import results

    with open_ok(database) as store:
        for k, name in enumerate(["eve", "fay", "gus"]):
            for q in QUESTIONS[: 2 + k]:
                letter = q.answer if (k + len(q.id)) % 2 else wrong(q.answer)
                store.record_answer(name, q.id, letter, q.is_correct(letter))
        for row in store.learners():
            r = results(store, row.name)
            assert (row.first_try_right, row.answered) == (r.score, r.answered)


def test_learners_see_what_other_stores_wrote(database):
    with open_ok(database) as a, open_ok(database) as b:
        a.set_position("ada", "health", 1)
        b.record_answer("bob", QUESTIONS[0].id, QUESTIONS[0].answer, True)
        b.set_hand("bob", True)
        assert [(r.name, r.answered, r.hand_raised) for r in a.learners()] == [("ada", 0, False), ("bob", 1, True)]


def test_many_learners(database):
    names = [f"student{i:03d}" for i in range(300)]
    with open_ok(database) as store:
        for i, name in enumerate(names):
            store.set_position(name, "forward", i % 7)
            for q in QUESTIONS[: i % 4]:
                store.record_answer(name, q.id, q.answer, True)
            if i % 10 == 0:
                store.set_hand(name, True)
        rows = store.learners()
    assert [r.name for r in rows] == names
    assert [r.answered for r in rows] == [i % 4 for i in range(300)]
    assert [r.first_try_right for r in rows] == [i % 4 for i in range(300)]
    assert [r.step for r in rows] == [i % 7 for i in range(300)]
    assert sum(r.hand_raised for r in rows) == 30


def test_learners_in_memory_and_after_close():
    store = ProgressStore(None)
    store.set_position("ada", "intro", 1)
    assert [r.name for r in store.learners()] == ["ada"]
    store.close()
    assert store.learners() == []
    assert store.last_error is not None


def test_odd_time_stamps_still_give_aware_utc_datetimes(database):
    with open_ok(database) as store:
        for name in ("naive", "offset", "garbage"):
            store.set_position(name, "intro", 0)
    run_sql(database, "UPDATE learners SET updated = '2026-01-05T10:00:00' WHERE name = 'naive'")
    run_sql(database, "UPDATE learners SET updated = '2026-01-05T12:00:00+02:00' WHERE name = 'offset'")
    run_sql(database, "UPDATE learners SET updated = 'last tuesday' WHERE name = 'garbage'")
    with open_ok(database) as store:
        active = {r.name: r.last_active for r in store.learners()}
    assert active["naive"] == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert active["offset"] == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert active["offset"].tzinfo is UTC
    assert active["garbage"] == records.EPOCH
    assert all(t.utcoffset() == timedelta(0) for t in active.values())


def test_parse_utc_converts_to_utc():
    east = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 3, 1, 8, 0, tzinfo=east)
    assert records.parse_utc(moment.isoformat()) == moment
    assert records.parse_utc(moment.isoformat()).tzinfo is UTC


# -- hands ------------------------------------------------------------------------------------------


def test_raising_and_lowering_a_hand(database):
    with open_ok(database) as store:
        assert store.hand_raised("ada") is False
        store.set_hand("ada", True)
        assert store.hand_raised("ada") is True
        store.set_hand("ada", True)
        assert store.hand_raised("ada") is True
        store.set_hand("ada", False)
        assert store.hand_raised("ada") is False
        store.set_hand("ada", True)
        assert store.hand_raised("bob") is False
        assert store.last_error is None
    with open_ok(database) as again:
        assert again.hand_raised("ada") is True
        (row,) = again.learners()  # raising a hand makes a learner known, even with nothing else
        assert (row.name, row.section, row.hand_raised) == ("ada", None, True)


def test_a_hand_does_not_touch_place_time_or_answers(database):
    with open_ok(database) as store:
        store.set_position("ada", "health", 2)
        store.add_time("ada", 10.0)
        store.set_hand("ada", True)
        assert store.position("ada") == ("health", 2)
        assert store.seconds("ada") == 10.0
        assert store.answers("ada") == {}


# -- schema version 2 ---------------------------------------------------------------------------------


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name)


def test_a_version_1_file_is_upgraded_in_place(db):
    with open_ok(db) as store:
        store.set_position("ada", "backward", 4)
        store.record_answer("ada", QUESTIONS[0].id, QUESTIONS[0].answer, True)
    conn = sqlite3.connect(db)  # make it a file as version 1 wrote it
    conn.execute("DROP TABLE hands")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_ok(db) as store:
        assert store.position("ada") == ("backward", 4)
        assert store.hand_raised("ada") is False
        store.set_hand("ada", True)
        (row,) = store.learners()
        assert (row.name, row.answered, row.hand_raised) == ("ada", 1, True)
    assert version_of(db) == SCHEMA_VERSION
    assert aside_files(db.parent) == []


def test_an_older_copy_lowering_the_version_costs_nothing(db):
    with open_ok(db) as store:
        store.set_hand("ada", True)
    conn = sqlite3.connect(db)  # what version 1's writability check did to any file
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_ok(db) as store:
        assert store.hand_raised("ada") is True
    assert version_of(db) == SCHEMA_VERSION
    assert aside_files(db.parent) == []


def test_a_newer_file_is_refused_with_one_line_and_left_as_it_is(db):
    with open_ok(db) as store:
        store.set_position("ada", "backward", 2)
    conn = sqlite3.connect(db)  # as a later version of the app would leave it
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    store, notice = open_store(db)
    assert store.in_memory
    assert notice == (
        f"The progress file {db} holds progress schema version 7, newer than this backprop-tui knows "
        f"({SCHEMA_VERSION}): upgrade backprop-tui to use it; this session won't be remembered."
    )
    store.set_position("ada", "intro", 0)  # the lesson goes on, in memory
    assert store.position("ada") == ("intro", 0)
    store.close()
    assert version_of(db) == 7
    assert db.read_bytes() == before
    assert aside_files(db.parent) == []
    with pytest.raises(SchemaTooNewError):
        ProgressStore(db)
