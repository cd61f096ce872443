"""Section 3 — the forward pass, line by line, and a gallery of activations.

The anatomy runs the lesson network (engine presets) once and shows its
events one line per step, each with the numbers put into the formula. The
gallery samples each activation and its derivative from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.plot import LinePlot, Mark, Series
from backprop_tui.lesson.texts import LAYER
from backprop_tui.screens.base import SectionScreen


ANATOMY = (
    ("# layer 1: inputs → hidden", None),
    ("z1 = x · W1 + b1", "z1"),
    ("a1 = sigmoid(z1)", "a1"),
    ("# layer 2: hidden → output", None),
    ("z2 = a1 · W2 + b2", "z2"),
    ("output = z2          (a linear output)", "output"),
    ("# the loss", None),
    ("loss = 0.5 × (output − target)²", "loss"),
)
"""The forward pass as the learner reads it: (line, the step that reveals it)."""

FORWARD_STEPS = ("inputs", "z1", "a1", "z2", "output", "loss")


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    """One activation in the gallery: engine name, title, and what to notice."""

    name: str
    short: str
    title: str
    note: str


GALLERY = (
    GalleryEntry(
        "sigmoid",
        "Sigmoid",
        "Sigmoid  σ(z) = 1/(1 + e^−z)",
        "Squashes any input into (0, 1): smooth and easy to read as a probability. But its "
        "slope is never more than 0.25, so each sigmoid layer a gradient passes back through "
        "multiplies it by σ′ ≤ 0.25. Ten such factors: less than a millionth is left.",
    ),
    GalleryEntry(
        "relu",
        "ReLU",
        "ReLU  max(0, z)",
        "Cheap, and its slope is exactly 1 for every positive input, so gradients pass "
        "through undiminished. For negative inputs the slope is 0: a unit stuck there "
        "(a dead ReLU) gets no gradient and never recovers.",
    ),
    GalleryEntry(
        "leaky_relu",
        "Leaky ReLU",
        "Leaky ReLU  z if z > 0, else 0.01·z",
        "ReLU with a small slope (0.01) for negative inputs, so no unit is ever completely "
        "cut off from the gradient.",
    ),
    GalleryEntry(
        "tanh",
        "tanh",
        "tanh(z)",
        "Like sigmoid but centred on zero, in (−1, 1). Its slope reaches 1 at z = 0, yet it "
        "still flattens out for large |z|: deep tanh nets can vanish too.",
    ),
    GalleryEntry(
        "gelu",
        "GELU",
        "GELU  z·Φ(z) (tanh form)",
        "A smooth ReLU used by transformers. It dips slightly below zero for negative "
        "inputs, and its slope changes gently instead of jumping at 0.",
    ),
    GalleryEntry(
        "silu",
        "SiLU",
        "SiLU  z·σ(z)",
        "Also a smooth ReLU (it is sigmoid times its input). Like GELU it has a small dip "
        "below zero; its slope slightly overshoots 1 before settling there.",
    ),
)

Z_RANGE = (-5.0, 5.0)
SAMPLES = 201
"""Points per curve: 0.05 apart, so z = 0 is sampled exactly."""


class ForwardScreen(SectionScreen):
    """The forward pass of the lesson network, then the activation gallery."""

    SECTION_ID = "forward"
    STEP_LABELS = (
        "What a layer does",
        "Inputs and weights",
        "z1 = x·W1 + b1",
        "a1 = sigmoid(z1)",
        "z2 = a1·W2 + b2",
        "output",
        "loss",
        *(f"Activation: {g.short}" for g in GALLERY),
    )

    ANATOMY_START = 1
    GALLERY_START = ANATOMY_START + len(FORWARD_STEPS)

    def __init__(self) -> None:
        super().__init__()
        self._gallery: dict[str, Group] = {}

    @cached_property
    def run(self) -> dict[str, object]:
        """The lesson network's parameters and one forward pass, from the engine's events."""
        from backprop_tui.engine.events import ForwardEvent, LossEvent
        from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET
        from backprop_tui.engine.network import lesson_network

        net = lesson_network()
        init = net.init_event()
        forward = [e for e in net.forward(LESSON_INPUT, LESSON_TARGET)]
        hidden, out = (e for e in forward if isinstance(e, ForwardEvent))
        loss = next(e for e in forward if isinstance(e, LossEvent))
        return {
            "x": list(LESSON_INPUT),
            "W1": init.params[0].W.tolist(),
            "b1": init.params[0].b.tolist(),
            "W2": init.params[1].W.tolist(),
            "b2": init.params[1].b.tolist(),
            "z1": hidden.z.tolist(),
            "a1": hidden.a.tolist(),
            "z2": out.z.tolist(),
            "output": out.a.tolist(),
            "target": loss.target.tolist(),
            "loss": loss.loss,
        }

    def show_step(self, step: int) -> None:
        """The layer recipe, the anatomy up to ``step``, or one activation."""
        if step == 0:
            self.put("The forward pass: from inputs to loss", LAYER)
        elif step < self.GALLERY_START:
            part = FORWARD_STEPS[step - self.ANATOMY_START]
            self.put("Forward pass anatomy: the lesson network", self.worked(part), self.anatomy(part))
        else:
            entry = GALLERY[step - self.GALLERY_START]
            self.put(entry.title, entry.note, self.gallery(entry))

    # -- the anatomy ---------------------------------------------------------------------

    def anatomy(self, upto: str) -> Table:
        """The pass as code: lines up to ``upto`` shown with their values, the current one marked."""
        order = FORWARD_STEPS.index(upto)
        table = Table.grid(padding=(0, 2))
        table.add_column(width=2)
        table.add_column(min_width=38)
        table.add_column()
        for line, reveals in ANATOMY:
            if reveals is None:
                table.add_row("", Text(line, style="dim italic"), "")
                continue
            shown = FORWARD_STEPS.index(reveals) <= order
            current = reveals == upto
            table.add_row(
                Text("▶", style="bold") if current else "",
                Text(line, style="bold reverse" if current else ("" if shown else "dim")),
                Text(f"= {vec(self.run[reveals])}" if shown else "", style="bold" if current else ""),
            )
        return table

    def worked(self, part: str) -> RenderableType:
        """The current line with every number put in."""
        r = self.run
        x, W1, b1, W2, b2 = r["x"], r["W1"], r["b1"], r["W2"], r["b2"]
        if part == "inputs":
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold")
            grid.add_column()
            grid.add_row("x", vec(x))
            grid.add_row("W1", " ".join(vec(row) for row in W1) + "   (row i: from input i)")
            grid.add_row("b1", vec(b1))
            grid.add_row("W2", " ".join(vec(row) for row in W2))
            grid.add_row("b2", vec(b2))
            grid.add_row("target", vec(r["target"]))
            return Group(Text("What goes in:", style="bold"), grid)
        if part == "z1":
            lines = [
                f"z1[{j + 1}] = {n(x[0])}×{n(W1[0][j])} + {n(x[1])}×{n(W1[1][j])} + {n(b1[j])} = {n(r['z1'][j])}"
                for j in range(len(b1))
            ]
            return Text("\n".join(lines) + "\n\nEach hidden neuron weighs both inputs and adds its bias.")
        if part == "a1":
            lines = [f"a1[{j + 1}] = sigmoid({n(z)}) = {n(a)}" for j, (z, a) in enumerate(zip(r["z1"], r["a1"]))]
            rounded = " and ".join(format_number(a, 2) for a in r["a1"])
            return Text(
                "\n".join(lines)
                + f"\n\nTo two decimals the hidden neurons output {rounded}. Sigmoid squashes z into (0, 1);"
                " near z = 0 it sits close to 0.5."
            )
        if part == "z2":
            a1 = r["a1"]
            terms = " + ".join(f"{n(a)}×{n(W2[j][0])}" for j, a in enumerate(a1))
            return Text(f"z2 = {terms} + {n(b2[0])} = {n(r['z2'][0])}\n\nThe same recipe, one layer up.")
        if part == "output":
            return Text(
                f"output = z2 = {n(r['output'][0])}\n\nThe output layer is linear: no squashing, "
                "the prediction is z2 itself."
            )
        out, target, loss = r["output"][0], r["target"][0], r["loss"]
        return Text(
            f"loss = 0.5 × ({n(out)} − {n(target)})² = {n(loss)}\n\n"
            "The prediction is too low, and the loss says by how much. Next section: which weights to blame."
        )

    # -- the gallery ----------------------------------------------------------------------

    def gallery(self, entry: GalleryEntry) -> Group:
        """The activation and its derivative over z, and its largest slope (drawn once per activation)."""
        if entry.name not in self._gallery:
            self._gallery[entry.name] = self._draw_gallery(entry)
        return self._gallery[entry.name]

    def _draw_gallery(self, entry: GalleryEntry) -> Group:
        """Sample the engine's activation and derivative, and plot them."""
        import numpy as np

        from backprop_tui.engine.activations import get_activation

        act = get_activation(entry.name)
        z = np.linspace(*Z_RANGE, SAMPLES)
        a = act.f(z)
        d = act.df(z, a)
        top = int(np.argmax(d))
        flat = np.flatnonzero(d >= d[top] - 1e-12)  # where the slope stays at its largest
        plot = LinePlot(
            [
                Series(f"{entry.short}(z)", z, a, "bold cyan"),
                Series("slope (derivative)", z, d, "bold yellow", dotted=True),
            ],
            height=9,
            x_range=Z_RANGE,
            x_label="z",
            marks=[Mark(float(z[top]), float(d[top]), f"max slope {format_number(d[top], 2)}", "bold")],
        )
        where = (
            f"at z = {format_number(z[top], 2)}"
            if len(flat) == 1
            else f"for every z from {format_number(z[flat[0]], 2)} to {format_number(z[flat[-1]], 2)}"
        )
        fact = Text.assemble(
            ("Largest slope: ", "bold"), f"{format_number(d[top], 4)} {where}",
            ("   (sampled from the engine's derivative)", "dim"),
        )
        return Group(plot, fact)


def n(value: float) -> str:
    """Four decimals, as the anatomy shows every number."""
    return format_number(value, 4)


def vec(values: object) -> str:
    """A list of numbers as ``[0.5000, 0.3000]`` (a scalar as itself)."""
    if isinstance(values, list):
        return "[" + ", ".join(n(v) for v in values) + "]"
    return n(values)  # type: ignore[arg-type]
