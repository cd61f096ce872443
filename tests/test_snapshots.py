"""What a learner sees, pixel for pixel: every section at 80×24 (the smallest supported) and 120×40.

Regenerate after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report's pictures before committing them.
"""

from __future__ import annotations

import pytest

from backprop_tui.app import BackpropApp
from backprop_tui.progress.store import ProgressStore

VIEWS = {
    "intro-start": ("intro", ()),
    "intro-backward": ("intro", ("n",) * 10),
    "intro-quick-check-answered": ("intro", ("n",) * 13 + ("a",)),
    "chain-rule-explorer": ("chain-rule", ("n", "plus", "greater_than_sign")),
    "chain-rule-paths": ("chain-rule", ("n", "n")),
    "forward-anatomy": ("forward", ("n",) * 6),
    "forward-sigmoid": ("forward", ("n",) * 7),
    "backward-network": ("backward", ()),
    "backward-dv1": ("backward", ("n", "n")),
    "backward-your-turn-hint": ("backward", ("n",) * 7 + ("enter", "minus", "0", "full_stop", "0", "2", "4", "7", "enter")),
    "backward-dz": ("backward", ("n",) * 8),
    "backward-bars": ("backward", ("n",) * 15),
    "backward-update": ("backward", ("n",) * 16),
    "backward-training": ("backward", ("n",) * 17 + ("t", "t", "t")),
    "finish-results": ("finish", ("n",)),
    "help": ("forward", ("f1",)),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(snap_compare, view, size):
    section, keys = VIEWS[view]
    app = BackpropApp(section=section, learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=size, press=list(keys))


def test_too_small(snap_compare):
    app = BackpropApp(section="forward", learner="Ada", store=ProgressStore())
    assert snap_compare(app, terminal_size=(70, 20))


@pytest.mark.parametrize("view", ["forward-sigmoid", "finish-results"])
def test_no_color(snap_compare, monkeypatch, view):
    """NO_COLOR: no colour at all, and every meaning still there in words and line styles."""
    monkeypatch.setenv("NO_COLOR", "1")
    section, keys = VIEWS[view]
    app = BackpropApp(section=section, learner="Ada", store=ProgressStore())
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), press=list(keys))
