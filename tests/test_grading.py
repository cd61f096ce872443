"""Grading that means something: the pass mark at its boundary, section 8 naming every thing still to do,
the exercises on the results screen, and section 2 telling apart two numbers that happen to agree."""

from __future__ import annotations

import io
import math
from fractions import Fraction

import pytest
from rich.console import Console
from textual.widgets import Static

from backprop_tui.app import BackpropApp
from backprop_tui.engine.chain import explorer, two_paths
from backprop_tui.lesson.exercises import EXERCISE_IDS, EXERCISES
from backprop_tui.lesson.quiz import QUESTIONS
from backprop_tui.lesson.sections import SECTION_IDS, SECTIONS
from backprop_tui.progress import certificate_facts, signing
from backprop_tui.progress.results import PASS_PERCENT, first_try_needed
from backprop_tui.progress.store import ProgressStore, results

SIZE = (80, 24)
NEEDED = math.ceil(Fraction(70, 100) * len(QUESTIONS))
"""70 % of the lesson's quick checks, rounded up, worked out exactly."""


def wrong(q) -> str:  # noqa: ANN001
    return next(letter for letter in "abcd" if letter != q.answer)


def learner(
    store: ProgressStore,
    name: str,
    *,
    right: int,
    answered: int | None = None,
    solved: int | None = None,
    visited: tuple[str, ...] = SECTION_IDS,
) -> None:
    """``name`` visited ``visited``, answered the first ``answered`` quick checks with the first ``right`` of them
    right at the first try (then right), and solved the first ``solved`` exercises (after one wrong try each)."""
    answered = len(QUESTIONS) if answered is None else answered
    solved = len(EXERCISES) if solved is None else solved
    for section in visited:
        store.visit(name, section)
    for i, q in enumerate(QUESTIONS[:answered]):
        first = q.answer if i < right else wrong(q)
        store.record_answer(name, q.id, first, first == q.answer)
        if first != q.answer:
            store.record_answer(name, q.id, q.answer, True)  # right at the second try: not in the score
    for exercise in EXERCISE_IDS:
        store.record_exercise(name, exercise, False)
    for exercise in EXERCISE_IDS[:solved]:
        store.record_exercise(name, exercise, True)
    store.add_time(name, 1500.0)


def text_of(widget: Static, width: int = 120) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content, markup=False)
    return console.export_text()


def finish(app: BackpropApp) -> tuple[str, str]:
    """The results and the certificate area of section 8, as plain text."""
    screen = app.section_screen
    return text_of(screen.query_one("#prose", Static)), text_of(screen.query_one("#certificate", Static))


def flat(text: str) -> str:
    """``text`` with its lines joined (sentences wrap at 120 columns)."""
    return " ".join(line.strip() for line in text.splitlines())


# -- the mark ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("questions", "needed"), [(11, 8), (10, 7), (7, 5), (20, 14), (3, 3), (1, 1), (0, 0)])
def test_the_first_try_mark_is_70_percent_rounded_up(questions, needed):
    assert PASS_PERCENT == 70
    assert first_try_needed(questions) == needed  # 10: exactly 7, though 0.7 × 10 is 7.000000000000001 in floats


def test_the_pass_mark_at_its_boundary():
    store = ProgressStore()
    learner(store, "at", right=NEEDED)
    learner(store, "below", right=NEEDED - 1)
    at, below = results(store, "at"), results(store, "below")
    assert at.score == NEEDED and at.passed and at.missing == ()
    assert below.score == NEEDED - 1 and not below.passed
    assert not below.score_in_reach  # every first try is taken
    (item,) = below.missing
    assert item == (
        f"Reach {NEEDED} of {len(QUESTIONS)} (70 %) right at the first try: you have {NEEDED - 1}, and every quick "
        "check has had its first try. A first try can't be taken again, so this needs a fresh start."
    )


def test_every_part_of_the_mark_is_needed():
    store = ProgressStore()
    learner(store, "no-exercise", right=len(QUESTIONS), solved=len(EXERCISES) - 1)
    learner(store, "no-section", right=len(QUESTIONS), visited=SECTION_IDS[:-1])
    learner(store, "no-answer", right=len(QUESTIONS), answered=len(QUESTIONS) - 1)
    for name in ("no-exercise", "no-section", "no-answer"):
        r = results(store, name)
        assert not r.passed and len(r.missing) == 1, name
    last = EXERCISES[-1]
    assert results(store, "no-exercise").missing == (
        f"Solve the exercise of section 4 Backward pass still open: {last.title} (not solved yet, 1 attempt).",
    )


def test_the_score_within_reach_says_how_many_more_right_first_tries():
    store = ProgressStore()
    open_ = 3
    learner(store, "ada", right=NEEDED - 2, answered=len(QUESTIONS) - open_)
    r = results(store, "ada")
    assert r.score_in_reach and r.still_open == open_
    assert f"Get 2 more right at the first try among the {open_} still open: {NEEDED - 2} right so far, " in " ".join(r.missing)
    learner(store, "bob", right=NEEDED - open_ - 1, answered=len(QUESTIONS) - open_)
    r = results(store, "bob")
    assert not r.score_in_reach
    assert f"you have {NEEDED - open_ - 1}, and even with all {open_} still open right you would have {NEEDED - 1}." in " ".join(
        r.missing
    )


