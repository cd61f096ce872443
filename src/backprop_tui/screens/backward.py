"""Section 4 — the backward pass through the lesson network, one chain-rule factor per key.

Everything shown comes from one engine run of the 2-2-1 lesson network
(:func:`lesson_walk`): its forward, backward and update events, the sigmoid's
derivative from the engine's activation, and brute-force gradients from
:mod:`backprop_tui.engine.numeric`. The screen only picks what to show.

Where an idea lands, the learner computes it on their own numbers: the lesson's
weights with inputs and target drawn for their name
(:mod:`backprop_tui.models.exercises`). Every attempt is recorded in their progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Input, Static

from backprop_tui.engine.names import BLOWUP
from backprop_tui.engine.presets import LESSON_PARAMS as PARAMS
from backprop_tui.lesson import exercises as words
from backprop_tui.lesson.backward import (
    MATRIX_INTRO,
    MATRIX_NOTE,
    TRAIN_HINT,
    TRAIN_KEYS,
    parse_answer,
    train_caption,
)
from backprop_tui.lesson.walk import FACTORS, Factor
from backprop_tui.renderables.backward_steps import all_bars, exercise_prompt, factor_work, gradient_bar, update_table
from backprop_tui.renderables.lesson_network import network_diagram, param_table
from backprop_tui.renderables.matrices import backward_matrices
from backprop_tui.renderables.numbers import format_setting
from backprop_tui.renderables.palette import style
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import step
from backprop_tui.widgets.loss_chart import LossChart

if TYPE_CHECKING:
    from backprop_tui.models.exercises import Exercises
    from backprop_tui.models.lesson import LessonRun, Nudge, Walk

ALPHAS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
"""The learning rates ``+``/``-`` step through."""
DEFAULT_ALPHA = 0.5
TRAIN_CHUNK = 10
"""Steps ``t`` adds to the run."""
MAX_TRAIN = 500
EPSILON = 0.01
"""How far ``e`` nudges a weight on the bars step."""
ANSWER_KEYS = "0,1,2,3,4,5,6,7,8,9,minus,full_stop,comma"
"""Keys that start a typed answer (the box opens with the character in it)."""
ANSWER_CHARS = frozenset("0123456789-.,")


STEP_KEYS = {
    "try": "answer_box leave_answer start_answer",
    "bars": "pick nudge",
    "update": "alpha",
    "train": "alpha train reset_training",
}
"""The extra keys each kind of step enables."""


class BackwardScreen(SectionScreen):
    """The guided backward pass: every gradient of the 2-2-1 network, checked, then the update."""

    SECTION_ID = "backward"
    STEPS = tuple(step(f.id, f.label, "draw_factor", STEP_KEYS.get(f.kind, "")) for f in FACTORS)

    BINDINGS: ClassVar = [
        Binding("plus,equals_sign,up", "alpha(1)", "α up", key_display="+"),
        Binding("minus,underscore,down", "alpha(-1)", "α down", key_display="-"),
        Binding("t,T", "train", "Train 10 steps", key_display="t"),
        Binding("r,R", "reset_training", "Reset", show=False),
        Binding("enter", "answer_box", "Type your answer", key_display="enter"),
        Binding(ANSWER_KEYS, "start_answer", "Start your answer with it", show=False),
        Binding("escape", "leave_answer", "Leave the box", key_display="esc", show=False),
        Binding("up", "pick(-1)", "Pick a weight", key_display="↑↓"),
        Binding("down", "pick(1)", "Next weight", show=False),
        Binding("e,E", "nudge", "Nudge it by ε", key_display="e"),
    ]

    alpha_index: reactive[int] = reactive(ALPHAS.index(DEFAULT_ALPHA), init=False)
    """Which of :data:`ALPHAS` the update uses."""

    def __init__(self) -> None:
        super().__init__()
        self._walk: Walk | None = None
        self.run: LessonRun | None = None
        """The "keep training" run so far (``None`` before the first ``t``)."""
        self.trained = 0
        self._exercises: Exercises | None = None
        self.feedback: dict[str, Text] = {}
        """What the box last said on each exercise (by exercise id)."""
        self.solved: set[str] = set()
        """The exercises answered right since the section opened."""
        self._box_for = ""
        self._opening = False
        """The answer box was asked to open and has not taken the focus yet."""
        self.picked = 0
        """The weight ``e`` nudges on the bars step (its place in :data:`PARAMS`)."""
        self.nudged: Nudge | None = None
        """The last nudge made on the bars step."""

    @property
    def walk(self) -> Walk:
        """The engine's numbers for the whole section (computed on first use)."""
        if self._walk is None:
            from backprop_tui.models.lesson import lesson_walk

            self._walk = lesson_walk()
        return self._walk

    @property
    def exercises(self) -> Exercises:
        """This learner's own numbers and problems (computed on first use)."""
        if self._exercises is None:
            from backprop_tui.models.exercises import for_learner

            self._exercises = for_learner(self.app.learner)
        return self._exercises

    @property
    def exercise_id(self) -> str | None:
        """The id of the exercise on show, if the step is one."""
        current = self.current
        return FACTORS[self.step].name if current is not None and FACTORS[self.step].kind == "try" else None

    @property
    def alpha(self) -> float:
        """The learning rate of the update and the training run."""
        return ALPHAS[self.alpha_index]

    def compose_body(self) -> ComposeResult:
        """Heading, network, parameter table, the factor being worked out."""
        yield Static(id="heading")
        yield Static(id="diagram", classes="diagram")
        yield Static(id="params")
        yield Static(id="work", classes="prose")
        yield LossChart(id="chart", classes="prose")
        yield Input(placeholder="type a number, then enter", id="answer", select_on_focus=False)
        yield Static(id="feedback", classes="prose")

    # -- keys --------------------------------------------------------------------------------------

    def action_alpha(self, direction: int) -> None:
        """The next larger or smaller learning rate."""
        self.alpha_index = max(0, min(len(ALPHAS) - 1, self.alpha_index + direction))

    def watch_alpha_index(self) -> None:
        """A new α: a new update, and the training run starts over (at step 0)."""
        self.trained = 0
        self.run = None
        if self.on_step("update", "train"):
            self.redraw()

    def action_train(self) -> None:
        """Ten more SGD steps at α (the run is replayed from the start: it is cheap and exact)."""
        if self.run is not None and self.run.diverged:
            self.app.say("This run was stopped when it diverged: press r, or change α, to start again.")
            return
        if self.trained >= MAX_TRAIN:
            self.app.say(f"That's {MAX_TRAIN} steps: press r to start again.")
            return
        self.trained += TRAIN_CHUNK
        from backprop_tui.models.lesson import lesson_run

        self.run = lesson_run(self.alpha, self.trained)
        self.redraw()

    def action_reset_training(self) -> None:
        """Back to the untrained network."""
        self.trained = 0
        self.run = None
        self.redraw()

    def action_answer_box(self) -> None:
        """Into the answer box."""
        self.query_one("#answer", Input).focus()

    def action_start_answer(self, char: str = "") -> None:
        """Into the answer box, with ``char`` typed in it (keys typed before the box has taken the
        focus, as from a quick typist, go on the end)."""
        box = self.query_one("#answer", Input)
        if self._opening:
            box.value += char
            box.cursor_position = len(box.value)
            return
        self._opening = True
        box.focus()
        if char:
            box.value = char
            box.cursor_position = len(char)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The box has the focus: from now on it takes the keys itself."""
        self._opening = False

    def on_key(self, event: events.Key) -> None:
        """On an exercise, a digit, ``-``, ``.`` or ``,`` starts the answer rather than jumping to a section.

        (The app binds 1–8 to the sections; this screen sees the key first.)
        """
        char = event.character
        if char and char in ANSWER_CHARS and self.check_action("start_answer", ()):
            event.stop()
            event.prevent_default()
            self.action_start_answer(char)

    def allows(self, action: str) -> bool:
        """The box's keys only while it is closed (open, it takes the keys itself)."""
        if action in ("start_answer", "answer_box"):
            return not self.query_one("#answer", Input).has_focus
        return True

    def action_leave_answer(self) -> None:
        """Out of the answer box, so n and p step again."""
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Check the learner's answer to the exercise on show, on their own numbers."""
        event.stop()
        exercise = self.exercise_id
        if exercise is None:
            return
        parsed = parse_answer(event.value)
        if isinstance(parsed, str):
            self.feedback[exercise] = Text(parsed, style="bold")
            self.query_one("#feedback", Static).update(self.feedback[exercise])
            return  # not an attempt: nothing to record
        ex = self.exercises
        problem = ex[exercise]
        right = problem.is_right(parsed)
        self.app.store.record_exercise(self.app.learner, exercise, right)
        if right:
            self.solved.add(exercise)
            loss_after = None
            if exercise == "backward-update":
                from backprop_tui.models.lesson import nudge

                w = ex.walk
                loss_after = nudge("v1", problem.want - w.params["v1"], w.x, (w.target,)).loss_after
            message = Text.assemble(("✓ Right: ", style("right", bold=True)), words.right(exercise, ex, loss_after))
            self.set_focus(None)
        else:
            message = Text.assemble(("✗ ", style("wrong", bold=True)), words.hint(exercise, problem.mistake(parsed), ex))
        self.feedback[exercise] = message
        self.query_one("#feedback", Static).update(message)

    def action_pick(self, direction: int) -> None:
        """Mark the weight above or below on the bars step."""
        self.picked = (self.picked + direction) % len(PARAMS)
        self.nudged = None
        self.redraw()

    def action_nudge(self) -> None:
        """Move the marked weight by ε (the next press: by −ε) and rerun forward: ΔL beside ∂L/∂w × ε."""
        from backprop_tui.models.lesson import nudge

        name = PARAMS[self.picked]
        sign = -1.0 if self.nudged is not None and self.nudged.name == name and self.nudged.delta > 0 else 1.0
        self.nudged = nudge(name, sign * EPSILON)
        self.redraw()

    # -- drawing -------------------------------------------------------------------------------------

    def draw_factor(self) -> None:
        """Draw the step on show: one of :data:`FACTORS`."""
        walk = self.walk
        step = self.step
        factor = FACTORS[step]
        shown = frozenset(n for s in FACTORS[: step + 1] for n in s.reveals)
        heading = self.query_one("#heading", Static)
        heading.update(Text(factor.label if step else "The lesson network, ready to learn", style="bold"))
        diagram = self.query_one("#diagram", Static)
        params = self.query_one("#params", Static)
        answer = self.query_one("#answer", Input)
        feedback = self.query_one("#feedback", Static)
        turn = factor.kind == "try"
        answer.display = turn
        feedback.display = turn
        big = factor.kind in ("bars", "train", "matrix")
        diagram.display = not big
        train = factor.kind == "train"
        self.query_one("#work", Static).display = not train
        self.query_one(LossChart).display = train
        params.display = factor.kind not in ("bars", "update", "train", "matrix", "try")
        if turn:
            diagram.update(network_diagram(self.exercises.walk, factor.focus))
        elif not big:
            diagram.update(network_diagram(walk, factor.focus))
            params.update(param_table(walk, shown, factor.focus))
        if train:
            self.show_training()
        else:
            self.query_one("#work", Static).update(self.work(factor))
        if turn:
            if self._box_for != factor.name:
                self._box_for = factor.name
                answer.value = ""
                answer.placeholder = f"{words.ASKED[factor.name]} = ?  (type a number, then enter)"
            feedback.update(self.feedback.get(factor.name) or self.waiting(factor.name))
        elif answer.has_focus:
            self.set_focus(None)

    def work(self, factor: Factor) -> RenderableType:
        """The formula of the step with the engine's numbers put in (or the step's own drawing)."""
        kind = factor.kind
        if kind == "try":
            return self.exercise_prompt(factor.name)
        if kind == "matrix":
            return self.matrices()
        if kind == "bars":
            return self.all_bars()
        if kind == "update":
            from backprop_tui.models.lesson import lesson_update

            return update_table(self.walk, lesson_update(self.alpha))
        from backprop_tui.models.lesson import FD_STEP

        return factor_work(self.walk, kind, factor.name, self.bar, FD_STEP)

    def bar(self, name: str, width: int = 20, marked: bool | None = None) -> Text:
        """``name``'s gradient as a bar (see :func:`gradient_bar`)."""
        return gradient_bar(self.walk, name, width, marked)

    def all_bars(self) -> Group:
        """Every gradient as a bar, and the nudge (see :func:`all_bars`)."""
        return all_bars(self.walk, self.picked, self.nudged)

    def matrices(self) -> Group:
        """The backward pass as matrix products, with shapes, from :func:`matrix_pass`."""
        from backprop_tui.models.lesson import matrix_pass

        m = matrix_pass(self.walk)
        return Group(Text(MATRIX_INTRO, style="dim"), backward_matrices(m), Text(MATRIX_NOTE, style="dim"))

    def waiting(self, exercise: str) -> Text:
        """What the box says before an answer (and whether this one was solved before)."""
        if exercise in self.app.store.exercises_solved(self.app.learner):
            return Text.assemble(("✓ ", style("right", bold=True)), words.SOLVED_BEFORE)
        return Text(words.HOW_TO_ANSWER, style="dim")

    def exercise_prompt(self, exercise: str) -> Text:
        """The question on the learner's own numbers (see :func:`exercise_prompt`)."""
        return exercise_prompt(exercise, self.exercises, self.app.learner)

    def show_training(self) -> None:
        """The loss over the steps trained so far, and what the run did."""
        chart = self.query_one(LossChart)
        chart.heading = Text.assemble(("α = ", "bold"), (format_setting(self.alpha), "bold reverse"), (TRAIN_KEYS, "dim"))
        chart.hint = TRAIN_HINT
        run = self.run
        chart.losses = run.losses if run is not None else ()
        chart.caption = Text(train_caption(run, BLOWUP), style="bold" if run.diverged else "") if run else Text("")
