"""Section 4 — the backward pass through the lesson network, one chain-rule factor per key.

Everything shown comes from one engine run of the 2-2-1 lesson network
(:func:`lesson_walk`): its forward, backward and update events, the sigmoid's
derivative from the engine's activation, and brute-force gradients from
:mod:`backprop_tui.engine.numeric`. The screen only picks what to show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Input, Static

from backprop_tui.renderables.bars import GradientBar
from backprop_tui.renderables.numbers import MINUS, format_number
from backprop_tui.renderables.plot import LinePlot, Series
from backprop_tui.screens.base import SectionScreen

PARAMS = ("w11", "w12", "w21", "w22", "bh1", "bh2", "v1", "v2", "bo")
"""The nine parameters: wij joins input i to hidden j, bh are the hidden biases, v and bo the output's."""

ALPHAS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
"""The learning rates ``+``/``-`` step through."""
DEFAULT_ALPHA = 0.5
TRAIN_CHUNK = 10
"""Steps ``t`` adds to the run."""
MAX_TRAIN = 500


@dataclass(frozen=True, slots=True)
class Walk:
    """One forward and backward pass of the lesson network, as the section shows it.

    Lists are per neuron (hidden: two entries); ``params`` and ``grads`` map
    the names of :data:`PARAMS` to values; ``numeric`` holds the
    finite-difference gradients under the same names.
    """

    x: tuple[float, float]
    target: float
    z1: tuple[float, float]
    a1: tuple[float, float]
    y: float
    loss: float
    dL_dy: float
    dL_da1: tuple[float, float]
    sigma_prime: tuple[float, float]
    dL_dz1: tuple[float, float]
    params: dict[str, float] = field(default_factory=dict)
    grads: dict[str, float] = field(default_factory=dict)
    numeric: dict[str, float] = field(default_factory=dict)


def _named(W1, b1, W2, b2) -> dict[str, float]:  # noqa: ANN001 - numpy arrays
    """The nine numbers of a layer pair under their names."""
    return {
        "w11": float(W1[0][0]), "w12": float(W1[0][1]), "w21": float(W1[1][0]), "w22": float(W1[1][1]),
        "bh1": float(b1[0]), "bh2": float(b1[1]), "v1": float(W2[0][0]), "v2": float(W2[1][0]), "bo": float(b2[0]),
    }


def lesson_walk() -> Walk:
    """Run the lesson network forward and backward once and collect what the section shows."""
    from backprop_tui.engine.activations import get_activation
    from backprop_tui.engine.events import BackwardEvent, ForwardEvent, LossEvent
    from backprop_tui.engine.numeric import numerical_gradients
    from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
    from backprop_tui.engine.network import lesson_network

    net = lesson_network()
    init = net.init_event()
    events = [*net.forward(LESSON_INPUT, LESSON_TARGET), *net.backward()]
    hidden, _out = (e for e in events if isinstance(e, ForwardEvent))
    loss = next(e for e in events if isinstance(e, LossEvent))
    back = {e.layer: e for e in events if isinstance(e, BackwardEvent)}
    sigma_prime = get_activation("sigmoid").df(hidden.z, hidden.a)
    numeric = numerical_gradients(net, LESSON_INPUT, LESSON_TARGET)
    p1, p2 = init.params
    return Walk(
        x=(float(LESSON_INPUT[0]), float(LESSON_INPUT[1])),
        target=float(loss.target[0]),
        z1=tuple(hidden.z.tolist()),
        a1=tuple(hidden.a.tolist()),
        y=float(loss.prediction[0]),
        loss=loss.loss,
        dL_dy=float(back[2].dL_da[0]),
        dL_da1=tuple(back[1].dL_da.tolist()),
        sigma_prime=tuple(sigma_prime.tolist()),
        dL_dz1=tuple(back[1].dL_dz.tolist()),
        params=_named(p1.W, p1.b, p2.W, p2.b),
        grads=_named(back[1].dL_dW, back[1].dL_db, back[2].dL_dW, back[2].dL_db),
        numeric=_named(*numeric),
    )


