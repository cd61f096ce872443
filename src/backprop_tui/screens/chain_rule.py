"""Section 2 — the chain rule: an explorer of y = f(g(x)) and the rule for many paths.

``+``/``-`` (or ``up``/``down``) move x by 0.1, ``>``/``<`` (or
``shift+up``/``shift+down``) by 1.0, ``r`` puts it back to 2.00. The values
come from :func:`~backprop_tui.engine.chain.explorer` and
:func:`~backprop_tui.engine.chain.two_paths`.
"""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive

from backprop_tui.engine.chain import explorer, two_paths
from backprop_tui.lesson.texts import EXPLORER_NOTE, PATHS_NOTE, RULE, SAME_NUMBER_EXPLORER, SAME_NUMBER_PATHS
from backprop_tui.renderables.chain import ChainDiagram, ChainNode
from backprop_tui.renderables.numbers import format_number
from backprop_tui.screens.base import SectionScreen
from backprop_tui.screens.steps import step

X_DEFAULT = 20
"""x in tenths: 2.0."""
X_LIMIT = 100
"""x stays within ±10.0 (tenths)."""
KEYS = Text("+/- change x by 0.1, >/< by 1, r resets it", style="dim")


class ChainRuleScreen(SectionScreen):
    """The chain rule, the explorer, and the multi-path rule."""

    SECTION_ID = "chain-rule"
    STEPS = (
        step("rule", "The chain rule"),
        step("explorer", "Explorer", keys="nudge reset_x"),
        step("paths", "Many paths", keys="nudge reset_x"),
    )

    BINDINGS = [
        Binding("plus,equals_sign,up", "nudge(1)", "x +0.1", key_display="+"),
        Binding("minus,underscore,down", "nudge(-1)", "x −0.1", key_display="-"),
        Binding("greater_than_sign,shift+up", "nudge(10)", "x +1", key_display=">", show=False),
        Binding("less_than_sign,shift+down", "nudge(-10)", "x −1", key_display="<", show=False),
        Binding("r", "reset_x", "x = 2", show=False),
    ]

    tenths: reactive[int] = reactive(X_DEFAULT, init=False)
    """x, in tenths (so 0.1 steps never drift: x = tenths / 10)."""

    @property
    def x(self) -> float:
        """The explorer's input."""
        return self.tenths / 10

    def action_nudge(self, tenths: int) -> None:
        """Move x by ``tenths``/10, within ±10."""
        wanted = self.tenths + tenths
        self.tenths = max(-X_LIMIT, min(X_LIMIT, wanted))
        if wanted != self.tenths:
            self.app.say(f"x stays between {f2(-X_LIMIT / 10)} and {f2(X_LIMIT / 10)}.")

    def action_reset_x(self) -> None:
        """x back to 2.00."""
        self.tenths = X_DEFAULT

    def watch_tenths(self) -> None:
        """Redraw with the new x."""
        self.redraw()

    def draw_rule(self) -> None:
        """The rule in words."""
        self.put("The chain rule: calculus you already know", RULE)

    def draw_explorer(self) -> None:
        """The explorer of y = f(g(x))."""
        title = Text("Explorer: y = f(g(x)) with g(x) = 3x and f(u) = u²", style="bold")
        self.put(Group(title, KEYS), EXPLORER_NOTE, self.explorer())

    def draw_paths(self) -> None:
        """The two-path example."""
        self.put(Group(Text("Many paths: z = f(x, y) = x·y, where y = x²", style="bold"), KEYS), PATHS_NOTE, self.paths())

    def explorer(self) -> Group:
        """x → u → y with both local slopes and their product."""
        e = explorer(self.x)
        chain = ChainDiagram(
            [
                ChainNode("x", "input", f2(e.x), local=f3(e.du_dx)),
                ChainNode("u = g(x)", "3x", f2(e.u), local=f3(e.dy_du)),
                ChainNode("y = f(u)", "u²", f2(e.y)),
            ]
        )
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_column(style="dim")
        table.add_row("du/dx", f3(e.du_dx), "the slope of g(x) = 3x: always 3")
        table.add_row("dy/du", f3(e.dy_du), f"the slope of f(u) = u² is 2u = 2 × {f2(e.u)}")
        product = Text.assemble(
            ("dy/dx = du/dx × dy/du = ", "bold"), f"{f3(e.du_dx)} × {f3(e.dy_du)} = ", (f3(e.dy_dx), "bold reverse")
        )
        parts: list[RenderableType] = [chain, table, Text(""), product]  # then, at x = 0 or 2, a note (two lines)
        if math.isclose(e.y, e.dy_dx, abs_tol=1e-12):  # at x = 2 both are 36: say they are different things
            parts += [Text(SAME_NUMBER_EXPLORER.format(y=f2(e.y), slope=f3(e.dy_dx)))]
        return Group(*parts)

    def paths(self) -> Group:
        """Both paths from x to z, each product shown, then the sum."""
        p = two_paths(self.x)
        values = Text.assemble(
            "x = ", (f2(p.x), "bold"), "    y = x² = ", (f2(p.y), "bold"), "    z = x·y = ", (f2(p.z), "bold")
        )
        table = Table(box=None, padding=(0, 1), show_edge=False)
        table.add_column("path", style="bold")
        table.add_column("chain rule")
        table.add_column("contribution", justify="right")
        table.add_row("x → z", "∂f/∂x = y", f2(p.direct))
        table.add_row(
            "x → y → z", f"∂f/∂y · dy/dx = x · 2x = {f2(p.df_dy)} × {f2(p.dy_dx)}", f2(p.via_y)
        )
        total = Text.assemble(
            ("dz/dx = ∂f/∂x + ∂f/∂y·dy/dx = ", "bold"),
            f"{f2(p.direct)} + {f2(p.via_y)} = ",
            (f2(p.dz_dx), "bold reverse"),
        )
        check = Text("Check it another way: z = x·x² = x³, whose slope is 3x².", style="dim")
        parts: list[RenderableType] = [values, Text(""), table, Text(""), total, check]
        if math.isclose(p.y, p.dy_dx, abs_tol=1e-12):  # at x = 2 both are 4, and both appear in the table
            parts.append(Text(SAME_NUMBER_PATHS.format(value=f2(p.y))))
        return Group(*parts)


def f2(value: float) -> str:
    """Two decimals (values)."""
    return format_number(value, 2)


def f3(value: float) -> str:
    """Three decimals (slopes), as the source lesson shows them."""
    return format_number(value, 3)
