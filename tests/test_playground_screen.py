"""Section 7, the playground, driven key by key: every field, s/t/r, the worker, divergence, share codes."""

from __future__ import annotations

import asyncio
import io
import math
import threading
import time

import pytest
from rich.console import Console
from textual.geometry import Region
from textual.widgets import Input, ProgressBar, Static

from backprop_tui.app import BackpropApp
from backprop_tui.models import playground as pg
from backprop_tui.progress.store import ProgressStore, data_dir
from backprop_tui.renderables.numbers import format_number
from backprop_tui.screens.help import HelpScreen
from backprop_tui.screens.playground import PlaygroundScreen
from backprop_tui.widgets.lesson_footer import LessonFooter
from test_app import SIZE, make_app, shown, until
from test_playground import BAD, GOOD

UI_GOOD = {**GOOD, "output": ("linear", "linear"), "loss": ("mse", "mse"), "inputs": ("-0.5, 1", (-0.5, 1.0))}
"""A good value for each field that differs from the default (typed with Pilot's keys)."""

DIVERGING = pg.Setup(data="sine", output="linear", loss="mse", optimizer="sgd", lr=5.0)
"""The sine curve with sgd at α = 5: the loss runs away within ten steps."""


def screen_of(app: BackpropApp) -> PlaygroundScreen:
    screen = app.section_screen
    assert isinstance(screen, PlaygroundScreen)
    return screen


def message(app: BackpropApp, name: str) -> str:
    """The message beside field ``name``, as shown (empty if hidden)."""
    static = screen_of(app).query_one(f"#msg-{name}", Static)
    if not static.display:
        return ""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(static.content)
    return " ".join(console.export_text().split())


def box(app: BackpropApp, name: str) -> Input:
    return screen_of(app).query_one(f"#field-{name}", Input)


async def open_playground(pilot, code: str | None = None) -> PlaygroundScreen:
    screen = screen_of(pilot.app)
    if screen.on_step("intro"):
        await pilot.press("n")
    await pilot.pause()
    assert screen.on_step("play")
    return screen


async def type_into(pilot, name: str, text: str, key: str = "enter", paste: bool = False) -> None:
    """Go into field ``name`` (its text is selected, so typing replaces it), type ``text``, press ``key``.

    Short texts are typed key by key; longer ones (or any, with ``paste``) are put in the box whole,
    as a paste would, to save time: every key press waits for the form's repaint.
    """
    field = box(pilot.app, name)
    field.focus()
    if not text:
        await pilot.press("backspace")
    elif len(text) <= 4 and not paste:
        await pilot.press(*text)
    else:
        field.value = text
    await pilot.press(key)


async def start_run(pilot, go: threading.Event, steps: int = 2) -> None:
    """Press t, let the worker take at least ``steps`` steps, then hold it before its next one.

    The run is then under way with most of its steps still to take, however slow
    the machine; ``go.set()`` lets the worker go on.
    """
    go.clear()
    await pilot.press("t")  # the worker waits before its first step while Pilot waits for the key
    screen = screen_of(pilot.app)
    assert screen.training
    go.set()
    await until(pilot, lambda: screen.trainer.steps >= steps, f"{steps} steps of the run")
    go.clear()


@pytest.fixture
def slow_steps(monkeypatch):
    """Training steps of the worker that wait for ``go`` (set at first) and then take at least 10 ms each.

    A run of 100 then lasts long enough to press keys during it; clearing ``go``
    holds the worker before its next step, for as long as a test needs. Steps on
    the app's own thread (the s key) are never held.
    """
    go = threading.Event()
    go.set()
    step = pg.Trainer.step

    def slow(self):
        if threading.current_thread() is threading.main_thread():
            return step(self)
        go.wait(timeout=10)
        result = step(self)
        time.sleep(0.01)
        return result

    monkeypatch.setattr(pg.Trainer, "step", slow)
    return go


# -- the intro and the way in ---------------------------------------------------------------------------


async def test_the_intro_then_the_playground_and_its_keys_only_there():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        assert screen.on_step("intro")
        text = shown(app)
        assert "s takes one step" in text and "--playground CODE" in text
        await pilot.press("s", "t", "r")  # nothing to train on the intro
        assert screen._trainer is None or screen.trainer.steps == 0
        await pilot.press("n")
        assert screen.on_step("play")
        text = shown(app)
        assert "Step 0 · loss " + format_number(screen.trainer.start_loss) in text
        assert "4 samples · 2 in → 1 out" in text
        assert "Share bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_xor" in text
        assert app.focused is None  # the keys work at once