@dataclass(frozen=True, slots=True)
class Update:
    """One SGD step of the lesson network at ``alpha``: new parameters and the loss before and after."""

    alpha: float
    new: dict[str, float]
    loss_before: float
    loss_after: float
    diverged: bool


def lesson_update(alpha: float) -> Update:
    """The lesson network after one SGD step at ``alpha`` (from the engine's update events)."""
    from backprop_tui.engine import make_optimizer
    from backprop_tui.engine.events import LossEvent, UpdateEvent
    from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
    from backprop_tui.engine.network import lesson_network

    net = lesson_network()
    events = list(net.train_step(LESSON_INPUT, LESSON_TARGET, make_optimizer("sgd", alpha)))
    before = next(e for e in events if isinstance(e, LossEvent)).loss
    upd = {e.layer: e for e in events if isinstance(e, UpdateEvent)}
    after = next(e for e in net.forward(LESSON_INPUT, LESSON_TARGET) if isinstance(e, LossEvent))
    return Update(alpha, _named(upd[1].W, upd[1].b, upd[2].W, upd[2].b), before, after.loss, after.diverged)


def lesson_losses(alpha: float, steps: int) -> list[float]:
    """The loss before each of ``steps`` SGD steps at ``alpha`` and after the last (stops if it diverges)."""
    from backprop_tui.engine import make_optimizer
    from backprop_tui.engine.events import LossEvent
    from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
    from backprop_tui.engine.network import lesson_network

    net = lesson_network()
    opt = make_optimizer("sgd", alpha)
    losses: list[float] = []
    for _ in range(steps):
        for event in net.train_step(LESSON_INPUT, LESSON_TARGET, opt):
            if isinstance(event, LossEvent):
                losses.append(event.loss)
        if net.diverged:
            return losses
    losses.append(net.loss_at(LESSON_INPUT, LESSON_TARGET))
    return losses


# -- what a learner might type for dL/dw11, and what it says about their chain ---------------------


def parse_answer(text: str) -> float | str:
    """The number the learner typed, or a one-line reason it is not one."""
    cleaned = text.strip().replace(MINUS, "-").replace(",", ".").replace(" ", "")
    if not cleaned:
        return "Type a number first, for example -0.0123."
    try:
        value = float(cleaned)
    except ValueError:
        return f"“{text.strip()[:20]}” is not a number I can read; type something like -0.0123."
    if not math.isfinite(value):
        return "That is not a finite number; the gradient here is small."
    return value


def close_to(value: float, want: float) -> bool:
    """Within rounding of a careful hand calculation (3 % or 0.00005)."""
    return abs(value - want) <= 5e-5 + 0.03 * abs(want)


def hint(value: float, walk: Walk) -> str:
    """Which chain-rule factor the answer ``value`` for dL/dw11 seems to have missed."""
    x1 = walk.x[0]
    mistakes = (
        (walk.dL_da1[0] * x1, "You left out σ′(z): the gradient must pass through the sigmoid, "
         f"a(1 − a) = {format_number(walk.sigma_prime[0])}."),
        (walk.dL_dz1[0], "Almost: now multiply by the input x1 = "
         f"{format_number(x1, 2)} that w11 scales."),
        (-walk.grads["w11"], "The size is right but the sign is flipped: dL/dŷ is negative."),
        (walk.dL_dy * x1, "Missing two factors: v1 (from ŷ back to h1) and σ′(z) (through the sigmoid)."),
        (walk.dL_dz1[0] * walk.x[1], "That is w21's gradient: w11 scales x1, not x2."),
        (walk.dL_dy * walk.params["v1"], "That is dL/da for h1; continue through σ′(z) and then x1."),
    )
    for wrong, message in mistakes:
        if close_to(value, wrong):
            return message
    return "Not yet. Build it from the chain: dL/dw11 = dL/dŷ · v1 · σ′(z) · x1."


# -- the drawing ------------------------------------------------------------------------------------


