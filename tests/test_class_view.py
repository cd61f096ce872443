"""The teacher's class view: the headless model (rows, sorting, stuck, tallies, CSV), the live app with
40 made-up students, its picture at 80×24, and ``backprop-tui class --csv``.

Regenerate the picture after a deliberate change with
``pytest tests/test_class_view.py --snapshot-update`` and look at it before committing.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
from rich.text import Text

from backprop_tui.class_app import ClassReader, class_app
from backprop_tui.cli import main
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTIONS
from backprop_tui.models import classroom
from backprop_tui.models.classroom import CSV_HEADER, ClassSnapshot
from backprop_tui.progress.class_queries import HOST_ENV
from backprop_tui.progress.records import EPOCH, LearnerRow, QuestionTally
from backprop_tui.progress.store import DB_NAME, ProgressStore, data_dir

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
KEYS = {s.id: s.key for s in SECTIONS}
PLACES = ("intro", "chain-rule", "forward", "backward", "learning-rate", "health", "playground", "finish")
CONTRACT_HEADER = "name,connected,section,step,first_try_right,answered,exercises_solved,hand_raised,last_active"


def row(name: str, **fields) -> LearnerRow:
    base = dict(
        section="intro", step=0, first_try_right=0, answered=0, exercises_solved=0,
        hand_raised=False, last_active=NOW, connected=False, hand_since=None,
    )  # fmt: skip
    base.update(fields)
    return LearnerRow(name=name, **base)


def made_up_class(n: int = 40) -> tuple[LearnerRow, ...]:
    """``n`` students with fixed, varied places, scores, hands and times."""
    rows = []
    for i in range(n):
        answered = i % 6
        raised = i % 9 == 4
        rows.append(
            row(
                f"student{i:02d}",
                section=None if i % 11 == 10 else PLACES[i % 7],
                step=(i * 3) % 7,
                first_try_right=min(answered, (i * 7) % 5),
                answered=answered,
                exercises_solved=int(i % 4 == 0),
                hand_raised=raised,
                hand_since=NOW - timedelta(minutes=1 + i % 5) if raised else None,
                last_active=NOW - timedelta(seconds=37 * i),
                connected=i % 3 != 2,
            )
        )
    return tuple(rows)


def made_up_tallies() -> dict[str, QuestionTally]:
    return {q.id: QuestionTally(q.id, 40 - 3 * k, max(0, 36 - 7 * k)) for k, q in enumerate(QUESTIONS[:6])}


# -- the model, without Textual -------------------------------------------------------------------------------------


def test_stuck_is_a_raised_hand_or_five_idle_minutes_while_connected():
    idle = NOW - classroom.STUCK_AFTER
    assert classroom.STUCK_AFTER == timedelta(minutes=5)
    assert classroom.stuck(row("a", hand_raised=True), NOW)  # a hand, even not connected
    assert classroom.stuck(row("b", connected=True, last_active=idle), NOW)
    assert not classroom.stuck(row("c", connected=True, last_active=idle + timedelta(seconds=1)), NOW)
    assert not classroom.stuck(row("d", connected=False, last_active=NOW - timedelta(hours=3)), NOW)
    rows = [row("a", hand_raised=True), row("b", connected=True, last_active=idle), row("c")]
    assert [r.name for r in classroom.only_stuck(rows, NOW)] == ["a", "b"]
    counts = classroom.counts(rows, NOW)
    assert str(counts) == "3 students · 1 connected · 1 hand up · 2 stuck"


def test_sorting_by_each_column_with_the_name_breaking_ties():
    rows = [
        row("cy", section="backward", step=1, first_try_right=2, answered=3, last_active=NOW - timedelta(minutes=1)),
        row("Ada", section="backward", step=4, connected=True, exercises_solved=1, hand_raised=True,
            hand_since=NOW - timedelta(minutes=1), last_active=NOW - timedelta(minutes=9)),
        row("bob", section=None, first_try_right=2, answered=2, hand_raised=True, hand_since=NOW - timedelta(minutes=7)),
        row("dee", section="intro", step=5, connected=True, first_try_right=0, answered=4),
    ]  # fmt: skip

    def order(column: str, reverse: bool = False) -> list[str]:
        return [r.name for r in classroom.sort_rows(rows, column, NOW, KEYS, reverse=reverse)]

    assert order("name") == ["Ada", "bob", "cy", "dee"]
    assert order("name", reverse=True) == ["dee", "cy", "bob", "Ada"]
    assert order("connected") == ["Ada", "dee", "bob", "cy"]
    assert order("place") == ["bob", "dee", "cy", "Ada"]  # not started, then furthest behind first
    assert order("checks") == ["Ada", "dee", "bob", "cy"]  # fewest right first; then fewer answered
    assert order("exercises") == ["bob", "cy", "dee", "Ada"]
    assert order("hand") == ["bob", "Ada", "cy", "dee"]  # the hand up longest first
    assert order("active") == ["Ada", "cy", "bob", "dee"]  # idle longest first
    assert set(classroom.COLUMN_KEYS) == {"name", "connected", "place", "checks", "exercises", "hand", "active"}


def test_cells_say_place_checks_hand_and_time_in_words():
    r = row("ada", section="learning-rate", step=11, first_try_right=3, answered=5, exercises_solved=1,
            hand_raised=True, hand_since=NOW - timedelta(minutes=3, seconds=20), connected=True,
            last_active=NOW - timedelta(minutes=2, seconds=5))  # fmt: skip
    assert classroom.cells(r, NOW, KEYS) == ("ada", "● yes", "5 learning-rate · 12", "3/5", "1", "✋ 3m", "2m ago")
    quiet = row("bob", section=None, last_active=NOW - timedelta(seconds=3))
    assert classroom.cells(quiet, NOW, KEYS) == ("bob", "○ no", "not started", "–", "0", "", "just now")
    assert classroom.last_seen(row("old", last_active=EPOCH), NOW) == "never"
    assert [classroom.span(timedelta(seconds=s)) for s in (-5, 59, 60, 3599, 3600 + 5 * 60, 3 * 86400)] == [
        "0s", "59s", "1m", "59m", "1h05", "3d",
    ]  # fmt: skip


def test_names_are_made_safe_to_print():
    assert classroom.safe_name("ada") == "ada"
    assert classroom.safe_name("a\x1b[31mb\x07\u202e") == "a�[31mb��"
    assert classroom.safe_name("") == "?"
    assert classroom.safe_name("a" * 40, 13) == "a" * 12 + "…"
    assert classroom.safe_name("Zoë Ångström") == "Zoë Ångström"


def test_question_rows_share_right_at_the_first_try_and_the_hardest():
    tallies = {
        QUESTIONS[0].id: QuestionTally(QUESTIONS[0].id, 4, 3),
        QUESTIONS[1].id: QuestionTally(QUESTIONS[1].id, 3, 1),
        "gone-question": QuestionTally("gone-question", 9, 0),  # no longer in the lesson: not listed
    }
    rows = classroom.question_rows(QUESTIONS, tallies)
    assert [r.id for r in rows] == [q.id for q in QUESTIONS]
    first, second, third = rows[:3]
    assert (first.answered, first.first_try_right, first.share, first.share_text()) == (4, 3, 0.75, "75 %")
    assert second.share == pytest.approx(1 / 3) and second.share_text() == "33 %"
    assert (third.answered, third.share, third.share_text()) == (0, None, "–")
    assert classroom.hardest(rows) is second
    assert classroom.hardest(classroom.question_rows(QUESTIONS, {})) is None


def test_csv_has_the_contract_header_and_one_row_per_learner():
    rows = [
        row("ada", section="backward", step=3, first_try_right=2, answered=4, exercises_solved=1,
            hand_raised=True, connected=True, last_active=datetime(2026, 3, 14, 9, 1, 2, tzinfo=UTC)),
        row("bob, jr \"b\"", section=None, last_active=datetime(2026, 3, 14, 11, 0, tzinfo=UTC)),
        row("eve\x1b]0;x\x07", section="intro"),
    ]  # fmt: skip
    text = classroom.csv_text(rows)
    assert text.splitlines()[0] == CONTRACT_HEADER == ",".join(CSV_HEADER)
    assert "\x1b" not in text and "\x07" not in text
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1] == ["ada", "yes", "backward", "3", "2", "4", "1", "yes", "2026-03-14T09:01:02+00:00"]
    assert parsed[2] == ['bob, jr "b"', "no", "", "0", "0", "0", "0", "no", "2026-03-14T11:00:00+00:00"]
    assert parsed[3][0] == "eve�]0;x�"
    assert datetime.fromisoformat(parsed[1][-1]) == rows[0].last_active
    assert classroom.csv_text([]) == CONTRACT_HEADER + "\n"


def test_iso_time_is_utc_whatever_the_zone():
    east = datetime(2026, 3, 14, 15, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert classroom.iso_utc(east) == "2026-03-14T09:30:00+00:00"


def test_the_model_needs_no_textual():
    code = (
        "import sys; import backprop_tui.models.classroom, backprop_tui.class_app; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the live app ----------------------------------------------------------------------------------------------------


async def loaded(pilot, at_least: int = 1, timeout: float = 5.0):
    """Wait until the class view has shown ``at_least`` reads; return its screen."""
    screen = pilot.app.screen
    for _ in range(int(timeout / 0.02)):
        if getattr(screen, "loads", 0) >= at_least:
            await pilot.pause()
            return screen
        await asyncio.sleep(0.02)
        screen = pilot.app.screen
    raise AssertionError("the class view never showed its data")


def shown_names(screen) -> list[str]:
    table = screen.students
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def fixed(rows=None, tallies=None):
    snapshot = ClassSnapshot(made_up_class() if rows is None else rows, made_up_tallies() if tallies is None else tallies)
    return lambda: snapshot


async def test_forty_students_sorted_by_keys_and_by_a_header_click():
    app = class_app(fixed(), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        rows = made_up_class()
        assert screen.students.row_count == 40
        assert shown_names(screen) == [r.name for r in rows]
        summary = str(screen.query_one("#summary").render())
        assert str(classroom.counts(rows, NOW)) in summary and summary.startswith("40 students · 27 connected")

        await pilot.press("3")  # by place: furthest behind first
        want = [classroom.safe_name(r.name, 13) for r in classroom.sort_rows(rows, "place", NOW, KEYS)]
        assert shown_names(screen) == want
        assert str(screen.students.columns["place"].label).endswith("▲")
        await pilot.press("3")  # again: the other way
        assert shown_names(screen) == want[::-1]
        assert str(screen.students.columns["place"].label).endswith("▼")

        await pilot.press("s")  # the next column: checks
        assert screen.sort_column == "checks" and not screen.sort_reverse
        assert shown_names(screen) == [r.name for r in classroom.sort_rows(rows, "checks", NOW, KEYS)]

        # A click on the "Hand" header: name 13, on 5, place 20, checks 7, ex. 4 (each with 2 of padding) before it.
        await pilot.click("#students", offset=(15 + 7 + 22 + 9 + 6 + 2, 0))
        await pilot.pause()
        assert screen.sort_column == "hand"
        hands = [r for r in rows if r.hand_raised]
        assert shown_names(screen)[: len(hands)] == [r.name for r in sorted(hands, key=lambda r: r.hand_since)]


async def test_f_shows_only_the_stuck_and_everyone_again():
    app = class_app(fixed(), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        stuck = classroom.only_stuck(made_up_class(), NOW)
        assert 0 < len(stuck) < 40
        await pilot.press("f")
        assert shown_names(screen) == [r.name for r in stuck]
        assert "stuck only" in str(screen.query_one("#summary").render())
        await pilot.press("f")
        assert screen.students.row_count == 40


async def test_nobody_stuck_says_so():
    rows = (row("ada", connected=True), row("bob"))
    app = class_app(fixed(rows, {}), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("f")
        assert screen.students.row_count == 0
        assert "Nobody is stuck" in str(screen.query_one("#notice").render())


async def test_a_raised_hand_shows_with_how_long():
    rows = (row("ada"), row("bob", hand_raised=True, hand_since=NOW - timedelta(minutes=3, seconds=10)))
    app = class_app(fixed(rows, {}), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert str(screen.students.get_cell("bob", "hand")) == "✋ 3m"
        assert str(screen.students.get_cell("ada", "hand")) == ""
        assert "1 hand up" in str(screen.query_one("#summary").render())


async def test_tab_shows_the_quick_checks_and_where_the_class_struggles():
    app = class_app(fixed(), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("tab")
        assert screen.questions.display and not screen.students.display
        table = screen.questions
        assert table.row_count == len(QUESTIONS)
        tallies = made_up_tallies()
        first, sixth, last = QUESTIONS[0], QUESTIONS[5], QUESTIONS[-1]
        assert str(table.get_cell(first.id, "answered")) == "40/40"
        assert str(table.get_cell(first.id, "share")) == "90 %"
        assert tallies[sixth.id] == QuestionTally(sixth.id, 25, 1)
        assert str(table.get_cell(sixth.id, "share")) == "4 % ⚠"
        assert str(table.get_cell(last.id, "answered")) == "0/40"
        assert str(table.get_cell(last.id, "share")) == "–"
        assert f"hardest: {sixth.id}" in str(screen.query_one("#summary").render())
        await pilot.press("3", "f")  # the students' keys do nothing here
        assert (screen.sort_column, screen.stuck_only) == ("name", False)
        await pilot.press("tab")
        assert screen.students.display and not screen.questions.display


async def test_q_quits():
    app = class_app(fixed(), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_long_names_get_the_room_a_wider_screen_has():
    long = "a-rather-long-name-of-30-chars"
    rows = (row("ada"), row(long), row("zed"))
    app = class_app(fixed(rows, {}), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert shown_names(screen)[0] == long  # "-" sorts before "d"
        await pilot.press("down", "down")
        assert screen.current == "zed"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert shown_names(screen)[0] == long[:12] + "…"
        assert screen.students.columns["name"].width == 13
        assert screen.current == "zed"


async def test_control_characters_in_names_never_reach_the_screen():
    rows = (row("ev\x1b[2Jil"), row("ok"))
    app = class_app(fixed(rows, {}), lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert shown_names(screen) == ["ev�[2Jil", "ok"]
        assert isinstance(screen.students.get_row_at(0)[0], Text)  # never read as markup


async def test_the_live_view_picks_up_what_is_written_while_it_runs():
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    with ProgressStore(path) as lesson:
        for i in range(40):
            lesson.set_position(f"student{i:02d}", "forward", i % 5)
        reader = ClassReader(path)
        app = class_app(reader, refresh_every=0.1)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await loaded(pilot)
            assert screen.students.row_count == 40
            table = screen.students
            await pilot.press("down", "down", "down", "down", "down")
            assert screen.current == "student05"
            before = screen.loads

            lesson.set_hand("student05", True)
            lesson.session_started("student05", "s1", os.getpid())
            lesson.set_position("aaron", "intro", 0)  # a new student sorts first: rows move down
            screen = await loaded(pilot, at_least=before + 2)
            assert table.row_count == 41
            assert str(table.get_cell("student05", "hand")).startswith("✋")
            assert str(table.get_cell("student05", "connected")) == "● yes"
            assert screen.current == "student05"  # the cursor stayed on the same student
            assert table.cursor_row == 6

            lesson.session_ended("student05", "s1")
            screen = await loaded(pilot, at_least=screen.loads + 2)
            assert str(table.get_cell("student05", "connected")) == "○ no"
            assert table.get_cell("student05", "name").style == "dim"  # the whole row dims, not just the word
            assert screen.current == "student05"
        reader.close()


async def test_the_view_waits_for_a_database_that_does_not_exist_yet():
    path = data_dir() / DB_NAME
    reader = ClassReader(path)
    app = class_app(reader, refresh_every=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert screen.students.row_count == 0
        assert "No progress yet" in str(screen.query_one("#notice").render())
        assert not path.exists()  # looking creates nothing
        path.parent.mkdir(parents=True)
        with ProgressStore(path) as lesson:
            lesson.set_position("ada", "intro", 0)
        screen = await loaded(pilot, at_least=screen.loads + 2)
        assert shown_names(screen) == ["ada"]
    reader.close()


def test_snapshot_forty_students(snap_compare):
    async def run_before(pilot) -> None:
        await loaded(pilot)
        await pilot.press("down", "down")

    app = class_app(fixed(), lambda: NOW, refresh_every=0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# -- class --csv -------------------------------------------------------------------------------------------------------


def test_class_csv_through_the_command_line(capsys):
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    q = QUESTIONS[0]
    with ProgressStore(path) as store:
        store.set_position("bob", "backward", 3)
        store.record_answer("bob", q.id, q.answer, True)
        store.record_answer("bob", QUESTIONS[1].id, "z", False)
        store.set_hand("bob", True)
        store.session_started("bob", "s1", os.getpid())
        store.set_position("ada", "intro", 0)
    assert main(["class", "--csv"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0] == CONTRACT_HEADER
    parsed = list(csv.DictReader(io.StringIO(captured.out)))
    assert [r["name"] for r in parsed] == ["ada", "bob"]
    ada, bob = parsed
    assert (ada["connected"], ada["section"], ada["step"], ada["hand_raised"]) == ("no", "intro", "0", "no")
    assert (bob["connected"], bob["section"], bob["step"]) == ("yes", "backward", "3")
    assert (bob["first_try_right"], bob["answered"], bob["exercises_solved"], bob["hand_raised"]) == ("1", "2", "0", "yes")
    active = datetime.fromisoformat(bob["last_active"])
    assert active.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - active) < timedelta(minutes=1)


def test_class_csv_with_no_data_is_the_header_alone_and_creates_nothing(capsys):
    assert main(["class", "--csv"]) == 0
    assert capsys.readouterr().out == CONTRACT_HEADER + "\n"
    assert not data_dir().exists()


def test_class_csv_of_a_damaged_file_says_so_and_leaves_it(capsys):
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 200)
    assert main(["class", "--csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == CONTRACT_HEADER + "\n"
    assert captured.err.count("\n") == 1 and "Can't read" in captured.err
    assert path.read_bytes() == b"garbage" * 200


def test_class_csv_imports_no_textual_rich_or_numpy(tmp_path):
    code = (
        "import sys; from backprop_tui.cli import main; status = main(['class', '--csv']); sys.stdout.flush(); "
        "print(status, any(m.split('.')[0] in ('textual', 'rich', 'numpy') for m in sys.modules))"
    )
    env = {**os.environ, "BACKPROP_TUI_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.splitlines() == [CONTRACT_HEADER, "0 False"]


def test_class_without_a_terminal_says_how_to_get_the_csv(capsys):
    assert main(["class"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "class --csv" in err


# -- a class across several servers (one database) --------------------------------------------------------------------


def test_the_on_cell_names_the_host_once_anyone_is_on_another():
    ada, bob, cy = row("ada", connected=True, host="lab-1"), row("bob", connected=True, host="lab-2"), row("cy")
    assert classroom.shows_hosts(ClassSnapshot((ada, bob, cy), here="lab-1"))
    assert not classroom.shows_hosts(ClassSnapshot((ada, cy), here="lab-1"))  # one server, the view on it
    assert [classroom.on(r, True) for r in (ada, bob, cy)] == ["● lab-1", "● lab-2", "○ no"]
    assert [classroom.on(r, False) for r in (ada, bob, cy)] == ["● yes", "● yes", "○ no"]
    assert classroom.on(row("dan", connected=True, host="a-very-long-host-name"), True) == "● a-very-long…"
    assert classroom.on_width(ClassSnapshot((ada, cy), here="lab-1")) == 5
    assert classroom.on_width(ClassSnapshot((ada, bob, cy), here="teacher")) == len("● lab-1")
    # sorted by On: connected first, grouped by host, then by name
    rows = (row("zoe", connected=True, host="lab-1"), bob, cy, ada)
    assert [r.name for r in classroom.sort_rows(rows, "connected", NOW, KEYS)] == ["ada", "zoe", "bob", "cy"]


async def test_the_live_view_shows_which_host_each_student_is_on():
    rows = (row("ada", connected=True, host="lab-1"), row("bob", connected=True, host="lab-2"), row("cy"))
    snapshots = [ClassSnapshot(rows, {}, here="teacher"), ClassSnapshot(rows[:1] + rows[2:], {}, here="lab-1")]
    app = class_app(lambda: snapshots[0], lambda: NOW, refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        table = screen.students
        assert [str(table.get_row_at(i)[1]) for i in range(3)] == ["● lab-1", "● lab-2", "○ no"]
        assert table.columns["connected"].width == len("● lab-1")
        assert table.columns["name"].width == 13  # at 80 columns the name keeps its least room
        assert classroom.CSV_HEADER == tuple(CONTRACT_HEADER.split(","))  # the CSV's columns are untouched
        snapshots.pop(0)  # one server left, and the view on it: just who is on
        screen.reload()
        screen = await loaded(pilot, at_least=2)
        assert [str(table.get_row_at(i)[1]) for i in range(2)] == ["● yes", "○ no"]
        assert table.columns["connected"].width == 5


def test_class_csv_lists_the_students_of_every_host(capsys, monkeypatch):
    path = data_dir() / DB_NAME
    path.parent.mkdir(parents=True)
    monkeypatch.setenv(HOST_ENV, "lab-1")
    with ProgressStore(path) as lab1:
        lab1.session_started("ada", "s1", os.getpid())
    monkeypatch.setenv(HOST_ENV, "lab-2")
    with ProgressStore(path) as lab2:
        lab2.session_started("bob", "s2", os.getpid())
    monkeypatch.setenv(HOST_ENV, "teacher")  # the view on a third machine: the heartbeats say who is on
    assert main(["class", "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == CONTRACT_HEADER
    assert [(r["name"], r["connected"]) for r in csv.DictReader(io.StringIO(out))] == [("ada", "yes"), ("bob", "yes")]