async def test_the_intro_covers_the_form_so_tab_reaches_no_field_until_the_playground_shows():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        page = screen.query_one("#intro-page")
        assert page.display and page.region.size == screen.query_one("#body").scrollable_content_region.size
        for _ in range(3):
            await pilot.press("tab")
            assert not isinstance(app.focused, Input)  # the fields lie under the intro's page
        await pilot.press("n")
        assert not page.display
        await pilot.press("tab")
        assert app.focused is box(app, pg.FIELDS[0].name)
        await pilot.press("escape", "p")
        assert page.display and not isinstance(app.focused, Input)


async def test_a_new_theme_recolours_the_run_on_show():
    from rich.color import Color as RichColor

    from backprop_tui.renderables.palette import style

    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("s")
        layers = screen.query_one("#layers", Static)

        def colours() -> set[object]:
            lines = [layers.render_line(y) for y in range(layers.size.height)]
            return {seg.style.color for line in lines for seg in line if seg.text.strip() in ("OK", "Warn", "Bad")}

        before = colours()
        app.theme = "high-contrast"
        await pilot.pause()
        now = {app.console.get_style(style(m)).color for m in ("healthy", "warning", "critical")}
        assert colours() and colours() <= now and colours() != before
        assert all(isinstance(c, RichColor) for c in colours())


