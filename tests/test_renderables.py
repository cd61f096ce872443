"""The Rich renderables: numbers, the braille line plot, gradient and health bars."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from backprop_tui.engine.health import classify
from backprop_tui.renderables.bars import GradientBar, HealthBar
from backprop_tui.renderables.numbers import format_number, signed
from backprop_tui.renderables.palette import THEME
from backprop_tui.renderables.plot import (
    DOT_BITS,
    PATTERNS,
    LinePlot,
    Mark,
    Pattern,
    Series,
    assign_patterns,
    function_series,
    loss_curve,
)
from backprop_tui.widgets.loss_chart import LossChart
from drawing import segments, text_of

MINUS = "\u2212"
BRAILLE = range(0x2800, 0x2900)


def render(renderable: RenderableType, width: int = 80) -> list[str]:
    """The renderable's lines as plain text on a console ``width`` cells wide."""
    return text_of(renderable, width).splitlines()


def colours_of(renderable: RenderableType, chars: str) -> set[str]:
    """Colour names of the segments holding any of ``chars``."""
    return {s.style.color.name for s in segments(renderable) if s.style and s.style.color and set(s.text) & set(chars)}


def eighths(line: str) -> int:
    """A bar's length in eighths of a cell."""
    return 8 * line.count("█") + sum(i for i, ch in enumerate(" ▏▎▍▌▋▊▉") if ch in line)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (0.5025, 4, "0.5025"),
        (-16.0, 4, f"{MINUS}16.0000"),
        (0.5025, 2, "0.50"),
        (0.0, 4, "0"),  # an exact zero: no decimals, which would claim a rounding
        (-0.0, 4, "0"),
        (1e-4, 4, "0.0001"),  # the smallest fixed value
        (9.9e-5, 4, "9.9e-05"),  # just below: scientific
        (1e-2, 2, "0.01"),
        (9e-3, 2, "9.0e-03"),
        (1.2e-7, 4, "1.2e-07"),
        (-1.2e-7, 4, f"{MINUS}1.2e-07"),
        (999_999.0, 4, "999999.0000"),  # the largest fixed value
        (1e6, 4, "1.0e+06"),
        (3.4e9, 4, "3.4e+09"),
        (-3.4e9, 4, f"{MINUS}3.4e+09"),
        (math.nan, 4, "diverged"),
        (math.inf, 4, "+∞"),
        (-math.inf, 4, f"{MINUS}∞"),
        (np.float64(-0.25), 2, f"{MINUS}0.25"),
    ],
)
def test_format_number(x: float, digits: int, text: str) -> None:
    assert format_number(x, digits) == text


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 8))
def test_format_number_never_uses_a_hyphen_for_the_sign(x: float, digits: int) -> None:
    text = format_number(x, digits)
    assert not text.startswith("-")
    assert text.startswith(MINUS) == (x < 0)


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.5, "+0.5000"), (-0.5, f"{MINUS}0.5000"), (0.0, "0"), (2e-9, "+2.0e-09"),
     (math.inf, "+∞"), (-math.inf, f"{MINUS}∞"), (math.nan, "diverged")],
)
def test_signed(x: float, text: str) -> None:
    assert signed(x) == text


# ---------------------------------------------------------------- LinePlot


def plot_rows(lines: list[str], height: int) -> list[str]:
    """The plot area of a chart without title or y label: what follows the axis of each row."""
    gutter = lines[0].index("┤")
    return [line[gutter + 1 :] for line in lines[:height]]


def test_diagonal_lights_the_diagonal_dots() -> None:
    # 8 cells × 4 rows = 16 × 16 dots: the line from (0,0) to (1,1) is the exact diagonal.
    chart = LinePlot([Series("d", [0, 1], [0, 1])], width=13, height=4, x_range=(0, 1), y_range=(0, 1))
    lines = render(chart)
    assert plot_rows(lines, 4) == [
        "      ⡠⠊",
        "    ⡠⠊  ",
        "  ⡠⠊    ",
        "⡠⠊      ",
    ]
    assert lines[0].startswith("1.00┤") and lines[3].startswith("   0┤")
    assert lines[4] == "    └────────"
    assert lines[5] == "     0   1.00"  # an exact zero is short: both ends fit under the axis
    narrow = render(LinePlot([Series("d", [0.5, 1], [0.5, 1])], width=11, height=4, x_range=(0.5, 1), y_range=(0.5, 1)))
    assert narrow[5] == "0.500 1.000"  # too narrow for the gap: pushed into the gutter
    assert lines[6].strip() == "── d"
    assert len(lines) == 7


