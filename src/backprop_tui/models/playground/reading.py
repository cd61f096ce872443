"""What a run's health bars mean for that run: the words the playground puts under them.

OK/Warn/Bad is a rule of thumb for the start of training (the source lesson's
thresholds). Read alone at the end of a run it misleads: a network that has
learned its data has small gradients because its loss is small, and a run
that ran away leaves bars of weights that blew up. :func:`read_health` picks
which of these a run shows, from the run's own numbers; the words for each
are in :data:`backprop_tui.lesson.playground.READINGS`.

No numpy, no Textual: it reads a :class:`~.trainer.Snapshot`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from backprop_tui.engine.names import CONVERGED, HEALTHY_LOW, WARNING_LOW
from backprop_tui.parsing import number_text

STALL_STEPS = 10
"""A run whose loss moved less than :data:`STALL_SHARE` over this many steps has stalled."""
STALL_SHARE = 0.01
VANISH_RATIO = 10.0
"""Layer 1's gradient this many times smaller than the last layer's, and below :data:`WARNING_LOW`, is vanishing."""

KINDS = ("settled", "stalled", "vanishing", "diverged", "not-a-number")


@dataclass(frozen=True, slots=True)
class Reading:
    """Which story the bars tell (``kind``, one of :data:`KINDS`) and the run's values the words quote
    (floats to be written as numbers are; whole numbers and text as they are)."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)


def read_health(run: Any) -> Reading | None:
    """What the bars of ``run`` (a :class:`~.trainer.Snapshot`) show, or ``None`` when the rule of thumb reads right.

    In this order:

    * ``not-a-number`` — the run diverged and its last gradients are not numbers;
    * ``diverged`` — the run diverged: the bars are of the step that ran away
      (``weight``: the largest |w| it left);
    * ``settled`` — the loss is down to :data:`CONVERGED` of its start or less, and
      some bar is below the healthy band (``label``: the worst such bar's word);
    * ``stalled`` — every bar is below :data:`WARNING_LOW` and the loss moved less than
      :data:`STALL_SHARE` of itself over the last :data:`STALL_STEPS` steps;
    * ``vanishing`` — layer 1's bar is below :data:`WARNING_LOW` and at least
      :data:`VANISH_RATIO` times smaller than the last layer's (``ratio``, ``last``).
    """
    if run.steps == 0:
        return None
    curve = [float(v) for v in run.curve]
    start = curve[0]
    if run.diverged:
        magnitudes = [h.magnitude for h in run.health]
        if not magnitudes or not all(math.isfinite(m) for m in magnitudes):
            return Reading("not-a-number", {"step": run.steps})
        weight = max(_largest(W) for W in run.weights)
        if not math.isfinite(weight):
            return Reading("not-a-number", {"step": run.steps})
        return Reading("diverged", {"step": run.steps, "weight": weight})
    health = list(run.health)
    if not health:
        return None
    loss = float(run.loss)
    low = [h for h in health if h.magnitude < HEALTHY_LOW]
    if low and start > 0 and loss <= CONVERGED * start:
        worst = min(low, key=lambda h: h.magnitude)
        return Reading("settled", {"start": start, "loss": loss, "label": worst.status.label})
    if all(h.magnitude < WARNING_LOW for h in health) and len(curve) > STALL_STEPS:
        before = curve[-1 - STALL_STEPS]
        if abs(curve[-1] - before) <= STALL_SHARE * abs(before):
            return Reading("stalled", {"start": start, "loss": loss, "steps": STALL_STEPS, "floor": number_text(WARNING_LOW)})
    first, last = health[0].magnitude, health[-1].magnitude
    if 0 < first < WARNING_LOW and len(health) > 1 and last >= VANISH_RATIO * first:
        return Reading("vanishing", {"loss": loss, "ratio": last / first, "last": health[-1].layer})
    return None


def _largest(W: Any) -> float:
    """The largest |w| of one layer's weights (a numpy array)."""
    return float(abs(W).max()) if W.size else 0.0