async def test_help_lists_the_playground_keys():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        await open_playground(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
        console.print(app.screen.query_one("#keys", Static).content)
        text = console.export_text()
        for words in ("s ", "Step", "t ", "Train 100", "r ", "Reset", "g ", "Weights/gradients", "e ", "Edit the set-up",
                      "+, =", "Faster", "-, _", "Slower", "f ", "Skip to end"):  # fmt: skip
            assert words in text, words


# -- every field ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GOOD))
async def test_each_field_takes_good_input_and_refuses_each_bad_one_beside_it(name):
    app = make_app(section="playground")
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await open_playground(pilot)
        if name in ("inputs", "target"):
            await type_into(pilot, "data", "custom")  # its own sample: the fields for it appear
            assert screen.setup.data == "custom" and screen.query_one("#row-inputs").display
        for text, says in BAD[name]:
            before = screen.setup
            await type_into(pilot, name, text)
            assert screen.setup == before, text  # the last good value stays …
            said = message(app, name)
            assert says in said and said.startswith("✗"), (text, said)
            assert f"(still {pg.field_text(before, name)})" in said
            assert app.focused is box(app, name)  # … and the box waits for a better one
            await pilot.press("escape")  # leave: the last good value is back in the box
            assert app.focused is None
            assert box(app, name).value == pg.field_text(before, name)
            assert says in message(app, name)  # the message stays until the field is fixed
        text, value = UI_GOOD[name]
        if name == "output":
            await type_into(pilot, "loss", "mse")  # a linear output needs mse first
        await type_into(pilot, name, text)
        assert getattr(screen.setup, name) == value
        assert message(app, name) == ""
        assert app.focused is None  # enter applied it and left the form
        assert box(app, name).value == pg.field_text(screen.setup, name)
        assert screen.trainer.setup == screen.setup and screen.trainer.steps == 0  # a fresh network
        assert pg.encode(screen.setup) in shown(app)


async def test_tab_applies_and_moves_on_and_a_bad_value_is_put_back_on_leaving():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("e")  # into the first field
        assert app.focused is box(app, "hidden")
        await pilot.press("3", "tab")
        assert screen.setup.hidden == 3 and app.focused is box(app, "neurons")
        await pilot.press("9", "9", "tab")  # refused: 1 to 16
        assert screen.setup.neurons == (4,) and box(app, "neurons").value == "4"
        assert "from 1 to 16" in message(app, "neurons")
        assert app.focused is box(app, "activation")
        await pilot.press(*"relu,tanh,relu", "enter")
        assert screen.setup.hidden_activations == ("relu", "tanh", "relu")
        assert screen.trainer.setup.sizes == (2, 4, 4, 4, 1)
        await pilot.press("e", "2", "enter")  # two layers: the per-layer list is cut to fit
        assert box(app, "activation").value == "relu,tanh"


STUDENT_TYPOS = ("", "abc", "nan", "1e999", "-1", "10000", "500")
"""What a student may type into any field: nothing, letters, not a number, too large, negative, huge."""


def shown_messages(app: BackpropApp) -> dict[str, str]:
    """Every field message on show, by field."""
    return {f.name: said for f in pg.FIELDS if (said := message(app, f.name))}


def assert_the_form_fits(app: BackpropApp) -> None:
    """Every field in use (data last among the built-in ones) is on screen, above the share code, with nothing to scroll."""
    screen = screen_of(app)
    body = screen.query_one("#body")
    assert body.max_scroll_y == 0, "the body scrolls: something is below the window"
    bottom = screen.query_one("#share").region.y
    for field in pg.FIELDS:
        row = screen.query_one(f"#row-{field.name}")
        if row.display:
            assert 0 < row.region.y < bottom and row.region.height == 1, field.name
    for static in screen.query(".field-message"):
        if static.display:
            assert static.region.bottom <= bottom


@pytest.mark.parametrize("data", ["xor", "custom"])
async def test_every_typo_in_every_field_gets_one_message_and_the_form_always_fits(data):
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        if data == "custom":
            await type_into(pilot, "data", "custom")
            await type_into(pilot, "loss", "mse")  # so that any target is possible
        names = [f.name for f in pg.FIELDS if screen.query_one(f"#row-{f.name}").display]
        assert names[-1] == ("target" if data == "custom" else "data")
        for name in names:
            for text in STUDENT_TYPOS:
                before = screen.setup
                expected = pg.edit(before, name, text)
                await type_into(pilot, name, text, paste=True)  # typing key by key: the test of each field above
                said = shown_messages(app)
                if expected.ok:
                    assert screen.setup == expected.setup and app.focused is None, (name, text)
                    assert set(said) <= {name} and not any(m.startswith("✗") for m in said.values()), (name, text)
                else:
                    assert screen.setup == before, (name, text)
                    assert list(said) == [name], (name, text)  # one message, under this field
                    assert said[name] == f"✗ {expected.error} (still {pg.field_text(before, name)})", (name, text)
                    assert "…" not in said[name]  # whole, not cut to fit
                    await pilot.press("escape")
                assert_the_form_fits(app)
        assert screen.query_one("#row-data").display


async def test_a_message_goes_when_its_field_is_fixed_or_another_is_set_and_never_piles_up():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await type_into(pilot, "neurons", "abc")
        assert list(shown_messages(app)) == ["neurons"]
        await pilot.press("escape")  # the last good value is back; the message says why
        assert shown_messages(app)["neurons"].endswith("got 'abc' (still 4)")
        await type_into(pilot, "lr", "-1")
        assert list(shown_messages(app)) == ["lr"]  # the newest only: no pile
        await pilot.press("backspace", "backspace", *"0.5", "enter")  # fixed in the box
        assert shown_messages(app) == {} and screen.setup.lr == 0.5
        await type_into(pilot, "seed", "x")
        await pilot.press("escape")
        await type_into(pilot, "hidden", "3")  # a later good edit of another field: the old error is history
        assert shown_messages(app) == {} and screen.setup.hidden == 3 and screen.setup.seed == 0
        await type_into(pilot, "neurons", "99", key="tab")  # refused on the way to the next field: it says so there
        assert app.focused is box(app, "activation")
        assert list(shown_messages(app)) == ["neurons"] and box(app, "neurons").value == "4"
        assert_the_form_fits(app)
        await pilot.press("escape", "s")  # on to training: the message is about text long gone
        assert shown_messages(app) == {} and screen.trainer.steps == 1


async def test_alpha_starts_its_sentence_as_alpha_not_a_capital_a():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        await open_playground(pilot)
        await type_into(pilot, "lr", "5")
        text = shown(app)
        assert "α is now 5: a fresh network, step 0." in text
        assert "\u0391" not in text  # the Greek capital Alpha, which reads as A
        await type_into(pilot, "seed", "3")
        assert "Seed is now 3: a fresh network" in shown(app)


async def test_new_data_shows_its_size_and_switches_a_loss_that_cannot_fit_it():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert not screen.query_one("#row-inputs").display
        await type_into(pilot, "data", "sine")
        assert (screen.setup.loss, screen.setup.output) == ("mse", "linear")
        assert box(app, "loss").value == "mse" and box(app, "output").value == "linear"
        assert "loss is now mse" in message(app, "data") and not message(app, "data").startswith("✗")
        assert "20 samples · 1 in → 1 out" in shown(app)
        await type_into(pilot, "data", "circle")
        assert "40 samples · 2 in → 1 out" in shown(app)
        await type_into(pilot, "data", "custom")
        assert screen.query_one("#row-inputs").display and screen.query_one("#row-target").display
        await type_into(pilot, "inputs", "1, 2, 3")
        assert "1 sample · 3 in → 1 out" in shown(app)
        assert screen.trainer.setup.sizes == (3, 4, 4, 1)


async def test_skips_on_marks_each_layer_with_a_skip_and_goes_into_the_share_code():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert "skip" not in shown(app, "#board")
        await type_into(pilot, "skips", "on")
        assert screen.setup.skips and screen.trainer.net.skips == (False, True, False)
        text = shown(app, "#board")
        assert "Skips is now on: a fresh network" in text
        assert "L2 4→4 skip" in text and "L1 2→4 skip" not in text
        assert "Share bp1_2x4_tanh_sigmoid_bce_xavier_adam_a0.1_r_xor" in shown(app)
        await type_into(pilot, "skips", "maybe")
        assert message(app, "skips") == "✗ skips must be on or off, got 'maybe' (still on)"
        await pilot.press("escape")
        await type_into(pilot, "neurons", "8,4")  # no hidden layer keeps its width now
        assert "skip" not in shown(app, "#board").replace("Skips", "")
        await type_into(pilot, "skips", "off")
        await type_into(pilot, "skips", "on")
        assert message(app, "skips").startswith("Note: a skip goes round a hidden layer as wide as its input")


async def test_a_new_terminal_size_lays_the_board_out_again():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert screen.query_one("#drawing").display
        plot = screen.query_one("#loss", Static)
        rows = plot.size.height
        await pilot.resize_terminal(120, 40)
        await until(pilot, lambda: plot.size.height > rows, "a taller loss plot")
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: plot.size.height == rows, "the loss plot as before")
        await pilot.resize_terminal(80, 30)  # taller only: the board's width, and so its size event, may not change
        await until(pilot, lambda: plot.size.height > rows, "a taller loss plot in a taller window")


