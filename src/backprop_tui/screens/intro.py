"""Section 1 — why backpropagation: the learning problem and a chain lit forward, then backward.

Every value and derivative on the diagram comes from the engine's
:func:`~backprop_tui.engine.chain.lesson_chain` events; the screen only
chooses how many of them to show.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from backprop_tui.lesson.texts import HISTORY, PROBLEM, SEARCH, WHY
from backprop_tui.renderables.numbers import format_number, format_setting
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import index_of, step

if TYPE_CHECKING:
    from backprop_tui.engine.chain import Chain
    from backprop_tui.engine.events import ChainBackwardEvent, ChainForwardEvent
    from backprop_tui.models.search import Race
    from backprop_tui.renderables.chain import ChainDiagram


TITLES = ("x", "h(x)", "g(h)", "f(g)", "L")
"""The boxes' titles: the input, then each function of the one before."""
SHORT = ("input", "x²−1", "4−h", "g²+4", "½(f−3)²")
"""What each box computes, short enough for a box."""


class IntroScreen(SectionScreen):
    """Why backprop matters, the learning problem, a chain forward and backward, a little history."""

    SECTION_ID = "intro"
    STEPS = (
        step("why", "Why it matters"),
        step("search", "Guessing or the gradient"),
        step("problem", "The learning problem"),
        *(step(f"forward-{name}", f"Forward: {name}", "draw_flow") for name in ("x", "h", "g", "f", "L")),
        *(step(f"backward-{name}", f"Backward: dL/d{name}", "draw_flow") for name in ("L", "f", "g", "h", "x")),
        step("history", "A short history"),
    )

    FORWARD = index_of(STEPS, "forward-x")
    """The first forward step."""
    BACKWARD = index_of(STEPS, "backward-L")
    """The first backward step."""

    @cached_property
    def chain(self) -> Chain:
        """The lesson's chain, built when a step first needs it (not on the first frame)."""
        from backprop_tui.engine.chain import lesson_chain

        return lesson_chain()

    @cached_property
    def forward_events(self) -> list[ChainForwardEvent]:
        """The chain's values, as the engine computes them."""
        return list(self.chain.forward())

    @cached_property
    def backward_events(self) -> list[ChainBackwardEvent]:
        """The chain rule, node by node, from L back to x."""
        return list(self.chain.backward())

    def draw_why(self) -> None:
        """Why backprop matters."""
        self.put("Why backpropagation matters", WHY)

    def draw_search(self) -> None:
        """Random steps against one gradient step, on a real network of the engine's."""
        race = self.race
        words = SEARCH.format(
            lowered=race.lowered,
            tries=race.tries,
            best_share=share(race.best_drop, race.gradient_drop),
            typical_share=share(race.typical_drop, race.gradient_drop),
        )
        self.put("Guessing against the gradient", words, race_table(race))

    @cached_property
    def race(self) -> Race:
        """The race, run by the engine when the step is first shown (the same every time: seeded)."""
        from backprop_tui.models.search import race

        return race()

    def draw_problem(self) -> None:
        """The learning problem."""
        self.put("The learning problem", PROBLEM, self.problem())

    def draw_flow(self) -> None:
        """The chain, lit up to the step on show, forward then backward."""
        flow = "Forward flow" if self.step < self.BACKWARD else "Backward flow"
        self.put(flow, self.explain(self.step), self.diagram(self.step))

    def draw_history(self) -> None:
        """A short history."""
        self.put("A short history", HISTORY)

    @staticmethod
    def problem() -> Group:
        """The learning problem as two lines to remember."""
        return Group(
            Text.assemble(("  Find    ", "bold"), "∂L/∂W", ("   how the loss changes with each weight", "dim")),
            Text.assemble(("  Update  ", "bold"), "W ← W − α·∂L/∂W", ("   a small step downhill", "dim")),
        )

    def diagram(self, step: int) -> ChainDiagram:
        """The chain with the values (forward) or gradients (backward) known at ``step``."""
        from backprop_tui.renderables.chain import ChainDiagram, ChainNode  # not needed for the first frame

        n = len(TITLES)
        if step < self.BACKWARD:
            lit = step - self.FORWARD  # nodes 0..lit have values
            nodes = [
                ChainNode(TITLES[i], SHORT[i], value=fmt(e.value) if i <= lit else None)
                for i, e in enumerate(self.forward_events)
            ]
            return ChainDiagram(nodes, active=lit)
        done = step - self.BACKWARD  # backward events 0..done are shown
        grads: dict[int, str] = {}
        locals_: dict[int, str] = {}
        for event in self.backward_events[: done + 1]:
            grads[event.index] = fmt(event.grad)
            if event.index < n - 1:
                locals_[event.index] = fmt(event.local)
        nodes = [
            ChainNode(TITLES[i], SHORT[i], fmt(e.value), grad=grads.get(i), local=locals_.get(i))
            for i, e in enumerate(self.forward_events)
        ]
        return ChainDiagram(nodes, active=self.backward_events[done].index, backward=True)

    def explain(self, step: int) -> Text:
        """What the step computed, with the numbers put in."""
        if step < self.BACKWARD:
            i = step - self.FORWARD
            event = self.forward_events[i]
            if i == 0:
                return Text.assemble(
                    ("The input: ", "bold"), f"x = {fmt(event.value)}.\n\n",
                    "Each box takes the value before it and computes its own. Press n to run the next one.",
                )
            before = self.forward_events[i - 1]
            text = Text.assemble(
                (f"{event.expression}", "bold"), f"   with {before.name} = {fmt(before.value)}:   ",
                (f"{event.name} = {fmt(event.value)}", "bold"),
            )
            if i == len(TITLES) - 1:
                text.append(
                    "\n\nThe forward pass is done: L is the loss. Now the question backprop answers: "
                    "how does L change when x changes?"
                )
            return text
        back = self.backward_events[step - self.BACKWARD]
        if back.index == len(TITLES) - 1:
            return Text.assemble(
                ("dL/dL = 1", "bold"),
                "   the loss changes one-for-one with itself: the backward pass starts here.\n\n"
                "Each step back multiplies in one local slope: how much the next box moves when "
                "this one moves (dh/dx for h after x). dL/d· is the product so far.",
            )
        node = self.chain.nodes[back.index]  # the box after this one: its derivative is the local
        nxt = self.forward_events[back.index + 1].name
        local = node.derivative.split(" = ", 1)[0]
        rule = node.derivative.split(" = ", 1)[1]
        text = Text.assemble(
            ("local slope  ", "dim"), (f"{local} = {rule}", "bold"),
            "" if _is_number(rule) else f" = {fmt(back.local)}", "\n",
            (f"dL/d{back.name}", "bold"), f" = dL/d{nxt} · {local}"
            f" = {fmt(back.upstream)} × {fmt(back.local)} = ",
            (fmt(back.grad), "bold"),
        )
        if back.index == 0:
            text.append(
                f"\n\nIf x grew by a tiny ε, L would change by about {fmt(back.grad)}·ε. "
                "Backprop does this for every weight of a network, in one sweep."
            )
        elif back.local < 0:
            text.append("\n\nA negative local slope flips the gradient's sign on the way back.")
        return text


