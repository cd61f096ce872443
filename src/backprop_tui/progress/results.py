"""A learner's results: what the finish screen and the certificate show, read from the store, and the pass mark.

The pass mark (what the certificate needs): every section visited, every quick
check answered, at least :data:`PASS_PERCENT` % of the quick checks right at the
first try, and every exercise of :data:`~backprop_tui.lesson.exercises.EXERCISES`
solved. Until then :attr:`Results.missing` names each thing still to do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from backprop_tui.lesson.exercises import EXERCISES
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import BY_ID, SECTION_IDS, SECTIONS, Section
from backprop_tui.progress.queries import ProgressStore
from backprop_tui.progress.records import plural

PASS_PERCENT = 70
"""The certificate needs at least this share of the quick checks right at the first try, in per cent."""


def first_try_needed(questions: int) -> int:
    """How many of ``questions`` quick checks must be right at the first try: :data:`PASS_PERCENT` %, rounded up."""
    return -(-PASS_PERCENT * questions // 100)  # integers only: 70 % of 10 is 7, never 7.000000001


def exercise_section(exercise_id: str) -> Section:
    """The section an exercise belongs to: the one whose id starts its own (``backward-v1``: section 4)."""
    owners = [s for s in SECTIONS if exercise_id.startswith(s.id + "-")]
    return max(owners, key=lambda s: len(s.id)) if owners else BY_ID["backward"]


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    """One typed-answer exercise, as far as the learner has got with it.

    Attributes:
        id: the exercise's id in progress.
        title: what it asks for, in words (``∂L/∂v1``).
        attempts: answers the learner has checked (0: not tried yet).
        solved: whether one of them was right.
    """

    id: str
    title: str
    attempts: int
    solved: bool

    @property
    def section(self) -> Section:
        """The section that asks it."""
        return exercise_section(self.id)

    @property
    def status(self) -> str:
        """``solved, 2 attempts``, ``not solved yet, 1 attempt`` or ``not tried yet``."""
        if self.attempts == 0 and not self.solved:
            return "not tried yet"
        tries = plural(self.attempts, "attempt")
        return f"solved, {tries}" if self.solved else f"not solved yet, {tries}"


@dataclass(frozen=True, slots=True)
class Results:
    """How far a learner has come: what the finish screen and the certificate show.

    Attributes:
        visited: the sections opened, in lesson order.
        sections_total: how many sections the lesson has.
        answered: how many of the lesson's quick checks have an answer.
        questions_total: how many quick checks the lesson has.
        score: how many were answered right on the first try.
        seconds: time spent in the lesson.
        exercises: every exercise of the lesson, in lesson order, with the learner's attempts.
        unanswered: ids of the quick checks still without an answer, in lesson order.
    """

    visited: tuple[str, ...]
    sections_total: int
    answered: int
    questions_total: int
    score: int
    seconds: float
    exercises: tuple[ExerciseResult, ...]
    unanswered: tuple[str, ...] = ()

    @property
    def first_try_needed(self) -> int:
        """How many quick checks the pass mark needs right at the first try."""
        return first_try_needed(self.questions_total)

    @property
    def still_open(self) -> int:
        """Quick checks without an answer: the only first tries left to take."""
        return max(self.questions_total - self.answered, 0)

    @property
    def score_in_reach(self) -> bool:
        """Whether the first-try score can still reach the pass mark (a first try can't be taken again)."""
        return self.score + self.still_open >= self.first_try_needed

    @property
    def exercises_solved(self) -> int:
        """How many exercises are solved."""
        return sum(e.solved for e in self.exercises)

    @property
    def exercise_attempts(self) -> int:
        """Answers checked over every exercise."""
        return sum(e.attempts for e in self.exercises)

    @property
    def passed(self) -> bool:
        """The pass mark: every section visited, every quick check answered, enough of them right at the
        first try, and every exercise solved. The certificate needs it."""
        return (
            len(self.visited) >= self.sections_total
            and self.answered >= self.questions_total
            and self.score >= self.first_try_needed
            and all(e.solved for e in self.exercises)
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """What is left before the pass mark, one sentence per kind, each thing named: unvisited sections,
        open quick checks (per section), the first-try score, unsolved exercises (per section)."""
        items: list[str] = []
        seen = set(self.visited)
        if unvisited := [f"section {s.key} {s.title}" for s in SECTIONS if s.id not in seen]:
            items.append(f"Visit {and_list(unvisited)}.")
        left = set(self.unanswered)
        per_section = Counter(q.section for q in QUESTIONS if q.id in left)
        if self.still_open == 1 and sum(per_section.values()) == 1:
            s = BY_ID[next(iter(+per_section))]
            items.append(f"Answer the quick check still open, in section {s.key} {s.title}.")
        elif self.still_open:
            where = [f"{n} in section {BY_ID[s].key} {BY_ID[s].title}" for s in SECTION_IDS if (n := per_section[s])]
            if (other := self.still_open - sum(per_section.values())) > 0:
                where.append(f"{other} more")
            items.append(f"Answer the {plural(self.still_open, 'quick check')} still open: {and_list(where)}.")
        if self.score < (needed := self.first_try_needed):
            mark = f"{needed} of {self.questions_total} ({PASS_PERCENT} %)"
            if self.score_in_reach:
                items.append(
                    f"Get {needed - self.score} more right at the first try among the {self.still_open} still open: "
                    f"{self.score} right so far, {mark} needed."
                )
            else:
                best = (
                    f"even with all {self.still_open} still open right you would have {self.score + self.still_open}"
                    if self.still_open
                    else "every quick check has had its first try"
                )
                items.append(
                    f"Reach {mark} right at the first try: you have {self.score}, and {best}. "
                    "A first try can't be taken again, so this needs a fresh start."
                )
        unsolved: dict[str, list[ExerciseResult]] = {}
        for e in self.exercises:
            if not e.solved:
                unsolved.setdefault(e.section.id, []).append(e)
        for section_id, open_ones in unsolved.items():
            s = BY_ID[section_id]
            named = "; ".join(f"{e.title} ({e.status})" for e in open_ones)
            what = "the exercise" if len(open_ones) == 1 else f"the {len(open_ones)} exercises"
            items.append(f"Solve {what} of section {s.key} {s.title} still open: {named}.")
        return tuple(items)




def and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def results(store: ProgressStore, learner: str) -> Results:
    """``learner``'s results so far (answers to questions and exercises no longer in the lesson are ignored)."""
    seen = store.visited(learner)
    answers = store.answers(learner)
    tried = store.exercise_attempts(learner)
    current = [answers.get(q.id) for q in QUESTIONS]
    return Results(
        visited=tuple(s for s in SECTION_IDS if s in seen),
        sections_total=len(SECTION_IDS),
        answered=sum(a is not None for a in current),
        questions_total=len(QUESTIONS),
        score=sum(a is not None and a.correct for a in current),
        seconds=store.seconds(learner),
        exercises=tuple(ExerciseResult(e.id, e.title, *tried.get(e.id, (0, False))) for e in EXERCISES),
        unanswered=tuple(q.id for q, a in zip(QUESTIONS, current, strict=True) if a is None),
    )
