"""A braille line chart: each terminal cell holds 2×4 dots.

     1.10┤                 ⢀⣀⡠⠤⠒
         │⠑⠢⡀        ⣀⡠⠤⠔⠒⠉⠁ ⣀⠔⠉
        0┤  ⠈⠉⢉⣒⠤⠴⣒⣊⣉● min⠊⠉⠉
    −1.10┤⠤⠒⠊⠉⠁
         └──────────────────────
          −1.00             1.00
    ── x²  ╌╌ x

Lines join successive finite points (a non-finite point breaks the line);
where series share a cell the later one colours it. Marks are drawn as ``●``
with their label beside them. The legend names every series, so the chart
reads without colour, and no two series of a chart share a line pattern
(:data:`PATTERNS`: solid, dashed, dotted …): a series that asks for none gets
the first one no other series has. A chart of more series than there are
patterns also tags each series whose pattern repeats with a letter, at the
end of its line and in the legend. Pure Rich: plain sequences of floats (or
numpy arrays).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import StyleType
from rich.text import Text

from backprop_tui.renderables.braille import DOT_BITS, bresenham, clip, scale, span
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style

PALETTE = tuple(style(f"pick{k}") for k in range(1, 5))
"""Colours of series that name none, in turn."""
MARK_GLYPH = "●"
AXIS_STYLE = "dim"
MIN_WIDTH = 20

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Pattern:
    """How a line is drawn: which of its successive dots are lit (``lit`` repeats), and its legend glyph."""

    name: str
    legend: str
    """Two cells that look like the line, before the series' name in the legend."""
    lit: tuple[bool, ...]


def _dashes(*runs: int) -> tuple[bool, ...]:
    """Alternating runs of lit and unlit dots: ``_dashes(2, 2)`` is two on, two off."""
    return tuple(k % 2 == 0 for k, n in enumerate(runs) for _ in range(n))


PATTERNS = (
    Pattern("solid", "──", (True,)),
    Pattern("dashed", "╌╌", _dashes(6, 2)),
    Pattern("dotted", "┈┈", _dashes(2, 2)),
    Pattern("dash-dot", "─·", _dashes(6, 2, 2, 2)),
    Pattern("sparse", "··", _dashes(1, 5)),
)
"""Every line pattern, in the order series that ask for none are given them. A horizontal line is
two dots a cell: solid ``⠉⠉⠉⠉``, dashed ``⠉⠉⠉ ``, dotted ``⠉ ⠉ ``, dash-dot ``⠉⠉⠉ ⠉ ``, sparse ``⠁  ⠁  ``."""
PATTERN_NAMES = {p.name: p for p in PATTERNS}
TAGS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""Letters of series whose pattern another series has too (only on charts of more series than patterns)."""


@dataclass(frozen=True, slots=True, eq=False)
class Series:
    """One line: ``ys[i]`` over ``xs[i]`` (extra values of the longer one are ignored).

    ``style`` colours it (``None``: the next colour of :data:`PALETTE`); ``name`` labels it in the legend.
    ``pattern`` names its line pattern in :data:`PATTERNS`; ``dotted`` is short for ``pattern="dotted"``.
    Without either, the chart gives it the first pattern no other series of the chart has, so that
    lines differ without colour too.
    """

    name: str
    xs: Sequence[float] | Any
    """The x values: a sequence of floats or a 1-D numpy array."""
    ys: Sequence[float] | Any
    """The y values, likewise."""
    style: StyleType | None = None
    dotted: bool = False
    pattern: str | None = None

    @property
    def asked(self) -> Pattern | None:
        """The pattern this series asks for, or ``None`` (the chart chooses)."""
        if self.pattern is not None:
            return PATTERN_NAMES[self.pattern]
        return PATTERN_NAMES["dotted"] if self.dotted else None


def assign_patterns(series: Sequence[Series]) -> list[tuple[Pattern, str]]:
    """Each series' pattern and letter tag (``""`` unless its pattern repeats in the chart).

    A series keeps the pattern it asks for; the others get, in turn, the first pattern of
    :data:`PATTERNS` no series has yet (once all are taken, they go round again).
    """
    taken = {p.name for p in (s.asked for s in series) if p is not None}
    free = [p for p in PATTERNS if p.name not in taken] or list(PATTERNS)
    chosen: list[Pattern] = []
    k = 0
    for s in series:
        asked = s.asked
        if asked is None:
            asked = free[k % len(free)]
            k += 1
        chosen.append(asked)
    counts = {p.name: sum(q.name == p.name for q in chosen) for p in chosen}
    out: list[tuple[Pattern, str]] = []
    tags = iter(TAGS * (len(series) // len(TAGS) + 1))
    for p in chosen:
        out.append((p, next(tags) if counts[p.name] > 1 else ""))
    return out


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted point, drawn as ``●`` with ``label`` beside it."""

    x: float
    y: float
    label: str = ""
    style: StyleType = "bold"


