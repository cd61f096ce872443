"""Scalar function chains and the chain rule, one node at a time.

Three set-ups from the lesson:

* :func:`lesson_chain` — x → h(x) → g(h) → f(g) → L with the values 2, 3, 1, 5, 2.
  Forward computes each node from the one before; backward multiplies, from
  L down to x, each node's local derivative into dL/d(node).
* :func:`explorer` — y = f(g(x)) with g(x) = 3x and f(u) = u², at any x.
* :func:`two_paths` — the multivariable rule dz/dx = ∂f/∂x + ∂f/∂y·dy/dx on
  z = f(x, y) = x·y with y = x², where x reaches z along two paths.

Pure Python floats: a teacher can check every digit by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from backprop_tui.engine.events import ChainBackwardEvent, ChainForwardEvent


@dataclass(frozen=True, slots=True)
class Node:
    """One function in a chain: ``value = fn(previous)`` and ``local = d(value)/d(previous)``.

    Attributes:
        name: the node's name (``h``).
        expression: how it is computed, as a learner reads it (``h = x² − 1``).
        derivative: its local derivative, as a learner reads it (``dh/dx = 2x``).
        fn: previous value → this value.
        dfn: previous value → the local derivative.
    """

    name: str
    expression: str
    derivative: str
    fn: Callable[[float], float]
    dfn: Callable[[float], float]


@dataclass(frozen=True, slots=True)
class Chain:
    """An input ``x0`` fed through ``nodes`` in order; the last node is the loss."""

    input_name: str
    x0: float
    nodes: tuple[Node, ...]

    def values(self) -> list[float]:
        """The input followed by every node's value."""
        out = [self.x0]
        for node in self.nodes:
            out.append(node.fn(out[-1]))
        return out

    def forward(self) -> Iterator[ChainForwardEvent]:
        """The input, then each node's value, as events (index 0 is the input)."""
        yield ChainForwardEvent(0, self.input_name, f"{self.input_name} = {self.x0:g}", self.x0)
        value = self.x0
        for i, node in enumerate(self.nodes, start=1):
            value = node.fn(value)
            yield ChainForwardEvent(i, node.name, node.expression, value)

    def backward(self) -> Iterator[ChainBackwardEvent]:
        """From the last node down to the input: dL/d(node) = dL/d(next) · d(next)/d(node).

        The last node is the loss itself (dL/dL = 1, local 1). For every other
        node, ``local`` is the next node's derivative with respect to it.
        """
        values = self.values()
        names = [self.input_name] + [n.name for n in self.nodes]
        last = len(self.nodes)
        grad = 1.0
        yield ChainBackwardEvent(last, names[last], 1.0, 1.0, grad)
        for i in range(last - 1, -1, -1):
            local = self.nodes[i].dfn(values[i])
            upstream = grad
            grad = upstream * local
            yield ChainBackwardEvent(i, names[i], local, upstream, grad)


def lesson_chain(x: float = 2.0) -> Chain:
    """x → h → g → f → L; at x = 2: h = 3, g = 1, f = 5, L = 2; dL/dx = −16.

    h = x² − 1, g = 4 − h, f = g² + 4, L = ½·(f − 3)². The signs matter: g
    falls as h rises, so the gradient changes sign on the way back.
    """
    return Chain(
        "x",
        x,
        (
            Node("h", "h = x² − 1", "dh/dx = 2x", lambda v: v * v - 1.0, lambda v: 2.0 * v),
            Node("g", "g = 4 − h", "dg/dh = −1", lambda v: 4.0 - v, lambda v: -1.0),
            Node("f", "f = g² + 4", "df/dg = 2g", lambda v: v * v + 4.0, lambda v: 2.0 * v),
            Node("L", "L = ½·(f − 3)²", "dL/df = f − 3", lambda v: 0.5 * (v - 3.0) ** 2, lambda v: v - 3.0),
        ),
    )


@dataclass(frozen=True, slots=True)
class Explorer:
    """y = f(g(x)) with g(x) = 3x and f(u) = u², and every factor of dy/dx.

    Attributes:
        x: the input.
        u: g(x) = 3x.
        y: f(u) = u².
        du_dx: g′(x) = 3.
        dy_du: f′(u) = 2u.
        dy_dx: du/dx · dy/du (= 18x).
    """

    x: float
    u: float
    y: float
    du_dx: float
    dy_du: float
    dy_dx: float


def explorer(x: float = 2.0) -> Explorer:
    """The explorer at ``x`` (at 2: u = 6, y = 36, 3 × 12 = 36)."""
    u = 3.0 * x
    du_dx = 3.0
    dy_du = 2.0 * u
    return Explorer(x, u, u * u, du_dx, dy_du, du_dx * dy_du)


@dataclass(frozen=True, slots=True)
class TwoPaths:
    """z = f(x, y) = x·y with y = x²: x reaches z directly and through y.

    Attributes:
        x, y, z: the values.
        df_dx: ∂f/∂x = y (the direct path).
        df_dy: ∂f/∂y = x.
        dy_dx: dy/dx = 2x.
        direct: the direct path's share, ∂f/∂x.
        via_y: the path through y, ∂f/∂y · dy/dx.
        dz_dx: both paths summed (= 3x², as z = x³).
    """

    x: float
    y: float
    z: float
    df_dx: float
    df_dy: float
    dy_dx: float
    direct: float
    via_y: float
    dz_dx: float


def two_paths(x: float = 2.0) -> TwoPaths:
    """The two-path example at ``x`` (at 2: 4 + 2·4 = 12)."""
    y = x * x
    df_dx, df_dy, dy_dx = y, x, 2.0 * x
    via_y = df_dy * dy_dx
    return TwoPaths(x, y, x * y, df_dx, df_dy, dy_dx, df_dx, via_y, df_dx + via_y)
