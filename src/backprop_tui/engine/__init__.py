"""The numpy engine: every number the lesson shows is computed here.

This package imports numpy and the standard library only — never textual or
rich — so it can be used (and tested, and traced) without a screen. Its
names load lazily: ``import backprop_tui.engine.names`` costs no numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backprop_tui.engine.activations import ACTIVATIONS, Activation, get_activation
    from backprop_tui.engine.init import INITS
    from backprop_tui.engine.losses import LOSSES, Loss, get_loss
    from backprop_tui.engine.network import MLP
    from backprop_tui.engine.optim import Optimizer, make_optimizer

_LAZY = {
    "ACTIVATIONS": "activations",
    "Activation": "activations",
    "get_activation": "activations",
    "LOSSES": "losses",
    "Loss": "losses",
    "get_loss": "losses",
    "INITS": "init",
    "MLP": "network",
    "Optimizer": "optim",
    "make_optimizer": "optim",
}

__all__ = [
    "ACTIVATIONS", "INITS", "LOSSES", "MLP", "Activation", "Loss", "Optimizer", "get_activation", "get_loss",
    "make_optimizer",
]
assert sorted(__all__) == sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use (PEP 562)."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
