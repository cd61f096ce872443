"""How fast a ``t`` run goes: a pace a learner can follow by default, faster or slower on request.

The pace is a wait between steps on the screen's side, never slower maths:
each step is the engine's own, and :data:`FULL_SPEED` takes them back to back.

    >>> pace_text(PACES[DEFAULT_PACE]), run_text(PACES[DEFAULT_PACE])
    ('40 steps/s', '100 steps take about 2.5 s')
"""

from __future__ import annotations

import math

from backprop_tui.models.playground.trainer import TRAIN_STEPS

FULL_SPEED = math.inf
"""Steps as fast as the engine takes them (no wait between them)."""
PACES: tuple[float, ...] = (5.0, 10.0, 20.0, 40.0, 100.0, FULL_SPEED)
"""The paces on offer, in steps per second, slowest first."""
DEFAULT_PACE = PACES.index(40.0)
"""Where a run starts: 100 steps in about 2.5 s, slow enough to watch the curve grow."""


def step_wait(rate: float) -> float:
    """Seconds from the start of one step to the start of the next at ``rate`` steps per second (0 at full speed)."""
    return 0.0 if math.isinf(rate) else 1.0 / rate


def pace_text(rate: float) -> str:
    """``40 steps/s`` or ``full speed``."""
    return "full speed" if math.isinf(rate) else f"{rate:g} steps/s"


def short_pace(rate: float) -> str:
    """``40/s`` or ``max``: the pace in a few cells."""
    return "max" if math.isinf(rate) else f"{rate:g}/s"


def run_text(rate: float, steps: int = TRAIN_STEPS) -> str:
    """How long ``steps`` steps take at ``rate``: ``100 steps take about 2.5 s`` (at full speed: as long as the engine needs)."""
    if math.isinf(rate):
        return f"{steps} steps take only as long as the engine needs"
    return f"{steps} steps take about {steps / rate:g} s"
