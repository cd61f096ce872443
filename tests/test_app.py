"""The lesson app driven key by key (Textual's Pilot): navigation, sections 1–3 and 8, quick checks.

Every number asserted on screen is computed here from the engine, then looked
for in what the widgets render; nothing is compared with a copy of widget code.
"""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console
from textual.widgets import Static

from backprop_tui.app import BackpropApp
from backprop_tui.engine.chain import explorer, lesson_chain, two_paths
from backprop_tui.lesson.exercises import EXERCISE_IDS
from backprop_tui.lesson.quiz import QUESTIONS, questions_for
from backprop_tui.lesson.sections import SECTION_IDS, SECTIONS
from backprop_tui.progress.store import ProgressStore, open_store
from backprop_tui.screens import screen_class
from backprop_tui.screens.help import HelpScreen
from backprop_tui.widgets.quick_check import QuickCheck

SIZE = (80, 24)


def shown(app: BackpropApp, selector: str = "#body") -> str:
    """The text of every visible Static (and loss chart) under ``selector`` on the section screen, as a learner reads it."""
    from backprop_tui.widgets.loss_chart import LossChart

    screen = app.section_screen
    assert screen is not None
    parts = []
    for widget in screen.query_one(selector).query("Static, LossChart"):
        if widget.display:
            console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
            content = widget.render() if isinstance(widget, LossChart) else widget.content  # type: ignore[attr-defined]
            console.print(content, markup=False)
            parts.append(console.export_text())
    return "\n".join(parts)


def quiz_text(app: BackpropApp) -> str:
    """What the quick check widget shows."""
    quiz = app.section_screen.query_one(QuickCheck)
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    console.print(quiz.render())
    return console.export_text()


async def until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (``what`` names it if it never does)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)


def make_app(**kwargs) -> BackpropApp:
    """An app with an in-memory store and a fixed learner, unless told otherwise."""
    kwargs.setdefault("learner", "Ada")
    kwargs.setdefault("store", ProgressStore())
    return BackpropApp(**kwargs)


def place(app: BackpropApp) -> tuple[str, int]:
    screen = app.section_screen
    return screen.SECTION_ID, screen.step


async def test_first_run_opens_section_one_with_its_place_in_the_header():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert place(app) == ("intro", 0)
        assert app.screen.sub_title == "1/8 · Why backpropagation"
        assert "backpropagation" in shown(app).lower()


async def test_next_and_previous_step_keys():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for key, expected in [("n", 1), ("space", 2), ("right", 3), ("p", 2), ("left", 1), ("left", 0), ("p", 0)]:
            await pilot.press(key)
            assert place(app) == ("intro", expected), key


async def test_section_keys_and_jumps_reach_every_section():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for section in SECTIONS:
            await pilot.press(str(section.key))
            await pilot.pause()
            assert place(app) == (section.id, 0)
            assert app.screen.sub_title == section.place
        # ] and pagedown move on, [ and pageup move back; the ends say so instead of moving.
        await pilot.press("1")
        await pilot.press("right_square_bracket")
        assert place(app)[0] == "chain-rule"
        await pilot.press("pagedown")
        assert place(app)[0] == "forward"
        await pilot.press("left_square_bracket")
        assert place(app)[0] == "chain-rule"
        await pilot.press("pageup", "pageup")
        assert place(app)[0] == "intro"
        await pilot.press("8", *["right_square_bracket"] * 5)
        assert place(app)[0] == "finish"
        said = [n.message for n in app._notifications]
        assert said.count("This is the last section.") == 1  # said once, not five times


async def test_past_the_last_step_comes_the_next_section_and_back_again():
    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        for _ in range(screen.total_steps - 1):
            await pilot.press("n")
        assert place(app) == ("chain-rule", screen.total_steps - 1)
        await pilot.press("n")
        await pilot.pause()
        assert place(app) == ("forward", 0)
        await pilot.press("p")
        await pilot.pause()
        assert place(app) == ("chain-rule", screen.total_steps - 1)


