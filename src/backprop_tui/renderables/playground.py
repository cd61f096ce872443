"""The playground's small drawings: a gradient sparkline, weights as glyphs, a layer's histogram.

    history ▁▂▃▅▆▆▇▇           (mean |dL/dW| per step, log scale, coloured by health class)
    W1 ┼ ─ ╋ ·                 (one glyph per weight: shape says the sign, weight the size)
    W −┊+  ▂▅ █┊▃▇▁            (how many weights fall in each bin, negatives left of ┊)

Every meaning is in the glyph as well as the colour: ``┼ ╋`` are positive,
``─ ━`` negative, ``·`` near zero, ``!`` not a number, ``_`` a gradient of
exactly zero. Pure Rich; numpy only inside :func:`histogram`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from backprop_tui.engine.names import WARNING_LOW, health_class
from backprop_tui.renderables.numbers import format_setting
from backprop_tui.renderables.palette import style

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_LO, SPARK_HI = 1e-4, 10.0
"""The sparklines' log scale, the same as the health bars'."""
WEIGHT_LEVELS = (0.1, 1.0)
"""|w| below the first is drawn ``·``; from the second up, heavy."""
GRADIENT_LEVELS = (WARNING_LOW, 0.1)
"""|dL/dw| thresholds for the gradient view (the health classes' warning and healthy floors)."""
POSITIVE, NEGATIVE = style("positive"), style("negative")
BOLD_POSITIVE, BOLD_NEGATIVE = style("positive", bold=True), style("negative", bold=True)
"""The colours of a positive and a negative value (the glyph's shape says the sign too)."""
NOT_A_NUMBER = "!"
ZERO = "_"
GAP = 2
"""Blank cells between two layers' weight blocks."""


def legend(levels: tuple[float, float]) -> str:
    """What each glyph stands for at these levels: ``╋ ≥1  ┼ +  · <0.1  ─ −  ━ ≤−1``."""
    low, high = levels
    hi, lo = format_setting(high), format_setting(low)
    return f"╋ ≥{hi}  ┼ +  · <{lo}  ─ −  ━ ≤−{hi}"


LEGEND = {"weights": legend(WEIGHT_LEVELS), "gradients": legend(GRADIENT_LEVELS)}
"""The legend of each view of the weight drawing."""


def spark_level(magnitude: float, lo: float = SPARK_LO, hi: float = SPARK_HI) -> int:
    """Which of the 8 spark heights (0 = ``▁`` … 7 = ``█``) a positive magnitude gets on the log scale ``lo``–``hi``.

    Below ``lo`` is the lowest, above ``hi`` the highest.
    """
    return _level(math.log10(magnitude), lo, hi)


def _level(log: float, lo: float, hi: float) -> int:
    """:func:`spark_level` of the magnitude whose log10 is ``log``."""
    level = (log - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    return max(0, min(len(SPARKS) - 1, round(level * (len(SPARKS) - 1))))


def sparkline(values: Sequence[float], width: int, lo: float = SPARK_LO, hi: float = SPARK_HI) -> Text:
    """``values`` (gradient magnitudes) as ``width`` cells of ▁…█ on a log scale from ``lo`` to ``hi``.

    A longer history is squeezed: each cell shows the mean log of its share of
    steps. A value that is not a number is ``!``; zero is ``_``. Each cell takes
    the colour of its health class. A shorter history is padded with blanks.
    """
    text = Text()
    n = len(values)
    if n == 0 or width <= 0:
        return Text(" " * max(0, width))
    cells = min(n, width)
    for i in range(cells):
        chunk = values[i * n // cells : (i + 1) * n // cells] or values[-1:]
        if any(not math.isfinite(v) for v in chunk):
            text.append(NOT_A_NUMBER, style=style("critical", bold=True))
            continue
        positive = [v for v in chunk if v > 0]
        if not positive:
            text.append(ZERO, style=style("critical"))
            continue
        mean_log = sum(math.log10(v) for v in positive) / len(positive)
        text.append(SPARKS[_level(mean_log, lo, hi)], style=style(health_class(10**mean_log)))
    text.append(" " * (width - cells))
    return text


def glyph(value: float, levels: tuple[float, float]) -> tuple[str, str]:
    """One weight as a character and a style: sign by shape (┼ ╋ plus, ─ ━ minus), size by weight."""
    if not math.isfinite(value):
        return NOT_A_NUMBER, style("critical", bold=True)
    size = abs(value)
    if size < levels[0]:
        return "·", "dim"
    heavy = size >= levels[1]
    if value > 0:
        return ("╋", BOLD_POSITIVE) if heavy else ("┼", POSITIVE)
    return ("━", BOLD_NEGATIVE) if heavy else ("─", NEGATIVE)


def _block_width(n_in: int, layer: int) -> int:
    """Cells a layer's block takes: its glyphs with a space between, or its name ``W3`` if wider."""
    return max(2 * n_in - 1, len(f"W{layer}"))


def weight_grid(arrays: Sequence[Any], levels: tuple[float, float], gap: int = GAP) -> list[Text]:
    """Each layer's matrix side by side: row j is neuron j's incoming weights, one glyph each (spaced).

    ``arrays[l - 1]`` is layer l's W, of shape (inputs, neurons). The first line names the layers (W1, W2, …).
    """
    blocks: list[list[Text]] = []
    for l, W in enumerate(arrays, start=1):
        n_in, n_out = W.shape
        width = _block_width(n_in, l)
        lines = [Text(f"W{l}".ljust(width), style="bold")]
        for j in range(n_out):
            line = Text()
            for i in range(n_in):
                if i:
                    line.append(" ")
                line.append(*glyph(float(W[i, j]), levels))
            line.append(" " * (width - 2 * n_in + 1))
            lines.append(line)
        blocks.append(lines)
    height = max(len(b) for b in blocks)
    out = []
    for r in range(height):
        line = Text()
        for k, block in enumerate(blocks):
            if k:
                line.append(" " * gap)
            line.append_text(block[r] if r < len(block) else Text(" " * block[0].cell_len))
        out.append(line)
    return out


def grid_size(sizes: Sequence[int], gap: int = GAP) -> tuple[int, int]:
    """Width and height of :func:`weight_grid` for a network of ``sizes`` (input first)."""
    widths = [_block_width(n_in, l) for l, n_in in enumerate(sizes[:-1], start=1)]
    return sum(widths) + gap * (len(widths) - 1), 1 + max(sizes[1:])


def histogram(W: Any, side: int = 4) -> Text:
    """A layer's values as a tiny histogram: ``side`` bins of negatives, ``┊``, ``side`` of positives.

    Each half spans 0 to the largest |value|, the negatives mirrored (the
    largest at the far left); a bar's height is its share of the fullest bin.
    """
    import numpy as np

    values = np.asarray(W, dtype=float).ravel()
    if not np.isfinite(values).all():
        return Text(NOT_A_NUMBER * side + "┊" + NOT_A_NUMBER * side, style=style("critical", bold=True))
    top = float(np.abs(values).max()) if values.size else 0.0
    counts = [0] * (2 * side)
    if top > 0:
        k = np.minimum(side - 1, (np.abs(values) / top * side).astype(int))
        index = np.where(values >= 0, side + k, side - 1 - k)
        counts = np.bincount(index, minlength=2 * side).tolist()
    most = max(counts) or 1
    text = Text()
    for i, c in enumerate(counts):
        if i == side:
            text.append("┊", style="dim")
        char = SPARKS[max(0, math.ceil(c / most * len(SPARKS)) - 1)] if c else " "
        text.append(char, style=NEGATIVE if i < side else POSITIVE)
    return text
