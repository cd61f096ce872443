"""Section 6 — gradient health: vanishing, exploding and dead units in deep nets, and their remedies.

Every bar comes from :func:`backprop_tui.engine.health.deep_health`: a real
forward and backward pass (after real training steps, where asked) of a deep
net on the section's fixed batch of 32 samples. The screen only chooses the
nets, lays their layers out (the output layer on top, where backprop starts)
and puts the engine's numbers into words. Passes are cached by their
settings, so a key that returns to a setting redraws at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Static

from backprop_tui.renderables.bars import HealthBar, blocks
from backprop_tui.renderables.numbers import format_number
from backprop_tui.screens.base import SectionScreen

if TYPE_CHECKING:
    from backprop_tui.engine.health import DeepHealth, DeepSetup, LayerHealth

MIN_DEPTH, MAX_DEPTH = 2, 20
"""The depths offered (the engine's ``MIN_DEPTH``/``MAX_DEPTH``; kept here so importing the screen costs no numpy)."""
DEFAULT_DEPTH = 5
LEFT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu")
"""What ``f`` cycles the left column through."""
ACTIVATION_NAMES = {
    "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "gelu": "GELU", "silu": "SiLU",
}
INITS = ("normal", "xavier", "he")
"""What ``i`` cycles through (the engine's ``DEEP_INITS``)."""
INIT_NAMES = {"normal": "naive N(0, 1)", "xavier": "Xavier", "he": "He"}
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier"}
"""The initialisation made for each activation: Xavier for the S-shaped ones, He (the default) for the ReLU family."""
TRAININGS: tuple[str | None, ...] = (None, "sgd", "adam")
"""What ``o`` cycles through: no training, then SGD, then Adam."""
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam"}
OPTIMIZER_STYLES = {"sgd": "cyan", "adam": "magenta"}
PREFETCH_DELAY = 0.2
"""Seconds without a key before the views one key away are computed in the background."""
SCALE = (1e-6, 1e4)
"""The health bars' log scale: |dL/dW| from 10⁻⁶ (empty) to 10⁴ (full)."""
MOVE_SCALE = (1e-6, 1.0)
"""The training bars' log scale for mean |ΔW|."""

STEP_LABELS = ("Gradients are products", "Sigmoid or ReLU", "Vanishing", "Exploding", "Dead neurons", "Remedies, live")
SIDE, VANISH, EXPLODE, DEAD, REMEDIES = 1, 2, 3, 4, 5
BAR_STEPS = frozenset({SIDE, VANISH, EXPLODE, DEAD, REMEDIES})

PRODUCTS = """\
Backprop hands the gradient down one layer at a time, and each layer \
multiplies it by two things on the way: its weights (Wᵀ) and its \
activation's slope f′(z). So layer 1 of a deep net receives a long \
product, one pair of factors for every layer above it.

Factors mostly below 1 make the product shrink layer by layer: the \
gradient vanishes and the first layers hardly learn. Factors mostly \
above 1 make it explode: steps become huge and the weights turn into \
nonsense. Only factors near 1 keep every layer learning.

The sigmoid's slope is at most {peak}, so through {n} sigmoid layers \
the slopes alone can shrink a gradient to {peak}^{n} = {product}.

The next steps measure real deep nets on one batch: {samples} samples \
of {inputs} random inputs with {outputs} random targets each, hidden \
layers of {width} neurons. Each bar is a layer's mean |dL/dW| on a log \
scale, the output layer on top (backprop starts there), layer 1 at the \
bottom. The word is the gradient's health: OK for 0.1 to 0.5; Warn for \
0.01 to 0.1 or 0.5 to 1; Bad below 0.01 or above 1."""

NOTES = {
    "init": (
        "The initial weights set every factor's size. Xavier keeps signals steady through sigmoid and tanh; "
        "He is √2 larger because ReLU silences half its inputs; naive N(0, 1) ignores the layer width."
    ),
    "residual": (
        "A skip adds each hidden layer's input to its output, so backward the gradient also takes the skip "
        "straight down, past every σ′ and W."
    ),
    "clip": (
        "Clipping rescales the whole gradient when its norm is over {clip}: it caps the step, but every layer "
        "shrinks by the same factor, so vanishing stays vanishing."
    ),
    "leaky": "Leaky ReLU gives negative z a slope of 0.01 instead of 0, so no unit is ever completely cut off.",
    "training": (
        "Adam divides each weight's gradient by a running average of its own size, so a layer with tiny "
        "gradients still takes steps of about α (unless they are down near Adam's ε = 10⁻⁸). SGD's steps "
        "are α times the gradient."
    ),
    "left": (
        "Compare the activations: the S-shaped ones flatten out and squash their slope; the ReLU family keeps "
        "a slope of about 1 wherever z is positive."
    ),
}
"""What each remedy does, shown after its key is pressed."""


@dataclass(frozen=True, slots=True)
class Remedies:
    """The remedy panel's switches."""

    init: str = "normal"
    residual: bool = False
    clip: bool = False
    leaky: bool = False
    training: str | None = None
    left: str = "sigmoid"

    def setups(self, depth: int) -> tuple[DeepSetup, DeepSetup]:
        """The left (``left`` activation) and right (ReLU) nets these switches make."""
        from backprop_tui.engine.health import CLIP_NORM, DeepSetup

        def one(act: str) -> DeepSetup:
            act = "leaky_relu" if self.leaky and act == "relu" else act
            return DeepSetup(depth, act, self.init, self.residual, CLIP_NORM if self.clip else None, self.training)

        return one(self.left), one("relu")


def ratio_words(h: DeepHealth) -> str:
    """How much of the output layer's gradient layer 1 gets: ``1/1100``, ``0.99×``, ``diverged``."""
    r = h.ratio
    if not math.isfinite(r):
        return "diverged" if h.diverged or math.isnan(r) else "+∞"
    if r == 0:
        return "none"
    if r >= 0.5:
        return f"{format_number(r, 2)}×"
    n = 1 / r
    if n >= 1e6:
        return f"1/{format_number(n)}"
    if n < 10:
        return f"1/{format_number(n, 1)}"
    return f"1/{int(float(f'{n:.2g}'))}"


def share(h: DeepHealth) -> str:
    """A sentence: layer 1's share of layer L's gradient."""
    words = ratio_words(h)
    if words == "diverged":
        return "diverged: no gradient to measure"
    if words.endswith("×"):
        return f"layer 1 gets {words} layer {h.setup.depth}'s gradient"
    return f"layer 1 gets {words} of layer {h.setup.depth}'s gradient"


def counts(layers: Sequence[LayerHealth], *, zeros: bool = True) -> str:
    """``3 OK · 1 Warn · 1 Bad`` (leaving out the classes no layer has unless ``zeros``)."""
    from backprop_tui.engine.health import CRITICAL, HEALTHY, WARNING

    tally = [(sum(layer.status is c for layer in layers), c.label) for c in (HEALTHY, WARNING, CRITICAL)]
    return " · ".join(f"{n} {label}" for n, label in tally if n or zeros)


def title(setup: DeepSetup) -> str:
    """A column's heading: activation and initialisation."""
    return f"{ACTIVATION_NAMES[setup.activation]} · {INIT_NAMES[setup.init]}"


def cell_width(cell: RenderableType) -> int:
    """Cells a one-line table cell takes."""
    if isinstance(cell, HealthBar):
        return cell.line().cell_len
    return cell.cell_len if isinstance(cell, Text) else 0


def following(options: tuple, current: object) -> object:
    """The option after ``current``, round to the first."""
    return options[(options.index(current) + 1) % len(options)]


def measured(setup: DeepSetup) -> DeepHealth:
    """The engine's pass for ``setup`` (cached there)."""
    from backprop_tui.engine.health import deep_health

    return deep_health(setup)


class HealthScreen(SectionScreen):
    """Deep nets' per-layer gradients: sigmoid against ReLU, the three failures, then remedies live."""

    SECTION_ID = "health"
    STEP_LABELS = STEP_LABELS

    BINDINGS: ClassVar = [
        Binding("plus,equals_sign,up", "depth(1)", "Deeper", key_display="+"),
        Binding("minus,underscore,down", "depth(-1)", "Shallower", key_display="-"),
        Binding("f", "left", "Activation", key_display="f"),
        Binding("i", "init", "Init"),
        Binding("k", "residual", "Skips"),
        Binding("g", "clip", "Clip"),
        Binding("l", "leaky", "Leaky"),
        Binding("o", "training", "Optimiser"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.depth = DEFAULT_DEPTH
        """Weight layers of every net on show (the output layer included)."""
        self.left = "sigmoid"
        """The left column's activation on the side-by-side step."""
        self.remedies = Remedies()
        """The remedy panel's switches."""
        self.change: Text | None = None
        """What the last remedy key did, in numbers (``None`` before any)."""
        self._prefetch_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        """Heading, the remedy switches, the bars, a note."""
        yield Static(id="heading")
        yield Static(id="panel", classes="caption")
        yield Static(id="diagram", classes="diagram")
        yield Static(id="prose", classes="prose")

    # -- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Depth on every bar step, the activation on the two-column comparisons, remedies on their step."""
        allowed = super().check_action(action, parameters)
        if not allowed:
            return allowed
        mine = action in ("depth", "left", "init", "residual", "clip", "leaky", "training")
        if not mine:
            return allowed
        if self.question is not None:
            return False
        if action == "depth":
            return self.step in BAR_STEPS
        if action == "left":
            return self.step in (SIDE, REMEDIES)
        return self.step == REMEDIES

    def action_depth(self, delta: int) -> None:
        """One layer more or fewer, within 2–20."""
        depth = self.depth + delta
        if not MIN_DEPTH <= depth <= MAX_DEPTH:
            self.app.say(f"Depth goes from {MIN_DEPTH} to {MAX_DEPTH} layers; this is {self.depth}.")
            return
        self.depth = depth
        self.change = None
        self.show_step(self.step)

    def action_left(self) -> None:
        """The next activation for the left column."""
        act = str(following(LEFT_ACTIVATIONS, self.left if self.step == SIDE else self.remedies.left))
        if self.step == SIDE:
            self.left = act
            self.show_step(self.step)
        else:
            self._switch("left", replace(self.remedies, left=act), f"Left column: {ACTIVATION_NAMES[act]}.")

    def action_init(self) -> None:
        """The next initialisation: naive, Xavier, He."""
        init = str(following(INITS, self.remedies.init))
        self._switch("init", replace(self.remedies, init=init), f"Initialisation: {INIT_NAMES[init]}.")

    def action_residual(self) -> None:
        """Skip connections on or off."""
        on = not self.remedies.residual
        self._switch("residual", replace(self.remedies, residual=on), f"Skip connections {'on' if on else 'off'}.")

    def action_clip(self) -> None:
        """Gradient clipping on or off."""
        on = not self.remedies.clip
        self._switch("clip", replace(self.remedies, clip=on), f"Gradient clipping {'on' if on else 'off'}.")

    def action_leaky(self) -> None:
        """Leaky ReLU in place of ReLU, or back."""
        on = not self.remedies.leaky
        said = "Leaky ReLU in place of ReLU." if on else "Plain ReLU again."
        self._switch("leaky", replace(self.remedies, leaky=on), said)

    def action_training(self) -> None:
        """No training, then a few steps of SGD, then as many of Adam."""
        from backprop_tui.engine.health import TRAIN_STEPS

        training = following(TRAININGS, self.remedies.training)
        said = f"{TRAIN_STEPS} {OPTIMIZER_NAMES[training]} steps from the same start." if training else "No training."
        self._switch("training", replace(self.remedies, training=training), said)

    def _switch(self, what: str, new: Remedies, said: str) -> None:
        """Apply a remedy switch, describe what changed with the engine's numbers, redraw."""
        before = [measured(s) for s in self.remedies.setups(self.depth)]
        self.remedies = new
        after = [measured(s) for s in new.setups(self.depth)]
        self.change = self.describe(what, said, before, after)
        self.show_step(self.step)

    # -- drawing --------------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        """Redraw for the new size (the base class's handler, called too, handles the too-small notice)."""
        if self.is_mounted and self.question is None:
            self.show_step(self.step)

    def show_step(self, step: int) -> None:
        """The idea, one of the comparisons, or the remedy panel."""
        heading = self.query_one("#heading", Static)
        panel = self.query_one("#panel", Static)
        diagram = self.query_one("#diagram", Static)
        prose = self.query_one("#prose", Static)
        panel.display = step == REMEDIES
        diagram.display = step in BAR_STEPS
        if step == 0:
            heading.update(Text("Gradients are products", style="bold"))
            prose.update(self.products())
            return
        title_text, columns, note = self.view(step)
        heading.update(Text(title_text, style="bold"))
        panel_text = self.panel() if step == REMEDIES else None
        if panel_text is not None:
            panel.update(panel_text)
        prose.update(note)
        rows = self.bar_rows(title_text, panel_text, columns, note)
        diagram.update(self.table(columns, rows))
        self.schedule_prefetch()

    # -- the next key's numbers, computed before it is pressed -----------------------------------

    def neighbours(self) -> list[tuple[int, str, Remedies]]:
        """The settings one key away from those on show: depth ± 1, and each switch of the step."""
        step, d, left, r = self.step, self.depth, self.left, self.remedies
        out = [(d + k, left, r) for k in (1, -1) if MIN_DEPTH <= d + k <= MAX_DEPTH]
        if step == SIDE:
            out.append((d, str(following(LEFT_ACTIVATIONS, left)), r))
        elif step == REMEDIES:
            switched = (
                replace(r, init=following(INITS, r.init)),
                replace(r, residual=not r.residual),
                replace(r, clip=not r.clip),
                replace(r, leaky=not r.leaky),
                replace(r, training=following(TRAININGS, r.training)),
                replace(r, left=following(LEFT_ACTIVATIONS, r.left)),
            )
            out += [(d, left, s) for s in switched]
        return out

    def schedule_prefetch(self) -> None:
        """Prefetch once no key has come for :data:`PREFETCH_DELAY` (keys in a burst are not slowed by it)."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self.workers.cancel_group(self, "prefetch")
        self._prefetch_timer = self.set_timer(PREFETCH_DELAY, self.prefetch)

    def prefetch(self) -> None:
        """Warm the engine's cache for every view one key away, in a thread, so the next key only draws.

        A new prefetch cancels the one before (it stops between two passes).
        """
        self._prefetch_timer = None
        if self.question is not None or self.step not in BAR_STEPS or not self.is_mounted:
            return
        step, states = self.step, self.neighbours()

        def work() -> None:
            from textual.worker import get_current_worker

            worker = get_current_worker()
            for depth, left, remedies in states:
                if worker.is_cancelled:
                    return
                self.view(step, depth, left, remedies)
                if step == REMEDIES and remedies.training == "adam":  # what the switch's note compares with
                    for setup in remedies.setups(depth):
                        measured(replace(setup, optimizer="sgd"))

        self.run_worker(work, group="prefetch", exclusive=True, thread=True, exit_on_error=False)

    def products(self) -> str:
        """Step 0's words with the engine's σ′ peak and the batch's sizes."""
        import numpy as np

        from backprop_tui.engine import health
        from backprop_tui.engine.activations import get_activation

        sig = get_activation("sigmoid")
        z = np.linspace(-8.0, 8.0, 16001)
        peak = float(np.max(sig.df(z, sig.f(z))))
        n = DEFAULT_DEPTH - 1
        sizes = {"samples": health.DEEP_SAMPLES, "inputs": health.DEEP_INPUTS, "outputs": health.DEEP_OUTPUTS}
        return PRODUCTS.format(
            peak=format_number(peak, 2), n=n, product=format_number(peak**n, 4), width=health.DEEP_WIDTH, **sizes
        )

    def view(
        self, step: int, depth: int | None = None, left_act: str | None = None, remedies: Remedies | None = None
    ) -> tuple[str, list[tuple[str, DeepHealth, str]], Text]:
        """A step's heading, its columns ``(title, pass, kind)`` and its note.

        For the settings on show, or for others given (the prefetch asks, from a thread:
        nothing here may touch a widget).
        """
        from backprop_tui.engine.health import DeepSetup

        d = self.depth if depth is None else depth
        left_act = self.left if left_act is None else left_act
        remedies = self.remedies if remedies is None else remedies
        if step == SIDE:
            left = measured(DeepSetup(d, left_act, MATCHED_INIT.get(left_act, "he")))
            right = measured(DeepSetup(d, "relu", "he"))
            name = ACTIVATION_NAMES[left_act]
            heading, note = f"{name[0].upper() + name[1:]} or ReLU, {d} layers deep", self.side_note(left, right)
        elif step == VANISH:
            sig = measured(DeepSetup(d, "sigmoid", "xavier"))
            return f"Vanishing: {d} sigmoid layers", [(title(sig.setup), sig, "health"),
                                                      ("mean σ′ · kept", sig, "slopes")], self.vanish_note(sig)
        elif step == EXPLODE:
            left, right = measured(DeepSetup(d, "relu", "normal")), measured(DeepSetup(d, "relu", "he"))
            heading, note = f"Exploding: a careless start, {d} layers", self.explode_note(left)
        elif step == DEAD:
            left, right = measured(DeepSetup(d, "relu", "he")), measured(DeepSetup(d, "leaky_relu", "he"))
            heading, note = f"Dead neurons: ReLU units that never fire, {d} layers", self.dead_note(left, right)
        else:
            left, right = (measured(s) for s in remedies.setups(d))
            kind = "moved" if remedies.training else "health"
            # the switches are on show in the panel above: the columns need only their activation
            columns = [(ACTIVATION_NAMES[h.setup.activation], h, kind) for h in (left, right)]
            return self.remedies_heading(remedies, d), columns, self.remedies_note(left, right)
        return heading, [(title(h.setup), h, "health") for h in (left, right)], note

    # -- the bars table ------------------------------------------------------------------------------

    def content_width(self) -> int:
        """Cells across the body (its padding taken off)."""
        return max(40, self.app.size.width - 2)

    def bar_width(self, columns: list[tuple[str, DeepHealth, str]], layers: list[int], hidden: range | None) -> int:
        """Cells per bar: the longest (4–30) that leaves room for the numbers, words and dead counts."""
        needs = []
        for name, h, kind in columns:
            rest = max(cell_width(self.cell(h, kind, layer, 1)) - 1 for layer in layers)
            floor = max(len(name), self.hidden_cell(h, kind, hidden).cell_len if hidden else 0)
            needs.append((rest, floor))
        for width in range(30, 3, -1):
            if 5 + sum(2 + max(rest + width, floor) for rest, floor in needs) <= self.content_width():
                return width
        return 4

    def table(self, columns: list[tuple[str, DeepHealth, str]], rows: int, *, bars: bool = True) -> Table:
        """The layers top (output) to bottom (layer 1), one column per pass, in ``rows`` rows at most.

        ``bars=False`` leaves the layer rows out (each is exactly one line), keeping the column widths:
        what is left is measured to find how many rows fit.
        """
        depth = columns[0][1].setup.depth
        lines: list[list[RenderableType]] = []
        previous = depth + 1
        layers = self.visible_layers(depth, rows)
        gap = next((range(b + 1, a) for a, b in zip(layers, layers[1:]) if a - b > 1), None)
        width = self.bar_width(columns, layers, gap)
        for layer in layers:
            if layer < previous - 1:  # a run of hidden layers
                hidden = range(layer + 1, previous)
                lines.append([Text("⋮", style="dim"), *(self.hidden_cell(h, kind, hidden) for _, h, kind in columns)])
            lines.append([Text(str(layer)), *(self.cell(h, kind, layer, width) for _, h, kind in columns)])
            previous = layer
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", no_wrap=True)
        for k, (name, _, _) in enumerate(columns, start=1):
            # every bar line keeps its full width; the summary under it wraps instead
            widest = max(len(name), *(cell_width(line[k]) for line in lines))
            grid.add_column(min_width=widest, max_width=widest)
        grid.add_row(Text("layer", style="bold"), *(Text(name, style="bold") for name, _, _ in columns))
        for line in lines if bars else ():
            grid.add_row(*line)
        grid.add_row(Text(""), *(self.summary(h, kind) for _, h, kind in columns))
        return grid

    @staticmethod
    def visible_layers(depth: int, rows: int) -> list[int]:
        """Layers to draw, top first: all of them, or the top and bottom ones around one ``⋮`` row."""
        layers = list(range(depth, 0, -1))
        if depth <= rows:
            return layers
        keep = max(2, rows - 1)
        top = (keep + 1) // 2
        return layers[:top] + layers[-(keep - top):]

    def cell(self, h: DeepHealth, kind: str, layer: int, width: int) -> RenderableType:
        """One layer of one pass: a health bar, a training bar, or σ′ and what the layer kept."""
        info = h.layers[layer - 1]
        if kind == "health":
            relu = h.setup.activation == "relu" and layer < h.setup.depth
            lo, hi = SCALE
            return HealthBar("", info.magnitude, width, lo, hi, (info.dead, info.units) if relu else None)
        if kind == "slopes":
            if layer == h.setup.depth:
                return Text("output: linear, slope 1", style="dim")
            above = h.layers[layer].magnitude
            kept = info.magnitude / above if above else math.nan
            return Text(f"σ′ {format_number(h.slopes[layer - 1], 2)}   kept ×{format_number(kept, 2)}")
        return self.move_bar(h, layer, width)

    @staticmethod
    def move_bar(h: DeepHealth, layer: int, width: int) -> Text:
        """How far a layer's weights moved in training: a log-scale bar and mean |ΔW|."""
        opt = h.setup.optimizer or "sgd"
        style = OPTIMIZER_STYLES[opt]
        if h.diverged:
            return Text.assemble((blocks(2.0, width), "red"), " ", ("diverged", "bold red"))
        m = h.moved[layer - 1] if h.moved else math.nan
        lo, hi = (math.log10(v) for v in MOVE_SCALE)
        frac = (math.log10(m) - lo) / (hi - lo) if m > 0 and math.isfinite(m) else 0.0
        return Text.assemble((blocks(max(frac, 1e-9) if m > 0 else 0.0, width), style), f" moved {format_number(m)}")

    @staticmethod
    def hidden_cell(h: DeepHealth, kind: str, hidden: range) -> Text:
        """What the layers left out hold, in one line."""
        name = f"layers {hidden.start}–{hidden.stop - 1}: "
        if kind == "moved" and h.moved and not h.diverged:
            values = [h.moved[l - 1] for l in hidden]
            return Text(name + f"{format_number(min(values))} to {format_number(max(values))}", style="dim")
        if kind == "slopes":
            values = [h.slopes[l - 1] for l in hidden]
            return Text(name + f"σ′ {format_number(min(values), 2)} to {format_number(max(values), 2)}", style="dim")
        return Text(name + counts([h.layers[l - 1] for l in hidden], zeros=False), style="dim")

    def summary(self, h: DeepHealth, kind: str) -> Text:
        """The line under a column: layer 1's share, the clip, the dead units, or the training's outcome."""
        if kind == "slopes":
            return Text("kept: a layer's |dL/dW| ÷ the one above's", style="dim")
        if kind == "moved":
            opt = OPTIMIZER_NAMES[h.setup.optimizer or "sgd"]
            if h.diverged:
                return Text(f"{opt} diverged at step {h.trained}", style="bold red")
            return Text(f"{opt}, loss {format_number(h.loss_before or math.nan, 2)} → {format_number(h.loss, 2)}")
        text = Text(share(h))
        if h.setup.clip is not None and not h.diverged:
            if h.norm > h.setup.clip:
                text.append(f"; norm {format_number(h.norm, 1)} clipped to {format_number(h.used_norm, 1)}")
            else:
                text.append(f"; norm {format_number(h.norm, 2)}: no clipping needed")
        if h.setup.activation == "relu" and not h.diverged:
            text.append(f"; dead {h.dead} of {h.hidden_units}")
        return text

    def bar_rows(self, heading: str, panel: Text | None, columns: list[tuple[str, DeepHealth, str]], note: Text) -> int:
        """How many bar rows fit on screen with everything else the step shows (at least 5)."""
        from rich.console import Console

        width = self.content_width()
        console = Console(width=width, color_system=None, legacy_windows=False)

        def height(renderable: RenderableType, w: int) -> int:
            return len(console.render_lines(renderable, console.options.update_width(w), pad=False))

        body = self.app.size.height - 3  # header, step bar, footer
        used = 1  # the heading
        if panel is not None:
            used += height(panel, width - 2) + 1
        used += height(note, min(width, 100) - 2) + 1  # .prose: padding 0 1 1 1, at most 100 wide
        depth = columns[0][1].setup.depth
        frame = height(self.table(columns, depth, bars=False), width) + 1  # heading row, summary, padding
        rows = max(5, body - used - frame)
        if rows < depth:  # with a ⋮ row the widths may change and the summary wrap differently
            again = height(self.table(columns, rows, bars=False), width) + 1
            rows = max(5, rows - max(0, again - frame))
        return rows

    # -- the notes ---------------------------------------------------------------------------------

    def side_note(self, left: DeepHealth, right: DeepHealth) -> Text:
        """What the two columns show, in numbers."""
        name = ACTIVATION_NAMES[left.setup.activation]
        return Text.assemble(
            "The same shape and batch, each net with the initialisation made for its activation. ",
            (f"{name}: {share(left)}. ReLU: {share(right)}.", "bold"),
            "\nf changes the left activation; + and − change the depth.",
        )

    def vanish_note(self, sig: DeepHealth) -> Text:
        """Why the sigmoid's gradient shrinks, with the measured slopes."""
        hidden = sig.slopes[:-1]
        mean_slope = sum(hidden) / len(hidden)
        mags = [layer.magnitude for layer in sig.layers]
        kept = [mags[i] / mags[i + 1] for i in range(len(mags) - 1) if mags[i + 1] > 0]
        geo = math.exp(sum(math.log(k) for k in kept) / len(kept)) if kept and all(k > 0 for k in kept) else math.nan
        return Text.assemble(
            f"In these sigmoid layers σ′ averages {format_number(mean_slope, 2)}, never above 0.25. "
            f"With the weights, each layer down keeps only about ×{format_number(geo, 2)} of the gradient. ",
            (f"After {sig.setup.depth - 1} such factors {share(sig)}.", "bold"),
            " Press + for one more factor.",
        )

    def explode_note(self, naive: DeepHealth) -> Text:
        """How much larger naive weights are, and what SGD does with the gradients they give."""
        from backprop_tui.engine.health import DEEP_WIDTH, TRAIN_LR, DeepSetup

        he_std = math.sqrt(2 / DEEP_WIDTH)
        biggest = max(layer.magnitude for layer in naive.layers)
        text = Text(
            f"The same random draws as He's, but N(0, 1) instead of He's std √(2/{DEEP_WIDTH}) = "
            f"{format_number(he_std, 2)}: every weight {format_number(1 / he_std, 1)}× larger. Each layer scales the "
            f"signal up on the way forward and the gradient on the way back. Here the largest gradient is "
            f"{format_number(biggest, 1)}"
        )
        if naive.setup.depth < MAX_DEPTH:
            deeper = measured(replace(naive.setup, depth=naive.setup.depth + 1))
            text.append(f"; one layer deeper, {format_number(max(x.magnitude for x in deeper.layers), 1)}")
        trained = measured(DeepSetup(naive.setup.depth, "relu", "normal", optimizer="sgd"))
        if trained.diverged:
            text.append(
                f". Trained with SGD at α = {format_number(TRAIN_LR, 2)} it diverges at step {trained.trained}.",
                style="bold",
            )
        else:
            text.append(
                f". Trained {trained.trained} SGD steps at α = {format_number(TRAIN_LR, 2)}, its loss goes "
                f"{format_number(trained.loss_before or math.nan, 1)} → {format_number(trained.loss, 1)}."
            )
        return text

    def dead_note(self, relu: DeepHealth, leaky: DeepHealth) -> Text:
        """How many units are dead, what reaches them, and how Leaky ReLU differs."""
        text = Text()
        if relu.dead:
            zero = "exactly 0" if relu.dead_gradient == 0 else format_number(relu.dead_gradient)
            text.append(
                f"{relu.dead} of {relu.hidden_units} ReLU units have z ≤ 0 for all the samples: they output 0, "
                f"their slope is 0, and the gradient reaching their weights is {zero}. No step can move them. ",
                style="bold",
            )
        else:
            text.append(f"No ReLU unit of this {relu.setup.depth}-layer net is dead on the batch; press + to go deeper. ")
        later = measured(replace(relu.setup, optimizer="sgd"))
        if not later.diverged:
            text.append(f"After {later.trained} SGD steps, {later.dead} are dead. ")
        negative = sum(leaky.negative[:-1])
        text.append(
            f"In the Leaky ReLU net {negative} units are negative on every sample too, but their slope is 0.01, "
            "so a trickle of gradient still reaches them and none is dead."
        )
        return text

    # -- the remedy panel ---------------------------------------------------------------------------

    @staticmethod
    def remedies_heading(r: Remedies, depth: int) -> str:
        """The panel's heading: what the bars show."""
        from backprop_tui.engine.health import TRAIN_STEPS

        if r.training:
            steps = f"{TRAIN_STEPS} {OPTIMIZER_NAMES[r.training]} steps"
            return f"Remedies: how far {steps} moved each layer, {depth} layers"
        return f"Remedies, live: every key reruns the engine, {depth} layers"

    def panel(self) -> Text:
        """Each switch, its key and its state in words."""
        from backprop_tui.engine.health import CLIP_NORM, TRAIN_STEPS

        r = self.remedies

        def box(on: bool) -> str:
            return "[x]" if on else "[ ]"

        def choices(options: tuple, current: object, names: dict) -> Text:
            text = Text()
            for k, option in enumerate(options):
                if k:
                    text.append(" ")
                name = names.get(option, "none") if option is not None else "none"
                on = option == current
                text.append(f"[{name}]" if on else name, style="bold reverse" if on else "")
            return text

        def key(k: str) -> Text:
            return Text(f"{k} ", style="bold")

        inits = choices(INITS, r.init, {"normal": "naive", "xavier": "Xavier", "he": "He"})
        train = choices(TRAININGS, r.training, {"sgd": "SGD", "adam": "Adam"})
        return Text.assemble(
            key("i"), "init ", inits, "   ", key("k"), f"{box(r.residual)} skips   ",
            key("g"), f"{box(r.clip)} clip at {format_number(CLIP_NORM, 0)}\n",
            key("l"), f"{box(r.leaky)} Leaky ReLU   ", key("o"), f"train {TRAIN_STEPS}: ", train, "   ",
            key("f"), f"left: {ACTIVATION_NAMES[r.left]}",
        )

    def remedies_note(self, left: DeepHealth, right: DeepHealth) -> Text:
        """What the last key did, or how to start."""
        if self.change is not None:
            return self.change
        start = Text(
            "A careless start: naive N(0, 1) weights, plain ReLU, no skips, no clipping. Switch the remedies on "
            "one at a time and watch each column; + and − change the depth. "
        )
        if right.setup.optimizer is None:
            start.append(f"Left: {share(left)}. Right: {share(right)}, {right.dead} dead units.")
        return start

    def describe(self, what: str, said: str, before: list[DeepHealth], after: list[DeepHealth]) -> Text:
        """The switch, then per column what changed in the engine's numbers, then what the remedy does."""
        from backprop_tui.engine.health import CLIP_NORM, WARNING_HIGH

        text = Text.assemble((said, "bold"), " ")
        for old, new in zip(before, after):
            name = ACTIVATION_NAMES[new.setup.activation]
            if new.setup.optimizer:
                text.append(self.training_words(name, new))
                continue
            if old.setup.optimizer:  # back from training: no gradients to compare with
                text.append(f"{name}: {counts(new.layers)}. ")
                continue
            parts = []
            if ratio_words(old) != ratio_words(new):
                parts.append(f"layer 1's share {ratio_words(old)} → {ratio_words(new)}")
            if counts(old.layers) != counts(new.layers):
                parts.append(f"{counts(old.layers)} → {counts(new.layers)}")
            if old.dead != new.dead:
                parts.append(f"dead {old.dead} → {new.dead}")
            text.append(f"{name}: {'; '.join(parts) if parts else 'no change'}. ")
        note = NOTES[what].format(clip=format_number(CLIP_NORM, 0))
        text.append(note)
        if what == "residual" and after[0].setup.residual:
            big = [h for h in after if any(x.magnitude > WARNING_HIGH for x in h.layers)]
            if big:
                text.append(
                    " But each skip also adds to a running sum that grows with depth, and the gradients near the "
                    "output grow with it: real residual networks normalise that sum."
                )
        return text

    @staticmethod
    def training_words(name: str, new: DeepHealth) -> str:
        """One column's training outcome: divergence, or how far layer 1 and the output layer moved."""
        opt = OPTIMIZER_NAMES[new.setup.optimizer or "sgd"]
        if new.diverged:
            return f"{name}: {opt} diverged at step {new.trained}. "
        assert new.moved is not None
        first, last = format_number(new.moved[0]), format_number(new.moved[-1])
        said = f"{name}: layer 1 moved {first}, layer {new.setup.depth} {last}"
        if new.setup.optimizer == "adam":
            sgd = measured(replace(new.setup, optimizer="sgd"))
            if sgd.diverged:
                said += f" (SGD diverged at step {sgd.trained})"
            elif sgd.moved:
                said += f" (SGD: {format_number(sgd.moved[0])} and {format_number(sgd.moved[-1])})"
        return said + ". "
