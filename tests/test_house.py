"""The house's rules, checked on every run: layers (import-linter), lint (ruff), types (mypy),
and what each layer may load at run time (a fresh interpreter per module, ``sys.modules`` read back).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A console script installed beside this interpreter (the test extra installs them)."""
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})


def test_the_layer_contracts_hold():
    out = run(tool("lint-imports"), "--no-cache")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "broken" in out.stdout and " 0 broken" in out.stdout


def test_ruff_finds_nothing():
    out = run(tool("ruff"), "check", "--no-cache", "src", "tests", "benchmarks")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_mypy_finds_no_error_in_src():
    out = run(sys.executable, "-m", "mypy", "--cache-dir", os.devnull if os.name != "nt" else ".mypy_cache", "src")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


# What a module may not pull in when imported (and used) on its own. The engine and the models
# are used without a screen (trace, the class view, the server); names, the command line, parsing
# and the drawings are on the first frame's path, which must not wait for numpy. A row is a module
# to import, or a statement to run; forbidden names are packages or dotted modules.
UI = {"textual", "rich"}
HYGIENE: list[tuple[str, set[str]]] = [
    ("import backprop_tui.engine as e; from backprop_tui.engine import activations, chain, events, health, "
     "losses, network, optim, presets; e.MLP((2, 2, 1))", UI),
    ("backprop_tui.engine.names", UI | {"numpy"}),
    ("backprop_tui.engine.presets", UI | {"numpy"}),
    ("backprop_tui.models.training", UI),
    ("backprop_tui.models.anatomy", UI),
    ("backprop_tui.models.lesson", UI),
    ("backprop_tui.models.sweep", UI),
    ("backprop_tui.models.health", UI),
    ("backprop_tui.models.classroom", UI | {"numpy"}),
    ("backprop_tui.class_app", {"numpy", "asyncssh"}),
    ("backprop_tui.progress.identity", UI | {"numpy", "sqlite3"}),
    ("import backprop_tui.models.playground as p; p.edit(p.Setup(), 'lr', '0.5'); p.decode(p.encode(p.Setup()))",
     UI | {"numpy", "backprop_tui.cli"}),
    ("import backprop_tui.models.playground as p; t = p.Trainer(p.Setup(skips=True)); t.step(); t.snapshot()", UI),
    ("backprop_tui.cli", {"numpy", "textual", "asyncssh"}),
    ("backprop_tui.app", {"asyncssh", "cryptography"}),
    ("backprop_tui.parsing", UI | {"numpy"}),
    ("import backprop_tui.renderables.bars, backprop_tui.renderables.plot, backprop_tui.renderables.numbers, "
     "backprop_tui.renderables.playground, backprop_tui.renderables.run_board, "
     "backprop_tui.renderables.backward_steps, backprop_tui.renderables.matrices, "
     "backprop_tui.renderables.braille, backprop_tui.renderables.sweep_plots", {"numpy", "textual"}),
    ("backprop_tui.progress.store", {"numpy", "textual"}),
    # PostgreSQL is loaded only for a postgresql:// database: the lesson on SQLite never pays for psycopg.
    ("import backprop_tui.app, backprop_tui.cli, pathlib, tempfile; from backprop_tui.progress.store import open_store; "
     "d = tempfile.TemporaryDirectory(); s, n = open_store(pathlib.Path(d.name) / 'p.sqlite3'); "
     "assert n is None and not s.in_memory; s.set_position('ada', 'intro', 1); s.learners(); s.close()",
     {"psycopg", "psycopg_binary"}),
    ("backprop_tui.lesson.quiz", {"numpy", "textual"}),
    # What the lesson's first frame (section 1, a learner's place read from the store) does not need waits.
    ("import backprop_tui.cli, backprop_tui.app, backprop_tui.screens.intro; "
     "from backprop_tui.progress.store import open_store; s, n = open_store(); s.position('ada'); s.answers('ada')",
     {"numpy", "backprop_tui.progress.results", "backprop_tui.renderables.chain", "backprop_tui.engine.network"}),
]


@pytest.mark.parametrize(("probe", "forbidden"), HYGIENE, ids=[p.split(";")[0].removeprefix("import ") for p, _ in HYGIENE])
def test_a_module_loads_only_what_its_layer_may(probe: str, forbidden: set[str]):
    statement = probe if probe.startswith("import ") else f"import {probe}"
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    loaded |= {name.split(".")[0] for name in loaded}
    assert "backprop_tui" in loaded  # the probe itself ran
    assert not (loaded & forbidden), f"{probe} loads {sorted(loaded & forbidden)}"
