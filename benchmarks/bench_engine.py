"""Microseconds per training step of the numpy engine, beside PyTorch eager.

One step is ``for _ in net.train_step(x, t, opt): pass``: forward, loss,
backward and update, with every event the generator yields consumed. Where
PyTorch is importable, the same network (same initial weights, same loss,
float64, one thread) is timed in eager mode: forward, ``loss.backward()``,
``torch.optim.SGD.step()`` and ``zero_grad()``.

    python benchmarks/bench_engine.py                  # every net, 7 repeats of ~0.2 s
    python benchmarks/bench_engine.py --nets 1 4 --repeats 11 --seconds 0.5
    python benchmarks/bench_engine.py --no-torch       # the engine column only

See benchmarks/README.md for how to get PyTorch and a fair environment.
"""

from __future__ import annotations

import os

# One BLAS thread for numpy as for PyTorch. This must happen before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402

from backprop_tui.engine import MLP, make_optimizer  # noqa: E402
from backprop_tui.engine.network import lesson_network  # noqa: E402
from backprop_tui.engine.presets import LESSON_INPUT, LESSON_LR, LESSON_TARGET  # noqa: E402

try:  # optional: the comparison column
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

try:  # optional: a precise report of the BLAS numpy loaded
    import threadpoolctl
except ImportError:  # pragma: no cover - depends on the environment
    threadpoolctl = None

SLOWING_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
"""Variables that override OpenBLAS's own CPU detection and can make numpy slower."""


# -- the networks ---------------------------------------------------------------


@dataclass
class Case:
    """One benchmarked network and the batch it trains on."""

    number: int
    label: str
    build: Callable[[], MLP]
    x: np.ndarray
    t: np.ndarray
    lr: float
    goal: float
    """The least torch/engine ratio that meets the project's goal."""
    goal_text: str


def make_cases() -> list[Case]:
    """The four networks, with fixed data (seeded) so every run times the same thing."""
    rng = np.random.default_rng(1234)
    deep_small = (4, 16, 16, 16, 16, 16, 1)
    wide = (256,) + (256,) * 7 + (10,)

    def small() -> MLP:
        return MLP(deep_small, activation="relu", output="linear", loss="mse", init="he", seed=0)

    def big() -> MLP:
        return MLP(wide, activation="relu", output="linear", loss="mse", init="he", seed=0)

    return [
        Case(
            1,
            "lesson 2-2-1 sigmoid, batch 1",
            lesson_network,
            np.array(LESSON_INPUT, dtype=float),
            np.array(LESSON_TARGET, dtype=float),
            LESSON_LR,
            2.0,
            ">=2x",
        ),
        Case(2, "4-16x5-1 relu, batch 1", small, rng.normal(size=4), rng.normal(size=1), 0.01, 2.0, ">=2x"),
        Case(
            3, "4-16x5-1 relu, batch 64", small, rng.normal(size=(64, 4)), rng.normal(size=(64, 1)), 0.01, 2.0, ">=2x"
        ),
        Case(
            4,
            "256-256x7-10 relu, batch 256",
            big,
            rng.normal(size=(256, 256)),
            rng.normal(size=(256, 10)),
            0.001,
            1.0 / 1.2,
            "<=1.2x slower",
        ),
    ]


# -- stepping -------------------------------------------------------------------


def engine_runner(case: Case) -> tuple[Callable[[int], None], MLP]:
    """``run(n)`` doing n engine steps on a fresh network, and that network."""
    net = case.build()
    opt = make_optimizer("sgd", case.lr)
    x, t = case.x, case.t
    train_step = net.train_step

    def run(n: int) -> None:
        for _ in range(n):
            for _event in train_step(x, t, opt):
                pass

    return run, net


_TORCH_ACTS = {
    "relu": lambda z: torch.relu(z),
    "sigmoid": lambda z: torch.sigmoid(z),
    "linear": lambda z: z,
}