# -- s, t, r ----------------------------------------------------------------------------------------------------


async def test_s_takes_one_step_and_shows_its_gradients():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert "no step yet" in shown(app)
        reference = pg.Trainer(pg.Setup())
        first = reference.step()
        assert first is not None
        await pilot.press("s")
        assert screen.trainer.steps == 1
        text = shown(app)
        assert f"Step 1: loss {format_number(first.loss)} → {format_number(reference.current_loss())}" in text
        for h in first.health:
            assert f"{h.status.label.ljust(4)} {format_number(h.magnitude)}" in text
        assert "no step yet" not in text
        await pilot.press("g")  # the drawing shows this step's gradients
        assert "Gradients ∂L/∂W" in shown(app)
        await pilot.press("g")
        assert "Weights" in shown(app)


async def test_t_trains_100_steps_in_a_worker_while_other_keys_still_work(slow_steps):
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        progress = screen.query_one("#progress", ProgressBar)
        slow_steps.clear()  # the worker waits before its first step while keys are pressed
        await pilot.press("t")
        assert screen.training
        await pilot.press("g")  # the drawing's view changes mid-run
        assert screen.view == "gradients"
        await pilot.press("question_mark")  # help opens over the run …
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # … and closes again
        assert app.screen is screen
        await pilot.press("2", "7")  # to another section and back: the run goes on
        assert app.section_screen is screen and screen.on_step("play")
        assert screen.training and screen.trainer.steps == 0
        slow_steps.set()
        seen = set()
        deadline = time.monotonic() + 20
        while screen.training:
            assert time.monotonic() < deadline, "the run never ended"
            await pilot.pause(0.02)
            seen.add(progress.progress)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.trainer.steps == 100 and progress.progress == 100
        assert len({p for p in seen if 0 < p < 100}) >= 2  # the screen updated as the run went on
        text = shown(app)
        assert "Trained 100 steps" in text and "Step 100 · loss" in text
        assert screen.trainer.curve()[-1] < screen.trainer.start_loss


@pytest.mark.parametrize("key", ["t", "escape"])
async def test_t_again_or_escape_stops_the_run(slow_steps, key):
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await start_run(pilot, slow_steps)
        await pilot.press(key)
        assert not screen.training
        slow_steps.set()  # the worker finishes the step it was taking, and stops
        await app.workers.wait_for_complete()
        await pilot.pause()
        steps = screen.trainer.steps
        assert 2 <= steps < 100
        assert f"Stopped after {steps} of 100 steps" in shown(app)
        assert all(worker.is_finished for worker in app.workers)
        await pilot.pause(0.05)
        assert screen.trainer.steps == steps  # nothing goes on in the background