def function_series(
    fn: Callable[[float], float],
    lo: float,
    hi: float,
    n: int = 100,
    name: str = "f(x)",
    style: StyleType | None = None,
) -> Series:
    """``fn`` sampled at ``n`` evenly spaced x in [lo, hi]; where it raises or is not a number, NaN."""
    n = max(1, int(n))
    xs = [lo + (hi - lo) * i / (n - 1) for i in range(n)] if n > 1 else [float(lo)]
    ys = []
    for x in xs:
        try:
            ys.append(float(fn(x)))
        except (ArithmeticError, ValueError, TypeError):
            ys.append(math.nan)
    return Series(name, xs, ys, style)


def _points(series: Series) -> list[tuple[float, float] | None]:
    """The series as (x, y) pairs, ``None`` where either is missing (``None``) or not finite."""
    out: list[tuple[float, float] | None] = []
    for x, y in zip(series.xs, series.ys):
        fx, fy = (math.nan if x is None else float(x)), (math.nan if y is None else float(y))
        out.append((fx, fy) if math.isfinite(fx) and math.isfinite(fy) else None)
    return out


def _auto_range(values: Iterable[float], given: Range | None, pad: float = 0.05) -> Range:
    """``given`` if usable, else the finite values' range, padded by ``pad`` of it each side.

    A constant (or a single value) gets ±10 % of itself, or ±1 at 0.
    """
    if given is not None:
        lo, hi = float(given[0]), float(given[1])
        if math.isfinite(lo) and math.isfinite(hi) and span(min(lo, hi), max(lo, hi)) > 0:
            return (min(lo, hi), max(lo, hi))
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 1.0)
    lo, hi = min(finite), max(finite)
    margin = span(lo, hi) * 2 * pad if span(lo, hi) > 0 else (abs(lo) * 0.1 or 1.0)
    plo, phi = lo - margin, hi + margin
    lo, hi = (plo if math.isfinite(plo) else lo), (phi if math.isfinite(phi) else hi)
    if not span(lo, hi) > 0:  # tiny spans that halve to zero
        lo, hi = lo - 1.0, hi + 1.0
    return (lo, hi)


def _tick_digits(r: Range) -> int:
    """Decimals for tick labels: enough to tell the ends of the range apart, 1 to 4."""
    span = r[1] - r[0]
    return max(1, min(4, 2 - math.floor(math.log10(span)))) if 0 < span < math.inf else 1


