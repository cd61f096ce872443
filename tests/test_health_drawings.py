"""Section 6's drawings as plain text and styles: the log-scale bars, class colours, the ⋮ row, the fit, the words.

The passes drawn here are made up (a magnitude per layer, written in the test)
or measured by the model; either way a bar on the wrong scale, a class in the
wrong colour or a table taller than its room fails here, not only in a snapshot.
"""

from __future__ import annotations

import io
import math

import pytest
from rich.console import Console, RenderableType
from rich.text import Text
from textual.app import App, ComposeResult

import drawing
from backprop_tui.engine.health import LayerHealth, classify
from backprop_tui.engine.names import HEALTH_LABELS, health_class
from backprop_tui.models.health import DeepHealth, DeepSetup, Remedies, Settings, measure, plan
from backprop_tui.renderables.health_notes import columns, heading, note, panel, products, said
from backprop_tui.renderables.health_table import (
    SCALE,
    Column,
    HealthTable,
    cell,
    move_bar,
    ratio_words,
    summary,
    visible_layers,
)
from backprop_tui.renderables.palette import COLOURS, THEME, style
from backprop_tui.widgets.health_bars import HealthBars
from drawing import styles


def fake(magnitudes: list[float], activation: str = "sigmoid", **extra: object) -> DeepHealth:
    """A pass whose layer l has gradient magnitude ``magnitudes[l - 1]`` (nothing dead)."""
    depth = len(magnitudes)
    layers = tuple(LayerHealth(l, m, classify(m), 0, 16 if l < depth else 8) for l, m in enumerate(magnitudes, start=1))
    fields: dict[str, object] = dict(
        norm=1.0, used_norm=1.0, slopes=(0.2,) * depth, negative=(0,) * depth, dead_gradient=0.0, loss=1.0, diverged=False
    )
    optimizer = extra.pop("optimizer", None)
    fields.update(extra)
    setup = DeepSetup(depth, activation, "xavier", optimizer=optimizer)  # type: ignore[arg-type]
    return DeepHealth(setup, layers, **fields)  # type: ignore[arg-type]


def text_of(renderable: RenderableType, width: int = 78) -> str:
    return drawing.text_of(renderable, width)


# -- the log scale ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("decade", range(-6, 5))
def test_health_bars_grow_by_a_tenth_of_the_width_per_decade(decade):
    h = fake([10.0**decade, 0.2])
    bar = cell(h, "health", 1, 30).line().plain[1:31]  # after the (empty) label and its space
    full = 3 * (decade + 6)  # 30 cells over 10 decades (10⁻⁶ to 10⁴)
    if decade == -6:
        assert bar == "▏" + " " * 29  # the floor still shows an eighth: a gradient, not none
    else:
        assert bar == "█" * full + " " * (30 - full)
    assert math.log10(SCALE[1] / SCALE[0]) == 10


def test_beyond_the_scale_a_bar_is_full_with_an_arrow_and_zero_is_empty():
    assert cell(fake([1e5, 0.2]), "health", 1, 10).line().plain[1:11] == "█" * 9 + "▶"
    assert cell(fake([0.0, 0.2]), "health", 1, 10).line().plain[1:11] == " " * 10


def test_each_word_and_bar_takes_its_class_colour():
    h = fake([0.2, 0.05, 3.0, 1e-4, 0.7])
    for layer, info in enumerate(h.layers, start=1):
        line = cell(h, "health", layer, 12).line()
        klass = health_class(info.magnitude)
        word = HEALTH_LABELS[klass]
        at = line.plain.index(word)
        assert styles(line)[1] == style(klass)  # the bar
        assert styles(line)[at] == style(klass, bold=True)
    rendered = Console(file=io.StringIO(), theme=THEME).get_style(style("critical"))
    assert rendered.color is not None and rendered.color.name == COLOURS["critical"]


def test_training_bars_take_the_optimisers_colour_and_a_diverged_run_says_so():
    sgd = fake([0.2, 0.2], moved=(1e-3, 1.0), optimizer="sgd", loss_before=2.0, trained=10)
    adam = fake([0.2, 0.2], moved=(1e-3, 1.0), optimizer="adam", loss_before=2.0, trained=10)
    for h, hue in ((sgd, "sgd"), (adam, "adam")):
        line = move_bar(h, 2, 12)
        assert line.plain == "█" * 12 + " moved 1.0000" and styles(line)[0] == style(hue)
        assert move_bar(h, 1, 12).plain.startswith("██████ ")  # 10⁻³: half way from 10⁻⁶ to 1
    gone = fake([math.nan, math.nan], moved=(1.0, 1.0), optimizer="sgd", diverged=True, trained=3, loss_before=2.0)
    line = move_bar(gone, 1, 8)
    assert line.plain == "███████▶ diverged" and styles(line)[-1] == style("diverging", bold=True)
    words = summary(gone, "moved")
    assert words.plain == "SGD diverged at step 3" and words.style == style("diverging", bold=True)
    assert summary(sgd, "moved").plain == "SGD, loss 2.00 → 1.00"


# -- the ⋮ row and the fit ----------------------------------------------------------------------------------


def test_the_top_and_bottom_layers_stay_around_one_gap():
    assert visible_layers(5, 8) == [5, 4, 3, 2, 1]
    assert visible_layers(20, 11) == [20, 19, 18, 17, 16, 5, 4, 3, 2, 1]
    assert visible_layers(20, 12) == [20, 19, 18, 17, 16, 15, 5, 4, 3, 2, 1]  # an odd count: one more on top
    assert visible_layers(20, 5) == [20, 19, 2, 1]