async def test_s_and_r_and_a_new_setting_during_a_run(slow_steps):
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await start_run(pilot, slow_steps)
        await pilot.press("s")  # stops the run, then one step
        assert not screen.training
        slow_steps.set()
        await app.workers.wait_for_complete()
        steps = screen.trainer.steps
        assert 2 < steps < 100
        await start_run(pilot, slow_steps)
        await pilot.press("r")  # stops the run, fresh weights
        assert not screen.training and screen.trainer.steps == 0
        slow_steps.set()
        await start_run(pilot, slow_steps)
        await type_into(pilot, "lr", "0.05")  # a new α: stop, fresh network
        assert not screen.training and screen.trainer.steps == 0 and screen.trainer.setup.lr == 0.05
        slow_steps.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.trainer.steps == 0  # the old run's last step touched only the old network


# -- the pace of a run ----------------------------------------------------------------------------------------


def footer_keys(app: BackpropApp) -> set[str]:
    """The descriptions of the keys the footer offers now."""
    return {key.description for key in app.screen.query_one(LessonFooter).keys}


async def test_t_trains_at_a_pace_to_watch_with_the_curve_and_sparklines_growing():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert shown(app, "#status-row").split()[-1] == "40/s"
        start = time.monotonic()
        await pilot.press("t")
        assert "Training… 40 steps/s (+/- pace, f: to the end)" in shown(app, "#board")
        curves, sparks = set(), set()
        while screen.training:
            assert time.monotonic() - start < 20, "the run never ended"
            await pilot.pause(0.05)
            curves.add(len(screen.board.run.curve))
            first_layer = next(line for line in shown(app, "#board").splitlines() if line.startswith("L1 "))
            sparks.add(sum(first_layer.count(c) for c in "▁▂▃▄▅▆▇█"))
        elapsed = time.monotonic() - start
        await pilot.pause()
        assert screen.trainer.steps == 100 and "Trained 100 steps" in shown(app)
        assert 99 / 40 <= elapsed < 8  # about 2.5 s: 99 waits of 1/40 s between the steps
        assert len(curves) >= 10 and len(sparks) >= 5  # the curve and the sparklines grew as it went


async def test_plus_and_minus_set_the_pace_shown_and_f_skips_to_the_end():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        assert {"Faster", "Slower", "Skip to end"} <= footer_keys(app)
        await pilot.press("f")  # no run to skip: it says so
        assert any("f skips a run of t to its end" in n.message for n in app._notifications)
        await pilot.press("minus")
        assert shown(app, "#status-row").split()[-1] == "20/s"
        assert "Pace 20 steps/s: 100 steps take about 5 s." in shown(app, "#board")
        await pilot.press("minus", "minus", "minus")  # 10, 5, and no slower
        assert screen.rate == 5 and shown(app, "#status-row").split()[-1] == "5/s"
        assert any("slowest pace: 5 steps/s" in n.message for n in app._notifications)
        await pilot.press("t")
        await until(pilot, lambda: screen.trainer.steps >= 2, "two steps at 5 a second")
        await pilot.press("plus")  # the run goes on at the new pace
        assert screen.training and "Training… 10 steps/s" in shown(app, "#board")
        assert shown(app, "#status-row").split()[-1] == "10/s"
        pressed = time.monotonic()
        await pilot.press("f")
        await until(pilot, lambda: not screen.training, "the run's end", timeout=5)
        assert time.monotonic() - pressed < 2  # at 10 a second the rest would take about 9 s
        await pilot.pause()
        assert screen.trainer.steps == 100 and "Trained 100 steps" in shown(app)
        assert shown(app, "#status-row").split()[-1] == "10/s"  # f was for that run only
        await pilot.press(*["plus"] * 5)  # 20, 40, 100, full speed, and no faster
        assert screen.rate == pg.FULL_SPEED and shown(app, "#status-row").split()[-1] == "max"
        assert "Pace full speed: 100 steps take only as long as the engine needs." in shown(app, "#board")
        assert any("fastest pace: full speed" in n.message for n in app._notifications)