class _Grid:
    """The dots of a ``width`` × ``height`` cell plot, and which series lit each cell last."""

    def __init__(self, width: int, height: int, xr: Range, yr: Range) -> None:
        self.width, self.height, self.xr, self.yr = width, height, xr, yr
        self.cols, self.rows = width * 2, height * 4
        self.bits = [[0] * width for _ in range(height)]
        self.owner = [[-1] * width for _ in range(height)]

    def to_dots(self, x: float, y: float) -> tuple[float, float]:
        """Data to dot coordinates (y grows downward)."""
        return scale(x, *self.xr, self.cols), (self.rows - 1) - scale(y, *self.yr, self.rows)

    def dot(self, x: int, y: int, k: int) -> None:
        """Light one dot for series ``k`` (off-grid dots are ignored)."""
        if 0 <= x < self.cols and 0 <= y < self.rows:
            r, c = y // 4, x // 2
            self.bits[r][c] |= DOT_BITS[y % 4][x % 2]
            self.owner[r][c] = k

    def draw(self, pts: Sequence[tuple[float, float] | None], k: int, pattern: Pattern = PATTERNS[0]) -> None:
        """Series ``k``: a line through successive points (the dots ``pattern`` lights), a lone point as a dot."""
        lit = 0
        on = pattern.lit
        for i, p in enumerate(pts):
            if p is None:
                continue
            a = self.to_dots(*p)
            nxt = pts[i + 1] if i + 1 < len(pts) else None
            if nxt is None:
                if i == 0 or pts[i - 1] is None:
                    self.dot(round(a[0]), round(a[1]), k)
                continue
            clipped = clip(*a, *self.to_dots(*nxt), self.cols - 1, self.rows - 1)
            if clipped is not None:
                x0, y0, x1, y1 = (round(v) for v in clipped)
                for x, y in bresenham(x0, y0, x1, y1):
                    lit += 1
                    if on[lit % len(on)]:
                        self.dot(x, y, k)

    def tag_cell(self, pts: Sequence[tuple[float, float] | None]) -> tuple[int, int] | None:
        """(row, column) of the series' last point on the plot, where its letter goes; ``None`` if none is."""
        for p in reversed(pts):
            if p is None:
                continue
            px, py = self.to_dots(*p)
            if -0.5 <= px <= self.cols - 0.5 and -0.5 <= py <= self.rows - 0.5:
                return min(self.rows - 1, max(0, round(py))) // 4, min(self.cols - 1, max(0, round(px))) // 2
        return None

    def marks(self, marks: Sequence[Mark]) -> dict[tuple[int, int], tuple[str, StyleType]]:
        """(row, column) → (character, style) of each visible mark's ``●`` and label."""
        overlay: dict[tuple[int, int], tuple[str, StyleType]] = {}
        for m in marks:
            px, py = self.to_dots(float(m.x), float(m.y))
            if not (-0.5 <= px <= self.cols - 0.5 and -0.5 <= py <= self.rows - 0.5):
                continue
            r, c = min(self.rows - 1, max(0, round(py))) // 4, min(self.cols - 1, max(0, round(px))) // 2
            n = len(m.label) + 1 if m.label else 0
            right, left = self.width - c - 1, c
            if n <= right or (n > left and right >= left):  # right if it fits there or has more room, cut
                start, text = c + 1, f" {m.label}"[:right] if n else ""
            else:
                text = f"{m.label} "[-left:] if n else ""
                start = c - len(text)
            for j, ch in enumerate(text):
                overlay.setdefault((r, start + j), (ch, m.style))
            overlay[(r, c)] = (MARK_GLYPH, m.style)
        return overlay


