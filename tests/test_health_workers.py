"""Section 6 keeps its event loop free: passes are measured in worker threads, bursts collapse, the cache answers at once.

A pass is made slow on purpose (it waits for the test to let it go), so what
the screen shows meanwhile can be checked without any fixed sleep.
"""

from __future__ import annotations

import threading

from backprop_tui.models.health import DeepHealth, DeepSetup, cached, clear_cache, deep_health
from backprop_tui.models.health import nets as passes
from backprop_tui.widgets.health_bars import HealthBars
from test_health_remedies import nets
from test_health_screen import SIZE, assert_health_rows, go_to, make_app, press, rows, screen_of, settle, shown

# -- the workers ----------------------------------------------------------------------------------------


async def test_passes_are_measured_in_a_worker_thread_while_the_step_says_computing(monkeypatch):
    real, gate, threads = passes._measure, threading.Event(), []

    def slow(setup: DeepSetup) -> DeepHealth:
        threads.append(threading.get_ident())
        assert gate.wait(10), "never released"
        return real(setup)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "side")
        clear_cache()
        monkeypatch.setattr(passes, "_measure", slow)
        await pilot.press("plus")
        screen = screen_of(app)
        assert screen.depth == 6 and screen.computing  # the key is answered at once: no pass ran on the loop
        text = shown(app)
        assert "computing…" in text and "6 layers deep" in text and not rows(app)
        gate.set()
        await settle(pilot)
        assert threads and threading.get_ident() not in threads
        assert_health_rows(app, deep_health(DeepSetup(6, "sigmoid", "xavier")), deep_health(DeepSetup(6, "relu", "he")))


async def test_a_burst_of_keys_draws_only_the_last_setting(monkeypatch):
    real, gate, asked = passes._measure, threading.Event(), []

    def slow(setup: DeepSetup) -> DeepHealth:
        asked.append(setup)
        assert gate.wait(10), "never released"
        return real(setup)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "explode")  # four nets a setting: the two columns, one deeper, one trained
        clear_cache()
        monkeypatch.setattr(passes, "_measure", slow)
        drawn = []
        bars = screen_of(app).query_one(HealthBars)
        monkeypatch.setattr(bars, "show", lambda cols, words, show=bars.show: (drawn.append(cols), show(cols, words)))
        await pilot.press(*["plus"] * 15)  # each key cancels the worker before it
        assert screen_of(app).depth == 20 and screen_of(app).computing
        gate.set()
        await settle(pilot)
        assert [c[0].health.setup.depth for c in drawn] == [20]  # no stale depth was drawn on the way
        assert max(rows(app)) == 20
        assert cached(DeepSetup(20, "relu", "normal", optimizer="sgd")) is not None
        assert len(asked) <= 14 + 4  # one pass per cancelled key at most, then the last setting's four


async def test_a_setting_seen_before_draws_at_once_without_measuring(monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, "remedies")
        await press(pilot, "k", "k", "plus", "minus")

        def refuse(setup: DeepSetup) -> DeepHealth:
            raise AssertionError(f"measured {setup} again")

        monkeypatch.setattr(passes, "_measure", refuse)
        for key in ("k", "k", "plus", "minus", "p", "n"):
            await pilot.press(key)
            assert not screen_of(app).computing, key  # drawn in the key's own handler
            assert rows(app), key
        assert screen_of(app).step_id == "remedies"
        assert_health_rows(app, *nets())