def test_diagonal_corners_on_a_wide_plot() -> None:
    chart = LinePlot([Series("d", [0.0, 1.0], [0.0, 1.0])], width=60, height=10, x_range=(0, 1), y_range=(0, 1))
    rows = plot_rows(render(chart, 80), 10)
    bottom_left, top_right = ord(rows[-1][0]), ord(rows[0][-1])
    assert bottom_left in BRAILLE and (bottom_left - 0x2800) & 0x40  # lowest-left dot
    assert top_right in BRAILLE and (top_right - 0x2800) & 0x08  # highest-right dot
    assert rows[0][0] == " " and rows[-1][-1] == " "


@pytest.mark.parametrize(("width", "height"), [(20, 4), (20, 40), (37, 7), (80, 10), (200, 4), (200, 40)])
def test_every_line_has_the_requested_width(width: int, height: int) -> None:
    chart = LinePlot(
        [function_series(math.sin, -3, 3, 50, "sin"), Series("lin", [-3, 3], [-1, 1])],
        width=width, height=height, title="a title", x_label="x", y_label="y", marks=[Mark(0, 0, "origin")],
    )
    lines = render(chart, 220)
    assert all(cell_len(line) == width for line in lines)
    assert sum(1 for line in lines if "┤" in line or "│" in line) == height


def test_width_fills_the_console_when_not_given() -> None:
    lines = render(LinePlot([Series("s", [0, 1, 2], [3, 1, 2])], height=5), 57)
    assert {cell_len(line) for line in lines} == {57}


def test_nan_points_break_the_line() -> None:
    xs = [0, 1, 2, 3, 4]
    whole = render(LinePlot([Series("s", xs, [0, 0, 0, 0, 0])], width=25, height=4, y_range=(-1, 1)))
    broken = render(LinePlot([Series("s", xs, [0, 0, math.nan, 0, 0])], width=25, height=4, y_range=(-1, 1)))
    row = next(i for i, line in enumerate(whole) if any(ord(c) in BRAILLE for c in line))
    middle = whole[0].index("┤") + 1 + 10  # the plot's middle cell, x = 2
    assert whole[row].startswith("    0┤")  # the zero tick sits on the row where y = 0 is drawn
    assert ord(whole[row][middle]) in BRAILLE
    assert broken[row][middle] == " "
    assert ord(broken[row][middle - 7]) in BRAILLE and ord(broken[row][middle + 7]) in BRAILLE


@pytest.mark.parametrize(
    "series",
    [
        Series("one", [1.0], [5.0]),
        Series("const", [0, 1, 2, 3], [2.0, 2.0, 2.0, 2.0]),
        Series("nan", [0, 1, 2], [math.nan] * 3),
        Series("empty", [], []),
        Series("inf", [0, 1, 2], [math.inf, 1.0, -math.inf]),
        Series("numpy", np.linspace(0, 1, 30), np.linspace(0, 1, 30) ** 2),
    ],
)
def test_degenerate_series_render(series: Series) -> None:
    lines = render(LinePlot([series], width=30, height=6))
    assert all(cell_len(line) == 30 for line in lines)
    assert series.name in lines[-1]


def test_single_point_lights_one_dot() -> None:
    lines = render(LinePlot([Series("one", [1.0], [5.0])], width=30, height=6))
    lit = [c for line in lines[:6] for c in line if ord(c) in BRAILLE and c != "\u2800"]
    assert len(lit) == 1 and bin(ord(lit[0]) - 0x2800).count("1") == 1


def test_constant_series_is_a_flat_line() -> None:
    lines = render(LinePlot([Series("c", [0, 1], [2.0, 2.0])], width=30, height=6))
    rows = [i for i, line in enumerate(lines[:6]) if any(ord(c) in BRAILLE for c in line)]
    assert len(rows) == 1  # one row of dots, across the whole plot
    assert sum(ord(c) in BRAILLE for c in lines[rows[0]]) == 30 - lines[0].index("┤") - 1


def test_zero_tick_between_top_and_bottom() -> None:
    lines = render(LinePlot([Series("s", [0, 1], [-1, 1])], width=40, height=9, y_range=(-1, 1)))
    labels = [line.split("┤")[0].strip() for line in lines[:9] if "┤" in line]
    assert labels == ["1.00", "0", f"{MINUS}1.00"]