def torch_model(net: MLP, case: Case):
    """PyTorch leaf tensors copied from ``net``'s parameters, the data, and a ``step()``."""
    Ws = [torch.tensor(np.array(W), dtype=torch.float64, requires_grad=True) for W in net.W]
    bs = [torch.tensor(np.array(b), dtype=torch.float64, requires_grad=True) for b in net.b]
    acts = [_TORCH_ACTS[a.name] for a in net.activations]
    layers = list(zip(Ws, bs, acts))
    params = [p for pair in zip(Ws, bs) for p in pair]
    opt = torch.optim.SGD(params, lr=case.lr)
    x = torch.tensor(case.x, dtype=torch.float64)
    t = torch.tensor(case.t, dtype=torch.float64)
    n = x.shape[0] if x.dim() == 2 else 1

    def step() -> None:
        a = x
        for W, b, f in layers:
            a = f(a @ W + b)
        d = a - t
        loss = 0.5 * (d * d).sum() / n  # Σ over outputs, mean over samples, as the engine's mse
        loss.backward()
        opt.step()
        opt.zero_grad()

    return step, Ws, bs


def torch_runner(case: Case) -> tuple[Callable[[int], None], list]:
    """``run(n)`` doing n PyTorch steps from the engine's initial weights, and the weights."""
    step, Ws, bs = torch_model(case.build(), case)

    def run(n: int) -> None:
        for _ in range(n):
            step()

    return run, Ws + bs


def check_same_maths(case: Case, steps: int = 3) -> float:
    """Largest |difference| of any parameter after ``steps`` steps of engine and PyTorch."""
    net = case.build()
    step, Ws, bs = torch_model(net, case)
    opt = make_optimizer("sgd", case.lr)
    for _ in range(steps):
        for _event in net.train_step(case.x, case.t, opt):
            pass
        step()
    worst = 0.0
    for mine, theirs in zip(net.W + net.b, Ws + bs):
        worst = max(worst, float(np.max(np.abs(mine - theirs.detach().numpy()))))
    return worst


def events_per_step(case: Case) -> tuple[int, int]:
    """(events one step yielded, events a full step should yield: 3 per layer + the loss)."""
    net = case.build()
    opt = make_optimizer("sgd", case.lr)
    count = sum(1 for _ in net.train_step(case.x, case.t, opt))
    return count, 3 * net.depth + 1


def calibrate(run: Callable[[int], None], seconds: float) -> int:
    """How many steps make one repeat of about ``seconds`` (after a short warm-up)."""
    run(3)  # warm up (first-call allocations, lazy imports)
    n = 1
    while True:
        start = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - start
        if elapsed >= min(0.05, seconds / 4):
            break
        n *= 2
    return max(1, round(n * seconds / elapsed))


def time_interleaved(runs: list[Callable[[int], None]], repeats: int, seconds: float) -> list[tuple[list[float], int]]:
    """µs per step of each run, for ``repeats`` repeats of ~``seconds`` each.

    The runs take turns repeat by repeat, so a slow spell of the machine
    (another process, a frequency change) hits them alike and the ratio holds.
    """
    ns = [calibrate(run, seconds) for run in runs]
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, n, out in zip(runs, ns, times):
            start = time.perf_counter()
            run(n)
            out.append((time.perf_counter() - start) / n * 1e6)
    return list(zip(times, ns))


# -- environment report ---------------------------------------------------------


def blas_report() -> list[str]:
    """Lines saying which BLAS numpy uses and with how many threads."""
    lines = []
    if threadpoolctl is not None:
        for info in threadpoolctl.threadpool_info():
            if info.get("user_api") != "blas":
                continue
            lines.append(
                f"  {info.get('internal_api')} {info.get('version')} "
                f"arch={info.get('architecture', '?')} threads={info.get('num_threads')} ({info.get('filepath')})"
            )
    if not lines:
        try:
            config = np.show_config(mode="dicts")
            blas = config["Build Dependencies"]["blas"]
            lines.append(f"  {blas.get('name')} {blas.get('version')} ({blas.get('openblas configuration', '')})".rstrip())
        except Exception:  # older numpy: no dict mode
            lines.append("  (unknown: install threadpoolctl, or see numpy.show_config())")
    return lines


