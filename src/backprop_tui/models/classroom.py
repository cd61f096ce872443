"""The teacher's class view, headless: rows, sorting, who is stuck, the quick checks' tallies, the CSV.

Everything here works on the store's typed rows (:class:`~backprop_tui.progress.records.LearnerRow`)
and on plain data handed in (the sections' order, the questions), so it runs without
Textual and without the lesson's words.

Definitions the view shows:

*connected*
    the learner has a session open on a classroom server that is still running
    (the store decides: see ``ProgressStore.connected``).
*stuck*
    the hand is up, or the learner is connected and has done nothing the store
    saw (a step, an answer, a hand, connecting) for :data:`STUCK_AFTER`
    (5 minutes). Five minutes is also the most the lesson counts between two key
    presses as time spent learning: beyond it the learner is not reading, they
    are away or lost. A learner who is not connected is never stuck for being idle.
*quick checks*
    answered right at the first try, out of those answered (the finish screen's score).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from backprop_tui.progress.records import EPOCH, LearnerRow, QuestionTally

STUCK_AFTER = timedelta(minutes=5)
"""A connected learner with no activity for this long counts as stuck."""

CSV_HEADER = (
    "name",
    "connected",
    "section",
    "step",
    "first_try_right",
    "answered",
    "exercises_solved",
    "hand_raised",
    "last_active",
)
"""The columns of ``backprop-tui class --csv``, in order (DESIGN §5, a contract)."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("connected", "On"),
    ("place", "Section · step"),
    ("checks", "Checks"),
    ("exercises", "Ex."),
    ("hand", "Hand"),
    ("active", "Active"),
)
"""The class table's columns: (key, header), left to right; the sort keys 1–7 follow this order."""

COLUMN_KEYS: tuple[str, ...] = tuple(key for key, _ in COLUMNS)
"""The columns' keys, left to right."""

NOT_STARTED = "not started"
"""The place of a learner with no saved place yet."""


@dataclass(frozen=True, slots=True)
class ClassSnapshot:
    """The class as read from the store at one moment.

    Attributes:
        rows: every learner, in the store's order (by name).
        tallies: the class's answers to each quick check, by question id.
        notice: why the store could not be read (``None`` when it was).
        here: the host the view runs on (``None``: unknown). While every connected learner
            is on it, the table says only who is on; once anyone is on another host (several
            servers sharing one database), it says which host each is on.
    """

    rows: tuple[LearnerRow, ...] = ()
    tallies: Mapping[str, QuestionTally] = field(default_factory=dict)
    notice: str | None = None
    here: str | None = None


# -- names -------------------------------------------------------------------------------------------------


def safe_name(name: str, limit: int | None = None) -> str:
    """``name`` fit to print: control, format and unassigned characters become ``�``, at most ``limit`` cells.

    A name over the limit ends in ``…``. Served students' names are already a safe set;
    local learners' may hold anything.
    """
    clean = "".join("�" if unicodedata.category(c)[0] == "C" else c for c in name) or "?"
    if limit is not None and len(clean) > limit:
        clean = clean[: max(limit - 1, 0)] + "…"
    return clean


# -- times ----------------------------------------------------------------------------------------------------


def span(delta: timedelta) -> str:
    """A duration in a few characters: ``12s``, ``3m``, ``1h05``, ``2d`` (negative counts as none)."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 86400}d"


def last_seen(row: LearnerRow, now: datetime) -> str:
    """When ``row``'s learner last did something: ``just now``, ``2m ago``, ``never`` (no readable time)."""
    if row.last_active <= EPOCH:
        return "never"
    delta = now - row.last_active
    return "just now" if delta < timedelta(seconds=10) else f"{span(delta)} ago"


def hand(row: LearnerRow, now: datetime) -> str:
    """A raised hand and for how long (``✋ 3m``), or nothing while it is down."""
    if not row.hand_raised:
        return ""
    return "✋" if row.hand_since is None else f"✋ {span(now - row.hand_since)}"


