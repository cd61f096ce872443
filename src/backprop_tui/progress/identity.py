"""Who the learner is when no name is given: the login name (standard library only, cheap to import)."""

from __future__ import annotations

import getpass

FALLBACK_NAME = "learner"
"""The name used when the system knows no login name."""


def login_name() -> str:
    """The login name, or ``learner`` when there is none (some containers and SSH set-ups)."""
    try:
        return getpass.getuser().strip() or FALLBACK_NAME
    except Exception:  # getpass raises OSError/KeyError when no name is known
        return FALLBACK_NAME