async def test_help_lists_the_keys_of_the_current_screen():
    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # the explorer: x keys are active
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen)
            console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
            console.print(app.screen.query_one("#keys", Static).content)
            text = console.export_text()
            for words in ("→, n, N, space", "←, p, P", "x +0.1", "x −0.1", "], pgdn", "1–8", "?, f1", "ctrl+p", "q"):
                assert words in text, words
            assert "Previous option" not in text  # ↑/↓ are the explorer's own here
            for widget_key in ("Focus Next", "Copy", "Scroll"):  # not the lesson's keys
                assert widget_key not in text
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)


def help_rows(app) -> dict[str, str]:
    """The open help's rows: each description with the keys on its row."""
    table = app.screen.query_one("#keys", Static).content
    keys, descriptions = (list(column.cells) for column in table.columns)
    return {str(d): str(k) for k, d in zip(keys, descriptions)}


async def test_help_gives_each_direction_its_own_row():
    app = make_app(section="health")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("side")
        await pilot.pause()
        await pilot.press("question_mark")
        rows = help_rows(app)
        assert set(rows["Deeper"].split(", ")) == {"+", "=", "↑"}
        assert set(rows["Shallower"].split(", ")) == {"-", "_", "↓"}


async def test_help_on_a_quick_check_lists_the_option_cursor():
    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.step = app.section_screen.total_steps - 1
        await pilot.pause()
        await pilot.press("f1")
        rows = help_rows(app)
        assert rows["Answer"] == "a, A, b, B, c, C, d, D"
        assert rows["Previous option, or scroll up, or back"] == "↑" and rows["Next option, or scroll down, or next"] == "↓"


