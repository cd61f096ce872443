"""Colours by meaning: the one place where a meaning (a health class, a sign, a regime) gets a colour.

The engine and the models name what a number means (``healthy``, ``warning``,
``critical``, ``blamed``, ``praised`` …) and never a colour; renderables look
the colour up here. Every colour is also said in words or glyphs beside it
(OK/Warn/Bad, blamed/praised, + and −), so the meaning survives NO_COLOR and
colour-blind eyes.
"""

from __future__ import annotations

COLOURS: dict[str, str] = {
    # gradient health (DESIGN §3)
    "healthy": "green",
    "warning": "yellow",
    "critical": "red",
    # a gradient's sign: a positive dL/dW blames the weight (it will go down), a negative one praises it
    "blamed": "red",
    "praised": "green",
    # a learning-rate run (section 5)
    "crawling": "cyan",
    "converging": "green",
    "overshooting": "yellow",
    "diverging": "red",
    # answers
    "right": "green",
    "wrong": "red",
}
"""Meaning → the colour that shows it in the default theme."""


def colour(meaning: str) -> str:
    """The colour of ``meaning`` (``KeyError`` for a meaning nobody gave a colour)."""
    return COLOURS[meaning]
