"""What every section screen shares: steps, quick checks, the step bar, the too-small notice.

A section is a sequence of steps. Its own steps come first (the subclass says
how many and draws each in :meth:`SectionScreen.show_step`); its quick checks
follow, one step each. ``n``/``space``/``right`` moves on (past the last step:
to the next section), ``p``/``left`` moves back, ``a``–``d`` answers a check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from backprop_tui.lesson.quiz import LETTERS, Question, questions_for
from backprop_tui.lesson.sections import BY_ID, neighbour
from backprop_tui.widgets.quick_check import QuickCheck
from backprop_tui.widgets.step_bar import StepBar

if TYPE_CHECKING:
    from backprop_tui.app import BackpropApp

MIN_WIDTH = 80
MIN_HEIGHT = 24


class SectionScreen(Screen[None]):
    """One lesson section. Subclasses set ``SECTION_ID``, ``STEP_LABELS`` and draw steps."""

    AUTO_FOCUS = ""  # focus nothing: the arrow keys step the lesson, they do not scroll
    SECTION_ID: ClassVar[str] = ""
    STEP_LABELS: ClassVar[tuple[str, ...]] = ()
    """One short label per step of the section's own (before the quick checks)."""

    BINDINGS = [
        Binding("right,n,space", "next_step", "Next", key_display="n"),
        Binding("left,p", "previous_step", "Back", key_display="p"),
        *(Binding(letter, f"answer('{letter}')", "Answer", key_display="a–d", show=letter == "a") for letter in LETTERS),
    ]

    step: reactive[int] = reactive(0, init=False)
    """The step on show, from 0 (the quick checks are the last steps)."""

    def __init__(self) -> None:
        super().__init__(name=self.SECTION_ID)
        self.section = BY_ID[self.SECTION_ID]
        self.questions: tuple[Question, ...] = questions_for(self.SECTION_ID)
        self.start_step = 0
        self._enabled_keys: frozenset[str] | None = None
        self.title = "backprop-tui"
        self.sub_title = self.section.place

    @property
    def app(self) -> BackpropApp:  # type: ignore[override]
        """The lesson app."""
        return super().app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, step bar, the section's body or its quick check, footer."""
        yield Header(icon="∂")
        yield StepBar()
        with VerticalScroll(id="body"):
            yield from self.compose_body()
        yield QuickCheck(id="quiz")
        with Vertical(id="too-small"):
            yield Static(id="too-small-text")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The section's own widgets (shown for its own steps): by default a heading,
        a picture (``#diagram``) and text (``#prose``); sections that need more override it."""
        yield Static(id="heading")
        yield Static(id="diagram", classes="diagram")
        yield Static(id="prose", classes="prose")

    # -- steps -----------------------------------------------------------------------

    @property
    def own_steps(self) -> int:
        """How many steps the section has before its quick checks."""
        return len(self.STEP_LABELS)

    @property
    def total_steps(self) -> int:
        """Every step, quick checks included."""
        return self.own_steps + len(self.questions)

    @property
    def question(self) -> Question | None:
        """The quick check on show, or ``None`` on one of the section's own steps."""
        i = self.step - self.own_steps
        return self.questions[i] if 0 <= i < len(self.questions) else None

    def go_to_step(self, step: int) -> None:
        """Show ``step`` (negative counts from the end), clamped to the section."""
        if step < 0:
            step += self.total_steps
        self.step = max(0, min(step, self.total_steps - 1))

    def on_mount(self) -> None:
        """Start at ``start_step`` (set by the app before mounting)."""
        self.go_to_step(self.start_step)
        self._show()

    def watch_step(self, old: int, new: int) -> None:
        """Redraw for the new step and save the place."""
        self._show()
        if self.app.section_screen is self:
            self.app.save_position(self.SECTION_ID, new)

    def _show(self) -> None:
        bar = self.query_one(StepBar)
        bar.total = self.total_steps
        bar.step = self.step
        question = self.question
        quiz = self.query_one(QuickCheck)
        self.query_one("#body").display = question is None
        quiz.display = question is not None
        if question is None:
            bar.label = self.STEP_LABELS[self.step]
            self.show_step(self.step)
        else:
            i = self.questions.index(question)
            bar.label = "Quick check"
            first = self.app.store.answers(self.app.learner).get(question.id)
            quiz.question = question
            quiz.number = f"{i + 1} of {len(self.questions)}" if len(self.questions) > 1 else ""
            quiz.first = first.choice if first else None
            quiz.chosen = first.choice if first else None
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Redraw the footer only when the keys that work have changed: it is the costliest repaint."""
        enabled = frozenset(
            binding.action
            for bindings in self._bindings.key_to_bindings.values()
            for binding in bindings
            if self.check_action(binding.action.partition("(")[0], ())
        )
        if enabled != self._enabled_keys:
            self._enabled_keys = enabled
            self.refresh_bindings()

    def put(self, heading: str | RenderableType, prose: RenderableType, diagram: RenderableType | None = None) -> None:
        """Fill the default body: a heading (a plain string is set bold), the text, and the
        picture between them (hidden when ``None``)."""
        self.query_one("#heading", Static).update(Text(heading, style="bold") if isinstance(heading, str) else heading)
        picture = self.query_one("#diagram", Static)
        picture.display = diagram is not None
        if diagram is not None:
            picture.update(diagram)
        self.query_one("#prose", Static).update(prose)

    def show_step(self, step: int) -> None:
        """Draw the section's own step ``step`` (0 ≤ step < own_steps)."""

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing steps while the lesson is hidden as too small; a–d only answer on a quick-check step."""
        if self.has_class("-too-small") and action not in ("quit", "help"):
            return False
        if action == "answer":
            return self.question is not None
        return True

    def action_next_step(self) -> None:
        """The next step; past the last one, the next section."""
        if self.step < self.total_steps - 1:
            self.step += 1
        else:
            self.app.action_next_section()

    def action_previous_step(self) -> None:
        """The step before; before the first one, the end of the previous section."""
        if self.step > 0:
            self.step -= 1
        elif (prev := neighbour(self.SECTION_ID, -1)) is not None:
            self.app.goto(prev, -1)

    def action_answer(self, letter: str) -> None:
        """Answer the quick check on show (the first answer is the one scored)."""
        question = self.question
        if question is None:
            return
        quiz = self.query_one(QuickCheck)
        self.app.store.record_answer(self.app.learner, question.id, letter, question.is_correct(letter))
        quiz.first = quiz.first or letter
        quiz.chosen = letter
        self.app.record_activity()

    # -- terminal size ------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        """Below 80×24, hide the lesson and say how big the terminal needs to be."""
        width, height = event.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small != self.has_class("-too-small"):
            self.set_class(small, "-too-small")
            self._enabled_keys = None
            self._refresh_keys()  # keys stop (or start again) working
        if small:
            self.query_one("#too-small-text", Static).update(
                f"This terminal is {width}×{height}.\n"
                f"The lesson needs at least {MIN_WIDTH}×{MIN_HEIGHT}:\n"
                "please make the window larger.\n\n"
                "(q quits; your place is saved.)"
            )
