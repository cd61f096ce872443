"""A chain of functions drawn as boxes and arrows, lit node by node.

    ┌────────┐     ┌────────┐     ┌────────┐
    │   x    │ ──▶ │  h(x)  │ ──▶ │  g(h)  │
    │  2.00  │     │  3.00  │     │  1.00  │
    └────────┘     └────────┘     └────────┘
                ×4             ×−1
     dL/dx        dL/dh        dL/dg
    −16.00        −4.00         4.00

Forward, each node's value appears as it is computed; backward, each arrow
shows its local derivative and each node the accumulated dL/d(node). The
active node is drawn in reverse video, which reads without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

BOX = 10
GAP = 5


@dataclass(frozen=True, slots=True)
class ChainNode:
    """One node as drawn: a title, how it is computed, and what is known of it so far.

    ``value`` and ``grad`` are ``None`` until the stepping reaches them;
    ``local`` is the derivative on the arrow leaving this node (to the next).
    """

    title: str
    expression: str = ""
    value: str | None = None
    grad: str | None = None
    local: str | None = None


@dataclass(frozen=True, slots=True)
class ChainDiagram:
    """Nodes left to right; ``active`` (an index) is highlighted; ``backward`` turns the arrows round."""

    nodes: Sequence[ChainNode]
    active: int | None = None
    backward: bool = False
    grad_name: str = "dL/d"

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the boxes and gaps."""
        width = len(self.nodes) * BOX + (len(self.nodes) - 1) * GAP + 1
        return Measurement(width, width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Eight lines: the boxes (five), local derivatives under the arrows, gradient names and values."""
        n = len(self.nodes)
        width = n * BOX + (n - 1) * GAP
        boxes = [Text() for _ in range(5)]
        grad_names, grads = Text(), Text()
        locals_row = [" "] * (width + 2)
        inner = BOX - 2
        arrow = " ◀── " if self.backward else " ──▶ "
        for i, node in enumerate(self.nodes):
            active = i == self.active
            known = node.value is not None
            box_style = "bold reverse" if active else ("" if known else "dim")
            rows = (
                "┌" + "─" * inner + "┐",
                "│" + node.title.center(inner)[:inner] + "│",
                "│" + node.expression.center(inner)[:inner] + "│",
                "│" + (node.value or "?").center(inner)[:inner] + "│",
                "└" + "─" * inner + "┘",
            )
            for line, row in zip(boxes, rows):
                line.append(row, style=box_style)
            if node.grad is not None:
                grad_names.append(f"{self.grad_name}{node.title.split('(')[0]}".center(BOX)[:BOX], style="dim")
                grads.append(node.grad.center(BOX)[:BOX], style="bold reverse" if active else "bold")
            else:
                grad_names.append(" " * BOX)
                grads.append(" " * BOX)
            if i == n - 1:
                break
            lit = node.grad is not None if self.backward else self.nodes[i + 1].value is not None
            for r, line in enumerate(boxes):
                line.append(arrow if r == 2 else " " * GAP, style="" if lit else "dim")
            grad_names.append(" " * GAP)
            grads.append(" " * GAP)
            if node.local is not None:
                label = f"×{node.local}"
                centre = i * (BOX + GAP) + BOX + GAP // 2
                start = max(0, centre - len(label) // 2)
                locals_row[start : start + len(label)] = list(label)
        yield from boxes
        yield Text("".join(locals_row).rstrip(), style="bold")
        yield grad_names
        yield grads
