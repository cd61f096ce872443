"""Section 6, gradient health, driven key by key, and its snapshots.

Every bar's word and number asserted on screen is recomputed here from the
model (``deep_health`` on a setup written out in the test), then looked for
in the rows the screen draws at its real size. Passes are measured by a
worker: each key is followed by waiting until the step is no longer
computing (a condition, never a fixed sleep).
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Static

from backprop_tui.app import BackpropApp
from backprop_tui.engine.events import ForwardEvent
from backprop_tui.engine.names import DEEP_INPUTS, DEEP_OUTPUTS, DEEP_SAMPLES, DEEP_WIDTH
from backprop_tui.lesson.quiz import questions_for
from backprop_tui.models.health import DeepHealth, DeepSetup, deep_data, deep_health, deep_net, start
from backprop_tui.progress.store import ProgressStore
from backprop_tui.renderables.numbers import format_number
from backprop_tui.renderables.palette import THEME
from backprop_tui.screens.health import HealthScreen
from backprop_tui.widgets.health_bars import HealthBars
from backprop_tui.widgets.step_bar import StepBar

SIZE = (80, 24)
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|∞|infinity", re.IGNORECASE)
ROW = re.compile(r"^\s*(\d+)\s{2}(.*)$")
NUMBER = r"(?:−?\d[\d.]*(?:e[+-]\d+)?|diverged)"
HEALTH = re.compile(rf"\b(OK|Warn|Bad)\s+({NUMBER})(?:\s+dead (\d+)/(\d+)|\s+({NUMBER})(?=\s|$))?")
MOVED = re.compile(r"moved (\S+)|(diverged)")
LABELS = [s.label for s in HealthScreen.STEPS]


def make_app() -> BackpropApp:
    return BackpropApp(section="health", learner="Ada", store=ProgressStore())


def screen_of(app: BackpropApp) -> HealthScreen:
    screen = app.section_screen
    assert isinstance(screen, HealthScreen)
    return screen


def shown(app: BackpropApp) -> str:
    """The body as a learner reads it: every visible part at its own width (the bars at their own height)."""
    parts = []
    for widget in screen_of(app).query_one("#body").children:
        if not widget.display:
            continue
        renderable = widget.content if isinstance(widget, Static) else widget.render()
        width = widget.content_size.width
        console = Console(width=width, file=io.StringIO(), record=True, color_system=None, theme=THEME)
        console.print(renderable)
        parts.append(console.export_text())
    return "\n".join(parts)


def flat(app: BackpropApp) -> str:
    """What is shown, with every run of white space one space (sentences wrap where the width says)."""
    return " ".join(shown(app).split())


async def settle(pilot) -> None:
    """Wait until the step on show has its passes (the workers are done and their news is drawn)."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not screen_of(app).computing:
            return
    raise AssertionError("the step is still computing")


async def press(pilot, *keys: str) -> None:
    """Press ``keys`` one by one, each drawn before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def go_to(pilot, step_id: str) -> None:
    """From the section's start, step forward with ``n`` to the step ``step_id``."""
    await settle(pilot)
    await press(pilot, *["n"] * HealthScreen.step_index(step_id))
    assert screen_of(pilot.app).step_id == step_id


def rows(app: BackpropApp) -> dict[int, str]:
    """Each bar row of the table on show, by layer number."""
    out = {}
    for line in shown(app).splitlines():
        m = ROW.match(line)
        if m and any(word in line for word in ("OK", "Warn", "Bad", "moved", "diverged", "σ′")):
            out[int(m.group(1))] = m.group(2)
    return out


def health_cells(h: DeepHealth, layer: int, kind: str = "health") -> tuple[str, str, tuple[int, int] | None, str | None]:
    """What a health bar of ``layer`` must say: its word, its |∂L/∂W|, its dead count (the dead-neuron
    step's ReLU hidden layers) and its |∂L/∂z| (every other step), the last recomputed from the engine's
    backward events here rather than taken from the pass."""
    info = h.layers[layer - 1]
    dead = (info.dead, info.units) if kind == "dead" and h.setup.activation == "relu" and layer < h.setup.depth else None
    z = format_number(engine_dz(h.setup)[layer - 1]) if kind == "health" else None
    return info.status.label, format_number(info.magnitude), dead, z


def engine_dz(setup: DeepSetup) -> list[float]:
    """Each layer's mean |∂L/∂z| over the batch and units, from the engine's own backward events."""
    net = deep_net(setup)
    x, t = deep_data()
    list(net.forward(x, t))
    return [float(np.mean(np.abs(e.dL_dz))) for e in sorted(net.backward(), key=lambda e: e.layer)]


