"""Section 6's table: each layer of one or two deep nets as a log-scale bar, the output layer on top.

    layer  sigmoid · Xavier                 ReLU · He
                       |∂L/∂W|  |∂L/∂z|                   |∂L/∂W|  |∂L/∂z|
        5   ████▊   OK   0.2112   0.0295    █████   OK   0.2036   0.0287
        ⋮  layers 3–4: 2 Bad                layers 3–4: 2 OK
        1   █▊      Bad  0.0002  4.3e-05    ████▉   OK   0.2019   0.0062
           layer 1 gets 1/1100 of layer     layer 1 gets 0.99× layer 5's
           5's gradient                     gradient; dead 5 of 64

A column draws one measured pass (:class:`Column`) as ``health`` bars (mean
|∂L/∂W| from 10⁻⁶ to 10⁴, with OK/Warn/Bad, and the layer's mean |∂L/∂z|
beside it), ``dead`` bars (the dead ReLU units in place of |∂L/∂z|),
``factors`` (what each layer keeps of ∂L/∂z, through Wᵀ and through f′) or
``moved`` bars (how far training moved each layer's weights).
:class:`HealthTable` fits the table and the note under it into the height it
is given: when the layers do not all fit, the top and bottom ones stay and one
``⋮`` row sums up the middle.

Pure Rich: the passes are read, never computed, and importing this costs no numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.containers import Lines
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from backprop_tui.engine.names import HEALTH_CLASSES, HEALTH_LABELS
from backprop_tui.lesson import health as words
from backprop_tui.renderables.bars import LABEL_WIDTH, HealthBar, blocks
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import style

if TYPE_CHECKING:
    from backprop_tui.engine.health import LayerHealth
    from backprop_tui.models.health import DeepHealth

SCALE = (1e-6, 1e4)
"""The health bars' log scale: |dL/dW| from 10⁻⁶ (empty) to 10⁴ (full)."""
MOVE_SCALE = (1e-6, 1.0)
"""The training bars' log scale for mean |ΔW|."""
MIN_ROWS = 5
"""Layer rows (the ``⋮`` row included) drawn however little room there is."""
NOTE_WIDTH = 100
"""The note is at most this wide (long lines are hard to read), padding included."""
NOTE_PADDING = (0, 1, 1, 1)
"""Around the note: a cell either side and a blank line under it, as the lesson's prose."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the table: its title, the pass it draws and how (``health``, ``slopes`` or ``moved``)."""

    title: str
    health: DeepHealth
    kind: str = "health"


# -- words made of numbers -----------------------------------------------------------------------------


def ratio_words(h: DeepHealth) -> str:
    """How much of the output layer's gradient layer 1 gets: ``1/1100``, ``0.99×``, ``diverged``."""
    r = h.ratio
    if not math.isfinite(r):
        return words.DIVERGED if h.diverged or math.isnan(r) else "+∞"
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
    ratio = ratio_words(h)
    if ratio == words.DIVERGED:
        return words.NO_SHARE
    template = words.SHARE_TIMES if ratio.endswith("×") else words.SHARE
    return template.format(ratio=ratio, depth=h.setup.depth)


def counts(layers: Sequence[LayerHealth], *, zeros: bool = True) -> str:
    """``3 OK · 1 Warn · 1 Bad`` (leaving out the classes no layer has unless ``zeros``)."""
    names = [layer.status.name for layer in layers]
    tally = [(names.count(c), HEALTH_LABELS[c]) for c in HEALTH_CLASSES]
    return " · ".join(f"{n} {label}" for n, label in tally if n or zeros)


# -- cells -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Widths:
    """The widths a column's numbers are padded to, so that they line up under their labels."""

    gradient: int = 0
    z: int = 0
    factors: tuple[int, int, int] = (0, 0, 0)