@pytest.mark.parametrize(("typed", "section"), [("forward pass", "forward"), ("chain-rule", "chain-rule")])
async def test_command_palette_goes_to_a_section_by_title_or_id(typed, section):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert place(app)[0] == section


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_keys(key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert app._exit


async def test_intro_chain_forward_then_backward_from_the_engine():
    chain = lesson_chain()
    values = [f"{v:.2f}" for v in chain.values()]
    assert values == ["2.00", "3.00", "1.00", "5.00", "2.00"]  # the source lesson's numbers
    grads = {e.name: e.grad for e in chain.backward()}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("forward-x")  # the first forward step: only x is known
        await pilot.pause()
        text = shown(app)
        assert "Forward flow" in text and "2.00" in text and "5.00" not in text
        for _ in range(4):
            await pilot.press("n")
        text = shown(app)
        assert all(v in text for v in values)
        assert "L = 2.00" in text
        await pilot.press("n")  # backward starts at the loss
        assert "Backward flow" in shown(app) and "dL/dL = 1" in shown(app)
        for _ in range(4):
            await pilot.press("n")
        text = shown(app).replace("\u2212", "-")
        for name in ("f", "g", "h", "x"):
            assert f"{grads[name]:.2f}" in text, name
        assert f"dL/dx = dL/dh · dh/dx = {grads['h']:.2f} × {chain.nodes[0].dfn(2.0):.2f} = {grads['x']:.2f}" in text


async def test_chain_rule_explorer_keys_change_x_from_the_engine():
    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        e = explorer(2.0)
        assert f"{e.du_dx:.3f} × {e.dy_du:.3f} = {e.dy_dx:.3f}" in shown(app)
        assert "3.000 × 12.000 = 36.000" in shown(app)  # the source lesson's numbers
        await pilot.press("plus", "plus", "up")
        assert app.section_screen.x == pytest.approx(2.3)
        e = explorer(2.3)
        assert f"{e.y:.2f}" in shown(app) and f"{e.dy_dx:.3f}" in shown(app)
        await pilot.press("minus", "down", "greater_than_sign")
        assert app.section_screen.x == pytest.approx(3.1)
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign", "less_than_sign")
        assert app.section_screen.x == pytest.approx(-0.9)
        e = explorer(-0.9)
        assert f"= {e.dy_dx:.3f}".replace("-", "\u2212") in shown(app)  # negatives with a true minus sign
        await pilot.press("r")
        assert app.section_screen.x == 2.0
        for _ in range(12):
            await pilot.press("greater_than_sign")
        assert app.section_screen.x == 10.0  # clamped, with a note
        await pilot.press("n")  # many paths, at the same x
        p = two_paths(10.0)
        assert f"{p.direct:.2f} + {p.via_y:.2f} = {p.dz_dx:.2f}" in shown(app)
        await pilot.press("r")
        p = two_paths(2.0)
        assert f"{p.direct:.2f} + {p.via_y:.2f} = {p.dz_dx:.2f}" in shown(app)
        assert "4.00 + 8.00 = 12.00" in shown(app)


async def test_x_keys_do_nothing_on_the_text_step():
    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", "greater_than_sign")
        assert app.section_screen.x == 2.0


async def test_forward_anatomy_shows_the_engine_values_line_by_line():
    from backprop_tui.engine.events import ForwardEvent, LossEvent
    from backprop_tui.engine.network import lesson_network
    from backprop_tui.engine.presets import LESSON_INPUT, LESSON_TARGET

    events = list(lesson_network().forward(LESSON_INPUT, LESSON_TARGET))
    hidden, out = [e for e in events if isinstance(e, ForwardEvent)]
    loss = next(e for e in events if isinstance(e, LossEvent))
    assert round(float(out.a[0]), 4) == 0.5025 and round(loss.loss, 4) == 0.0195
    app = make_app(section="forward")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")  # z1
        text = shown(app)
        assert f"= {float(hidden.z[0]):.4f}" in text
        assert f"{float(hidden.a[0]):.4f}" not in text  # a1 not revealed yet
        await pilot.press("n")
        assert f"sigmoid({float(hidden.z[0]):.4f}) = {float(hidden.a[0]):.4f}" in shown(app)
        assert "0.51 and 0.50" in shown(app)
        await pilot.press("n", "n", "n")
        text = shown(app)
        assert f"({float(out.a[0]):.4f} − {LESSON_TARGET[0]:.4f})² = {loss.loss:.4f}" in text


async def test_activation_gallery_plots_from_the_engine():
    import numpy as np

    from backprop_tui.engine.activations import get_activation

    app = make_app(section="forward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press(*["n"] * screen.GALLERY_START)
        z = np.linspace(-5, 5, 201)
        sig = get_activation("sigmoid")
        top = float(np.max(sig.df(z, sig.f(z))))
        assert top == 0.25
        text = shown(app)
        assert "Sigmoid" in text and f"Largest slope: {top:.4f}" in text and "never more than 0.25" in text
        titles = []
        for _ in range(5):
            await pilot.press("n")
            titles.append(shown(app).splitlines()[0])
        assert [t.split()[0] for t in titles] == ["ReLU", "Leaky", "tanh(z)", "GELU", "SiLU"]


async def test_quick_check_first_answer_is_scored_and_explained():
    store = ProgressStore()
    app = make_app(section="chain-rule", store=store)
    question = questions_for("chain-rule")[0]
    wrong = next(letter for letter in "abcd" if letter != question.answer)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # not a quick-check step: a does nothing
        assert store.answers("Ada") == {}
        screen = app.section_screen
        await pilot.press(*["n"] * screen.own_steps)
        assert screen.question == question
        assert "Press a, b, c or d" in quiz_text(app)
        await pilot.press(wrong)
        assert "Not quite" in quiz_text(app) and question.explanation[:30] in quiz_text(app)
        await pilot.press(question.answer)
        assert "Right" in quiz_text(app) and "first answer" in quiz_text(app)
        answer = store.answers("Ada")[question.id]
        assert (answer.choice, answer.correct, answer.last, answer.attempts) == (wrong, False, question.answer, 2)


def test_every_section_of_one_to_six_has_a_four_option_check():
    for section in SECTION_IDS[:6]:
        assert questions_for(section), section
    for q in QUESTIONS:
        assert len(q.options) == 4 and q.answer in "abcd" and q.explanation


async def test_reopening_resumes_where_the_learner_left_off():
    store, notice = open_store()
    assert notice is None
    async with make_app(store=store).run_test(size=SIZE) as pilot:
        await pilot.press("3", "n", "n", "n")
        assert place(pilot.app) == ("forward", 3)
    store, _ = open_store()  # a new process would open the file again
    async with make_app(store=store).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert place(pilot.app) == ("forward", 3)
    store, _ = open_store()  # --section wins over the saved place
    async with make_app(store=store, section="intro").run_test(size=SIZE) as pilot:
        assert place(pilot.app) == ("intro", 0)


async def test_a_damaged_store_is_set_aside_and_the_learner_told(tmp_path, monkeypatch):
    from backprop_tui.progress.store import DB_NAME, data_dir

    data_dir().mkdir(parents=True)
    (data_dir() / DB_NAME).write_bytes(b"this is not a database" * 100)
    app = BackpropApp(learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert place(app) == ("intro", 0)
        notices = [n.message for n in app._notifications]
        assert any("moved aside" in m for m in notices), notices
    assert any(p.name.startswith(DB_NAME + ".corrupt") for p in data_dir().iterdir())


async def test_too_small_terminal_says_so_and_recovers():
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = app.section_screen
        assert screen.has_class("-too-small")
        text = str(screen.query_one("#too-small-text", Static).content)
        assert "60×20" in text and "80×24" in text
        assert screen.query_one("#too-small").display
        assert not screen.query_one("#body").display and not screen.query_one("#quiz").display  # only the notice
        await pilot.press("n", "n", "3", "right_square_bracket")  # nothing moves unseen
        assert place(app) == ("intro", 0)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.has_class("-too-small")
        await pilot.press("n")
        assert place(app) == ("intro", 1)
        assert screen.query_one("#body").display and not screen.query_one("#quiz").display
        screen.go_to_step("check-1")
        await pilot.pause()
        assert screen.query_one("#quiz").display and not screen.query_one("#body").display
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert not screen.query_one("#body").display and not screen.query_one("#quiz").display


async def test_finish_shows_results_and_writes_the_certificate_once_everything_is_done():
    store = ProgressStore()
    for section in SECTION_IDS:
        store.visit("Ada", section)
    for q in QUESTIONS:
        store.record_answer("Ada", q.id, q.answer if q.id != QUESTIONS[0].id else "z", q.id != QUESTIONS[0].id)
    for exercise in EXERCISE_IDS:
        store.record_exercise("Ada", exercise, True)
    app = make_app(section="finish", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        text = shown(app)
        assert f"{len(QUESTIONS) - 1} of {len(QUESTIONS)} right on the first try" in text
        assert "8 of 8 visited" in text
        record = store.certificate("Ada")
        assert record is not None and record.svg_path.exists() and record.txt_path.exists()
        assert str(record.svg_path) in text.replace("\n", "") and record.code in text
        assert "Ada" in record.txt_path.read_text()


async def test_finish_lists_what_is_missing_and_writes_no_certificate():
    store = ProgressStore()
    app = make_app(section="finish", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press("c")  # not available until complete
        text = shown(app)
        assert "Still to do" in text and "section 1 Why backpropagation" in text
        assert "(not yet)" in text
        assert store.certificate("Ada") is None



async def test_high_contrast_theme_is_offered_and_applies():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "high-contrast" in app.available_themes
        app.theme = "high-contrast"
        await pilot.pause()
        assert app.current_theme.background == "#000000"


async def test_the_collector_is_kept_off_the_first_screen_and_then_off_numpy_and_the_engine():
    """A full collection over everything the lesson imported took about 50 ms, in the middle of a step key."""
    import gc
    import sys

    gc.unfreeze()
    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: gc.get_freeze_count() > 0, "the first screen frozen")
        first = gc.get_freeze_count()
        await until(pilot, lambda: "backprop_tui.models.training" in sys.modules and gc.get_freeze_count() > first,
                    "the warm-up's imports frozen")


async def test_meanings_take_the_themes_colours_and_the_screen_is_redrawn_with_them():
    from rich.color import Color as RichColor

    from backprop_tui.renderables.palette import style

    def colour_of(meaning: str) -> RichColor | None:
        return app.console.get_style(style(meaning)).color

    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("bars")
        await pilot.pause()
        assert colour_of("critical") == RichColor.parse("red") and colour_of("healthy") == RichColor.parse("green")
        def styles_of_blamed() -> set[object]:
            work = screen.query_one("#work")
            lines = [work.render_line(y) for y in range(work.size.height)]
            return {seg.style.color for line in lines for seg in line if seg.text.strip() == "blamed" and seg.style}

        drawn = styles_of_blamed()
        app.theme = "high-contrast"
        await pilot.pause()
        variables = app.get_css_variables()
        assert colour_of("critical") == RichColor.parse(variables["error"]) != RichColor.parse("red")
        assert colour_of("praised") == RichColor.parse(variables["success"])
        assert styles_of_blamed() == {colour_of("blamed")} != drawn  # the bars on show took the new colours
        app.theme = "textual-dark"
        await pilot.pause()
        assert colour_of("critical") == RichColor.parse("red")


async def test_the_footer_shows_the_keys_each_step_adds_from_the_step_table():
    from backprop_tui.widgets.lesson_footer import LessonFooter

    def footer_words() -> set[str]:
        return {key.description for key in app.screen.query_one(LessonFooter).keys}

    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.pause()
        assert "x +0.1" not in footer_words() and "Next" in footer_words()
        await pilot.press("n")  # the explorer: its table entry adds the x keys
        await pilot.pause()
        assert screen.step_id == "explorer" and "x +0.1" in footer_words()
        screen.go_to_step("check-1")
        await pilot.pause()
        assert "x +0.1" not in footer_words() and "Answer" in footer_words()


async def test_a_click_on_a_footer_key_presses_it_and_a_step_change_only_repaints_the_footer():
    from backprop_tui.widgets.lesson_footer import LessonFooter

    app = make_app(section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        footer = screen.query_one(LessonFooter)
        await pilot.pause()
        line = footer.render().plain
        assert line.startswith(" n Next  p Back ") and line.rstrip().endswith("▏^p palette")
        assert len(line) == SIZE[0]
        region = footer.region
        await pilot.click(LessonFooter, offset=(line.index("Next"), 0))
        await pilot.pause()
        assert screen.step_id == "explorer"
        assert "x +0.1" in footer.render().plain and footer.region == region  # new keys, same place
        await pilot.click(LessonFooter, offset=(footer.render().plain.index("Back"), 0))
        await pilot.pause()
        assert screen.step == 0
        await pilot.hover(LessonFooter, offset=(footer.render().plain.index("palette"), 0))
        await pilot.pause()
        assert footer.hover == len(footer.keys) and footer.tooltip


async def test_the_footer_keeps_the_palette_key_until_the_steps_own_keys_need_its_room():
    from backprop_tui.widgets.lesson_footer import LessonFooter

    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("play")
        await pilot.pause()
        footer = screen.query_one(LessonFooter)
        line = footer.render().plain
        assert len(line) == SIZE[0] and line.endswith("▏^p ")  # short of room, the palette's key keeps its key
        screen.go_to_step("intro")
        await pilot.pause()
        assert footer.render().plain.endswith("▏^p palette ")
        app.section_screen.app.goto("health", 0)
        await pilot.pause()
        app.section_screen.go_to_step("remedies")
        await pilot.pause()
        line = app.section_screen.query_one(LessonFooter).render().plain
        assert "^p" not in line and line.rstrip().endswith("? Help")  # the switches need every column


async def test_h_raises_and_lowers_the_hand_in_the_store_and_the_header_on_every_section():
    app = make_app(section="forward")
    async with app.run_test(size=SIZE) as pilot:
        assert not app.store.hand_raised(app.learner) and "✋" not in app.screen.sub_title
        await pilot.press("h")
        await pilot.pause()
        assert app.store.hand_raised(app.learner) and "✋" in app.screen.sub_title
        await pilot.press("5")  # another section says so too
        await pilot.pause()
        assert app.section_screen.SECTION_ID == "learning-rate" and "✋" in app.screen.sub_title
        await pilot.press("h")
        await pilot.pause()
        assert not app.store.hand_raised(app.learner) and "✋" not in app.screen.sub_title


async def test_section_1_races_random_steps_against_the_gradient_with_the_engines_numbers():
    from backprop_tui.models.search import race
    from backprop_tui.renderables.numbers import format_number

    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        assert "about half the time" in shown(app) and "almost every" not in shown(app)
        await pilot.press("n")
        assert app.section_screen.step_id == "search"
        r = race()
        text = " ".join(shown(app).split())
        assert f"{r.lowered} of the {r.tries} random steps went downhill: about half" in text
        assert f"{r.lowered} of {r.tries}" in text and format_number(r.gradient_drop) in text
        assert f"lowered the loss 1/{round(r.gradient_drop / r.best_drop)} as much" in text


def test_the_sigmoid_bound_is_said_of_the_sigma_prime_factors_only():
    """0.25 per layer bounds σ′, not the gradient (the weights scale it too): the words say so."""
    from backprop_tui.lesson.forward import GALLERY
    from backprop_tui.lesson.quiz import QUESTIONS

    sigmoid = next(g for g in GALLERY if g.name == "sigmoid")
    relu = next(g for g in GALLERY if g.name == "relu")
    check = next(q for q in QUESTIONS if q.id == "health-sigmoid")
    assert "σ′ factors alone" in sigmoid.note and "weights" in sigmoid.note
    assert "factors alone shrink" in check.explanation and "weights" in check.explanation
    assert "never recovers" not in relu.note and "layers before it can bring it back" in relu.note


async def test_partial_derivatives_wear_a_curly_d_and_one_input_slopes_a_plain_d():
    """∂ where the function has several inputs (the loss of many weights, f(x, y)); d along a one-input chain."""
    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("problem")
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert "∂L/∂W" in text and 'written with ∂ (a "partial" derivative)' in text
        app.section_screen.go_to_step("backward-L")
        await pilot.pause()
        assert "written ∂" not in shown(app) and "(dh/dx for h after x)" in shown(app)
        await pilot.press("2")
        app.section_screen.go_to_step("paths")
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert "z = f(x, y) = x·y" in text and "∂f/∂x = y is how f moves when only x moves" in text
        await pilot.press("4")
        app.section_screen.go_to_step("w11")
        await pilot.pause()
        assert "∂L/∂w11 = ∂L/∂z[h1] · x1" in shown(app) and "dL/d" not in shown(app)


async def test_one_naming_scheme_layer_vectors_by_index_single_neurons_by_name():
    """Section 3's z1 is the hidden layer's vector; a single neuron's values carry its name (z[h1]) in 3 and 4."""
    from backprop_tui.lesson.backward import LEGEND
    from backprop_tui.lesson.forward import NAMES

    app = make_app(section="forward")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("z1")
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert "z[h1] = " in text and "z[h2] = " in text and "z1[" not in text and " ".join(NAMES.split()) in text
        await pilot.press("4")
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert " ".join(LEGEND.split()) in text
        for step_id in ("v1", "da-h1", "dz-h1", "w11"):
            app.section_screen.go_to_step(step_id)
            await pilot.pause()
            text = shown(app)
            assert "[h1]" in text and "∂L/∂a1" not in text and "∂L/∂z1" not in text and "a1 =" not in text, step_id


# -- keys a student presses -------------------------------------------------------------------------


async def test_enter_moves_on_and_capitals_act_as_small_letters():
    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press("enter")
        assert screen.step == 1
        await pilot.press("N", "N", "P")
        assert screen.step == 2
        await pilot.press("end")
        assert screen.question is not None and screen.step == screen.total_steps - 1
        await pilot.press("home")
        assert screen.step == 0


async def test_arrows_move_a_cursor_over_a_quick_checks_options_and_enter_answers():
    from backprop_tui.widgets.quick_check import QuickCheck

    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        screen.go_to_step("check-1")
        await pilot.pause()
        quiz = screen.query_one(QuickCheck)
        await pilot.press("down", "down")
        assert quiz.cursor == 1 and "▸" in quiz_text(app)
        await pilot.press("enter")
        assert quiz.chosen == "b" and screen.step_id == "check-1"  # answered, not moved on
        await pilot.press("enter")  # the cursor is on the answered option: enter answers again, n moves on
        await pilot.press("B")
        assert quiz.chosen == "b"
        await pilot.press("n")
        assert screen.step_id == "check-2" and quiz.cursor is None


async def test_n_on_the_very_last_step_says_the_lesson_is_done():
    app = make_app(section="finish")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        await pilot.press("end")
        await pilot.press("n")
        await pilot.pause()
        assert app.section_screen is screen and screen.step == screen.total_steps - 1
        assert any("end of the lesson" in str(n.message) for n in app._notifications)


async def test_a_section_jump_resumes_there_and_backspace_comes_back_to_the_exact_step():
    app = make_app(section="forward")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        assert place(app) == ("forward", 3)
        await pilot.press("5")
        await pilot.pause()
        assert place(app) == ("learning-rate", 0)
        assert any("backspace goes back" in str(n.message) for n in app._notifications)
        await pilot.press("n", "backspace")
        await pilot.pause()
        assert place(app) == ("forward", 3)
        await pilot.press("right_square_bracket")  # ] resumes section 4 where it was, like 4 does
        await pilot.press("n", "n", "left_square_bracket")
        await pilot.pause()
        assert place(app) == ("forward", 3)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert place(app) == ("backward", 2)


async def test_ctrl_c_quits_with_the_place_saved_and_ctrl_z_says_why_it_stays(tmp_path):
    app = make_app(section="forward", store=ProgressStore(tmp_path / "p.sqlite3"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any("ctrl+z" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.return_code == 0  # quitting, not a toast saying how to quit
        assert not any("Do you want to quit" in str(n.title) for n in app._notifications)
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        assert store.position("Ada") == ("forward", 2)


# -- time spent ---------------------------------------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The app's clock, moved by hand."""
    import backprop_tui.app as app_module

    fake = FakeClock()
    monkeypatch.setattr(app_module, "monotonic", fake)
    return fake


async def test_every_key_counts_as_time_spent_and_only_long_idleness_is_left_out(clock):
    import backprop_tui.app as app_module

    store = ProgressStore()
    app = make_app(store=store, section="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("explorer")
        await pilot.pause()
        app.record_activity()  # the start, counted from the app's creation
        start = store.seconds("Ada")
        for _ in range(26):  # six and a half minutes of nudging x, a key every 15 s, and no step move
            clock.now += 15
            await pilot.press("plus")
        await pilot.pause()
        assert store.seconds("Ada") - start == pytest.approx(26 * 15)
        clock.now += 20 * 60  # a long break: only the cap counts
        await pilot.press("minus")
        assert store.seconds("Ada") - start == pytest.approx(26 * 15 + app_module.IDLE_CAP)


async def test_time_up_to_the_last_key_is_kept_on_quit(clock, tmp_path):
    path = tmp_path / "progress.db"
    app = make_app(store=ProgressStore(path), section="intro")
    async with app.run_test(size=SIZE) as pilot:
        clock.now += 0.4  # under a second: kept in memory, not written yet
        await pilot.press("x")
        clock.now += 0.3
        await pilot.press("ctrl+c")
        await pilot.pause()
    with ProgressStore(path) as reopened:
        assert reopened.seconds("Ada") == pytest.approx(0.7)


async def test_a_running_training_counts_as_time_spent(clock):
    import backprop_tui.app as app_module

    store = ProgressStore()
    app = make_app(store=store, section="intro")
    async with app.run_test(size=SIZE) as pilot:
        app.record_activity()
        start = store.seconds("Ada")
        release = __import__("threading").Event()
        app.run_worker(release.wait, thread=True, group=app_module.TRAINING_GROUP)
        await pilot.pause()
        for _ in range(3):
            clock.now += app_module.SAVE_TIME_EVERY
            app._save_time()
        assert store.seconds("Ada") - start == pytest.approx(3 * app_module.SAVE_TIME_EVERY)
        release.set()
        await app.workers.wait_for_complete()
        clock.now += app_module.SAVE_TIME_EVERY
        app._save_time()  # nobody typing, nothing training: nothing is added
        assert store.seconds("Ada") - start == pytest.approx(3 * app_module.SAVE_TIME_EVERY)


# -- the footer ---------------------------------------------------------------------------------------------------------


def footer_text(app: BackpropApp) -> str:
    from backprop_tui.widgets.lesson_footer import LessonFooter

    return app.screen.query_one(LessonFooter).render().plain


@pytest.mark.parametrize("section", SECTION_IDS)
async def test_at_80_columns_the_footer_shows_every_key_of_the_step_and_help(section):
    app = make_app(section=section)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.section_screen
        for i in range(screen.total_steps):
            screen.step = i
            await pilot.pause()
            line = footer_text(app)
            assert len(line) <= SIZE[0]
            for key in screen.query_one("LessonFooter").keys:
                if key.own:
                    assert f" {key.display} " in line, (section, i, key, line)
            assert " ? " in line and "Help" in line, (section, i, line)


async def test_section_6_remedies_footer_keeps_all_its_switches_at_80_columns():
    app = make_app(section="health")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("remedies")
        await pilot.pause()
        line = footer_text(app)
        for key in ("+", "-", "f", "i", "k", "g", "l", "o", "?"):
            assert f" {key} " in line, (key, line)
        assert line.index(" o ") < line.index(" ? ")  # the step's own keys come first


async def test_a_wide_footer_keeps_every_word():
    app = make_app(section="health")
    async with app.run_test(size=(200, 40)) as pilot:
        app.section_screen.go_to_step("remedies")
        await pilot.pause()
        line = footer_text(app)
        for words in ("Deeper", "Shallower", "Optimiser", "Next", "Back", "Help", "Quit", "palette"):
            assert words in line, (words, line)


async def test_in_the_answer_box_the_footer_shows_the_box_keys():
    app = make_app(section="backward")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("your-turn")
        await pilot.pause()
        assert "Next" in footer_text(app)
        await pilot.press("enter")  # into the box
        await pilot.pause()
        line = footer_text(app)
        assert "enter Check" in line and "esc Leave" in line and "f1 Help" in line
        assert "Next" not in line and " ? " not in line  # n and ? would be typed into the box
        await pilot.press("escape")
        await pilot.pause()
        assert "Next" in footer_text(app)


@pytest.mark.parametrize(("size", "centred"), [((160, 50), True), ((120, 40), False), (SIZE, False)])
async def test_a_wide_terminal_centres_the_text_column(size, centred):
    app = make_app(section="intro")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.section_screen
        heading, prose = screen.query_one("#heading"), screen.query_one("#prose")
        assert heading.region.x == prose.region.x
        assert prose.region.width <= 100
        left, right = prose.region.x, size[0] - prose.region.right
        assert (abs(left - right) <= 2) if centred else left <= 2
        screen.go_to_step("check-1")
        await pilot.pause()
        quiz = screen.query_one(QuickCheck).region
        assert (abs(quiz.x - (size[0] - quiz.right)) <= 2) if centred else quiz.x == 0


async def test_in_a_playground_field_the_footer_shows_the_field_keys():
    app = make_app(section="playground")
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("play")
        await pilot.pause()
        await pilot.press("e")  # into the first field
        await pilot.pause()
        line = footer_text(app)
        assert "enter Apply" in line and "tab Apply, next field" in line and "esc Undo and leave" in line
        assert "Train" not in line  # t is typed into the field
        await pilot.press("escape")
        await pilot.pause()
        assert "Train" in footer_text(app)


async def test_arrows_page_through_text_steps_and_stay_the_steps_own_where_it_has_them():
    app = make_app(section="intro")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # the first step fits the window: ↓ moves on, as in a pager
        await pilot.pause()
        assert place(app) == ("intro", 1)
        await pilot.press("up")
        await pilot.pause()
        assert place(app) == ("intro", 0)
        app.goto("backward", screen_class("backward").step_index("update"))  # here ↑/↓ change α
        await pilot.pause()
        backward = app.section_screen
        before = backward.alpha
        await pilot.press("up")
        await pilot.pause()
        assert backward.alpha > before and place(app) == ("backward", backward.step_index("update"))
