"""What a learner sees, pixel for pixel: every section at 80×24 (the smallest supported) and 120×40,
and one step of each at 160×50.

Regenerate after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report's pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from backprop_tui.app import BackpropApp
from backprop_tui.progress.store import ProgressStore

VIEWS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    # name: (section, the step to open at by its id, keys pressed there)
    "intro-start": ("intro", None, ()),
    "intro-backward": ("intro", "backward-h", ()),
    "intro-quick-check-answered": ("intro", "check-1", ("a",)),
    "chain-rule-explorer": ("chain-rule", "explorer", ("plus", "greater_than_sign")),
    "chain-rule-paths": ("chain-rule", "paths", ()),
    "forward-anatomy": ("forward", "loss", ()),
    "forward-sigmoid": ("forward", "activation-sigmoid", ()),
    "backward-network": ("backward", None, ()),
    "backward-dv1": ("backward", "v1", ()),
    "backward-your-turn-hint": ("backward", "your-turn", ("enter", "minus", "0", "full_stop", "0", "5", "6", "6", "enter")),
    "backward-dz": ("backward", "dz-h1", ()),
    "backward-try-w12": ("backward", "try-w12", ()),
    "backward-matrices": ("backward", "matrices", ()),
    "backward-bars": ("backward", "bars", ()),
    "backward-bars-nudged": ("backward", "bars", ("e",)),
    "backward-update": ("backward", "update", ()),
    "backward-training": ("backward", "train", ("t", "t", "t")),
    "finish-results": ("finish", "results", ()),
    "help": ("forward", None, ("f1",)),
}


WIDE_VIEWS = {
    # one step of each section at 160×50: the text in a centred column, pictures given the room
    **{name: VIEWS[name] for name in ("intro-start", "chain-rule-explorer", "forward-anatomy", "backward-matrices",
                                      "finish-results")},
    "learning-rate-runs": ("learning-rate", "overview", ()),
    "health-vanishing": ("health", "vanish", ()),
    "playground-steps": ("playground", "play", ("s", "s", "s")),
}
VIEWS_AT_TWO_SIZES = frozenset(VIEWS)
VIEWS.update({name: WIDE_VIEWS[name] for name in WIDE_VIEWS if name not in VIEWS})


def view(name: str) -> tuple[BackpropApp, Callable[[Pilot[None]], Awaitable[None]]]:
    """The app of view ``name``, and what to do before the picture is taken: open the step, press the keys."""
    section, step_id, keys = VIEWS[name]

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        if step_id is not None:
            screen = pilot.app.section_screen
            assert screen is not None
            screen.go_to_step(step_id)
            await pilot.pause()
            assert screen.step_id == step_id
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()  # what a background pass computes is on screen
        await pilot.pause()

    return BackpropApp(section=section, learner="Ada", store=ProgressStore()), run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", [name for name in VIEWS if name in VIEWS_AT_TWO_SIZES])
def test_snapshot(snap_compare, name, size):
    app, run_before = view(name)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("name", list(WIDE_VIEWS))
def test_wide(snap_compare, name):
    app, run_before = view(name)
    assert snap_compare(app, terminal_size=(160, 50), run_before=run_before)


def test_too_small(snap_compare):
    app = BackpropApp(section="forward", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=(70, 20))


@pytest.mark.parametrize("name", ["forward-sigmoid", "finish-results"])
def test_no_color(snap_compare, monkeypatch, name):
    """NO_COLOR: no colour at all, and every meaning still there in words and line styles."""
    monkeypatch.setenv("NO_COLOR", "1")
    app, run_before = view(name)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