def widths(h: DeepHealth, kind: str, layers: Sequence[int]) -> Widths:
    """The widest of each number the column shows on ``layers`` (and its label over it)."""
    if kind in ("health", "dead"):
        gradient = max(len(words.W_LABEL), *(len(format_number(h.layers[l - 1].magnitude)) for l in layers))
        if kind == "dead" or not h.dz:
            return Widths(gradient)
        return Widths(gradient, max(len(words.Z_LABEL), *(len(format_number(h.dz[l - 1])) for l in layers)))
    if kind == "factors":
        hidden = [factor_texts(h, l) for l in layers if l < h.setup.depth]
        labels = [len(label) for label in words.FACTORS_LABELS]
        return Widths(factors=tuple(max(labels[i], *(len(f[i]) for f in hidden)) for i in range(3)))  # type: ignore[arg-type]
    return Widths()


def factor_texts(h: DeepHealth, layer: int) -> tuple[str, str, str]:
    """``×0.82``, ``×0.23``, ``×0.19``: what ``layer`` keeps through Wᵀ, through f′, and in all."""
    return tuple(words.FACTOR_CELL[0].format(value=format_number(v, 2)) for v in h.passed(layer))  # type: ignore[return-value]


def cell(h: DeepHealth, kind: str, layer: int, width: int, pad: Widths | None = None) -> HealthBar | Text:
    """One layer of one pass: a health bar (with |∂L/∂z| or the dead units), a training bar, or the factors."""
    pad = pad or Widths()
    info = h.layers[layer - 1]
    if kind in ("health", "dead"):
        relu = kind == "dead" and h.setup.activation == "relu" and layer < h.setup.depth
        z = format_number(h.dz[layer - 1]) if kind == "health" and h.dz else None
        lo, hi = SCALE
        return HealthBar(
            "", info.magnitude, width, lo, hi, (info.dead, info.units) if relu else None,
            number_width=pad.gradient, second=z, second_width=pad.z,
        )
    if kind == "factors":
        if layer == h.setup.depth:
            return Text(words.OUTPUT_FACTORS, style="dim")
        through_w, through_f, kept = factor_texts(h, layer)
        a, b, c = pad.factors
        _, times, equals = words.FACTOR_CELL
        return Text.assemble(through_w.rjust(a), times, through_f.rjust(b), equals, (kept.rjust(c), "bold"))
    return move_bar(h, layer, width)


def label_row(h: DeepHealth, kind: str, width: int, pad: Widths) -> Text:
    """The labels over a column's numbers (``|∂L/∂W|``, ``|∂L/∂z|``; through Wᵀ, through σ′, kept)."""
    if kind in ("health", "dead"):
        text = Text(" " * (width + 3 + LABEL_WIDTH) + words.W_LABEL.rjust(pad.gradient), style="dim")
        if kind == "health" and pad.z:
            text.append("  " + words.Z_LABEL.rjust(pad.z))
        return text
    if kind == "factors":
        a, b, c = pad.factors
        _, times, equals = words.FACTOR_CELL
        first, second, third = words.FACTORS_LABELS
        return Text(first.rjust(a) + " " * len(times) + second.rjust(b) + " " * len(equals) + third.rjust(c), style="dim")
    return Text("")


def move_bar(h: DeepHealth, layer: int, width: int) -> Text:
    """How far a layer's weights moved in training: a log-scale bar and mean |ΔW|."""
    if h.diverged:
        return Text.assemble(
            (blocks(2.0, width), style("diverging")), " ", (words.DIVERGED, style("diverging", bold=True))
        )
    m = h.moved[layer - 1] if h.moved else math.nan
    lo, hi = (math.log10(v) for v in MOVE_SCALE)
    frac = (math.log10(m) - lo) / (hi - lo) if m > 0 and math.isfinite(m) else 0.0
    bar = blocks(max(frac, 1e-9) if m > 0 else 0.0, width)
    return Text.assemble((bar, style(h.setup.optimizer or "sgd")), words.MOVED_CELL.format(moved=format_number(m)))