def test_a_wrong_try_after_solving_keeps_an_exercise_solved_and_counts_as_an_attempt():
    store = ProgressStore()
    store.record_exercise("ada", EXERCISE_IDS[0], True)
    store.record_exercise("ada", EXERCISE_IDS[0], False)
    first = results(store, "ada").exercises[0]
    assert (first.solved, first.attempts, first.status) == (True, 2, "solved, 2 attempts")
    assert results(store, "ada").exercises[1].status == "not tried yet"


# -- section 8 says what is missing ----------------------------------------------------------------------


async def test_a_new_learner_is_told_every_missing_item_by_name():
    app = BackpropApp(section="finish", learner="Ada", store=ProgressStore())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        shown, cert = finish(app)
    cert = flat(cert)
    assert "Certificate  not earned yet" in cert and "Still to do:" in cert
    assert "more" not in cert.replace("more right", "")  # no "…and 2 more": everything is named
    for s in SECTIONS[:-1]:  # section 8 is open: visited
        assert f"section {s.key} {s.title}" in cert
    assert "section 8 Finish" not in cert
    for section in SECTION_IDS:
        if n := sum(q.section == section for q in QUESTIONS):
            s = SECTIONS[SECTION_IDS.index(section)]
            assert f"{n} in section {s.key} {s.title}" in cert
    for e in EXERCISES:
        assert f"{e.title} (not tried yet)" in cert
    assert f"at least {NEEDED} of the {len(QUESTIONS)} right at the first try (70 %)" in cert
    assert f"Get {NEEDED} more right at the first try among the {len(QUESTIONS)} still open" in cert
    assert "backprop-tui reset" not in cert  # the mark is still within reach
    assert f"Exercises     0 of {len(EXERCISES)} solved (section 4 Backward pass)" in shown
    for e in EXERCISES:
        assert f"· {e.title}" in shown