async def test_escape_stops_a_slow_run_at_once():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press(*["minus"] * 3)  # 5 steps a second: 0.2 s between steps
        await pilot.press("t")
        await until(pilot, lambda: screen.trainer.steps >= 1, "the first step")
        pressed = time.monotonic()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert time.monotonic() - pressed < 0.15  # the worker's wait for its next step ends with the stop
        await pilot.pause()
        steps = screen.trainer.steps
        assert steps < 5 and f"Stopped after {steps} of 100 steps" in shown(app)


async def test_r_resets_to_the_seeds_weights():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        first = [w.copy() for w in screen.trainer.net.W]
        await pilot.press("s", "s", "s")
        assert screen.trainer.steps == 3
        await pilot.press("r")
        assert screen.trainer.steps == 0 and len(screen.trainer.curve()) == 1
        assert all((a == b).all() for a, b in zip(first, screen.trainer.net.W))
        assert "Reset: fresh weights from seed 0" in shown(app)


async def test_divergence_is_said_in_words_with_the_way_back():
    app = make_app(section="playground", playground=pg.encode(DIVERGING))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        trainer = screen.trainer
        assert trainer.diverged and trainer.steps < 100
        text = shown(app)
        assert f"DIVERGED at step {trainer.steps}" in text
        assert "Press r to start again, or try a lower α (e.g. 0.5)" in text
        assert "Step " in text and "loss diverged" in text
        assert "nan" not in text.lower() and "inf" not in text.lower().replace("info", "")
        await pilot.press("s", "t")  # nothing more to train: it says so
        assert trainer.steps == screen.trainer.steps and not screen.training
        await type_into(pilot, "lr", "0.5")  # the way back
        assert not screen.trainer.diverged and screen.trainer.steps == 0
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.trainer.diverged and screen.trainer.steps == 100


# -- what the bars mean for the run --------------------------------------------------------------------------


def board_text(app: BackpropApp) -> str:
    """The board's words on one line each paragraph (wrapped lines joined), as a reader takes them in."""
    return " ".join(shown(app, "#board").split())


async def finish_run(pilot) -> None:
    """t, then f: the run to its end at full speed."""
    await pilot.press("t", "f")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_after_a_good_run_the_words_say_why_every_bar_reads_bad():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("t")
        assert "rule of thumb" not in board_text(app)  # no words while the run goes on
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        trainer = screen.trainer
        assert all(h.status.label == "Bad" and h.magnitude < 0.01 for h in trainer.health)  # as the issue saw it
        loss = trainer.current_loss()
        assert loss <= 0.1 * trainer.start_loss and trainer.right() == (4, 4)
        text = board_text(app)
        assert (
            f"Why Bad? OK/Warn/Bad is a rule of thumb for the start of training. With the loss down to "
            f"{format_number(loss)} the gradients shrink too: little is left to learn." in text
        )
        assert "Tiny gradients now mean" not in text
        assert screen.query_one("#drawing").display  # the words leave the weights their room at 80×24
        await pilot.press("r")
        assert "rule of thumb" not in board_text(app)


