"""The teacher's class view: every student in one live table, and how the class did on each quick check.

The screen knows nothing of where the data comes from: it calls ``load`` (in a
worker thread, every :data:`REFRESH_SECONDS`) for a
:class:`~backprop_tui.models.classroom.ClassSnapshot` and ``clock`` for the time
now, so tests hand it made-up students and a fixed clock. A refresh that
changes no row's order only rewrites the cells that changed; one that does
rebuilds the table and puts the cursor back on the same student.

Keys: ``1``–``7`` sort by a column (again: the other way), ``s`` sorts by the
next column, a click on a header sorts by it too; ``f`` shows only the students
who are stuck (and everyone again); ``tab`` switches to the quick checks and
back; ``q`` quits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import get_current_worker

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTIONS
from backprop_tui.models import classroom
from backprop_tui.models.classroom import COLUMN_KEYS, COLUMNS, ClassSnapshot, QuestionRow
from backprop_tui.progress.records import LearnerRow
from backprop_tui.renderables import palette
from backprop_tui.widgets.lesson_footer import LessonFooter

REFRESH_SECONDS = 2.0
"""How often the view reads the store again."""

SECTION_KEYS: dict[str, int] = {s.id: s.key for s in SECTIONS}
"""Each section's number (1–8) by its id."""

WIDTHS: dict[str, int] = {
    "name": 13,
    "connected": 5,
    "place": 20,
    "checks": 7,
    "exercises": 4,
    "hand": 7,
    "active": 8,
}
"""Each column's width in cells: with padding and a scroll bar, the table fits 80 columns."""
MAX_NAME_WIDTH = 32
"""The name column grows with the terminal up to this (the longest name a served student may have)."""


def name_width(screen_width: int, on_width: int = WIDTHS["connected"]) -> int:
    """The name column's width on a screen ``screen_width`` cells wide (the On column ``on_width`` wide):
    what the other columns leave."""
    others = sum(w for key, w in WIDTHS.items() if key not in ("name", "connected")) + on_width
    others += 2 * len(WIDTHS) + 2  # padding, scroll bar
    return max(WIDTHS["name"], min(MAX_NAME_WIDTH, screen_width - others))


QUESTION_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("section", "Section", 13),
    ("prompt", "Quick check", 40),
    ("answered", "Answered", 8),
    ("share", "Right 1st", 9),
)
"""The quick checks' table: (key, header, width)."""

LOW_SHARE = 0.5
"""A quick check fewer than half got right at the first try is marked as one the class struggles with."""

ARROWS = {False: "▲", True: "▼"}