def race_table(race: Race) -> Table:
    """The race's numbers: the random steps on one row, the gradient step on the next."""
    from backprop_tui.models.search import BATCH, STEP

    f = format_number
    step = format_setting(STEP)
    table = Table(
        title=f"A {race.weights}-weight network, mean loss {f(race.loss)} over {BATCH} examples; steps {step} long",
        title_justify="left",
        box=None,
        padding=(0, 2, 0, 0),
    )
    table.add_column("")
    table.add_column("downhill", justify="right")
    table.add_column("best drop", justify="right")
    table.add_column("typical drop", justify="right")
    table.add_column("passes run")
    table.add_row(
        f"{race.tries} random steps", f"{race.lowered} of {race.tries}", f(race.best_drop), f(race.typical_drop),
        f"{race.tries} forward",
    )
    table.add_row(Text("1 gradient step", style="bold"), "yes", Text(f(race.gradient_drop), style="bold"), "",
                  "1 forward + 1 back")
    return table


def share(part: float, whole: float) -> str:
    """``part`` as a fraction of ``whole`` in words a learner reads at a glance: ``1/9``, ``1/30``."""
    if whole <= 0 or part <= 0:
        return "0 times"
    n = round(whole / part)
    return f"1/{n}" if n > 1 else "about"


def _is_number(text: str) -> bool:
    """Whether a derivative's formula is a plain constant (``−1``), needing no value after it."""
    try:
        float(text.replace("\u2212", "-"))
    except ValueError:
        return False
    return True


def fmt(value: float) -> str:
    """Two decimals, as the chain's boxes show them."""
    return format_number(value, 2)
