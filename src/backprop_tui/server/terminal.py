"""What the server writes to a student's terminal itself, and the colour depth a TERM can show.

Standard library only: the spawner and the lesson processes import it too.
"""

from __future__ import annotations

import re

RESETS = (
    "\x1b[<u"  # pop the kitty keyboard protocol (before leaving the alternate screen)
    "\x1b[?1049l"  # alternate screen off
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?1016l"  # mouse reports off
    "\x1b[?1004l"  # focus events off
    "\x1b[?2004l"  # bracketed paste off
    "\x1b[?2048l"  # in-band resize reports off
    "\x1b[?7h"  # line wrap on
    "\x1b[0m"  # plain text
    "\x1b[?25h"  # cursor shown
)
"""Turns off everything the lesson turns on. ssh restores the tty modes only, so when the server ends a
session (idle, shutdown, a crash) it sends these first; otherwise the student's shell would be left in the
alternate screen, with mouse reports typed into it."""

DEFAULT_TERM = "xterm-256color"
_SAFE_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")

_TRUECOLOR_TERMS = ("truecolor", "24bit", "direct", "kitty", "alacritty", "wezterm", "foot", "ghostty", "iterm")


def safe_term(term: str | None) -> str:
    """The client's TERM if it is a plausible terminal name, else ``xterm-256color``."""
    if term and _SAFE_TERM.fullmatch(term):
        return term
    return DEFAULT_TERM


def colour_system(term: str, colorterm: str | None = None) -> str | None:
    """Rich's colour system for this TERM (ssh forwards TERM, not COLORTERM; a client may still send it).

    ``None`` means no colour at all (a dumb terminal).
    """
    if colorterm and colorterm.lower() in ("truecolor", "24bit"):
        return "truecolor"
    name = term.lower()
    if name in ("dumb", "unknown"):
        return None
    if any(word in name for word in _TRUECOLOR_TERMS):
        return "truecolor"
    if "256" in name:
        return "256"
    return "standard"


def line(text: str) -> bytes:
    """One line for a terminal in raw mode: CR LF, UTF-8."""
    return (text.rstrip("\n") + "\r\n").encode("utf-8", "replace")


def how_to_connect(port: int, host: str = "HOST") -> str:
    """The command a student types."""
    return f"ssh -t -p {port} YOURNAME@{host}"