def network_diagram(walk: Walk, focus: frozenset[str]) -> Text:
    """The 2-2-1 network with its values; the parts named in ``focus`` in reverse video."""
    f = format_number

    def part(tag: str, text: str) -> tuple[str, str]:
        return (text, "bold reverse" if tag in focus else ("bold" if tag in ("h1", "h2", "y", "L") else ""))

    x1, x2 = f(walk.x[0], 2), f(walk.x[1], 2)
    rows = [
        [part("x1", f" x1 {x1} "), ("────", ""), part("w11", "w11"), ("────▶ ", ""), part("h1", f"h1  a {f(walk.a1[0])}"),
         (" ──", ""), part("v1", "v1"), ("──┐", "")],
        [("        ╲          ↗                     ▼", "")],
        [("         ╲ ", ""), part("w12", "w12"), (" ", ""), part("w21", "w21"), ("╱                   ", ""),
         part("y", f"ŷ {f(walk.y)}"), ("  ──▶ ", ""), part("L", f"L {f(walk.loss)}")],
        [("         ╱        ╲                      ▲   ", ""), part("t", f"target {f(walk.target, 2)}")],
        [("        ╱          ↘                     │", "")],
        [part("x2", f" x2 {x2} "), ("────", ""), part("w22", "w22"), ("────▶ ", ""), part("h2", f"h2  a {f(walk.a1[1])}"),
         (" ──", ""), part("v2", "v2"), ("──┘", "")],
    ]
    text = Text()
    for i, row in enumerate(rows):
        if i:
            text.append("\n")
        text.append_text(Text.assemble(*row))
    return text


def param_table(walk: Walk, shown: frozenset[str], focus: frozenset[str]) -> Table:
    """Every parameter's value and, once worked out, its gradient."""
    table = Table(box=None, padding=(0, 0, 0, 1), show_edge=False, pad_edge=False)
    table.add_column("", no_wrap=True)
    for name in PARAMS:
        table.add_column(name, justify="right", no_wrap=True, header_style="bold reverse" if name in focus else "bold")
    table.add_row("value", *(format_number(walk.params[n]) for n in PARAMS))
    table.add_row(
        "dL/d·",
        *(
            Text(format_number(walk.grads[n]), style="bold reverse" if n in focus else "bold") if n in shown else Text("·", style="dim")
            for n in PARAMS
        ),
    )
    return table


@dataclass(frozen=True, slots=True)
class Factor:
    """One step of the walk: what it works out (``kind``, ``name``), what it highlights, what it reveals."""

    label: str
    kind: str
    name: str = ""
    focus: frozenset[str] = frozenset()
    reveals: tuple[str, ...] = ()


def _f(label: str, kind: str, name: str = "", focus: str = "", reveals: tuple[str, ...] = ()) -> Factor:
    return Factor(label, kind, name, frozenset(focus.split()), reveals)


STEPS: tuple[Factor, ...] = (
    _f("The network", "network", focus="L"),
    _f("dL/dŷ", "dy", focus="y L t"),
    _f("dL/dv1", "v", "v1", "v1 h1 y", ("v1",)),
    _f("dL/dv2", "v", "v2", "v2 h2 y", ("v2",)),
    _f("dL/dbo", "bo", "bo", "y", ("bo",)),
    _f("dL/da for h1", "da", "h1", "h1 v1"),
    _f("dL/da for h2", "da", "h2", "h2 v2"),
    _f("Your turn: dL/dw11", "turn", "w11", "w11 x1 h1"),
    _f("dL/dz for h1: σ′", "dz", "h1", "h1"),
    _f("dL/dz for h2: σ′", "dz", "h2", "h2"),
    _f("dL/dw11", "w", "w11", "w11 x1 h1", ("w11",)),
    _f("dL/dw21", "w", "w21", "w21 x2 h1", ("w21",)),
    _f("dL/dw12", "w", "w12", "w12 x1 h2", ("w12",)),
    _f("dL/dw22", "w", "w22", "w22 x2 h2", ("w22",)),
    _f("dL/dbh1, dL/dbh2", "bh", focus="h1 h2", reveals=("bh1", "bh2")),
    _f("Blamed or praised", "bars"),
    _f("The update", "update", focus="L"),
    _f("Keep training", "train", focus="L"),
)
"""The section's own steps, in order: one chain-rule factor or engine event each."""

