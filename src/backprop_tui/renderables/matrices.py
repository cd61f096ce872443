"""Matrices as a reader writes them on paper, and equations that line them up side by side.

    ⎡0.5100⎤ · [−0.1975] = ⎡−0.1007⎤
    ⎣0.5000⎦               ⎣−0.0988⎦

Pure Rich: :func:`matrix` is a :class:`~rich.text.Text` of one line per row
(entries already written as text, right-aligned per column); :func:`equation`
puts matrices and operators in one row of a grid, each at the top of its cell;
:func:`backward_matrices` writes section 4's backward pass with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from backprop_tui.renderables.numbers import format_number

if TYPE_CHECKING:
    from backprop_tui.models.lesson import MatrixPass

BRACKETS = {
    "one": ("[", "]"),
    "top": ("⎡", "⎤"),
    "middle": ("⎢", "⎥"),
    "bottom": ("⎣", "⎦"),
}
"""The bracket pieces of a one-row matrix and of the top, middle and bottom rows of a taller one."""


def matrix(rows: Sequence[Sequence[str]], style: str = "") -> Text:
    """``rows`` of entries between brackets, columns right-aligned and two spaces apart."""
    widths = [max(len(row[j]) for row in rows) for j in range(len(rows[0]))]
    text = Text(style=style, no_wrap=True)
    for i, row in enumerate(rows):
        place = "one" if len(rows) == 1 else "top" if i == 0 else "bottom" if i == len(rows) - 1 else "middle"
        left, right = BRACKETS[place]
        if i:
            text.append("\n")
        text.append(left + "  ".join(entry.rjust(w) for entry, w in zip(row, widths)) + right)
    return text


def equation(*parts: RenderableType) -> Table:
    """``parts`` side by side in one row, one space apart (a plain string is a part too)."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    for _ in parts:
        grid.add_column(no_wrap=True)
    grid.add_row(*(Text(p) if isinstance(p, str) else p for p in parts))
    return grid


def _entries(values: Any, digits: int = 4) -> list[list[str]]:
    """A 2-D array's entries as text."""
    return [[format_number(v, digits) for v in row] for row in values]


def _symbols(formula: str, shapes: str) -> Text:
    """A formula in bold, and its shapes after it, dim."""
    return Text.assemble((formula, "bold"), "    ", (shapes, "dim"))


def backward_matrices(m: MatrixPass) -> Group:
    """The lesson network's backward pass as four matrix formulas, each with its shapes and numbers."""
    M = matrix
    result = "bold reverse"
    return Group(
        _symbols("δ2 = ∂L/∂z2 = ŷ − t", "1×1"),
        equation("  =", M(_entries(m.delta2), result)),
        _symbols("∂L/∂W2 = a1ᵀ · δ2", "2×1 · 1×1 → 2×1"),
        equation("  =", M(_entries(m.a1.T)), "·", M(_entries(m.delta2)), "=", M(_entries(m.dW2), result),
                 Text("= ∂L/∂v1\n  ∂L/∂v2", style="dim")),
        _symbols("δ1 = (δ2 · W2ᵀ) ⊙ σ′(z1)", "(1×1 · 1×2) ⊙ 1×2 → 1×2,  σ′(z1) = a1 ⊙ (1 − a1)"),
        equation("   δ2 · W2ᵀ =", M(_entries(m.delta2)), "·", M(_entries(m.W2.T)), "=", M(_entries(m.back))),
        equation("   δ1 =", M(_entries(m.back)), "⊙", M(_entries(m.sigma_prime)), "=", M(_entries(m.delta1), result)),
        _symbols("∂L/∂W1 = xᵀ · δ1", "2×1 · 1×2 → 2×2"),
        equation("  =", M(_entries(m.x.T, 2)), "·", M(_entries(m.delta1)), "=", M(_entries(m.dW1), result),
                 Text("= ∂L/∂w11  ∂L/∂w12\n  ∂L/∂w21  ∂L/∂w22", style="dim")),
    )