@dataclass(frozen=True, slots=True, eq=False)
class LinePlot:
    """A braille line chart of ``series`` with ``marks``, y ticks, x range, legend.

    ``width`` (whole chart, in cells) fills the console when ``None``; ``height``
    is the number of plot rows. Ranges are automatic unless given.
    """

    series: Sequence[Series]
    width: int | None = None
    height: int = 10
    x_range: Range | None = None
    y_range: Range | None = None
    x_label: str = ""
    y_label: str = ""
    title: str = ""
    marks: Sequence[Mark] = ()
    _drawn: dict[int, list[Text]] = field(default_factory=dict, init=False, repr=False)
    """Lines already drawn, by width: a screen measures a chart, then renders it, often twice."""

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """Exactly ``width`` if given, else anything from MIN_WIDTH to the whole console."""
        if self.width is not None:
            w = max(1, min(self.width, options.max_width))
            return Measurement(w, w)
        return Measurement(min(MIN_WIDTH, options.max_width), options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Every line exactly the chart's width."""
        width = max(1, min(self.width if self.width is not None else options.max_width, options.max_width))
        if width not in self._drawn:
            self._drawn[width] = self.lines(width)
        for line in self._drawn[width]:
            yield from line.render(console)
            yield Segment.line()

    def lines(self, width: int) -> list[Text]:
        """The chart as lines of exactly ``width`` cells."""
        height = max(1, int(self.height))
        data = [_points(s) for s in self.series]
        marks = [m for m in self.marks if math.isfinite(float(m.x)) and math.isfinite(float(m.y))]
        found = [p for pts in data for p in pts if p is not None]
        xr = _auto_range([p[0] for p in found] + [float(m.x) for m in marks], self.x_range, pad=0.0)
        yr = _auto_range([p[1] for p in found] + [float(m.y) for m in marks], self.y_range)

        # y ticks: top, bottom, and zero (on the row where y = 0 is drawn) when strictly between.
        ticks = {0: yr[1], height - 1: yr[0]}
        if yr[0] < 0 < yr[1]:
            ticks.setdefault(round(height * 4 - 1 - scale(0.0, *yr, height * 4)) // 4, 0.0)
        labels = {row: format_number(v, _tick_digits(yr)) for row, v in ticks.items()}
        gutter = min(max(len(s) for s in labels.values()), max(0, width - 5))
        plot_w = max(1, width - gutter - 1)

        grid = _Grid(plot_w, height, xr, yr)
        looks = assign_patterns(self.series)
        for k, pts in enumerate(data):
            grid.draw(pts, k, looks[k][0])
        styles = [s.style if s.style is not None else PALETTE[k % len(PALETTE)] for k, s in enumerate(self.series)]
        overlay = grid.marks(marks)
        for k, pts in enumerate(data):
            cell = grid.tag_cell(pts) if looks[k][1] else None
            if cell is not None:
                overlay.setdefault(cell, (looks[k][1], styles[k]))

        out: list[Text] = []
        if self.title:
            out.append(Text(self.title.center(width), style="bold"))
        if self.y_label:
            out.append(Text(self.y_label, style="italic"))
        for r in range(height):
            line = Text(labels.get(r, "").rjust(gutter)[:gutter])
            line.append("┤" if r in labels else "│", style=AXIS_STYLE)
            for c in range(plot_w):
                if (r, c) in overlay:
                    line.append(*overlay[(r, c)])
                elif grid.bits[r][c]:
                    line.append(chr(0x2800 + grid.bits[r][c]), style=styles[grid.owner[r][c]])
                else:
                    line.append(" ")
            out.append(line)
        out.append(Text(" " * gutter + "└" + "─" * plot_w, style=AXIS_STYLE))
        out.extend(self._x_labels(xr, gutter, plot_w))
        out.extend(self._legend(styles, looks, width))
        for line in out:
            line.truncate(width, overflow="ellipsis", pad=True)
        return out

    def _x_labels(self, xr: Range, gutter: int, plot_w: int) -> list[Text]:
        """The x range under the axis, with ``x_label`` between its ends (or on its own line)."""
        left, right = (format_number(v, _tick_digits(xr)) for v in xr)
        room = plot_w - len(left) - len(right)
        pad = " " * (gutter + 1)
        if room < 1:  # too narrow: both ends, pushed left into the gutter if need be
            return [Text(f"{left} {right}".rjust(gutter + 1 + plot_w))]
        if self.x_label and room >= len(self.x_label) + 2:
            line = Text(pad + left)
            line.append(self.x_label.center(room), style="italic")
            line.append(right)
            return [line]
        line = Text(pad + left + " " * room + right)
        return [line, Text(pad + self.x_label, style="italic")] if self.x_label else [line]

    def _legend(self, styles: Sequence[StyleType], looks: Sequence[tuple[Pattern, str]], width: int) -> list[Text]:
        """Each series' pattern, letter (if it has one) and name (``── name``, ``┈┈ B name``) in its style,
        packed into as few lines as fit ``width``."""
        lines: list[Text] = []
        line = Text()
        for s, series_style, (pattern, tag) in zip(self.series, styles, looks):
            item = Text(f"{pattern.legend} {tag + ' ' if tag else ''}{s.name}", style=series_style)
            if line.cell_len and line.cell_len + 2 + item.cell_len > width:
                lines.append(line)
                line = Text()
            if line.cell_len:
                line.append("  ")
            line.append_text(item)
        if line.cell_len:
            lines.append(line)
        return lines


def loss_curve(losses: Sequence[float], rows: int) -> LinePlot:
    """The loss at each step of a run (``losses[k]``: after ``k`` steps), from 0 to its highest finite value."""
    finite = [v for v in losses if math.isfinite(v)]
    top = max(finite, default=1.0) or 1.0
    return LinePlot(
        [Series("loss", list(range(len(losses))), list(losses), style("loss", bold=True))],
        height=rows,
        x_label="step",
        y_range=(0.0, top),
    )