def print_environment(use_torch: bool) -> None:
    print(f"python {platform.python_version()} on {platform.machine()} ({platform.processor() or platform.system()})")
    print(f"numpy {np.__version__}, BLAS:")
    for line in blas_report():
        print(line)
    threads = " ".join(f"{v}={os.environ.get(v)}" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"))
    print(f"  {threads}")
    for var in SLOWING_VARS:
        if var in os.environ:
            print(
                f"WARNING: {var}={os.environ[var]} is set; it overrides OpenBLAS's CPU detection and can slow numpy. "
                f"Run with `env -u {' -u '.join(SLOWING_VARS)} ...` to measure."
            )
    if use_torch:
        print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, float64, eager")
    elif torch is None:
        print("torch: not importable, engine column only")
    else:
        print("torch: skipped (--no-torch)")
    print()


# -- main -----------------------------------------------------------------------


def fmt_us(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", type=int, nargs="+", choices=(1, 2, 3, 4), default=[1, 2, 3, 4], help="which nets to time")
    parser.add_argument("--repeats", type=int, default=7, help="repeats per net (the median is reported)")
    parser.add_argument("--seconds", type=float, default=0.2, help="target duration of one repeat")
    parser.add_argument("--no-torch", action="store_true", help="time the engine only, even if torch is importable")
    parser.add_argument("--verbose", action="store_true", help="print every repeat")
    args = parser.parse_args(argv)

    use_torch = torch is not None and not args.no_torch
    if use_torch:
        torch.set_num_threads(1)
    print_environment(use_torch)

    cases = [c for c in make_cases() if c.number in args.nets]
    rows = []
    warnings = []
    for case in cases:
        got, want = events_per_step(case)
        if got != want:
            warnings.append(f"net {case.number}: a step yielded {got} events, not {want} (diverged at once?)")

        run, net = engine_runner(case)
        runs = [run]
        diff = None
        if use_torch:
            diff = check_same_maths(case)
            if not diff <= 1e-9:
                warnings.append(f"net {case.number}: engine and torch parameters differ by {diff:.3g} after 3 steps")
            trun, tparams = torch_runner(case)
            runs.append(trun)
        timed = time_interleaved(runs, args.repeats, args.seconds)
        (eng, eng_n), *rest = timed
        eng_med = statistics.median(eng)
        if net.diverged or not math.isfinite(net.last_loss):
            warnings.append(
                f"net {case.number}: the engine's network diverged after {net.step} steps "
                "(steps stop after the loss event, so this timed the wrong thing); lower the lr"
            )
        tor = tor_med = None
        if rest:
            (tor, tor_n), = rest
            tor_med = statistics.median(tor)
            if not all(bool(torch.isfinite(p).all()) for p in tparams):
                warnings.append(f"net {case.number}: the torch network diverged; lower the lr")
        if args.verbose:
            print(f"net {case.number}: engine N={eng_n}: min {min(eng):.1f}: " + " ".join(f"{v:.1f}" for v in eng))
            if tor is not None:
                print(f"net {case.number}: torch  N={tor_n}: min {min(tor):.1f}: " + " ".join(f"{v:.1f}" for v in tor))
        rows.append((case, eng, eng_med, tor, tor_med, diff, net.last_loss))

    header = f"{'net':<36} {'engine µs/step':>15} {'torch µs/step':>14} {'torch/engine':>13}  goal"
    print(header)
    print("-" * (len(header) + 16))
    for case, eng, eng_med, tor, tor_med, _diff, _loss in rows:
        spread = f"±{(max(eng) - min(eng)) / 2 / eng_med * 100:.0f}%"
        eng_cell = f"{fmt_us(eng_med)} {spread:>5}"
        if tor_med is not None:
            tspread = f"±{(max(tor) - min(tor)) / 2 / tor_med * 100:.0f}%"
            tor_cell = f"{fmt_us(tor_med)} {tspread:>5}"
            ratio = tor_med / eng_med
            verdict = "met" if ratio >= case.goal else "MISSED"
            ratio_cell = f"{ratio:.2f}x"
            goal_cell = f"{case.goal_text:<14} {verdict}"
        else:
            tor_cell, ratio_cell, goal_cell = "-", "-", case.goal_text
        print(f"{case.number} {case.label:<34} {eng_cell:>15} {tor_cell:>14} {ratio_cell:>13}  {goal_cell}")
    print()
    print(f"median of {args.repeats} repeats of ~{args.seconds:g} s each; ± is half the min–max range.")
    print("goal: torch/engine >= 2 on nets 1-3; engine at most 1.2x slower than torch (ratio >= 0.83) on net 4.")
    if use_torch:
        worst = max(r[5] for r in rows)
        print(f"check: engine and torch parameters agree to {worst:.1e} after 3 steps on every net.")
    for w in warnings:
        print(f"WARNING: {w}")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
