"""Section 4's pictures: the 2-2-1 lesson network with its values, the table of its parameters,
and a weight's gradient bar with what gradient descent will do to the weight.

Pure Rich renderables over a :class:`~backprop_tui.models.lesson.Walk`; the
parts named in ``focus`` are drawn in reverse video.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from backprop_tui.engine.presets import LESSON_PARAMS as PARAMS
from backprop_tui.renderables.bars import BLAMED, NO_BLAME, PRAISED, GradientBar
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style

if TYPE_CHECKING:
    from backprop_tui.models.lesson import Walk


def network_diagram(walk: Walk, focus: frozenset[str]) -> Text:
    """The 2-2-1 network with its values; the parts named in ``focus`` in reverse video."""
    f = format_number

    def part(tag: str, text: str) -> tuple[str, str]:
        return (text, "bold reverse" if tag in focus else ("bold" if tag in ("h1", "h2", "y", "L") else ""))

    x1, x2 = f(walk.x[0], 2), f(walk.x[1], 2)
    width = max(len(x1), len(x2))  # a minus sign widens an input: both take its room, and the lines shift along
    x1, x2 = x1.rjust(width), x2.rjust(width)
    pad = " " * (width - 4)
    rows = [
        [part("x1", f" x1 {x1} "), ("────", ""), part("w11", "w11"), ("────▶ ", ""), part("h1", f"h1  a {f(walk.a1[0])}"),
         (" ──", ""), part("v1", "v1"), ("──┐", "")],
        [(pad + "        ╲          ↗                     ▼", "")],
        [(pad + "         ╲ ", ""), part("w12", "w12"), (" ", ""), part("w21", "w21"), ("╱                   ", ""),
         part("y", f"ŷ {f(walk.y)}"), ("  ──▶ ", ""), part("L", f"L {f(walk.loss)}")],
        [(pad + "         ╱        ╲                      ▲   ", ""), part("t", f"target {f(walk.target, 2)}")],
        [(pad + "        ╱          ↘                     │", "")],
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
    def gradient(n: str) -> Text:
        if n not in shown:
            return Text("·", style="dim")
        return Text(format_number(walk.grads[n]), style="bold reverse" if n in focus else "bold")

    table.add_row("∂L/∂·", *(gradient(n) for n in PARAMS))
    return table


def weight_bar(
    label: str, gradient: float, scale: float, width: int, numeric: float | None, direction: Mapping[str, str]
) -> Text:
    """A :class:`GradientBar` line and, after it, ``direction``'s words for its blamed/praised word.

    One line, never wrapped (cut with … on a narrow console).
    """
    line = GradientBar(label, gradient, scale, width=width, numeric=numeric).line()
    g = float(gradient)
    word = NO_BLAME if g == 0 or math.isnan(g) else BLAMED if g > 0 else PRAISED
    if word in direction and not math.isnan(g):
        line.append("  → ")
        line.append(direction[word], style=style(word, bold=True) if word != NO_BLAME else "dim")
    line.no_wrap, line.overflow = True, "ellipsis"
    return line