async def test_one_right_first_try_short_of_the_mark_says_how_to_start_over_and_signs_nothing():
    store = ProgressStore()
    learner(store, "Ada", right=NEEDED - 1)
    app = BackpropApp(section="finish", learner="Ada", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press("c")  # no certificate below the mark
        shown, cert = finish(app)
        assert store.certificate("Ada") is None and store.last_error is None  # read before the app closes the store
    assert f"Quick checks  {NEEDED - 1} of {len(QUESTIONS)} right on the first try, {NEEDED} needed (70 %)" in shown
    cert = flat(cert)
    assert "A first try can't be taken again, so this needs a fresh start." in cert
    assert "To start over: quit and type backprop-tui reset (it asks first" in cert


async def test_a_served_student_short_of_the_mark_is_told_to_ask_the_teacher():
    store = ProgressStore()
    learner(store, "o'neil", right=NEEDED - 1)
    app = BackpropApp(section="finish", learner="o'neil", store=store, served=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        _, cert = finish(app)
    assert "ask your teacher to clear your progress: on the server they type backprop-tui reset --name 'o'\"'\"'neil'" in flat(
        cert
    )


async def test_at_the_mark_the_certificate_is_signed_and_states_the_exercises():
    store = ProgressStore()
    learner(store, "Ada", right=NEEDED)
    app = BackpropApp(section="finish", learner="Ada", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        shown, cert = finish(app)
        record = store.certificate("Ada")  # read before the app closes the store
    n = len(EXERCISES)
    assert f"Quick checks  {NEEDED} of {len(QUESTIONS)} right on the first try, {NEEDED} needed (70 %)" in shown
    assert f"Exercises     {n} of {n} solved (section 4 Backward pass)" in shown
    for e in EXERCISES:
        assert f"✓ {e.title}" in shown and "solved, 2 attempts" in shown  # one wrong try, then right
    assert record is not None
    facts = signing.verify(record.txt_path)
    assert (facts.score, facts.solved, facts.exercises, facts.attempts) == (NEEDED, n, n, 2 * n)
    assert f"  Exercises: {n} of {n} solved, {2 * n} attempts in all\n" in cert  # what is shown is what is signed


async def test_the_results_show_each_exercise_solved_or_not_with_its_attempts():
    store = ProgressStore()
    store.record_exercise("Ada", EXERCISE_IDS[0], True)
    store.record_exercise("Ada", EXERCISE_IDS[1], False)
    store.record_exercise("Ada", EXERCISE_IDS[1], False)
    app = BackpropApp(section="finish", learner="Ada", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        shown, cert = finish(app)
    rows = {line.split("  ")[0].strip(): line for line in shown.splitlines() if line.strip().startswith(("✓", "·"))}
    assert "solved, 1 attempt" in rows[f"✓ {EXERCISES[0].title}"]
    assert "not solved yet, 2 attempts" in rows[f"· {EXERCISES[1].title}"]
    assert "not tried yet" in rows[f"· {EXERCISES[2].title}"]
    assert f"{EXERCISES[1].title} (not solved yet, 2 attempts)" in flat(cert)
    assert f"{EXERCISES[0].title} (" not in flat(cert)  # solved: not to do


async def test_a_certificate_of_an_older_format_is_signed_again_in_the_current_one(tmp_path):
    from backprop_tui.progress import keys
    from backprop_tui.progress.certificate import render_certificate

    store = ProgressStore()
    learner(store, "Ada", right=NEEDED)
    key = keys.signing_key()
    v2 = certificate_facts.Facts(("Ada",), "2026-01-05", 8, 8, NEEDED, len(QUESTIONS), 1500 // 60 * 60,
                       keys.fingerprint(key.public_key()), version="v2")  # fmt: skip
    console = Console(record=True, width=certificate_facts.WIDTH, file=io.StringIO())
    console.print(render_certificate(v2, signing.sign(v2, key)))
    old = tmp_path / "certificate-Ada.txt"
    old.write_text(console.export_text(), encoding="utf-8")
    assert signing.verify(old).version == "v2"  # a valid certificate of the older format
    store.save_certificate("Ada", "code", old.with_suffix(".svg"), old, NEEDED, len(QUESTIONS), "2026-01-05")
    app = BackpropApp(section="finish", learner="Ada", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        _, cert = finish(app)
        record = store.certificate("Ada")
    facts = signing.verify(record.txt_path)
    assert facts.version == certificate_facts.FORMAT and facts.solved == len(EXERCISES)
    assert f"Exercises: {len(EXERCISES)} of {len(EXERCISES)} solved" in cert


async def test_arrow_keys_scroll_the_results_to_the_certificate_below():
    store = ProgressStore()
    learner(store, "Ada", right=NEEDED)
    app = BackpropApp(section="finish", learner="Ada", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        body = app.section_screen.query_one("#body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0  # at 80×24 the certificate is below the results
        await pilot.press("down", "down")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("up", "up")
        await pilot.pause()
        assert body.scroll_y == 0


# -- section 2: two numbers that happen to agree ---------------------------------------------------------


def body_text(app: BackpropApp) -> str:
    screen = app.section_screen
    return "\n".join(text_of(w) for w in screen.query_one("#body").query(Static) if w.display)


def test_y_and_its_slope_agree_only_at_0_and_2_as_section_2_says():
    """Every x the explorer reaches (−10 to 10 in tenths), computed by the engine."""
    xs = [t / 10 for t in range(-100, 101)]
    assert [x for x in xs if math.isclose(explorer(x).y, explorer(x).dy_dx, abs_tol=1e-12)] == [0.0, 2.0]
    assert [x for x in xs if math.isclose(two_paths(x).y, two_paths(x).dy_dx, abs_tol=1e-12)] == [0.0, 2.0]
    assert explorer(2.0).y == explorer(2.0).dy_dx == 36.0


async def test_section_2_points_out_that_y_and_dy_dx_are_both_36_at_x_2():
    app = BackpropApp(section="chain-rule", learner="Ada", store=ProgressStore())
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step("explorer")
        await pilot.pause()
        text = flat(body_text(app))
        assert (
            "Careful: y = 36.00 and dy/dx = 36.000 agree by coincidence (9x² and 18x meet only at x = 0 and x = 2). "
            "y is a value; dy/dx, how fast it moves."
        ) in text
        await pilot.press("plus")
        e = explorer(2.1)
        text = flat(body_text(app))
        assert "Careful" not in text and f"{e.dy_dx:.3f}" in text  # they part
        await pilot.press("r")
        assert "Careful: y = 36.00 and dy/dx = 36.000 agree by coincidence" in flat(body_text(app))
        await pilot.press("n")  # many paths: y = x² and dy/dx = 2x are both 4 at x = 2
        p = two_paths(2.0)
        assert p.y == p.dy_dx == 4.0
        text = flat(body_text(app))
        assert "Careful: y (x → z) and dy/dx (in x · 2x) are both 4.00 here, by coincidence." in text
        (direct,) = [line.split() for line in body_text(app).splitlines() if line.strip().startswith("x → z ")]
        assert direct == ["x", "→", "z", "∂f/∂x", "=", "y", f"{p.df_dx:.2f}"]  # y's 4.00, on the path x → z
        assert f"x · 2x = {p.df_dy:.2f} × {p.dy_dx:.2f}" in text  # dy/dx's 4.00, in x · 2x
        await pilot.press("minus")
        assert "Careful" not in flat(body_text(app))


@pytest.mark.parametrize("step", ["explorer", "paths"])
async def test_the_note_leaves_the_step_whole_at_80_by_24(step):
    """↓ changes x on these steps, so nothing may sit below the fold where only a mouse could reach it."""
    app = BackpropApp(section="chain-rule", learner="Ada", store=ProgressStore())
    async with app.run_test(size=SIZE) as pilot:
        app.section_screen.go_to_step(step)
        await pilot.pause()
        assert "Careful" in body_text(app)
        assert app.section_screen.query_one("#body").max_scroll_y == 0
