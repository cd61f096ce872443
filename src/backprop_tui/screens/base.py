"""What every section screen shares: steps, quick checks, the step bar, the too-small notice.

A section is a table of steps (:data:`SectionScreen.STEPS`, one :class:`Step`
each): an id that tests and code address it by, the label of the step bar,
the method that draws it, the extra actions it enables and whether a new
terminal size redraws it. Its quick checks follow, one step each. From the
table alone the base derives the step bar, which keys work (``check_action``
and so the footer) and resize handling. ``n``/``space``/``right`` moves on
(past the last step: to the next section), ``p``/``left`` moves back,
``a``–``d`` answers a check.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Static

from backprop_tui.lesson.quiz import LETTERS, Question, questions_for
from backprop_tui.lesson.sections import BY_ID, neighbour
from backprop_tui.screens.steps import Step, index_of
from backprop_tui.widgets.lesson_footer import LessonFooter
from backprop_tui.widgets.quick_check import QuickCheck
from backprop_tui.widgets.step_bar import StepBar

if TYPE_CHECKING:
    from backprop_tui.app import BackpropApp

LESSON_DONE = "That's the end of the lesson. q quits (your place is kept); p goes back; 1–8 open any section."

MIN_WIDTH = 80
MIN_HEIGHT = 24

WIDE = 140
"""From this many columns the text is centred in a column of its own (app.tcss ``.-wide``)."""
TEXT_COLUMN = 100
"""The widest the text gets (app.tcss ``.prose``): longer lines are hard to read."""


class SectionScreen(Screen[None]):
    """One lesson section. Subclasses set ``SECTION_ID`` and ``STEPS`` and draw each step."""

    AUTO_FOCUS = ""  # focus nothing: the arrow keys step the lesson, they do not scroll
    SECTION_ID: ClassVar[str] = ""
    STEPS: ClassVar[tuple[Step, ...]] = ()
    """The section's own steps, in order (its quick checks follow them)."""

    BINDINGS = [
        Binding("right,n,N,space", "next_step", "Next", key_display="n"),
        Binding("left,p,P", "previous_step", "Back", key_display="p"),
        *(
            Binding(f"{letter},{letter.upper()}", f"answer('{letter}')", "Answer", key_display="a–d", show=letter == "a")
            for letter in LETTERS
        ),
        Binding("up", "cursor(-1)", "Previous option, or scroll up, or back", show=False),
        Binding("down", "cursor(1)", "Next option, or scroll down, or next", show=False),
        Binding("enter", "enter", "Next (or answer the option under the cursor)", show=False),
        Binding("home", "first_step", "First step of the section", show=False),
        Binding("end", "last_step", "Last step of the section", show=False),
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
        yield LessonFooter()

    def compose_body(self) -> ComposeResult:
        """The section's own widgets (shown for its own steps): by default a heading,
        a picture (``#diagram``) and text (``#prose``); sections that need more override it."""
        yield Static(id="heading")
        yield Static(id="diagram", classes="diagram")
        yield Static(id="prose", classes="prose")

    # -- steps -----------------------------------------------------------------------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Check the step table once, when the section is defined: ids unique, drawers present."""
        super().__init_subclass__(**kwargs)
        ids = [s.id for s in cls.STEPS]
        if len(set(ids)) != len(ids):
            raise TypeError(f"{cls.__name__}: step ids repeat: {ids}")
        for s in cls.STEPS:
            if not callable(getattr(cls, s.method, None)):
                raise TypeError(f"{cls.__name__}: step {s.id!r} needs a method {s.method}()")
        cls.STEP_KEYS = frozenset(k for s in cls.STEPS for k in s.keys)

    STEP_KEYS: ClassVar[frozenset[str]] = frozenset()
    """Every action that some step enables: these work only on the steps that name them."""

    @classmethod
    def step_index(cls, step_id: str) -> int:
        """The position of the step ``step_id`` (``KeyError`` if the section has none)."""
        return index_of(cls.STEPS, step_id)

    @property
    def own_steps(self) -> int:
        """How many steps the section has before its quick checks."""
        return len(self.STEPS)

    @property
    def current(self) -> Step | None:
        """The section's own step on show, or ``None`` on a quick check."""
        return self.STEPS[self.step] if self.step < self.own_steps else None

    @property
    def step_id(self) -> str:
        """The id of the step on show (``check-1``, ``check-2`` … for the quick checks)."""
        current = self.current
        return current.id if current is not None else f"check-{self.step - self.own_steps + 1}"

    def on_step(self, *step_ids: str) -> bool:
        """Whether one of the section's own steps ``step_ids`` is on show."""
        current = self.current
        return current is not None and current.id in step_ids

    @property
    def total_steps(self) -> int:
        """Every step, quick checks included."""
        return self.own_steps + len(self.questions)

    @property
    def question(self) -> Question | None:
        """The quick check on show, or ``None`` on one of the section's own steps."""
        i = self.step - self.own_steps
        return self.questions[i] if 0 <= i < len(self.questions) else None

    def go_to_step(self, step: int | str) -> None:
        """Show ``step``: an id, or a position (negative counts from the end), clamped to the section."""
        if isinstance(step, str):
            step = self.step_index(step) if not step.startswith("check-") else self.own_steps + int(step[6:]) - 1
        if step < 0:
            step += self.total_steps
        self.step = max(0, min(step, self.total_steps - 1))

    HAND = " · ✋ hand up"
    """Added to the header while the learner's hand is raised (the notice says h lowers it: the header has no room)."""

    def show_hand(self, raised: bool) -> None:
        """Say in the header whether the learner's hand is up."""
        self.sub_title = self.section.place + (self.HAND if raised else "")

    def on_screen_resume(self) -> None:
        """Coming (back) on screen: the header says whether the hand is up (it may have changed elsewhere)."""
        self.show_hand(self.app.store.hand_raised(self.app.learner))

    def on_mount(self) -> None:
        """Start at ``start_step`` (set by the app before mounting); once it is on screen, keep the
        collector off the section's widgets, which live as long as the app (see ``app._import_engine``)."""
        self.go_to_step(self.start_step)
        self._show()
        self.call_after_refresh(gc.freeze)

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
        self.set_class(question is not None, "-on-check")  # app.tcss shows the check or the body
        if question is None:
            bar.label = self.STEPS[self.step].label
            self.redraw()
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
        """Redraw the footer only when the keys it shows have changed: it is the costliest repaint.

        Keys the footer never shows (``show=False``) are left out: whether they work is asked
        afresh at every key press, and a change in them would redraw the footer for nothing.
        """
        enabled = frozenset(
            binding.action
            for bindings in self._bindings.key_to_bindings.values()
            for binding in bindings
            if binding.show and self.check_action(binding.action.partition("(")[0], ())
        )
        if enabled != self._enabled_keys:
            self._enabled_keys = enabled
            if self.is_mounted:
                self.query_one(LessonFooter).bindings_changed(self)  # now, so the step and its keys share a layout
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

    def recolour(self) -> None:
        """A new theme: draw the step on show again, in the theme's colours (the app calls this)."""
        self.redraw()

    def redraw(self) -> None:
        """Draw the section's own step on show again, with its method from the table (not on a quick check)."""
        current = self.current
        if current is not None:
            getattr(self, current.method)()

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing steps while the lesson is hidden as too small; a–d only answer on a quick-check
        step; a step's own keys work only on the steps whose table entry names them, and then only
        if :meth:`allows` agrees."""
        if self.has_class("-too-small") and action not in ("quit", "help"):
            return False
        if action == "answer":
            return self.question is not None
        if action == "cursor":  # a quick check's options, else the text scrolls, unless the step has its own ↑/↓
            return self.question is not None or not (self._step_claims("up") or self._step_claims("down"))
        if action == "enter":
            return not self._step_claims("enter")
        if action in self.STEP_KEYS:
            current = self.current
            return current is not None and action in current.keys and self.allows(action)
        return True

    def allows(self, action: str) -> bool:
        """Whether the step key ``action``, enabled by the step on show, works just now (default: yes).

        Sections override this for conditions beyond the step (a run in progress, a box open).
        """
        return True

    @property
    def own_actions(self) -> frozenset[str]:
        """The actions of the step on show (the footer puts their keys first): a quick check's answers."""
        if self.question is not None:
            return frozenset({"answer"})
        current = self.current
        return current.keys if current is not None else frozenset()

    def _step_claims(self, key: str) -> bool:
        """Whether the step on show has a key of its own on ``key`` (its box's enter, say)."""
        current = self.current
        return current is not None and any(
            b.action.partition("(")[0] in current.keys for b in self._bindings.key_to_bindings.get(key, ())
        )

    def action_next_step(self) -> None:
        """The next step; past the last one, the next section from its start (the lesson's end says so)."""
        if self.step < self.total_steps - 1:
            self.step += 1
        elif (nxt := neighbour(self.SECTION_ID, 1)) is not None:
            self.app.goto(nxt, 0)
        else:
            self.app.say(LESSON_DONE, timeout=6)

    def action_enter(self) -> None:
        """enter: answer the option under the cursor on a quick check, else move on."""
        quiz = self.query_one(QuickCheck)
        if self.question is not None and quiz.cursor is not None:
            self.action_answer(LETTERS[quiz.cursor])
        else:
            self.action_next_step()

    def action_cursor(self, delta: int) -> None:
        """↑/↓ on a quick check: move the cursor over the options (enter answers). Elsewhere, as in a
        pager: scroll the text while there is more of it that way, then move to the next (previous) step."""
        if self.question is None:
            body = self.query_one("#body", VerticalScroll)
            if delta > 0 and body.scroll_y < body.max_scroll_y:
                body.scroll_down()
            elif delta < 0 and body.scroll_y > 0:
                body.scroll_up()
            elif delta > 0:
                self.action_next_step()
            else:
                self.action_previous_step()
            return
        quiz = self.query_one(QuickCheck)
        n = len(LETTERS)
        quiz.cursor = (0 if delta > 0 else n - 1) if quiz.cursor is None else (quiz.cursor + delta) % n

    def action_first_step(self) -> None:
        """home: the section's first step."""
        self.step = 0

    def action_last_step(self) -> None:
        """end: the section's last step (its last quick check)."""
        self.step = self.total_steps - 1

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

    def _centre_text(self, width: int) -> None:
        """On a wide terminal, the heading, the text and a quick check sit in a centred column."""
        wide = width >= WIDE
        self.set_class(wide, "-wide")
        margin = (width - 2 - TEXT_COLUMN) // 2 if wide else 0
        for widget in self.query("#body > .prose, #body > .overlay > .prose, #body > #heading, #body > Input, #quiz"):
            widget.styles.margin = (0, 0, 0, margin)

    def on_resize(self, event: Resize) -> None:
        """Below 80×24, hide the lesson and say how big the terminal needs to be; otherwise
        redraw a step whose table entry says its drawing depends on the room."""
        width, height = event.size
        self._centre_text(width)
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small != self.has_class("-too-small"):
            self.set_class(small, "-too-small")
            self._enabled_keys = None
            self._refresh_keys()  # keys stop (or start again) working
        current = self.current
        if not small and current is not None and current.resize:
            self.redraw()
        if small:
            self.query_one("#too-small-text", Static).update(
                f"This terminal is {width}×{height}.\n"
                f"The lesson needs at least {MIN_WIDTH}×{MIN_HEIGHT}:\n"
                "please make the window larger.\n\n"
                "(q quits; your place is saved.)"
            )