def test_marks_and_legend_are_shown() -> None:
    chart = LinePlot(
        [Series("loss", [0, 1, 2], [3, 2, 1]), Series("accuracy", [0, 1, 2], [0, 1, 2])],
        width=50, height=8, marks=[Mark(1, 2, "here")], x_label="step", title="Training",
    )
    text = "\n".join(render(chart))
    assert "● here" in text
    assert "── loss" in text and "╌╌ accuracy" in text  # two lines never share a pattern
    assert "step" in text and "Training" in text


def test_mark_label_goes_left_at_the_right_edge() -> None:
    chart = LinePlot([Series("s", [0, 1], [0, 1])], width=30, height=4, x_range=(0, 1), y_range=(0, 1),
                     marks=[Mark(1, 1, "end"), Mark(0, 0, "a label longer than the plot")])
    lines = render(chart)
    assert lines[0].endswith("end ●")
    assert lines[3].endswith("┤● a label longer than the")  # cut where there is more room


def test_later_series_wins_a_shared_cell() -> None:
    same = ([0, 1], [0, 1])
    chart = LinePlot([Series("a", *same, "red", dotted=True), Series("b", *same, "blue")], width=30, height=5)
    braille = "".join(chr(c) for c in BRAILLE)
    assert colours_of(chart, braille) == {"blue"}


@given(
    width=st.integers(20, 200),
    height=st.integers(4, 40),
    data=st.lists(
        st.lists(st.tuples(st.floats(), st.floats()), max_size=25),  # any floats: nan, ±inf, huge, tiny
        max_size=3,
    ),
    marks=st.lists(st.tuples(st.floats(), st.floats()), max_size=2),
    x_range=st.none() | st.tuples(st.floats(), st.floats()),
    y_range=st.none() | st.tuples(st.floats(), st.floats()),
)
def test_plot_never_raises_and_always_fits(width, height, data, marks, x_range, y_range) -> None:
    series = [Series(f"s{k}", [p[0] for p in pts], [p[1] for p in pts]) for k, pts in enumerate(data)]
    chart = LinePlot(series, width=width, height=height, x_range=x_range, y_range=y_range,
                     marks=[Mark(x, y, "m") for x, y in marks], title="t", x_label="x")
    lines = render(chart, 210)
    assert all(cell_len(line) == width for line in lines)
    assert len(lines) >= height + 3


def test_function_series_samples_and_survives_errors() -> None:
    s = function_series(lambda x: 1 / x, -1, 1, 5, "inverse")
    assert list(s.xs) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert s.ys[:2] == [-1.0, -2.0] and math.isnan(s.ys[2]) and s.ys[3:] == [2.0, 1.0]


# ---------------------------------------------------------------- GradientBar


def test_positive_gradient_is_blamed_in_red() -> None:
    bar = GradientBar("w1", 0.5, 1.0)
    (line,) = render(bar)
    assert "blamed" in line and "+0.5000" in line
    assert line.count("█") == 12  # half the scale: half of 24 cells
    assert colours_of(bar, "█") == {"red"}


def test_negative_gradient_is_praised_in_green() -> None:
    bar = GradientBar("w2", -0.25, 1.0, numeric=-0.0123)
    (line,) = render(bar)
    assert "praised" in line and f"{MINUS}0.2500" in line and f"FD {MINUS}0.0123" in line
    assert eighths(line) == 6 * 8
    assert colours_of(bar, "█") == {"green"}


def test_bar_length_is_proportional_in_eighths() -> None:
    (line,) = render(GradientBar("w", 0.1, 1.0, width=10))
    assert eighths(line) == 8  # 0.1 × 10 cells
    (line,) = render(GradientBar("w", 0.0625, 1.0, width=10))
    assert "▋" in line and eighths(line) == 5  # 0.625 of a cell: five eighths


def test_overflow_and_tiny_and_zero() -> None:
    (line,) = render(GradientBar("w", 3.0, 1.0, width=24))
    assert "█" * 23 + "▶" in line
    (line,) = render(GradientBar("w", -1e-9, 1.0))
    assert "▏" in line and "praised" in line  # never invisible
    (line,) = render(GradientBar("w", 0.0, 1.0))
    assert "—" in line and "no blame" in line and "█" not in line


