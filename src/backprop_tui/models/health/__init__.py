"""Section 6, gradient health: deep nets measured pass by pass, and what each step compares.

- :mod:`.nets` — the section's deep nets (:class:`DeepSetup`), one measured pass each
  (:class:`DeepHealth`, :func:`deep_health`), cached by setup; σ′ sampled once.
- :mod:`.views` — the learner's :class:`Settings` and remedy switches, the :class:`Plan`
  of nets a step shows, and the settings one key away.

Importing this package loads no numpy (the first pass does): a screen can plan
and look up passes on its event loop and leave the measuring to a worker.
No Textual, no Rich.
"""

from backprop_tui.models.health.nets import (
    DATA_SEED,
    DEFAULT_DEPTH,
    NET_SEED,
    DeepHealth,
    DeepSetup,
    cached,
    clear_cache,
    deep_data,
    deep_health,
    deep_net,
    known_sigmoid_peak,
    sigmoid_peak,
)
from backprop_tui.models.health.views import (
    BAR_STEPS,
    LEFT_ACTIVATIONS,
    MATCHED_INIT,
    STARTS,
    SWITCHES,
    TRAININGS,
    Plan,
    Remedies,
    Settings,
    Switch,
    following,
    lookup,
    measure,
    nearby,
    neighbours,
    plan,
    start,
)

__all__ = [
    "BAR_STEPS", "DATA_SEED", "DEFAULT_DEPTH", "LEFT_ACTIVATIONS", "MATCHED_INIT", "NET_SEED",
    "STARTS", "SWITCHES", "TRAININGS", "DeepHealth", "DeepSetup", "Plan", "Remedies", "Settings", "Switch",
    "cached", "clear_cache", "deep_data", "deep_health", "deep_net", "following", "known_sigmoid_peak", "lookup", "measure",
    "nearby", "neighbours", "plan", "sigmoid_peak", "start",
]