def test_at_depth_20_the_middle_layers_are_summed_up_in_one_row():
    h = fake([1e-3] * 19 + [0.3])
    text = text_of(HealthTable((Column("sigmoid", h),), height=15))
    assert "⋮  layers 6–15: 10 Bad" in text  # classes no hidden layer has are left out
    assert len(text.splitlines()) == 15  # heading, the numbers' labels, 5 + ⋮ + 5 rows, summary, blank
    assert "|∂L/∂W|" in text.splitlines()[1] and "|∂L/∂z|" not in text  # a pass without ∂L/∂z shows none
    assert "OK" in text.splitlines()[2] and "   1  " in text and "  20  " in text


def test_the_section_at_depth_20_in_80_by_24():
    measured = measure(plan("vanish", Settings(depth=20)))
    assert measured is not None
    drawn = HealthTable(columns(measured), note(measured), height=20)  # what the bars widget gets at 80×24
    text = text_of(drawn)
    assert "⋮  layers 5–15: 11 Bad" in text and "layers 5–15: kept ×0.19 to ×0.26" in text
    assert len(text.splitlines()) == 20
    assert "Through 19 sigmoid layers, layer 1 gets 1/6.3e+12 of layer 20's gradient." in " ".join(text.split())


@pytest.mark.parametrize("height", [12, 16, 20, 30, 40])
@pytest.mark.parametrize("step", ["side", "remedies"])
def test_the_table_and_its_note_fit_the_height_they_are_given(step, height):
    measured = measure(plan(step, Settings(depth=20)))
    assert measured is not None
    lines = text_of(HealthTable(columns(measured), note(measured), height=height)).splitlines()
    assert len(lines) <= max(height, 17)  # at least 5 layer rows however little room
    layers = [line for line in lines if line[:6].strip().isdigit()]
    assert len(layers) == (20 if height >= 40 else len(layers)) and len(layers) >= 4


def test_without_a_height_every_layer_is_drawn():
    measured = measure(plan("side", Settings(depth=20)))
    assert measured is not None
    text = text_of(HealthTable(columns(measured), note(measured)))
    assert "⋮" not in text and all(f"  {n}  " in text for n in range(1, 21))


def test_a_wrapped_note_line_ends_at_its_word_as_textual_draws_prose():
    h = fake([0.2] * 3)
    drawn = HealthTable((Column("sigmoid", h),), Text("word " * 40, style="bold"), height=30)
    console = Console(width=40, file=io.StringIO(), theme=THEME)
    bold = [
        "".join(s.text for s in line if s.style and s.style.bold)
        for line in console.render_lines(drawn, pad=False)
        if any(s.style and s.style.bold and "word" in s.text for s in line)
    ]
    assert len(bold) > 3
    assert all(line.endswith("word") for line in bold[:-1])  # the space it broke at is not drawn bold
    assert bold[-1].endswith("word ")  # the note's own last space stays, as in a Static


# -- the words --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [(0.2, 0.2, "1.00×"), (2e-4, 0.22, "1/1100"), (0.1, 0.26, "1/2.6"), (1e-14, 0.063, "1/6.3e+12"), (0.0, 0.2, "none")],
)
def test_layer_ones_share(first, last, words):
    assert ratio_words(fake([first, last])) == words
    assert ratio_words(fake([math.nan, math.nan], diverged=True)) == "diverged"


def test_the_panel_marks_each_switch_and_the_choice_on():
    r = Remedies(init="he", clip=True, training="adam", left="tanh")
    text = panel(r, (None, "sgd", "adam"))
    assert text.plain == (
        "i init naive Xavier [He]   k [ ] skips   g [x] clip at 5   r start again\n"
        "l [ ] Leaky ReLU   o train 10: none SGD [Adam]   f left: tanh"
    )
    on = [text.plain[i] for i, s in enumerate(styles(text)) if s == "bold reverse"]
    assert "".join(on) == "[He][Adam]"


def test_what_a_switch_did_is_said_in_words():
    assert said("init", Remedies(init="normal")) == "Initialisation: naive N(0, 1)."
    assert said("residual", Remedies(residual=True)) == "Skip connections on."
    assert said("leaky", Remedies()) == "Plain ReLU again."
    assert said("training", Remedies(training="adam")) == "10 Adam steps from the same start."
    assert said("training", Remedies()) == "No training."
    assert said("left", Remedies(left="gelu")) == "Left column: GELU."
    assert heading("side", Settings(left="leaky_relu")) == "Leaky ReLU or ReLU, 5 layers deep"
    assert heading("remedies", Settings(depth=7, remedies=Remedies(training="sgd"))) == (
        "Remedies: how far 10 SGD steps moved each layer, 7 layers"
    )
    assert "0.25^4 = 0.0039" in products(0.25, 4)


# -- the widget ---------------------------------------------------------------------------------------------


class BarsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield HealthBars()


async def test_the_widget_says_computing_then_draws_what_it_is_given_in_its_height():
    app = BarsApp()
    async with app.run_test(size=(80, 14)) as pilot:
        bars = app.query_one(HealthBars)
        assert bars.content_size.height == 14
        bars.computing = True
        assert text_of(bars.render()).strip() == "computing…"
        measured = measure(plan("side", Settings(depth=20)))
        assert measured is not None
        bars.show(columns(measured), note(measured))
        await pilot.pause()
        drawn = bars.render()
        assert isinstance(drawn, HealthTable) and drawn.height == 14 and not bars.computing
        assert "⋮" in text_of(drawn, 80)