def test_gradient_bar_non_finite() -> None:
    (line,) = render(GradientBar("w", math.nan, 1.0))
    assert "diverged" in line and "▶" in line
    (line,) = render(GradientBar("w", math.inf, 0.0))
    assert "blamed" in line and "+∞" in line


def test_stacked_bars_line_up() -> None:
    bars = [GradientBar(n.ljust(4), g, 1.0) for n, g in [("w1", 0.3), ("w12", -0.7), ("b", 0.0)]]
    lines = render(Group(*bars))
    assert [line[30:38].strip() for line in lines] == ["blamed", "praised", "no blame"]  # 4 + 1 + 24 + 1


# ---------------------------------------------------------------- HealthBar


@pytest.mark.parametrize(
    ("magnitude", "word", "colour"),
    [(0.1, "OK", "green"), (0.5, "OK", "green"), (0.3, "OK", "green"),
     (1.0, "Warn", "yellow"), (0.01, "Warn", "yellow"), (0.0999, "Warn", "yellow"), (0.5001, "Warn", "yellow"),
     (0.0099, "Bad", "red"), (1.01, "Bad", "red"), (0.0, "Bad", "red")],
)
def test_health_words_follow_the_design_thresholds(magnitude: float, word: str, colour: str) -> None:
    bar = HealthBar("layer 1", magnitude)
    (line,) = render(bar)
    assert classify(magnitude).label == word
    assert f" {word} " in line
    assert colours_of(bar, word) == {colour}


def test_health_bar_is_on_a_log_scale() -> None:
    # lo = 1e-4, hi = 10: five decades over 30 cells, 6 cells a decade.
    (a,) = render(HealthBar("L", 1e-1))
    (b,) = render(HealthBar("L", 1e-2))
    (c,) = render(HealthBar("L", 1e-3))
    assert eighths(a) == 18 * 8 and eighths(b) == 12 * 8 and eighths(c) == 6 * 8


def test_health_bar_non_finite_and_dead() -> None:
    for m, text in ((math.nan, "diverged"), (math.inf, "+∞")):
        bar = HealthBar("L", m)
        (line,) = render(bar)
        assert "Bad" in line and text in line and "█" * 29 + "▶" in line
        assert colours_of(bar, "█") == {"red"}
    (line,) = render(HealthBar("L", 0.2, dead=(3, 16)))
    assert line.endswith("dead 3/16")


# ---------------------------------------------------------------- imports


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(-0.125, 2, "\u22120.13"), (0.125, 2, "0.13"), (2.675, 2, "2.68"), (0.5025, 2, "0.50"), (-0.00004, 4, "\u22124.0e-05")],
)
def test_numbers_round_half_up_as_by_hand(value, digits, text):
    assert format_number(value, digits) == text


def test_a_dotted_series_lights_fewer_dots_and_says_so_in_the_legend():
    solid = LinePlot([Series("a", [0, 1], [0, 1])], width=40, height=8)
    dotted = LinePlot([Series("a", [0, 1], [0, 1], dotted=True)], width=40, height=8)

    def dots(plot):
        return sum(bin(ord(ch) - 0x2800).count("1") for line in plot.lines(40) for ch in line.plain if 0x2800 < ord(ch) <= 0x28FF)

    assert 0 < dots(dotted) < dots(solid) * 0.7
    assert "┈┈ a" in "".join(line.plain for line in dotted.lines(40))
    assert "── a" in "".join(line.plain for line in solid.lines(40))


# ---------------------------------------------------------------- line patterns: charts read without colour


def dot_row(line: str, r: int) -> list[bool]:
    """Which dots of dot row ``r`` (0–3 inside each cell) are lit along a plot row, left to right."""
    out = []
    for ch in line:
        bits = ord(ch) - 0x2800 if ord(ch) in BRAILLE else 0
        out += [bool(bits & DOT_BITS[r][0]), bool(bits & DOT_BITS[r][1])]
    return out


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_a_pattern_lights_the_dots_it_says(pattern: Pattern) -> None:
    # A flat line on a 40-cell plot: 80 dots on one dot row, lit where the pattern repeats "on".
    chart = LinePlot([Series("s", [0, 1], [0, 0], pattern=pattern.name)], width=45, height=3,
                     x_range=(0, 1), y_range=(-1, 1))
    lines = render(chart)
    rows = plot_rows(lines, 3)
    (row,) = [r for r in rows if any(ord(c) in BRAILLE for c in r)]
    r = next(k for k in range(4) if any(dot_row(row, k)))
    lit = dot_row(row, r)
    assert lit == [pattern.lit[(i + 1) % len(pattern.lit)] for i in range(len(lit))]
    assert f"{pattern.legend} s" in lines[-1]


