"""Colours by meaning: the one place where a meaning (a health class, a sign, a regime) gets a colour.

The engine and the models name what a number means (``healthy``, ``warning``,
``critical``, ``blamed``, ``praised`` …) and never a colour. Renderables draw
with the *style name* of a meaning, :func:`style` (``"bp.healthy"``), and the
console that renders them resolves it through a Rich theme
(:func:`rich_theme`). The app pushes that theme onto its console and builds
it anew from the Textual theme when the learner changes it: the default theme
keeps the terminal's own ANSI colours (:data:`COLOURS`, which follow the
learner's terminal scheme), any other theme maps each meaning onto its
success, warning, error, primary, secondary and accent colours. NO_COLOR
needs nothing here: Textual strips every colour, and every meaning is also
said in words or glyphs beside it (OK/Warn/Bad, blamed/praised, ✓/✗, dotted
lines), so it survives NO_COLOR and colour-blind eyes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.theme import Theme

PREFIX = "bp."

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
    # answers and progress
    "right": "green",
    "wrong": "red",
    "done": "green",
    # a weight's sign (the glyph's shape says it too: ┼ positive, ─ negative)
    "positive": "cyan",
    "negative": "magenta",
    # lines of a plot: a function and its slope, the two optimisers, a run beside the others
    "curve": "cyan",
    "slope": "yellow",
    "loss": "cyan",
    "sgd": "cyan",
    "adam": "magenta",
    "other": "grey42",
    "pick1": "cyan",
    "pick2": "magenta",
    "pick3": "yellow",
    "pick4": "green",
}
"""Meaning → its colour in the default theme (ANSI names: the terminal's own scheme)."""

THEME_ROLES: dict[str, str] = {
    "healthy": "success", "warning": "warning", "critical": "error",
    "blamed": "error", "praised": "success",
    "crawling": "secondary", "converging": "success", "overshooting": "warning", "diverging": "error",
    "right": "success", "wrong": "error", "done": "success",
    "positive": "primary", "negative": "accent",
    "curve": "primary", "slope": "warning", "loss": "primary",
    "sgd": "primary", "adam": "accent", "other": "foreground-muted",
    "pick1": "primary", "pick2": "accent", "pick3": "warning", "pick4": "success",
}
"""Meaning → the Textual theme variable that colours it in every theme but the default."""
assert THEME_ROLES.keys() == COLOURS.keys()


def style(meaning: str, *, bold: bool = False) -> str:
    """The style name of ``meaning`` (``KeyError`` for a meaning nobody gave a colour)."""
    if meaning not in COLOURS:
        raise KeyError(meaning)
    return f"{PREFIX}{meaning}.bold" if bold else f"{PREFIX}{meaning}"


def rich_theme(colours: Mapping[str, str] = COLOURS) -> Theme:
    """A Rich theme that resolves every meaning's style name (plain and bold) to ``colours[meaning]``."""
    styles: dict[str, Style] = {}
    for meaning, hue in colours.items():
        styles[f"{PREFIX}{meaning}"] = Style.parse(hue)
        styles[f"{PREFIX}{meaning}.bold"] = Style.parse(f"bold {hue}")
    return Theme(styles, inherit=True)


THEME = rich_theme()
"""The default theme: render with ``Console(theme=THEME)`` outside the app (tests, screenshots)."""