def cell_width(item: HealthBar | Text) -> int:
    """Cells a one-line table cell takes."""
    return item.line().cell_len if isinstance(item, HealthBar) else item.cell_len


def hidden_cell(h: DeepHealth, kind: str, hidden: range) -> Text:
    """What the layers left out hold, in one line."""
    name = words.HIDDEN.format(first=hidden.start, last=hidden.stop - 1)
    if kind == "moved" and h.moved and not h.diverged:
        moved = [h.moved[l - 1] for l in hidden]
        return Text(name + words.HIDDEN_RANGE.format(low=format_number(min(moved)), high=format_number(max(moved))), style="dim")
    if kind == "factors":
        kept = [h.passed(l)[2] for l in hidden]
        low, high = format_number(min(kept), 2), format_number(max(kept), 2)
        return Text(name + words.HIDDEN_FACTORS.format(low=low, high=high), style="dim")
    return Text(name + counts([h.layers[l - 1] for l in hidden], zeros=False), style="dim")


def summary(h: DeepHealth, kind: str) -> Text:
    """The line under a column: layer 1's share, the clip, the dead units, or the training's outcome."""
    if kind == "factors":
        return Text(words.FACTORS_SUMMARY, style="dim")
    if kind == "moved":
        optimizer = words.OPTIMIZERS[h.setup.optimizer or "sgd"]
        if h.diverged:
            return Text(words.DIVERGED_SUMMARY.format(optimizer=optimizer, step=h.trained), style=style("diverging", bold=True))
        before, after = format_number(h.loss_before or math.nan, 2), format_number(h.loss, 2)
        return Text(words.TRAINED_SUMMARY.format(optimizer=optimizer, before=before, after=after))
    text = Text(share(h))
    if h.setup.clip is not None and not h.diverged:
        if h.norm > h.setup.clip:
            text.append(words.CLIPPED.format(norm=format_number(h.norm, 1), used=format_number(h.used_norm, 1)))
        else:
            text.append(words.NOT_CLIPPED.format(norm=format_number(h.norm, 2)))
    if h.setup.activation == "relu" and not h.diverged:
        text.append(words.DEAD_SUMMARY.format(dead=h.dead, units=h.hidden_units))
    return text


# -- the table ---------------------------------------------------------------------------------------------


def visible_layers(depth: int, rows: int) -> list[int]:
    """Layers to draw, top first: all of them, or the top and bottom ones around one ``⋮`` row."""
    layers = list(range(depth, 0, -1))
    if depth <= rows:
        return layers
    keep = max(2, rows - 1)
    top = (keep + 1) // 2
    return layers[:top] + layers[-(keep - top) :]


def bar_width(columns: Sequence[Column], layers: list[int], hidden: range | None, room: int) -> int:
    """Cells per bar: the longest (4–30) that leaves room for the numbers, words and dead counts."""
    needs = []
    for c in columns:
        pad = widths(c.health, c.kind, layers)
        rest = max(cell_width(cell(c.health, c.kind, layer, 1, pad)) - 1 for layer in layers)
        floor = max(len(c.title), hidden_cell(c.health, c.kind, hidden).cell_len if hidden else 0)
        needs.append((rest, floor))
    for width in range(30, 3, -1):
        if 5 + sum(2 + max(rest + width, floor) for rest, floor in needs) <= room:
            return width
    return 4