def test_every_pattern_looks_different_along_a_line() -> None:
    drawn = set()
    for p in PATTERNS:
        chart = LinePlot([Series("s", [0, 1], [0, 0], pattern=p.name)], width=45, height=3, y_range=(-1, 1))
        drawn.add(next(r for r in plot_rows(render(chart), 3) if any(ord(c) in BRAILLE for c in r)))
    assert len(drawn) == len({p.legend for p in PATTERNS}) == len(PATTERNS)


def legend_items(lines: list[str], names: list[str]) -> dict[str, str]:
    """Each series name → what precedes it in the legend (its pattern, and its letter if it has one)."""
    legend = "  ".join(line.strip() for line in lines if any(f" {n}" in line for n in names))
    looks = {}
    for item in legend.split("  "):
        look, _, name = item.strip().rpartition(" ")
        looks[name] = look
    return {n: looks[n] for n in names}


def test_series_that_ask_for_no_pattern_never_share_one() -> None:
    names = ["first", "second", "third", "fourth"]
    series = [Series(n, [0, 1], [k, k + 1]) for k, n in enumerate(names)]
    series[1] = Series("second", [0, 1], [1, 2], dotted=True)  # asked for: kept, and not given to another
    items = legend_items(render(LinePlot(series, width=80, height=6)), names)
    assert items == {"first": "──", "second": "┈┈", "third": "╌╌", "fourth": "─·"}


def test_more_series_than_patterns_get_letters_in_the_legend_and_on_the_plot() -> None:
    names = [f"run{k}" for k in range(len(PATTERNS) + 2)]
    series = [Series(n, [0, 1], [k, k]) for k, n in enumerate(names)]
    lines = render(LinePlot(series, width=100, height=2 * len(names), y_range=(-1, len(names))))
    items = legend_items(lines, names)
    assert len(set(items.values())) == len(names)  # every series reads differently, colour or not
    tagged = {n: look.split()[-1] for n, look in items.items() if len(look.split()) == 2}
    assert set(tagged) == {"run0", "run1", "run5", "run6"}  # the patterns that repeat: solid and dashed
    plot = "".join(plot_rows(lines, 2 * len(names)))
    assert all(plot.count(letter) == 1 for letter in tagged.values())  # each at the end of its own line


def test_assign_patterns_keeps_what_is_asked() -> None:
    looks = assign_patterns([Series("a", [], [], pattern="sparse"), Series("b", [], []), Series("c", [], [], dotted=True)])
    assert [(p.name, tag) for p, tag in looks] == [("sparse", ""), ("solid", ""), ("dotted", "")]


def test_the_loss_curve_reads_without_colour() -> None:
    # Sections 4 and 7 draw their runs with loss_curve: under NO_COLOR its legend still names the line.
    chart = loss_curve([0.0195, 0.01, 4e-3, 1e-3, 7.7e-15, 0.0], rows=6)
    lines = render(chart, 60)
    assert lines[-1].strip() == "── loss"
    rows = plot_rows(lines, 6)
    assert any(ord(c) in BRAILLE for c in "".join(rows))
    assert lines[5].startswith("     0┤")  # the bottom of the axis is a true zero, written as one


class ChartApp(App[None]):
    """Just a loss chart, as sections 4 and 7 show one, with the lesson's meaning colours."""

    def compose(self) -> ComposeResult:
        self.console.push_theme(THEME)
        yield LossChart()


async def test_the_loss_chart_widget_under_no_color(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartApp()
    assert app.no_color
    async with app.run_test(size=(60, 20)) as pilot:
        chart = app.query_one(LossChart)
        chart.heading = Text("α = 0.5")
        chart.losses = (0.0195, 0.0102, 4.1e-3, 7.7e-15, 0.0)
        await pilot.pause()
        lines = [strip.text for strip in chart.render_lines(Region(0, 0, chart.size.width, chart.size.height))]
        text = "\n".join(lines)
        assert "── loss" in text  # the line's pattern, named: it needs no colour
        assert sum(ord(c) in BRAILLE for c in text) > 10
        assert any(line.lstrip().startswith("0┤") for line in lines)  # the axis starts at a true zero
        assert "0.0000" not in text
