"""One-line bars: a weight's gradient (blamed or praised) and a layer's gradient health.

    w1 ████████████▌            blamed   +0.5200  FD +0.5200
    w2 ███▍                     praised  −0.1400
    layer 1 ███████████████████▉           OK   0.2100
    layer 9 ▏                              Bad  3.1e-05  dead 3/16

Every colour has a word beside it (blamed/praised/no blame, OK/Warn/Bad), so
the bars read without colour. Stack several in a ``rich.console.Group``; pad
the names (``name.ljust(n)``) to line the bars up. Importing this module costs
no numpy: the health classes come from :mod:`backprop_tui.engine.names`, the
colours from :mod:`.palette`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from backprop_tui.engine.names import HEALTH_LABELS, health_class
from backprop_tui.renderables.numbers import format_number, signed
from backprop_tui.renderables.palette import style

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
OVERFLOW = "▶"
BLAMED, PRAISED, NO_BLAME = "blamed", "praised", "no blame"
WORD_WIDTH = max(len(BLAMED), len(PRAISED), len(NO_BLAME))
LABEL_WIDTH = max(map(len, HEALTH_LABELS.values()))


def blocks(fraction: float, width: int) -> str:
    """A bar ``fraction`` of ``width`` cells long, to the eighth of a cell, padded to ``width``.

    A positive fraction shows at least one eighth; above 1 the bar is full with ``▶`` at its end.
    """
    width = max(1, width)
    if not fraction > 0:  # zero, negative or not a number
        return " " * width
    if fraction > 1:
        return FULL * (width - 1) + OVERFLOW
    eighths = max(1, round(fraction * width * 8))
    bar = FULL * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
    return bar.ljust(width)


class _OneLine:
    """A renderable that is one :class:`Text` line (cropped with … on a narrow console)."""

    __slots__ = ()

    def line(self) -> Text:  # pragma: no cover - overridden
        raise NotImplementedError

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """The line's own width."""
        w = min(self.line().cell_len, options.max_width)
        return Measurement(w, w)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The line, never wrapped."""
        text = self.line()
        text.no_wrap, text.overflow = True, "ellipsis"
        yield text


@dataclass(frozen=True, slots=True)
class GradientBar(_OneLine):
    """dL/dw of one weight: a bar of length |gradient| / scale × width, and what it means.

    Positive gradient: red, ``blamed`` (decrease the weight); negative: green,
    ``praised`` (increase it); exactly 0: ``—``, ``no blame``. ``numeric`` is the
    finite-difference estimate, shown as ``FD …`` beside the value.
    """

    name: str
    gradient: float
    scale: float
    width: int = 24
    numeric: float | None = None

    def line(self) -> Text:
        """name, bar, word, signed value, FD value."""
        g = float(self.gradient)
        scale = float(self.scale)
        if math.isnan(g):
            hue, bold, word, bar = style("critical"), style("critical", bold=True), "diverged", blocks(2.0, self.width)
        elif g == 0:
            hue, bold, word, bar = "dim", "bold dim", NO_BLAME, "—".ljust(max(1, self.width))
        else:
            word = BLAMED if g > 0 else PRAISED
            hue, bold = style(word), style(word, bold=True)
            fraction = abs(g) / scale if math.isfinite(scale) and scale > 0 else 2.0
            bar = blocks(fraction if math.isfinite(fraction) else 2.0, self.width)
        text = Text(f"{self.name} ")
        text.append(bar, style=hue)
        text.append(" ")
        text.append(word.ljust(WORD_WIDTH), style=bold)
        text.append(f" {signed(g) if g else format_number(g)}")
        if self.numeric is not None:
            text.append(f"  FD {signed(self.numeric)}", style="dim")
        return text


@dataclass(frozen=True, slots=True)
class HealthBar(_OneLine):
    """A layer's gradient magnitude on a log scale from ``lo`` to ``hi``, with its health class.

    Colour and word (OK/Warn/Bad) come from :func:`backprop_tui.engine.health.classify`;
    ``dead`` is (dead units, all units) and adds ``dead 3/16``. A non-finite
    magnitude draws a full red bar. ``second`` is a second number shown after the
    magnitude, uncoloured (section 6 puts the layer's |∂L/∂z| there); the two numbers
    are right-aligned to ``number_width`` and ``second_width`` so that rows line up.
    """

    label: str
    magnitude: float
    width: int = 30
    lo: float = 1e-4
    hi: float = 10.0
    dead: tuple[int, int] | None = None
    number_width: int = 0
    second: str | None = None
    second_width: int = 0

    def fraction(self) -> float:
        """Where the magnitude sits between lo (0) and hi (1) on a log scale (may fall outside)."""
        m = float(self.magnitude)
        if not math.isfinite(m):
            return 2.0
        if m <= 0:
            return 0.0
        lo, hi = math.log10(self.lo), math.log10(self.hi)
        return max(1e-9, (math.log10(m) - lo) / (hi - lo)) if hi > lo else 1.0

    def line(self) -> Text:
        """label, bar, class word, magnitude, the second number, dead units."""
        status = health_class(self.magnitude)
        text = Text(f"{self.label} ")
        text.append(blocks(self.fraction(), self.width), style=style(status))
        text.append(" ")
        text.append(HEALTH_LABELS[status].ljust(LABEL_WIDTH), style=style(status, bold=True))
        text.append(f" {format_number(self.magnitude).rjust(self.number_width)}")
        if self.second is not None:
            text.append(f"  {self.second.rjust(self.second_width)}")
        if self.dead is not None:
            count, total = self.dead
            text.append(f"  dead {count}/{total}", style="bold" if count else "dim")
        return text
