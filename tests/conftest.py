"""Shared test set-up: a private data directory for every test, and hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# On CI, hypothesis draws the same examples every run (no flaky reds); locally it explores.
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Every test gets its own BACKPROP_TUI_HOME, so no test touches a real learner's data."""
    monkeypatch.setenv("BACKPROP_TUI_HOME", str(tmp_path / "home"))
