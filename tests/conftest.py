"""Shared test set-up: a private data directory for every test, and hypothesis profiles."""

from __future__ import annotations

import gc
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


@pytest.fixture(autouse=True)
def _default_database(monkeypatch):
    """No test reads the developer's own BACKPROP_TUI_DATABASE: progress goes to the private home unless a test says."""
    monkeypatch.setenv("BACKPROP_TUI_DATABASE", "")  # recorded, so whatever a test sets is undone after it
    monkeypatch.delenv("BACKPROP_TUI_DATABASE")


@pytest.fixture(autouse=True)
def _collector_thawed():
    """An app freezes the collector's view of what it has built (it lives as long as the app); in a test
    process, apps come and go, so what each froze is handed back to the collector after its test."""
    yield
    gc.unfreeze()


# -- PostgreSQL: one throwaway cluster per test session (per xdist worker), an empty schema per test ----------


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster in a temporary folder, started once for the session, stopped and removed at its end."""
    from postgres_helpers import FAST, cluster

    with cluster(FAST) as running:
        yield running


@pytest.fixture
def pg_url(postgres) -> str:
    """The URL of an empty PostgreSQL schema of this test's own."""
    return postgres.fresh_schema_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Where a store test keeps its progress, once on each backend: an SQLite file (its folder not made yet),
    then an empty PostgreSQL schema (as a URL)."""
    if request.param == "sqlite":
        return tmp_path / "data" / "progress.sqlite3"
    return request.getfixturevalue("pg_url")