def iso_utc(moment: datetime) -> str:
    """``moment`` in ISO 8601, UTC, to the second (``2026-03-14T09:30:00+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# -- one learner ---------------------------------------------------------------------------------------------


def idle(row: LearnerRow, now: datetime) -> timedelta:
    """How long ``row``'s learner has done nothing the store saw."""
    return now - row.last_active


def stuck(row: LearnerRow, now: datetime) -> bool:
    """The hand is up, or the learner is connected and idle for :data:`STUCK_AFTER` or more."""
    return row.hand_raised or (row.connected and idle(row, now) >= STUCK_AFTER)


def place(row: LearnerRow, section_keys: Mapping[str, int]) -> str:
    """Where the learner is: the section's number and id, and the step counted from 1 (``4 backward · 3``)."""
    if row.section is None:
        return NOT_STARTED
    key = section_keys.get(row.section)
    label = row.section if key is None else f"{key} {row.section}"
    return f"{label} · {row.step + 1}"


def checks(row: LearnerRow) -> str:
    """Quick checks right at the first try, out of those answered (``3/5``; ``–`` when none answered)."""
    return f"{row.first_try_right}/{row.answered}" if row.answered else "–"


HOST_WIDTH = 12
"""The most cells a host's name takes in the On column (a longer one ends in ``…``)."""


def shows_hosts(snapshot: ClassSnapshot) -> bool:
    """Whether the On column names hosts: someone is connected to a host other than the view's own."""
    return any(r.connected and r.host is not None and r.host != snapshot.here for r in snapshot.rows)


def on(row: LearnerRow, hosts: bool) -> str:
    """The On cell: ``○ no``, ``● yes``, or with ``hosts`` the host the learner is on (``● lab-2``)."""
    if not row.connected:
        return "○ no"
    return f"● {safe_name(row.host, HOST_WIDTH)}" if hosts and row.host is not None else "● yes"


def on_width(snapshot: ClassSnapshot) -> int:
    """The On column's width in cells: room for ``● yes``, or for the longest host it names."""
    hosts = [r for r in snapshot.rows if r.connected] if shows_hosts(snapshot) else []
    return max([len("● yes"), *(len(on(r, True)) for r in hosts)])


def cells(row: LearnerRow, now: datetime, section_keys: Mapping[str, int], hosts: bool = False) -> tuple[str, ...]:
    """The class table's cells for ``row``, in :data:`COLUMNS` order (the name not yet made safe);
    with ``hosts``, the On cell names the learner's host."""
    return (
        row.name,
        on(row, hosts),
        place(row, section_keys),
        checks(row),
        str(row.exercises_solved),
        hand(row, now),
        last_seen(row, now),
    )


# -- the class ---------------------------------------------------------------------------------------------------


SortKey = Callable[[LearnerRow], tuple[object, ...]]


def sort_key(column: str, now: datetime, section_keys: Mapping[str, int]) -> SortKey:
    """The key that sorts learners by ``column`` (one of :data:`COLUMN_KEYS`), the name breaking ties.

    Ascending puts first who most likely needs the teacher: connected before not (by host),
    furthest behind in the lesson, fewest checks right, fewest exercises solved,
    the hand up longest, idle longest.
    """

    def by_name(row: LearnerRow) -> tuple[str, str]:
        return row.name.casefold(), row.name

    keys: dict[str, SortKey] = {
        "name": lambda r: by_name(r),
        "connected": lambda r: (not r.connected, r.host or "", *by_name(r)),
        "place": lambda r: (
            r.section is not None,
            section_keys.get(r.section or "", len(section_keys) + 1),
            r.step,
            *by_name(r),
        ),
        "checks": lambda r: (r.first_try_right, r.answered, *by_name(r)),
        "exercises": lambda r: (r.exercises_solved, *by_name(r)),
        "hand": lambda r: (not r.hand_raised, r.hand_since or now, *by_name(r)),
        "active": lambda r: (r.last_active, *by_name(r)),
    }
    return keys[column]