def _same(a: object, b: Text) -> bool:
    """Whether cell ``a`` draws exactly as ``b`` (Rich's ``==`` on Text ignores the base style)."""
    return isinstance(a, Text) and (a.plain, a.style, a.spans) == (b.plain, b.style, b.spans)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class ClassScreen(Screen[None]):
    """Every student in the data directory, live; and the class's quick checks.

    Args:
        load: reads the class as it is now (called in a worker thread).
        clock: the time now, timezone-aware (UTC).
        refresh_every: seconds between two reads (``0``: read once, at the start).
    """

    DEFAULT_CSS = """
    ClassScreen { layout: vertical; }
    ClassScreen #summary { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ClassScreen #notice { height: auto; padding: 0 1; color: $warning; display: none; }
    ClassScreen #notice.-shown { display: block; }
    ClassScreen DataTable { height: 1fr; scrollbar-size-vertical: 1; }
    ClassScreen #questions { display: none; }
    ClassScreen.-questions #questions { display: block; }
    ClassScreen.-questions #students { display: none; }
    """

    BINDINGS = [
        Binding("1", "sort('name')", "Sort", key_display="1–7", tooltip="Sort by a column; again: the other way"),
        *(
            Binding(str(i), f"sort('{key}')", f"Sort by {header}", show=False)
            for i, (key, header) in enumerate(COLUMNS[1:], start=2)
        ),
        Binding("s", "next_sort", "Next sort", tooltip="Sort by the next column"),
        Binding("f", "stuck", "Stuck only", tooltip="Only students with a hand up or idle 5 minutes while connected"),
        Binding(
            "tab", "switch", "Checks/students", tooltip="The quick checks (how many answered, right first time), or the students"
        ),
        Binding("q", "app.quit", "Quit"),
    ]

    sort_column: reactive[str] = reactive("name")
    """The column the students are sorted by (one of :data:`~backprop_tui.models.classroom.COLUMN_KEYS`)."""
    sort_reverse: reactive[bool] = reactive(False)
    """Whether that sort runs the other way."""
    stuck_only: reactive[bool] = reactive(False)
    """Whether only stuck students are shown."""
    showing_questions: reactive[bool] = reactive(False)
    """Whether the quick checks' table is on show instead of the students'."""

    def __init__(
        self,
        load: Callable[[], ClassSnapshot],
        clock: Callable[[], datetime],
        refresh_every: float = REFRESH_SECONDS,
    ) -> None:
        super().__init__()
        self._load = load
        self._clock = clock
        self._refresh_every = refresh_every
        self.snapshot = ClassSnapshot()
        """The class as last read."""
        self.now: datetime = clock()
        """The time of the last read."""
        self.loads = 0
        """How many reads have been shown (tests wait on it)."""
        self._shown: list[str] = []
        self._name_width = WIDTHS["name"]
        self._on_width = WIDTHS["connected"]
        self._hosts = False

    # -- building --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield Static(id="notice")
        students: DataTable[Text] = DataTable(id="students", cursor_type="row", zebra_stripes=True)
        self._add_columns(students)
        yield students
        questions: DataTable[Text] = DataTable(id="questions", cursor_type="row", zebra_stripes=True)
        for key, header, width in QUESTION_COLUMNS:
            questions.add_column(Text(header), width=width, key=key)
        yield questions
        yield LessonFooter()

    def on_mount(self) -> None:
        """Read the class now, then every few seconds."""
        self._label_columns()
        self._summarize()
        self.on_resize()
        self.reload()
        if self._refresh_every > 0:
            self.set_interval(self._refresh_every, self.reload)

    def _add_columns(self, table: DataTable[Text]) -> None:
        width = {"name": self._name_width, "connected": self._on_width}
        for key, header in COLUMNS:
            table.add_column(Text(header), width=width.get(key, WIDTHS[key]), key=key)

    def on_resize(self) -> None:
        """A wider screen gives long names more room (the table is rebuilt only when that changes)."""
        self._fit(self._on_width)

    def _fit(self, on_width: int) -> None:
        """Rebuild the table if the On column must be ``on_width`` wide or the name column's width changed."""
        width = name_width(self.size.width, on_width)
        if (width, on_width) == (self._name_width, self._on_width) or not self.is_mounted:
            return
        self._name_width, self._on_width = width, on_width
        current = self._current_name()
        table = self.students
        table.clear(columns=True)
        self._add_columns(table)
        self._label_columns()
        self._fill_students(force=True, keep=current)

    # -- reading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def reload(self) -> None:
        """Read the class again (in a thread: the store may wait on a busy file), then show it."""
        snapshot = self._load()
        now = self._clock()
        if not get_current_worker().is_cancelled:  # a newer read replaced this one, or the view closed
            self.app.call_from_thread(self.show, snapshot, now)

    def show(self, snapshot: ClassSnapshot, now: datetime) -> None:
        """Show ``snapshot`` as read at ``now``."""
        self.snapshot, self.now = snapshot, now
        self._hosts = classroom.shows_hosts(snapshot)
        self._fit(classroom.on_width(snapshot))  # the hosts' names need room (several servers, one database)
        self._fill_students()
        self._fill_questions()
        self._summarize()
        self.loads += 1

    # -- the students' table -------------------------------------------------------------------------

    @property
    def students(self) -> DataTable[Text]:
        return self.query_one("#students", DataTable)

    @property
    def questions(self) -> DataTable[Text]:
        return self.query_one("#questions", DataTable)

    def visible_rows(self) -> list[LearnerRow]:
        """The students on show, in the order shown."""
        rows = classroom.sort_rows(self.snapshot.rows, self.sort_column, self.now, SECTION_KEYS, reverse=self.sort_reverse)
        return classroom.only_stuck(rows, self.now) if self.stuck_only else rows

    def _cells(self, row: LearnerRow) -> list[Text]:
        now = self.now
        name, on, place, checks, exercises, hand, active = classroom.cells(row, now, SECTION_KEYS, self._hosts)
        idle = row.connected and classroom.idle(row, now) >= classroom.STUCK_AFTER
        quiet = "" if row.connected else "dim"
        return [
            Text(classroom.safe_name(name, self._name_width), style=quiet),
            Text(on, style=palette.style("done") if row.connected else "dim"),
            Text(place, style=quiet),
            Text(checks, style=quiet),
            Text(exercises, style=quiet),
            Text(hand, style=palette.style("warning", bold=True)),
            Text(active, style=palette.style("warning") if idle else quiet),
        ]

    def _fill_students(self, force: bool = False, keep: str | None = None) -> None:
        """Show the students: in place if the same ones are shown in the same order, else anew
        with the cursor on the same student (``keep``, if given: the one it was on before)."""
        table = self.students
        rows = self.visible_rows()
        keys = [r.name for r in rows]
        if keys == self._shown and not force:  # same students, same order: rewrite what changed, move nothing
            for row in rows:
                for column, cell in zip(COLUMN_KEYS, self._cells(row), strict=True):
                    if not _same(table.get_cell(row.name, column), cell):
                        table.update_cell(row.name, column, cell)
            return
        current = keep if force else self._current_name()
        scroll = table.scroll_y
        table.clear()
        for row in rows:
            table.add_row(*self._cells(row), key=row.name)
        self._shown = keys
        if current in keys:
            table.move_cursor(row=keys.index(current), animate=False, scroll=False)
        table.scroll_to(y=scroll, animate=False, immediate=True)
        if current in keys:
            table.move_cursor(row=keys.index(current), animate=False, scroll=True)

    def _current_name(self) -> str | None:
        """The name of the student under the cursor, if any."""
        table = self.students
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row]

    @property
    def current(self) -> str | None:
        """The student under the cursor (their name as stored), if any."""
        return self._current_name()

    def _label_columns(self) -> None:
        """The headers, the sorted one with its arrow."""
        table = self.students
        for key, header in COLUMNS:
            arrow = ARROWS[self.sort_reverse] if key == self.sort_column else ""
            table.columns[ColumnKey(key)].label = Text(header + arrow, style="bold" if arrow else "")
        table.refresh()

    # -- the quick checks' table ---------------------------------------------------------------------

    def _question_cells(self, row: QuestionRow, students: int) -> list[Text]:
        share = row.share
        low = share is not None and share < LOW_SHARE
        style = palette.style("wrong") if low else palette.style("right") if share is not None else "dim"
        key = SECTION_KEYS.get(row.section)
        return [
            Text(_clip(f"{key} {row.section}" if key else row.section, 13)),
            Text(_clip(row.prompt, 40)),
            Text(f"{row.answered}/{students}"),
            Text(row.share_text() + (" ⚠" if low else ""), style=style),
        ]

    def _fill_questions(self) -> None:
        table = self.questions
        rows = classroom.question_rows(QUESTIONS, self.snapshot.tallies)
        students = len(self.snapshot.rows)
        if table.row_count == len(rows):
            for row in rows:
                for (column, _, _), cell in zip(QUESTION_COLUMNS, self._question_cells(row, students), strict=True):
                    if not _same(table.get_cell(row.id, column), cell):
                        table.update_cell(row.id, column, cell)
            return
        table.clear()
        for row in rows:
            table.add_row(*self._question_cells(row, students), key=row.id)

    # -- the lines above -----------------------------------------------------------------------------

    def _summarize(self) -> None:
        counts = classroom.counts(self.snapshot.rows, self.now)
        summary = Text(str(counts))
        if self.showing_questions:
            hardest = classroom.hardest(classroom.question_rows(QUESTIONS, self.snapshot.tallies))
            summary = Text("Quick checks")
            if hardest is not None:
                summary.append(f" · hardest: {_clip(hardest.id, 22)}, {hardest.share_text()} right first time")
        elif self.stuck_only:
            summary.append(" · stuck only")
        self.query_one("#summary", Static).update(summary)
        notice = self.snapshot.notice
        if notice is None and self.stuck_only and not self.showing_questions and counts.stuck == 0:
            notice = "Nobody is stuck right now (f shows everyone)."
        elif notice is None and not self.snapshot.rows and self.loads:
            notice = "No students yet: they appear here as soon as they start the lesson."
        shown = self.query_one("#notice", Static)
        shown.update(Text(notice or ""))
        shown.set_class(notice is not None, "-shown")

    # -- keys ----------------------------------------------------------------------------------------

    def action_sort(self, column: str) -> None:
        """Sort by ``column``; the column already sorted by: the other way."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False

    def action_next_sort(self) -> None:
        """Sort by the next column (after the last: the first)."""
        i = COLUMN_KEYS.index(self.sort_column)
        self.sort_column, self.sort_reverse = COLUMN_KEYS[(i + 1) % len(COLUMN_KEYS)], False

    def action_stuck(self) -> None:
        """Only the stuck students, or everyone again."""
        self.stuck_only = not self.stuck_only

    def action_switch(self) -> None:
        """The quick checks' table, or the students' again."""
        self.showing_questions = not self.showing_questions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sorting and the stuck filter are the students' table's: hidden while the quick checks show."""
        return not (self.showing_questions and action in ("sort", "next_sort", "stuck"))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a students' header sorts by that column."""
        if event.data_table is self.students and event.column_key.value in COLUMN_KEYS:
            self.action_sort(event.column_key.value)

    def _resort(self) -> None:
        if not self.is_mounted:
            return
        self._label_columns()
        self._fill_students()
        self._summarize()

    def watch_sort_column(self) -> None:
        self._resort()

    def watch_sort_reverse(self) -> None:
        self._resort()

    def watch_stuck_only(self) -> None:
        self._resort()

    def watch_showing_questions(self, showing: bool) -> None:
        self.set_class(showing, "-questions")
        self.refresh_bindings()
        if self.is_mounted:
            self._summarize()
            (self.questions if showing else self.students).focus()
