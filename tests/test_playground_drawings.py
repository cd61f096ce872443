"""The playground's drawings as plain text and styles: sparkline scale and colours, weight glyphs, histograms, the board.

A sign drawn the wrong way round or a sparkline on the wrong scale fails here,
in a unit test, not only in a snapshot.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from rich.console import RenderableType

import drawing
from backprop_tui.engine.names import health_class
from backprop_tui.models import playground as pg
from backprop_tui.renderables import palette
from backprop_tui.renderables import run_board as board
from backprop_tui.renderables.palette import style
from backprop_tui.renderables.playground import (
    GRADIENT_LEVELS,
    NEGATIVE,
    POSITIVE,
    SPARKS,
    WEIGHT_LEVELS,
    glyph,
    grid_size,
    histogram,
    spark_level,
    sparkline,
    weight_grid,
)
from drawing import styles


def render(renderable: RenderableType, width: int = 100) -> str:
    return drawing.text_of(renderable, width)


# -- the sparkline ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("magnitude", "level"),
    [(1e-4, 0), (1e-5, 0), (10.0, 7), (100.0, 7), (10 ** (-4 + 5 * 3 / 7), 3), (10 ** (-4 + 5 * 6 / 7), 6), (0.01, 3)],
)
def test_spark_heights_follow_a_log_scale_from_1e_minus_4_to_10(magnitude, level):
    assert spark_level(magnitude) == level


def test_a_sparkline_draws_one_cell_per_step_on_the_log_scale_and_pads_to_its_width():
    values = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
    line = sparkline(values, 8)
    # five decades over seven steps of height: each decade is 1.4 heights, rounded
    assert line.plain == "▁▂▄▅▇█  "
    assert [SPARKS.index(c) for c in line.plain.strip()] == [spark_level(v) for v in values]


def test_a_larger_gradient_is_never_drawn_lower():
    values = list(np.logspace(-6, 2, 50))
    heights = [SPARKS.index(c) for c in sparkline(values, 50).plain]
    assert heights == sorted(heights) and heights[0] == 0 and heights[-1] == 7


def test_each_spark_takes_the_colour_of_its_health_class():
    values = [0.2, 0.05, 3.0, 1e-4]  # healthy, warning, critical (too big), critical (too small)
    line = sparkline(values, 4)
    assert styles(line) == [style("healthy"), style("warning"), style("critical"), style("critical")]
    assert [health_class(v) for v in values] == ["healthy", "warning", "critical", "critical"]


def test_a_sparkline_marks_not_a_number_and_exactly_zero():
    line = sparkline([0.2, math.nan, 0.0, math.inf], 4)
    assert line.plain == SPARKS[spark_level(0.2)] + "!_!"
    assert styles(line)[1:] == [style("critical", bold=True), style("critical"), style("critical", bold=True)]


def test_a_long_history_is_squeezed_into_its_width_by_the_mean_of_the_logs():
    values = [1e-3] * 50 + [1.0] * 50
    line = sparkline(values, 2)
    assert line.plain == SPARKS[spark_level(1e-3)] + SPARKS[spark_level(1.0)]
    mixed = sparkline([1e-3, 1e-1], 1)  # one cell: the geometric mean, 1e-2
    assert mixed.plain == SPARKS[spark_level(1e-2)] and styles(mixed) == [style(health_class(1e-2))]


def test_an_empty_history_is_blank():
    assert sparkline([], 5).plain == " " * 5
    assert sparkline([0.1], 0).plain == ""


# -- weight glyphs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "char", "hue"),
    [
        (0.5, "┼", POSITIVE),
        (1.0, "╋", palette.style("positive", bold=True)),
        (7.0, "╋", palette.style("positive", bold=True)),
        (-0.5, "─", NEGATIVE),
        (-1.0, "━", palette.style("negative", bold=True)),
        (0.05, "·", "dim"),
        (-0.0999, "·", "dim"),
        (0.0, "·", "dim"),
        (math.nan, "!", style("critical", bold=True)),
        (-math.inf, "!", style("critical", bold=True)),
    ],
)
def test_a_weight_glyph_shows_its_sign_by_shape_and_its_size_by_weight(value, char, hue):
    assert glyph(value, WEIGHT_LEVELS) == (char, hue)


def test_gradient_glyphs_use_the_health_floors():
    assert glyph(0.005, GRADIENT_LEVELS)[0] == "·"
    assert glyph(0.05, GRADIENT_LEVELS)[0] == "┼"
    assert glyph(-0.5, GRADIENT_LEVELS)[0] == "━"


def test_the_weight_grid_has_a_row_per_neuron_and_a_column_per_input():
    W1 = np.array([[0.5, -0.5, 0.0], [2.0, -2.0, 0.3]])  # 2 inputs → 3 neurons: W[i, j] joins input i to neuron j
    W2 = np.array([[1.5], [-0.2], [0.01]])
    lines = [line.plain for line in weight_grid([W1, W2], WEIGHT_LEVELS)]
    assert lines == [
        "W1   W2   ",
        "┼ ╋  ╋ ─ ·",  # neuron 1 of layer 1: +0.5 from input 1, +2 from input 2
        "─ ━       ",
        "· ┼       ",
    ]
    assert grid_size((2, 3, 1)) == (len(lines[0]), len(lines))


def test_each_glyph_of_the_grid_carries_its_weights_colour():
    line = weight_grid([np.array([[0.5, -0.5]])], WEIGHT_LEVELS)[1]
    assert line.plain.startswith("┼") and styles(line)[0] == POSITIVE
    line = weight_grid([np.array([[0.5, -0.5]])], WEIGHT_LEVELS)[2]
    assert line.plain.startswith("─") and styles(line)[0] == NEGATIVE


# -- histograms ---------------------------------------------------------------------------------------------------


def test_a_histogram_puts_negatives_left_of_the_bar_largest_outermost():
    text = histogram(np.array([-1.0, -1.0, 0.1, 0.9, 1.0]))
    assert text.plain == "█   ┊▄  █"
    assert styles(text)[0] == NEGATIVE and styles(text)[-1] == POSITIVE and styles(text)[4] == "dim"


def test_a_histograms_bars_are_each_bins_share_of_the_fullest():
    text = histogram(np.array([0.1] * 8 + [1.0] * 2))
    assert text.plain == "    ┊█  ▂"


def test_a_histogram_of_zeros_and_of_not_a_number():
    assert histogram(np.zeros((2, 2))).plain == "    ┊    "
    broken = histogram(np.array([1.0, math.nan]))
    assert broken.plain == "!!!!┊!!!!" and styles(broken)[0] == style("critical", bold=True)


# -- the board ------------------------------------------------------------------------------------------------------


def test_the_readout_says_the_step_the_loss_and_how_many_are_right():
    snap = pg.Trainer(pg.Setup()).snapshot()
    assert snap.right is not None
    assert board.readout(snap).plain == f"Step 0 · loss {snap.loss:.4f} · {snap.right[0]}/4 right"


def test_a_diverged_run_says_so_in_words_in_reverse_critical():
    snap = pg.Trainer(pg.Setup(data="sine", output="linear", loss="mse", optimizer="sgd", lr=100.0))
    while snap.step() is not None:
        pass
    text = board.readout(snap.snapshot())
    assert text.plain.endswith("loss diverged")
    word = text.plain.index("diverged")
    assert {str(s.style) for s in text.spans if s.start <= word < s.end} == {style("critical", bold=True), "reverse"}


def test_the_layer_table_names_each_layer_and_marks_its_skip():
    trainer = pg.Trainer(pg.Setup(skips=True))
    trainer.step()
    text = render(board.layer_table(trainer.snapshot(), "weights", 60, histograms=False))
    lines = text.splitlines()
    assert lines[1].startswith("L1 2→4 ") and "skip" not in lines[1]
    assert lines[2].startswith("L2 4→4 skip ")
    assert lines[3].startswith("L3 4→1 ")
    for line, h in zip(lines[1:], trainer.health):
        assert h.status.label in line
    plain = render(board.layer_table(pg.Trainer(pg.Setup()).snapshot(), "weights", 60, histograms=False))
    assert "skip" not in plain and "no step yet" in plain


def test_the_board_fits_the_drawing_only_when_there_is_room():
    sizes = (2, 4, 4, 1)  # the drawing: a row of names and 4 rows of glyphs, 19 cells across
    # readout 1, one row of words, the table's heading and 3 layers: 6 rows; the drawing 1 + 5; the plot's axis,
    # labels and legend 3: 5 rows left for the plot itself
    assert board.plan(sizes, width=52, rows=20, text_rows=1) == board.Plan(grid=True, plot_rows=5)
    assert board.plan(sizes, width=52, rows=20, text_rows=4) == board.Plan(grid=True, plot_rows=2)
    # one more row of words leaves the plot less than its least: the histograms (and their legend's row) instead
    assert board.plan(sizes, width=52, rows=20, text_rows=5) == board.Plan(grid=False, plot_rows=20 - 10 - 1 - 3)
    assert board.plan(sizes, width=18, rows=40, text_rows=1).grid is False  # too narrow for 19 cells
    deep = (2, *[16] * 8, 1)
    assert board.plan(deep, width=52, rows=20, text_rows=1) == board.Plan(grid=False, plot_rows=4)
    assert board.plan(deep, width=52, rows=20, text_rows=4) == board.Plan(grid=False, plot_rows=0)  # no room: a line
    assert board.plan(deep, width=52, rows=80, text_rows=1).plot_rows == board.MAX_PLOT


def test_the_loss_plot_waits_for_two_points_and_says_when_it_has_no_room():
    assert "draws itself here" in render(board.loss_plot([0.7], 3))
    assert "step" in render(board.loss_plot([0.7, 0.6, 0.5], 3))
    assert render(board.loss_plot([0.7, 0.6, 0.5], 0)).strip() == "The loss curve needs a taller window."


def test_the_histograms_legend_says_what_their_bars_count():
    assert board.histogram_legend("weights").plain == "W −┊+ weights per bin, from −largest to +largest"
    assert board.histogram_legend("gradients").plain == "dW −┊+ gradients per bin, from −largest to +largest"
    assert board.histogram_legend("weights").cell_len <= 52  # one row of the board at 80 columns


def test_a_share_code_is_never_cut_or_wrapped():
    code = "bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor"  # 45 characters
    assert render(board.share_line(code, 51), 51) == f"Share {code}\n"
    assert render(board.share_line(code, 50), 50) == f"{code}\n"  # no room for the word: the code alone, whole
    saved = render(board.share_line(code, 44, "~/data/share-code.txt"), 44)
    assert saved.splitlines() == [
        "Share code: 45 characters, too wide for this",
        "window; it is saved whole in",
        "~/data/share-code.txt",
    ]
    wider = render(board.share_line(code, 40), 40)
    assert (
        " ".join(wider.split()) == "Share code: 45 characters, too wide for this window; a window 5 columns wider shows it whole."
    )
    assert code not in wider.replace("\n", "") and "1 columns" not in render(board.share_line(code, 44), 44)