def sort_rows(
    rows: Iterable[LearnerRow],
    column: str,
    now: datetime,
    section_keys: Mapping[str, int],
    *,
    reverse: bool = False,
) -> list[LearnerRow]:
    """``rows`` sorted by ``column`` (see :func:`sort_key`), reversed if asked."""
    return sorted(rows, key=sort_key(column, now, section_keys), reverse=reverse)


def only_stuck(rows: Iterable[LearnerRow], now: datetime) -> list[LearnerRow]:
    """The learners who are :func:`stuck`, in the order given."""
    return [r for r in rows if stuck(r, now)]


@dataclass(frozen=True, slots=True)
class Counts:
    """The class at a glance."""

    students: int
    connected: int
    hands: int
    stuck: int

    def __str__(self) -> str:
        """``40 students · 12 connected · 3 hands up · 5 stuck``."""
        s = "" if self.students == 1 else "s"
        hands = "1 hand up" if self.hands == 1 else f"{self.hands} hands up"
        return f"{self.students} student{s} · {self.connected} connected · {hands} · {self.stuck} stuck"


def counts(rows: Sequence[LearnerRow], now: datetime) -> Counts:
    """How many learners, connected, with a hand up, and stuck."""
    return Counts(
        students=len(rows),
        connected=sum(r.connected for r in rows),
        hands=sum(r.hand_raised for r in rows),
        stuck=sum(stuck(r, now) for r in rows),
    )


# -- the quick checks ---------------------------------------------------------------------------------------------


class QuestionInfo(Protocol):
    """What the view needs of a quick check (``backprop_tui.lesson.quiz.Question`` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def prompt(self) -> str: ...


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """How the class did on one quick check.

    Attributes:
        id: the question's id.
        section: the id of the section it closes.
        prompt: the question.
        answered: how many learners answered it.
        first_try_right: how many of them were right at the first try.
    """

    id: str
    section: str
    prompt: str
    answered: int
    first_try_right: int

    @property
    def share(self) -> float | None:
        """The share right at the first try among those who answered (``None`` if nobody did)."""
        return self.first_try_right / self.answered if self.answered else None

    def share_text(self) -> str:
        """The share as a percentage (``75 %``), or ``–`` if nobody answered."""
        share = self.share
        return "–" if share is None else f"{round(100 * share)} %"


def question_rows(questions: Iterable[QuestionInfo], tallies: Mapping[str, QuestionTally]) -> list[QuestionRow]:
    """One row per quick check, in the order given (the lesson's), with the class's tallies."""
    rows = []
    for q in questions:
        tally = tallies.get(q.id)
        answered, right = (tally.answered, tally.first_try_right) if tally else (0, 0)
        rows.append(QuestionRow(q.id, q.section, q.prompt, answered, right))
    return rows


def hardest(rows: Iterable[QuestionRow]) -> QuestionRow | None:
    """The answered quick check with the lowest share right at the first try (the earliest on a tie)."""
    answered = [r for r in rows if r.share is not None]
    return min(answered, key=lambda r: r.share or 0.0) if answered else None


# -- CSV ---------------------------------------------------------------------------------------------------------------


def csv_row(row: LearnerRow) -> tuple[str, ...]:
    """``row`` as the CSV's fields, in :data:`CSV_HEADER` order (the name made safe to print)."""
    return (
        safe_name(row.name),
        "yes" if row.connected else "no",
        row.section or "",
        str(row.step),
        str(row.first_try_right),
        str(row.answered),
        str(row.exercises_solved),
        "yes" if row.hand_raised else "no",
        iso_utc(row.last_active),
    )


def csv_text(rows: Iterable[LearnerRow]) -> str:
    """The CSV of ``backprop-tui class --csv``: the header, then one line per learner, each ending in ``\\n``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(r) for r in rows)
    return out.getvalue()
