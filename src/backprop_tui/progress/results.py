"""A learner's results: what the finish screen and the certificate show, read from the store."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import BY_ID, SECTION_IDS
from backprop_tui.progress.queries import ProgressStore


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
        unanswered: ids of the quick checks still without an answer, in lesson order.
    """

    visited: tuple[str, ...]
    sections_total: int
    answered: int
    questions_total: int
    score: int
    seconds: float
    unanswered: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Every section visited and every quick check answered."""
        return len(self.visited) >= self.sections_total and self.answered >= self.questions_total

    @property
    def missing(self) -> tuple[str, ...]:
        """What is left, in words: unvisited sections, then unanswered quick checks per section."""
        seen = set(self.visited)
        items = [f"section {s.key} {s.title}" for s in (BY_ID[i] for i in SECTION_IDS) if s.id not in seen]
        left = set(self.unanswered)
        per_section = Counter(q.section for q in QUESTIONS if q.id in left)
        for section_id in SECTION_IDS:
            if n := per_section[section_id]:
                s = BY_ID[section_id]
                items.append(f"{n} quick check{'s' if n > 1 else ''} in section {s.key} {s.title}")
        if (other := self.questions_total - self.answered - sum(per_section.values())) > 0:
            items.append(f"{other} quick check{'s' if other > 1 else ''}")
        return tuple(items)


def results(store: ProgressStore, learner: str) -> Results:
    """``learner``'s results so far (answers to questions no longer in the lesson are ignored)."""
    seen = store.visited(learner)
    answers = store.answers(learner)
    current = [answers.get(q.id) for q in QUESTIONS]
    return Results(
        visited=tuple(s for s in SECTION_IDS if s in seen),
        sections_total=len(SECTION_IDS),
        answered=sum(a is not None for a in current),
        questions_total=len(QUESTIONS),
        score=sum(a is not None and a.correct for a in current),
        seconds=store.seconds(learner),
        unanswered=tuple(q.id for q, a in zip(QUESTIONS, current, strict=True) if a is None),
    )