async def test_a_deep_sigmoid_run_that_stalls_is_called_stuck_not_done():
    app = make_app(section="playground", playground=DEEP_SIGMOID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await finish_run(pilot)
        trainer = screen.trainer
        curve = trainer.curve()
        assert all(h.magnitude < 0.01 for h in trainer.health)
        assert abs(curve[-1] - curve[-11]) <= 0.01 * curve[-11] and curve[-1] > 0.1 * curve[0]  # flat, and high
        text = board_text(app)
        assert (
            f"Every bar is below 0.01 and the loss has stayed at {format_number(curve[-1])} for 10 steps "
            f"(from {format_number(curve[0])}): stuck, not done." in text
        )
        assert "W −┊+ weights per bin, from −largest to +largest" in text  # the histograms' legend
        assert_the_form_fits(app)


async def test_one_step_of_a_deep_sigmoid_net_shows_the_gradient_vanishing_in_numbers():
    app = make_app(section="playground", playground=DEEP_SIGMOID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("s")
        health = screen.trainer.health
        ratio = health[-1].magnitude / health[0].magnitude
        assert health[0].magnitude < 0.01 and ratio > 10
        text = board_text(app)
        assert f"Layer 1's gradient is {format_number(ratio, 0)} times smaller than layer 9's" in text
        assert f"the loss still {format_number(screen.trainer.current_loss())}" in text
        await pilot.press("g")  # the gradients' histograms, with their own legend
        assert "dW −┊+ gradients per bin, from −largest to +largest" in board_text(app)


async def test_a_diverged_runs_bars_are_said_to_show_the_blow_up_not_vanishing():
    app = make_app(section="playground", playground=pg.encode(DIVERGING))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await finish_run(pilot)
        trainer = screen.trainer
        assert trainer.diverged and min(h.magnitude for h in trainer.health) < 0.01  # a tiny bar, as the issue saw
        largest = max(float(abs(W).max()) for W in trainer.net.W)
        assert f"with weights up to {format_number(largest, 0)}: tiny or huge, they show the blow-up" in board_text(app)


# -- share codes ----------------------------------------------------------------------------------------------


async def test_the_share_code_round_trip_opens_the_same_set_up():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        for name, text in (("hidden", "3"), ("neurons", "8,4,2"), ("activation", "relu"), ("skips", "on"), ("init", "he"),
                           ("optimizer", "momentum"), ("lr", "0.02"), ("clip", "1"), ("seed", "7"),
                           ("data", "circle")):  # fmt: skip
            await type_into(pilot, name, text)
        made = screen.setup
        code = pg.encode(made)
        assert f"Share {code}" in shown(app)
        await finish_run(pilot)
        curve = screen.trainer.curve()
    again = make_app(section="playground", playground=code)
    async with again.run_test(size=SIZE) as pilot:
        screen = screen_of(again)
        assert screen.on_step("play")  # straight to the playground
        assert screen.setup == made
        for field in pg.FIELDS:
            assert box(again, field.name).value == pg.field_text(made, field.name)
        assert f"Share {code}" in shown(again) and "Opened from a share code" in shown(again)
        assert code not in shown(again, "#board")  # the notice does not repeat it (and so break it across lines)
        await finish_run(pilot)
        assert screen.trainer.curve() == curve  # the same run, step for step


def share_rows(app: BackpropApp) -> list[str]:
    """The share code's rows exactly as the window shows them."""
    static = screen_of(app).query_one("#share", Static)
    assert static.display
    strips = static.render_lines(Region(0, 0, static.size.width, static.size.height))
    return [strip.text.rstrip() for strip in strips]


LONG = pg.Setup(data="custom", output="linear", loss="mse", inputs=(0.123456789,) * 16, target=(0.25,))
"""A set-up whose code (about 240 characters) no window of 80 or 120 columns shows on one line."""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_share_code_is_whole_on_a_line_of_its_own(size):
    app = make_app(section="playground")
    async with app.run_test(size=size) as pilot:
        screen = await open_playground(pilot)
        await type_into(pilot, "neurons", "16,8")
        await type_into(pilot, "activation", "leaky_relu,tanh")
        code = pg.encode(screen.setup)
        assert 52 < len(code) < 72  # wider than the board's column at 80, so it spans the window
        assert share_rows(app) == [f"Share {code}"]
        assert screen.query_one("#share").region.bottom <= size[1] - 1  # above the footer


async def test_a_code_too_wide_for_the_window_is_saved_whole_and_the_line_says_where():
    app = make_app(section="playground", playground=pg.encode(LONG))
    async with app.run_test(size=SIZE) as pilot:
        await open_playground(pilot)
        code = pg.encode(LONG)
        path = data_dir() / pg.CODE_FILE
        assert len(code) > 78 and path.read_text(encoding="utf-8") == code + "\n"
        rows = share_rows(app)
        assert rows[0] == f"Share code: {len(code)} characters, too wide for this window; it is saved whole in"
        assert "".join(rows[1:]) == str(path)  # the test's data directory is not under the home directory
        assert not any(code[:20] in row for row in rows)  # no piece of it that a copy would break
        assert_the_form_fits(app)
        await pilot.resize_terminal(300, 40)  # wide enough: the code itself, whole
        await pilot.pause()
        assert share_rows(app) == [f"Share {code}"]


async def test_a_served_lesson_keeps_no_file_and_says_how_wide_a_window_shows_the_code():
    app = make_app(section="playground", playground=pg.encode(LONG), served=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_playground(pilot)
        code = pg.encode(LONG)
        assert not (data_dir() / pg.CODE_FILE).exists()
        text = " ".join(share_rows(app))
        assert f"too wide for this window; a window {len(code) - 78} columns wider shows it whole." in text


async def test_a_bad_code_given_to_the_app_keeps_the_defaults_and_says_so():
    app = make_app(section="playground", playground="bp1_nonsense")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert screen.setup == pg.Setup() and screen.on_step("intro")
        assert any("could not be read" in n.message for n in app._notifications)


# -- what it looks like ------------------------------------------------------------------------------------------

DEEP_SIGMOID = pg.encode(pg.Setup(hidden=8, neurons=(16,), activation=("sigmoid",), data="circle", optimizer="sgd", lr=0.5))

SKIPPING = pg.encode(pg.Setup(hidden=3, neurons=(2,), activation=("relu",), init="he", skips=True))
"""Three hidden layers as wide as the input, each with a skip."""

VIEWS = {
    "intro": (None, ()),
    "start": (None, ("n",)),
    "trained": (None, ("n", "t")),
    "deep-sigmoid": (DEEP_SIGMOID, ("t",)),
    "bad-field": (None, ("n", "e", *["tab"] * 8, "minus", "1", "enter")),  # α = -1
    "skips": (SKIPPING, ("s", "s", "s")),
    "diverged": (pg.encode(DIVERGING), ("t",)),
    "custom-bad-field": (
        pg.encode(pg.Setup(data="custom", output="linear", loss="mse")),
        ("e", "tab", "tab", *"abc", "enter"),
    ),  # activation = abc: the longest message, 80×24's least room
    "long-code": (pg.encode(LONG), ()),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, view, size):
    code, keys = VIEWS[view]
    # the long code's file would be in a temporary directory: served, the line says how wide a window shows it instead
    app = BackpropApp(section="playground", learner="Ada", store=ProgressStore(), playground=code, served=view == "long-code")

    async def run_before(pilot) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_100_steps_of_the_largest_network_at_full_speed_keep_the_screen_updating_and_finish_quickly():
    """8 × 16 on the circle (40 samples) in the app at full speed (+ twice from the pace a run starts at): well under a
    second here (0.3–0.4 s measured alone). The pace is a wait between steps: the engine's own speed stays."""

    code = pg.encode(pg.Setup(hidden=8, neurons=(16,), data="circle"))

    async def run() -> tuple[float, int]:
        app = make_app(section="playground", playground=code)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            assert screen.trainer.steps == 0  # built (numpy loaded) before the clock starts
            await pilot.press("plus", "plus")
            assert screen.rate == pg.FULL_SPEED and "max" in shown(app, "#status-row")
            draws = 0
            board = screen.board
            draw = board.redraw

            def counted() -> None:
                nonlocal draws
                draws += 1
                draw()

            board.redraw = counted  # type: ignore[method-assign]
            start = time.perf_counter()
            screen.action_train()
            deadline = time.monotonic() + 20
            while screen.training:
                assert time.monotonic() < deadline, "the run never ended"
                await asyncio.sleep(0.005)
            elapsed = time.perf_counter() - start
            assert screen.trainer.steps == 100
            return elapsed, draws

    elapsed, draws = asyncio.run(run())
    assert draws >= 2  # the run is drawn as it starts and as it ends (and between, when it takes longer)
    assert elapsed < 2.0  # generous: a shared CI machine (the aim, and the measurement here, is < 0.5 s)
    assert not math.isnan(elapsed)


def test_a_waiting_progress_report_gives_way_only_to_a_newer_one_of_the_same_run():
    from backprop_tui.screens.playground_run import TrainingProgress

    trainer = pg.Trainer(pg.Setup())
    run, other = object(), object()
    older = TrainingProgress(trainer, run, 10)  # type: ignore[arg-type]
    newer = TrainingProgress(trainer, run, 20)  # type: ignore[arg-type]
    last = TrainingProgress(trainer, run, 100, finished=True)  # type: ignore[arg-type]
    assert older.can_replace(newer) and older.can_replace(last)
    assert not last.can_replace(newer)  # the end of a run is never dropped
    assert not older.can_replace(TrainingProgress(trainer, other, 30))  # type: ignore[arg-type]


async def test_a_step_key_leaves_the_form_and_the_board_as_they_are_when_nothing_changed():
    """Between the intro and the playground nothing is drawn again: the same words stay, unrefreshed."""
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_playground(pilot)
        await pilot.press("s")
        parts = [screen.query_one(f"#{name}", Static) for name in ("drawing", "layers", "loss", "data-size", "share")]
        before = [part.visual for part in parts]
        await pilot.press("p", "n")
        assert screen.on_step("play")
        assert all(part.visual is was for part, was in zip(parts, before))  # not even rebuilt from equal text
        await pilot.press("s")
        assert screen.query_one("#loss", Static).visual is not before[2]  # a step does draw again