def assert_health_rows(app: BackpropApp, *columns: DeepHealth, kind: str = "health") -> None:
    """Every visible layer row shows each column's word and numbers; hidden layers are announced."""
    table = rows(app)
    depth = columns[0].setup.depth
    assert table, shown(app)
    assert max(table) == depth and min(table) == 1
    for layer, text in table.items():
        found = HEALTH.findall(text)
        assert len(found) == len(columns), text
        for h, (word, number, dead, units, z) in zip(columns, found):
            want_word, want_number, want_dead, want_z = health_cells(h, layer, kind)
            assert (word, number) == (want_word, want_number), (layer, text)
            assert (None if not dead else (int(dead), int(units))) == want_dead, (layer, text)
            assert (z or None) == want_z, (layer, text)
    if len(table) < depth:
        assert "⋮" in shown(app)
    if kind == "health":
        assert "|∂L/∂W|" in shown(app) and "|∂L/∂z|" in shown(app)


def assert_moved_rows(app: BackpropApp, *columns: DeepHealth) -> None:
    for layer, text in rows(app).items():
        found = MOVED.findall(text)
        assert len(found) == len(columns), text
        for h, (moved, diverged) in zip(columns, found):
            if h.diverged:
                assert diverged
            else:
                assert moved == format_number(h.moved[layer - 1]), (layer, text)


def fits(app: BackpropApp) -> bool:
    """Nothing scrolls, and the bars and their note are drawn whole within the bars' own height."""
    screen = screen_of(app)
    bars = screen.query_one(HealthBars)
    if bars.display and not bars.computing:
        console = Console(width=bars.content_size.width, file=io.StringIO(), theme=THEME)
        if len(console.render_lines(bars.render(), pad=False)) > bars.content_size.height:
            return False
    return screen.query_one("#body").max_scroll_y == 0


# -- walking the section -----------------------------------------------------------------------------


async def test_steps_forwards_and_backwards_everything_fits_and_no_nan():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.total_steps == len(HealthScreen.STEPS) + len(questions_for("health"))
        seen = []
        for expected in range(screen.total_steps):
            assert screen.step == expected
            seen.append(screen.query_one(StepBar).label)
            if screen.question is None:
                text = shown(app)
                assert text.strip() and not NOT_A_NUMBER.search(text) and "computing" not in text, text
                assert screen.query_one("#body").max_scroll_y == 0, seen[-1]
            if expected < screen.total_steps - 1:
                await press(pilot, "n")
        assert seen[: screen.own_steps] == LABELS
        for expected in range(screen.total_steps - 2, -1, -1):
            await press(pilot, "p")
            assert screen.step == expected


async def test_the_first_step_multiplies_the_sigmoid_peak_over_the_vanishing_steps_layers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = flat(app)
        assert "at most 0.25" in text and "through 9 sigmoid layers" in text and "0.25^9 = 3.8e-06" in text
        assert 0.25**9 == pytest.approx(3.8e-06, rel=0.01) and start("vanish").depth - 1 == 9
        assert fits(app)


async def test_reading_the_bars_defines_the_batch_the_two_gradients_the_rule_of_thumb_and_the_inits():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "reading")
        text = flat(app)
        assert "over a batch of examples and takes one step per batch" in text
        assert f"one batch of {DEEP_SAMPLES} samples: {DEEP_INPUTS} random inputs and {DEEP_OUTPUTS} random targets" in text
        assert "|∂L/∂W|" in text and "Beside it, |∂L/∂z|" in text and "∂L/∂W = aᵀ·∂L/∂z" in text
        assert "rule of thumb from the source lesson, for a net at the start of training" in text
        assert "not a law" in text
        assert "OK (0.1 to 0.5), Warn (0.01 to 0.1 or 0.5 to 1) and Bad (below 0.01 or above 1)" in text
        xavier, he = math.sqrt(2 / (DEEP_WIDTH + DEEP_WIDTH)), math.sqrt(2 / DEEP_WIDTH)
        assert f"√(2/(n_in + n_out)), {format_number(xavier, 2)} here, is made for tanh" in text
        assert f"He's √(2/n_in), {format_number(he, 2)} here, for ReLU" in text
        # the engine draws Xavier's weights with that spread (uniform ±√(6/(n_in + n_out)))
        W = deep_net(DeepSetup(20, "tanh", "xavier")).W[1]
        assert float(np.std(W)) == pytest.approx(xavier, rel=0.05)
        assert fits(app)


