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


# What a module may not pull in when imported on its own. The engine and the models are used
# without a screen (trace, the class view, the server); names, the command line and the drawings
# are on the first frame's path, which must not wait for numpy.
HYGIENE = [
    ("backprop_tui.engine", {"textual", "rich"}),
    ("backprop_tui.engine.network", {"textual", "rich"}),
    ("backprop_tui.engine.health", {"textual", "rich"}),
    ("backprop_tui.engine.chain", {"textual", "rich"}),
    ("backprop_tui.engine.names", {"numpy", "textual", "rich"}),
    ("backprop_tui.engine.presets", {"numpy", "textual", "rich"}),
    ("backprop_tui.models.training", {"textual", "rich"}),
    ("backprop_tui.models.anatomy", {"textual", "rich"}),
    ("backprop_tui.models.lesson", {"textual", "rich"}),
    ("backprop_tui.models.sweep", {"textual", "rich"}),
    ("backprop_tui.models.health", {"textual", "rich"}),
    ("backprop_tui.models.playground", {"textual", "rich"}),
    ("backprop_tui.cli", {"numpy", "textual"}),
    ("backprop_tui.parsing", {"numpy", "textual", "rich"}),
    ("backprop_tui.renderables.bars", {"numpy", "textual"}),
    ("backprop_tui.renderables.plot", {"numpy", "textual"}),
    ("backprop_tui.renderables.numbers", {"numpy", "textual"}),
    ("backprop_tui.progress.store", {"numpy", "textual"}),
    ("backprop_tui.lesson.quiz", {"numpy", "textual"}),
]


@pytest.mark.parametrize(("module", "forbidden"), HYGIENE, ids=[m for m, _ in HYGIENE])
def test_a_module_loads_only_what_its_layer_may(module: str, forbidden: set[str]):
    code = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert module.split(".")[0] in loaded  # the probe itself worked
    assert not (loaded & forbidden), f"{module} loads {sorted(loaded & forbidden)}"