def table(columns: Sequence[Column], rows: int, room: int, *, bars: bool = True) -> Table:
    """The layers top (output) to bottom (layer 1), one column per pass, in ``rows`` rows at most, ``room`` wide.

    Under the titles, a row names the numbers (|∂L/∂W|, |∂L/∂z| …). ``bars=False`` leaves the layer
    rows out (each is exactly one line), keeping the column widths: what is left is measured to find
    how many rows fit.
    """
    depth = columns[0].health.setup.depth
    lines: list[list[RenderableType]] = []
    previous = depth + 1
    layers = visible_layers(depth, rows)
    gap = next((range(b + 1, a) for a, b in zip(layers, layers[1:]) if a - b > 1), None)
    width = bar_width(columns, layers, gap, room)
    pads = [widths(c.health, c.kind, layers) for c in columns]
    labels = [label_row(c.health, c.kind, width, pad) for c, pad in zip(columns, pads)]
    widths_ = [max(len(c.title), label.cell_len) for c, label in zip(columns, labels)]
    for layer in layers:
        if layer < previous - 1:  # a run of hidden layers
            hidden = [hidden_cell(c.health, c.kind, range(layer + 1, previous)) for c in columns]
            lines.append([Text("⋮", style="dim"), *hidden])
            widths_ = [max(w, item.cell_len) for w, item in zip(widths_, hidden)]
        cells = [cell(c.health, c.kind, layer, width, pad) for c, pad in zip(columns, pads)]
        lines.append([Text(str(layer)), *cells])
        widths_ = [max(w, cell_width(item)) for w, item in zip(widths_, cells)]
        previous = layer
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", no_wrap=True)
    for widest in widths_:  # every bar line keeps its full width; the summary under it wraps instead
        grid.add_column(min_width=widest, max_width=widest)
    grid.add_row(Text(words.LAYER, style="bold"), *(Text(c.title, style="bold") for c in columns))
    if any(label.plain.strip() for label in labels):
        grid.add_row(Text(""), *labels)
    for line in lines if bars else ():
        grid.add_row(*line)
    grid.add_row(Text(""), *(summary(c.health, c.kind) for c in columns))
    return grid


@dataclass(frozen=True, slots=True)
class HealthTable:
    """The table of ``columns`` and the ``note`` under it, fitted into ``height`` lines.

    ``height`` ``None`` takes the console's height for the render (a widget's own height)
    or, without one, draws every layer. A blank line follows the table and the note.
    """

    columns: tuple[Column, ...]
    note: Text | None = None
    height: int | None = None

    def note_lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        """The note as rendered: wrapped within :data:`NOTE_WIDTH`, padded as the lesson's prose.

        As Textual draws prose, a line broken between two words ends at the first: the space
        it broke at is not drawn (a paragraph's own last line keeps what it ends with).
        """
        if self.note is None:
            return []
        width = min(options.max_width, NOTE_WIDTH)
        top, right, bottom, left = NOTE_PADDING
        lines = Lines()
        for paragraph in self.note.split("\n", allow_blank=True):
            wrapped = paragraph.wrap(console, width - left - right)
            for line in wrapped[:-1]:
                line.rstrip()
            lines.extend(wrapped)
        body = Padding(Text("\n").join(lines), NOTE_PADDING)
        return console.render_lines(body, options.update_width(width).reset_height())

    def rows(self, console: Console, options: ConsoleOptions, note_height: int) -> int:
        """How many layer rows fit with everything else (at least :data:`MIN_ROWS`)."""
        depth = self.columns[0].health.setup.depth
        height = self.height if self.height is not None else options.height
        if height is None:
            return depth
        room = options.max_width
        plain = options.update_width(room).reset_height()

        def frame(rows: int) -> int:  # the heading and the summary, and the blank line under the table
            return len(console.render_lines(table(self.columns, rows, room, bars=False), plain, pad=False)) + 1

        full = frame(depth)
        rows = max(MIN_ROWS, height - note_height - full)
        if rows < depth:  # with a ⋮ row the widths may change and the summary wrap differently
            rows = max(MIN_ROWS, rows - max(0, frame(rows) - full))
        return rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Table, blank line, note."""
        note = self.note_lines(console, options)
        yield table(self.columns, self.rows(console, options, len(note)), options.max_width)
        yield Segment.line()
        for line in note:
            yield from line
            yield Segment.line()
