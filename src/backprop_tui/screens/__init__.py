"""One screen per lesson section, imported only when the learner first opens it.

The first frame must not wait for what it does not show (numpy, the engine,
other sections), so the app knows each screen by a dotted path until needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backprop_tui.screens.base import SectionScreen

SCREENS: dict[str, str] = {
    "intro": "backprop_tui.screens.intro:IntroScreen",
    "chain-rule": "backprop_tui.screens.chain_rule:ChainRuleScreen",
    "forward": "backprop_tui.screens.forward:ForwardScreen",
    "backward": "backprop_tui.screens.backward:BackwardScreen",
    "learning-rate": "backprop_tui.screens.learning_rate:LearningRateScreen",
    "health": "backprop_tui.screens.health:HealthScreen",
    "playground": "backprop_tui.screens.playground:PlaygroundScreen",
    "finish": "backprop_tui.screens.finish:FinishScreen",
}
"""Section id → ``module:Class`` of its screen."""


def screen_class(section: str) -> type[SectionScreen]:
    """The screen class of ``section`` (imports its module on first use)."""
    module, _, name = SCREENS[section].partition(":")
    return getattr(importlib.import_module(module), name)