YOUR_TURN = next(i for i, s in enumerate(STEPS) if s.kind == "turn")
UPDATE = next(i for i, s in enumerate(STEPS) if s.kind == "update")
TRAIN = next(i for i, s in enumerate(STEPS) if s.kind == "train")
BARS = next(i for i, s in enumerate(STEPS) if s.kind == "bars")


class BackwardScreen(SectionScreen):
    """The guided backward pass: every gradient of the 2-2-1 network, checked, then the update."""

    SECTION_ID = "backward"
    STEP_LABELS = tuple(s.label for s in STEPS)

    BINDINGS: ClassVar = [
        Binding("plus,equals_sign,up", "alpha(1)", "α up", key_display="+"),
        Binding("minus,underscore,down", "alpha(-1)", "α down", key_display="-"),
        Binding("t", "train", "Train 10 steps"),
        Binding("r", "reset_training", "Reset", show=False),
        Binding("enter", "answer_box", "Type your answer", key_display="enter"),
        Binding("escape", "leave_answer", "Leave the box", key_display="esc", show=False),
    ]

    alpha_index: reactive[int] = reactive(ALPHAS.index(DEFAULT_ALPHA), init=False)
    """Which of :data:`ALPHAS` the update uses."""

    def __init__(self) -> None:
        super().__init__()
        self._walk: Walk | None = None
        self.losses: list[float] = []
        self.trained = 0
        self.answer_message: Text | None = None
        self.answered_right = False

    @property
    def walk(self) -> Walk:
        """The engine's numbers for the whole section (computed on first use)."""
        if self._walk is None:
            self._walk = lesson_walk()
        return self._walk

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
        yield Input(placeholder="dL/dw11 = ?  (type a number, then enter)", id="answer")
        yield Static(id="feedback", classes="prose")

    # -- keys --------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """α keys on the update and training steps, t and r on training, escape in the answer box."""
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        if self.question is None:
            if action == "alpha":
                return self.step in (UPDATE, TRAIN)
            if action in ("train", "reset_training"):
                return self.step == TRAIN
            if action in ("answer_box", "leave_answer"):
                return self.step == YOUR_TURN
        elif action in ("alpha", "train", "reset_training", "answer_box", "leave_answer"):
            return False
        return allowed

    def action_alpha(self, direction: int) -> None:
        """The next larger or smaller learning rate."""
        self.alpha_index = max(0, min(len(ALPHAS) - 1, self.alpha_index + direction))

    def watch_alpha_index(self) -> None:
        """A new α: a new update, and the training run starts over."""
        self.losses = []
        if self.question is None and self.step in (UPDATE, TRAIN):
            self.show_step(self.step)

    def action_train(self) -> None:
        """Ten more SGD steps at α (the run is replayed from the start: it is cheap and exact)."""
        if self.trained >= MAX_TRAIN:
            self.app.say(f"That's {MAX_TRAIN} steps: press r to start again.")
            return
        self.trained += TRAIN_CHUNK
        self.losses = lesson_losses(self.alpha, self.trained)
        self.show_step(self.step)

    def action_reset_training(self) -> None:
        """Back to the untrained network."""
        self.trained = 0
        self.losses = []
        self.show_step(self.step)

    def action_answer_box(self) -> None:
        """Into the answer box."""
        self.query_one("#answer", Input).focus()

    def action_leave_answer(self) -> None:
        """Out of the answer box, so n and p step again."""
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Check the learner's dL/dw11."""
        event.stop()
        parsed = parse_answer(event.value)
        want = self.walk.grads["w11"]
        if isinstance(parsed, str):
            self.answer_message = Text(parsed, style="bold")
        elif close_to(parsed, want):
            self.answered_right = True
            self.answer_message = Text.assemble(
                ("✓ Right: ", "bold green"),
                f"dL/dw11 = {format_number(want)}. You just did backprop by hand. Press n to see it worked out.",
            )
            self.set_focus(None)
        else:
            self.answer_message = Text.assemble(("✗ ", "bold red"), hint(parsed, self.walk))
        self.query_one("#feedback", Static).update(self.answer_message)

    # -- drawing -------------------------------------------------------------------------------------

    def show_step(self, step: int) -> None:
        """Draw step ``step`` of :data:`STEPS`."""
        walk = self.walk
        factor = STEPS[step]
        shown = frozenset(n for s in STEPS[: step + 1] for n in s.reveals)
        heading = self.query_one("#heading", Static)
        heading.update(Text(factor.label if step else "The lesson network, ready to learn", style="bold"))
        diagram = self.query_one("#diagram", Static)
        params = self.query_one("#params", Static)
        answer = self.query_one("#answer", Input)
        feedback = self.query_one("#feedback", Static)
        answer.display = step == YOUR_TURN
        feedback.display = step == YOUR_TURN
        big = step in (BARS, TRAIN)
        diagram.display = not big
        params.display = step not in (BARS, UPDATE, TRAIN)
        if not big:
            diagram.update(network_diagram(walk, factor.focus))
            params.update(param_table(walk, shown, factor.focus))
        self.query_one("#work", Static).update(self.work(step))
        if step == YOUR_TURN:
            feedback.update(
                self.answer_message
                or Text("Press enter to type your answer (escape leaves the box); n skips ahead.", style="dim")
            )
        elif answer.has_focus:
            self.set_focus(None)

    def work(self, step: int) -> RenderableType:
        """The formula of the step with the engine's numbers put in."""
        w, f = self.walk, format_number
        g = w.grads
        factor = STEPS[step]
        kind, name = factor.kind, factor.name
        j = int(name[-1]) - 1 if name[-1:].isdigit() else 0  # the neuron (or input) the step is about
        if kind == "network":
            return Text(
                f"Forward, the network predicts ŷ = {f(w.y)} for a target of {f(w.target, 2)}: "
                f"the loss is {f(w.loss)}. Now backward: from the loss, one factor per key, "
                "to every weight's share of the blame."
            )
        if kind == "dy":
            return formula("dL/dŷ = ŷ − target", f"{f(w.y)} − {f(w.target)}", w.dL_dy,
                           "From L = ½(ŷ − t)². Negative: a larger ŷ would lower the loss.")
        if kind == "v":
            return Group(
                formula(f"dL/d{name} = dL/dŷ · a{j + 1}", f"{f(w.dL_dy)} × {f(w.a1[j])}", g[name],
                        f"ŷ = a1·v1 + a2·v2 + bo, so ŷ moves by a{j + 1} for each unit of {name}."),
                self.bar(name),
            )
        if kind == "bo":
            return Group(formula("dL/dbo = dL/dŷ · 1", f"{f(w.dL_dy)} × 1", g["bo"],
                                 "A bias is a weight whose input is always 1."), self.bar("bo"))
        if kind == "da":
            v = f"v{j + 1}"
            return formula(f"dL/da{j + 1} = dL/dŷ · {v}", f"{f(w.dL_dy)} × {f(w.params[v])}", w.dL_da1[j],
                           f"How the loss would move if h{j + 1}'s output moved: the blame passes back along {v}.")
        if kind == "turn":
            return Text.assemble(
                ("Your turn. ", "bold"),
                "w11 joins x1 to h1, whose output is a1 = σ(z1). What is dL/dw11?\n",
                (f"You know: x1 = {f(w.x[0], 2)},  a1 = {f(w.a1[0])},  dL/da1 = {f(w.dL_da1[0])}.", "dim"),
            )
        if kind == "dz":
            return formula(
                f"dL/dz{j + 1} = dL/da{j + 1} · σ′(z{j + 1}),  σ′ = a(1 − a) = {f(w.sigma_prime[j])}",
                f"{f(w.dL_da1[j])} × {f(w.sigma_prime[j])}", w.dL_dz1[j],
                "Through a sigmoid the gradient is multiplied by σ′, which is never above 0.25.",
            )
        if kind == "w":
            i, k = int(name[1]) - 1, int(name[2]) - 1
            return Group(
                formula(f"dL/d{name} = dL/dz{k + 1} · x{i + 1}", f"{f(w.dL_dz1[k])} × {f(w.x[i], 2)}", g[name],
                        f"{name} scales x{i + 1} on its way into h{k + 1}."),
                self.bar(name),
            )
        if kind == "bh":
            return Group(
                formula("dL/dbh = dL/dz  (a bias's input is 1)", f"{f(w.dL_dz1[0])}, {f(w.dL_dz1[1])}", None,
                        "Every parameter now has its gradient."),
                self.bar("bh1"), self.bar("bh2"),
            )
        if kind == "bars":
            return self.all_bars()
        if kind == "update":
            return self.update_table()
        return self.training()

    def bar(self, name: str, width: int = 24) -> GradientBar:
        """``name``'s gradient as a bar, with the brute-force value beside it."""
        scale = max(abs(v) for v in self.walk.grads.values())
        return GradientBar(name.ljust(3), self.walk.grads[name], scale, width=width, numeric=self.walk.numeric[name])

    def all_bars(self) -> Group:
        """Every gradient as a bar: length is size, the word is direction; FD is brute force."""
        lines: list[RenderableType] = [
            Text("Each bar's length is the gradient's size; blamed weights should go down, praised ones up.", style="dim"),
            Text("FD: the same gradient by brute force (nudge the weight, rerun, compare the losses).", style="dim"),
            Text(""),
        ]
        lines += [self.bar(name, width=30) for name in PARAMS]
        return Group(*lines)

    def update_table(self) -> Group:
        """Old value, gradient and new value of every parameter at α, and the loss before and after."""
        u = lesson_update(self.alpha)
        f = format_number
        table = Table(box=None, padding=(0, 0, 0, 1), show_edge=False, pad_edge=False)
        table.add_column("", style="bold", no_wrap=True)
        for name in PARAMS:
            table.add_column(name, justify="right", no_wrap=True)
        table.add_row("old", *(f(self.walk.params[n]) for n in PARAMS))
        table.add_row("dL/d·", *(f(self.walk.grads[n]) for n in PARAMS))
        table.add_row("new", *(f(u.new[n]) for n in PARAMS))
        change = "lower" if u.loss_after < u.loss_before else "higher"
        loss = Text.assemble(
            ("α = ", "bold"), (f"{u.alpha:g}", "bold reverse"), ("   (+/- to change)", "dim"), "\n",
            "Run forward again with the new weights: loss ", (f(u.loss_before), "bold"), " → ",
            (f(u.loss_after), "bold reverse"), f"  ({change}).",
        )
        if u.diverged:
            loss.append("  The step was so large the numbers ran away: the run diverged.", style="bold")
        elif change == "higher":
            loss.append("  α is too large here: the step jumped past the minimum.")
        return Group(Text("Every parameter takes a step against its gradient: new = old − α × dL/d·"), table, Text(""), loss)

    def training(self) -> Group:
        """The loss over the steps trained so far."""
        f = format_number
        head = Text.assemble(
            ("α = ", "bold"), (f"{self.alpha:g}", "bold reverse"),
            ("   t: train 10 more steps   r: start again   +/-: change α", "dim"),
        )
        if not self.losses:
            return Group(head, Text(""), Text("Press t to train. Each step repeats forward, backward and update."))
        steps = list(range(len(self.losses)))
        finite = [v for v in self.losses if math.isfinite(v)]
        top = max(finite, default=1.0) or 1.0
        plot = LinePlot([Series("loss", steps, self.losses, "bold cyan")], height=9, x_label="step", y_range=(0.0, top))
        last = self.losses[-1]
        words = Text.assemble(
            f"After {len(self.losses) - 1} steps: loss ", (f(last), "bold"), f" (it started at {f(self.losses[0])}).",
        )
        if not math.isfinite(last) or len(finite) < len(self.losses):
            words = Text("The loss ran away to infinity: this α is far too large. Press - and r.", style="bold")
        return Group(head, plot, words)


def formula(symbols: str, numbers: str, result: float | None, note: str) -> Text:
    """``symbols = numbers = result`` over two lines, then a note."""
    text = Text.assemble((symbols, "bold"), "\n   = ", numbers)
    if result is not None:
        text.append(" = ")
        text.append(format_number(result), style="bold reverse")
    text.append("\n")
    text.append(note, style="dim")
    return text
