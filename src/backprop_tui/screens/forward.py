"""Section 3 — the forward pass, line by line, and a gallery of activations.

The anatomy (:mod:`backprop_tui.models.anatomy`) runs the lesson network once
and the screen shows its values one line per step, each with the numbers put
into the formula; the words are in :mod:`backprop_tui.lesson.forward`. The
gallery plots each activation and its derivative as sampled from the engine.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.lesson.forward import ANATOMY, FORWARD_STEPS, GALLERY, NAMES, GalleryEntry
from backprop_tui.lesson.texts import LAYER
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style
from backprop_tui.renderables.plot import LinePlot, Mark, Series
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import index_of, step

if TYPE_CHECKING:
    from backprop_tui.models.anatomy import Anatomy

class ForwardScreen(SectionScreen):
    """The forward pass of the lesson network, then the activation gallery."""

    SECTION_ID = "forward"
    STEPS = (
        step("layer", "What a layer does"),
        step("inputs", "Inputs and weights", "draw_anatomy"),
        step("z1", "z1 = x·W1 + b1", "draw_anatomy"),
        step("a1", "a1 = sigmoid(z1)", "draw_anatomy"),
        step("z2", "z2 = a1·W2 + b2", "draw_anatomy"),
        step("output", "output", "draw_anatomy"),
        step("loss", "loss", "draw_anatomy"),
        *(step(f"activation-{g.name}", f"Activation: {g.short}", "draw_gallery") for g in GALLERY),
    )

    ANATOMY_START = index_of(STEPS, "inputs")
    GALLERY_START = index_of(STEPS, f"activation-{GALLERY[0].name}")

    def __init__(self) -> None:
        super().__init__()
        self._gallery: dict[str, Group] = {}

    @cached_property
    def run(self) -> Anatomy:
        """The lesson network's parameters and one forward pass (from :mod:`backprop_tui.models.anatomy`)."""
        from backprop_tui.models.anatomy import lesson_anatomy

        return lesson_anatomy()

    def draw_layer(self) -> None:
        """What a layer does."""
        self.put("The forward pass: from inputs to loss", LAYER)

    def draw_anatomy(self) -> None:
        """The anatomy, up to the step on show."""
        part = FORWARD_STEPS[self.step - self.ANATOMY_START]
        self.put("Forward pass anatomy: the lesson network", self.worked(part), self.anatomy(part))

    def draw_gallery(self) -> None:
        """One activation of the gallery."""
        entry = GALLERY[self.step - self.GALLERY_START]
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
                Text(f"= {vec(self.run.value(reveals))}" if shown else "", style="bold" if current else ""),
            )
        return table

    def worked(self, part: str) -> RenderableType:
        """The current line with every number put in."""
        r = self.run
        x, W1, b1, W2, b2 = r.x, r.W1, r.b1, r.W2, r.b2
        if part == "inputs":
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold")
            grid.add_column()
            grid.add_row("x", vec(x))
            grid.add_row("W1", " ".join(vec(row) for row in W1) + "   (row i: from input i)")
            grid.add_row("b1", vec(b1))
            grid.add_row("W2", " ".join(vec(row) for row in W2))
            grid.add_row("b2", vec(b2))
            grid.add_row("target", vec(r.target))
            return Group(Text("What goes in:", style="bold"), grid)
        if part == "z1":
            lines = [
                f"z[h{j + 1}] = {n(x[0])}×{n(W1[0][j])} + {n(x[1])}×{n(W1[1][j])} + {n(b1[j])} = {n(r.z1[j])}"
                for j in range(len(b1))
            ]
            return Text(
                "\n".join(lines) + "\n\nEach hidden neuron (h1, h2) weighs both inputs and adds its bias. "
                + NAMES
            )
        if part == "a1":
            lines = [f"a[h{j + 1}] = sigmoid({n(z)}) = {n(a)}" for j, (z, a) in enumerate(zip(r.z1, r.a1))]
            rounded = " and ".join(format_number(a, 2) for a in r.a1)
            return Text(
                "\n".join(lines)
                + f"\n\nTo two decimals the hidden neurons output {rounded}. Sigmoid squashes z into (0, 1);"
                " near z = 0 it sits close to 0.5."
            )
        if part == "z2":
            a1 = r.a1
            terms = " + ".join(f"{n(a)}×{n(W2[j][0])}" for j, a in enumerate(a1))
            return Text(f"z2 = {terms} + {n(b2[0])} = {n(r.z2[0])}\n\nThe same recipe, one layer up.")
        if part == "output":
            return Text(
                f"output = z2 = {n(r.output[0])}\n\nThe output layer is linear: no squashing, "
                "the prediction is z2 itself."
            )
        out, target, loss = r.output[0], r.target[0], r.loss
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
        """Plot the engine's activation and derivative, sampled by the model."""
        from backprop_tui.models.anatomy import Z_RANGE, activation_curve

        curve = activation_curve(entry.name)
        plot = LinePlot(
            [
                Series(f"{entry.short}(z)", curve.z, curve.a, style("curve", bold=True)),
                Series("slope (derivative)", curve.z, curve.slope, style("slope", bold=True), dotted=True),
            ],
            height=9,
            x_range=Z_RANGE,
            x_label="z",
            marks=[Mark(curve.at, curve.max_slope, f"max slope {format_number(curve.max_slope, 2)}", "bold")],
        )
        where = (
            f"at z = {format_number(curve.at, 2)}"
            if curve.flat_from == curve.flat_to
            else f"for every z from {format_number(curve.flat_from, 2)} to {format_number(curve.flat_to, 2)}"
        )
        fact = Text.assemble(
            ("Largest slope: ", "bold"), f"{format_number(curve.max_slope, 4)} {where}",
            ("   (sampled from the engine's derivative)", "dim"),
        )
        return Group(plot, fact)


def n(value: float) -> str:
    """Four decimals, as the anatomy shows every number."""
    return format_number(value, 4)


def vec(values: object) -> str:
    """A list of numbers as ``[0.5000, 0.3000]`` (a scalar as itself)."""
    if isinstance(values, (list, tuple)):
        return "[" + ", ".join(n(v) for v in values) + "]"
    return n(values)  # type: ignore[arg-type]