async def test_sigmoid_and_relu_side_by_side_with_the_engines_numbers():
    sig, relu = deep_health(DeepSetup(5, "sigmoid", "xavier")), deep_health(DeepSetup(5, "relu", "he"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        assert_health_rows(app, sig, relu)  # |∂L/∂W| with its word, and |∂L/∂z| beside it, per layer
        text = flat(app)
        assert "sigmoid · Xavier" in text and "ReLU · He" in text
        assert "layer 1 gets 1/1100 of layer 5's gradient" in text  # 1/ratio, two significant figures
        assert round(1 / sig.ratio, -2) == 1100
        assert f"dead {relu.dead} of {relu.hidden_units}" in text
        assert "Xavier for sigmoid and tanh, He for the ReLU family" in text


async def test_f_cycles_the_left_activation_and_the_step_bar_follows_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        screen = screen_of(app)
        cycle = (("tanh", "xavier"), ("relu", "he"), ("leaky_relu", "he"), ("gelu", "he"), ("silu", "he"), ("sigmoid", "xavier"))
        names = {"tanh": "Tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "gelu": "GELU", "silu": "SiLU", "sigmoid": "Sigmoid"}
        for act, init in cycle:
            await press(pilot, "f")
            assert screen.left == act
            assert_health_rows(app, deep_health(DeepSetup(5, act, init)), deep_health(DeepSetup(5, "relu", "he")))
            assert screen.query_one(StepBar).label == f"{names[act]} or ReLU"
            assert shown(app).startswith(f"{names[act]} or ReLU, 5 layers deep")


async def test_depth_keys_stop_at_2_and_20_and_say_so_in_the_section_not_over_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        screen = screen_of(app)
        await press(pilot, "plus")
        assert screen.depth == 6
        assert_health_rows(app, deep_health(DeepSetup(6, "sigmoid", "xavier")), deep_health(DeepSetup(6, "relu", "he")))
        await press(pilot, *["minus"] * 4)
        assert screen.depth == 2
        assert_health_rows(app, deep_health(DeepSetup(2, "sigmoid", "xavier")), deep_health(DeepSetup(2, "relu", "he")))
        await press(pilot, "minus")
        assert screen.depth == 2
        assert "Depth goes from 2 to 20 layers; this is 2." in flat(app) and fits(app)
        assert not app._notifications  # no toast over the text
        await press(pilot, "plus")
        assert "Depth goes" not in flat(app)  # said once, for the key that could not go further
        await press(pilot, *["plus"] * 17)
        assert screen.depth == 20
        await press(pilot, "plus")
        assert screen.depth == 20 and "this is 20" in flat(app) and not app._notifications
        # 20 layers at 80×24: the top and bottom layers, the middle summed up, nothing scrolls
        sig, relu = deep_health(DeepSetup(20, "sigmoid", "xavier")), deep_health(DeepSetup(20, "relu", "he"))
        assert_health_rows(app, sig, relu)
        table = rows(app)
        assert 6 <= len(table) < 20
        hidden = [n for n in range(1, 21) if n not in table]
        start_, stop = hidden[0], hidden[-1]
        bad = sum(sig.layers[n - 1].status.label == "Bad" for n in hidden)
        assert f"layers {start_}–{stop}: {bad} Bad" in shown(app)
        assert fits(app)
        assert not NOT_A_NUMBER.search(shown(app))


async def test_every_layer_fits_on_a_tall_terminal_and_a_resize_refits_them():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(pilot, "side")
        await press(pilot, *["plus"] * 15)
        assert sorted(rows(app)) == list(range(1, 21))
        assert fits(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert 6 <= len(rows(app)) < 20 and fits(app)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert sorted(rows(app)) == list(range(1, 21))


async def test_each_step_opens_on_its_own_set_up_and_keeps_the_learners_changes_to_itself():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "vanish")
        screen = screen_of(app)
        assert screen.depth == 10 and shown(app).startswith("Vanishing: 10 sigmoid layers")
        await press(pilot, *["minus"] * 8)  # down to 2: the learner's own set-up, on this step only
        assert screen.depth == 2
        shallow = deep_health(DeepSetup(2, "sigmoid", "xavier"))
        assert shallow.layers[0].status.label == "Warn"
        assert shown(app).startswith("2 sigmoid layers: layer 1 is not Bad yet")
        assert "Through 1 sigmoid layer, layer 1 gets" in flat(app)
        assert "r brings back this step's own (10 layers)" in flat(app)
        await press(pilot, "n")  # the exploding step still opens on a net that explodes
        assert screen.step_id == "explode" and screen.depth == 6
        naive, he = deep_health(DeepSetup(6, "relu", "normal")), deep_health(DeepSetup(6, "relu", "he"))
        assert_health_rows(app, naive, he)
        trained = deep_health(DeepSetup(6, "relu", "normal", optimizer="sgd"))
        assert trained.diverged and f"diverges at step {trained.trained}" in flat(app)
        assert shown(app).startswith("Exploding: a careless start, 6 layers") and "r brings back" not in flat(app)
        await press(pilot, "n")  # the dead-neuron step opens as deep as units die
        assert screen.step_id == "dead" and screen.depth == 10
        relu, leaky = deep_health(DeepSetup(10, "relu", "he")), deep_health(DeepSetup(10, "leaky_relu", "he"))
        assert_health_rows(app, relu, leaky, kind="dead")
        text = flat(app)
        assert f"{relu.dead} of {relu.hidden_units} ReLU units" in text and "exactly 0" in text
        await press(pilot, "p", "p")  # back on the vanishing step: the change made there is still there
        assert screen.step_id == "vanish" and screen.depth == 2
        await press(pilot, "r")  # and r brings back the step's own set-up
        assert screen.depth == 10 and shown(app).startswith("Vanishing: 10 sigmoid layers")
        assert "r brings back" not in flat(app)


async def test_a_step_made_too_shallow_for_its_lesson_says_so_in_its_heading():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "explode")
        await press(pilot, "minus", "minus", "minus")
        trained = deep_health(DeepSetup(3, "relu", "normal", optimizer="sgd"))
        assert not trained.diverged and trained.loss < trained.loss_before
        assert shown(app).startswith("A careless start, 3 layers: large gradients, no blow-up yet")
        assert "Exploding" not in shown(app) and "too few layers to blow up" in flat(app)
        await press(pilot, "n", *["minus"] * 6)
        assert deep_health(DeepSetup(4, "relu", "he")).dead == 0
        assert shown(app).startswith("No dead neurons yet: ReLU, 4 layers")
        assert "No unit of the Leaky ReLU net is negative on every sample either" in flat(app)


async def test_the_vanishing_step_shows_what_each_layer_keeps_of_dL_dz_through_W_and_through_sigma():
    setup = DeepSetup(10, "sigmoid", "xavier")
    net = deep_net(setup)
    x, t = deep_data()
    list(net.forward(x, t))
    events = sorted(net.backward(), key=lambda e: e.layer)
    dz = [float(np.mean(np.abs(e.dL_dz))) for e in events]
    da = [float(np.mean(np.abs(e.dL_da))) for e in events]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "vanish")
        table = rows(app)
        assert sorted(table) == list(range(1, 11))
        for layer, text in table.items():
            assert format_number(dz[layer - 1]) in text
            if layer < 10:
                by_w, by_f, kept = da[layer - 1] / dz[layer], dz[layer - 1] / da[layer - 1], dz[layer - 1] / dz[layer]
                assert by_f <= 0.25 and kept == pytest.approx(by_w * by_f)
                want = f"×{format_number(by_w, 2)} · ×{format_number(by_f, 2)} = ×{format_number(kept, 2)}"
                assert want in text, (layer, text)
        hidden = range(1, 10)
        mean = [math.exp(sum(math.log(v) for v in values) / 9) for values in (
            [da[l - 1] / dz[l] for l in hidden], [dz[l - 1] / da[l - 1] for l in hidden], [dz[l - 1] / dz[l] for l in hidden]
        )]
        text = flat(app)
        assert (
            f"Wᵀ, which here keeps about ×{format_number(mean[0], 2)}, and then by σ′, never above 0.25, which keeps "
            f"about ×{format_number(mean[1], 2)}: about ×{format_number(mean[2], 2)} a layer"
        ) in text
        assert "Through 9 sigmoid layers, layer 1 gets 1/1.9e+06 of layer 10's gradient" in text
        assert fits(app)


async def test_the_exploding_step_shows_dL_dz_growing_on_the_way_down():
    naive = DeepSetup(6, "relu", "normal")
    dz = engine_dz(naive)
    assert all(below > above for below, above in zip(dz[:-2], dz[1:-1]))  # every hidden layer down: larger
    grows = math.exp(sum(math.log(dz[l - 1] / dz[l]) for l in range(1, 6)) / 5)
    net = deep_net(naive)
    x, t = deep_data()
    signal = [float(np.mean(np.abs(e.a))) for e in net.forward(x, t) if isinstance(e, ForwardEvent)]
    assert all(upper > lower for lower, upper in zip(signal[:-2], signal[1:-1]))  # "the signal a grows on the way up"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "explode")
        assert f"∂L/∂z grows about ×{format_number(grows, 1)} a layer on the way down" in flat(app)
        assert fits(app)


# -- snapshots ----------------------------------------------------------------------------------------

VIEWS = {
    "reading": ("n",),
    "side": ("n", "n"),
    "vanishing-20": ("n",) * 3 + ("plus",) * 10,
    "exploding": ("n",) * 4,
    "remedies": ("n",) * 6 + ("i", "i", "k", "l"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, view, size):
    async def walk(pilot) -> None:
        await settle(pilot)
        await press(pilot, *VIEWS[view])

    app = BackpropApp(section="health", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=size, run_before=walk)
