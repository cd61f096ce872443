"""The geometry of a braille chart: data to dot coordinates, lines clipped to the plot and drawn
dot by dot. Each terminal cell holds 2×4 dots (Unicode braille patterns, U+2800)."""

from __future__ import annotations

import math
from collections.abc import Iterator

# Bit of each dot in a braille cell, indexed [row][column] (Unicode braille patterns, U+2800).
DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
# Far off-screen points are pulled in to this many dots before clipping (keeps arithmetic finite).
FAR = 1e12


def span(lo: float, hi: float) -> float:
    """Half of ``hi − lo``, which never overflows."""
    return hi * 0.5 - lo * 0.5


def scale(v: float, lo: float, hi: float, dots: int) -> float:
    """``v`` as a dot coordinate, ``lo`` → 0 and ``hi`` → dots − 1 (far values pulled in to ±FAR)."""
    t = (v * 0.5 - lo * 0.5) / span(lo, hi) * (dots - 1)
    return max(-FAR, min(FAR, t)) if math.isfinite(t) else math.copysign(FAR, t)


def clip(x0: float, y0: float, x1: float, y1: float, w: float, h: float) -> tuple[float, ...] | None:
    """The segment clipped to [0, w] × [0, h] (Liang–Barsky), or ``None`` if it misses."""
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0), (dx, w - x0), (-dy, y0), (dy, h - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return None
    return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)


def bresenham(x0: int, y0: int, x1: int, y1: int) -> Iterator[tuple[int, int]]:
    """The dots of the line from (x0, y0) to (x1, y1), both ends included."""
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        yield x0, y0
        if x0 == x1 and y0 == y1:
            return
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy
