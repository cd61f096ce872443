"""The progress store on SQLite and on PostgreSQL: a key press's cost, and operations per second with many writers.

A script run by hand (not a test)::

    .venv/bin/python benchmarks/bench_store.py                  # 50 writers, 5 repeats
    .venv/bin/python benchmarks/bench_store.py --writers 20 --seconds 1 --repeats 3

It starts a throwaway PostgreSQL cluster (tests/postgres_helpers.py: the machine's PostgreSQL binaries,
a temporary folder, a free port on loopback) twice: once with PostgreSQL's own durable settings (every
commit flushed to disk) and once with ``synchronous_commit=off``, which is what SQLite's WAL mode with
``synchronous=NORMAL`` (the store's setting) promises: a crash of the machine may lose the last commits,
never corrupt the database. The SQLite file lives in a temporary folder on the same disk.

- key press: what one step move writes (``set_position`` then ``add_time``: two transactions, on the
  lesson's UI thread), one learner, one store; microseconds per press, median (and p95) of 400 presses,
  median over the repeats.
- writers: N processes (as ``serve`` runs one lesson process per student), each with its own store and
  learner, released together; each does step moves (``set_position``, ``add_time``) and, every fourth
  move, a quick-check answer, as fast as it can for ``--seconds``. Operations per second = store calls
  completed by all of them ÷ the time; median over the repeats. Calls that failed (a lock held past the
  5 s timeout) are counted apart.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from backprop_tui.progress.queries import ProgressStore  # noqa: E402
from postgres_helpers import cluster  # noqa: E402

PRESSES = 400
SECTIONS = ("intro", "chain-rule", "forward", "backward", "learning-rate", "health", "playground", "finish")


def key_press(store: ProgressStore, learner: str, i: int) -> None:
    """The writes of one step move in the lesson (``BackpropApp.save_position``)."""
    store.set_position(learner, SECTIONS[(i // 9) % len(SECTIONS)], i % 9)
    store.add_time(learner, 0.4)


def key_press_cost(target: Path | str) -> tuple[float, float]:
    """Median and p95 of one step move's store time, in microseconds."""
    with ProgressStore(target) as store:
        for i in range(20):  # warm up: the row exists, statements are prepared
            key_press(store, "ada", i)
        times = []
        for i in range(PRESSES):
            start = time.perf_counter()
            key_press(store, "ada", i)
            times.append((time.perf_counter() - start) * 1e6)
        assert store.last_error is None, store.last_error
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times))]


def _writer(target: Path | str, k: int, seconds: float, gate: object, out: object) -> None:
    with ProgressStore(target) as store:
        learner = f"student{k:02d}"
        key_press(store, learner, 0)
        gate.wait()  # type: ignore[attr-defined]
        ops = failed = 0
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end:
            store.last_error = None
            key_press(store, learner, i)
            ops += 2
            if i % 4 == 3:
                store.record_answer(learner, f"q{i % 11}", "a", True)
                ops += 1
            failed += store.last_error is not None
            i += 1
        out.put((ops, failed))  # type: ignore[attr-defined]


def writers(target: Path | str, n: int, seconds: float) -> tuple[float, int]:
    """Store operations per second with ``n`` writer processes at once, and how many calls failed."""
    ctx = mp.get_context("fork")
    gate = ctx.Barrier(n + 1)
    out = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(target, k, seconds, gate, out)) for k in range(n)]
    for p in procs:
        p.start()
    gate.wait()
    start = time.monotonic()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    elapsed = time.monotonic() - start
    for p in procs:
        p.join()
    return sum(ops for ops, _ in results) / elapsed, sum(failed for _, failed in results)


def median_of(repeats: int, run: Callable[[], tuple[float, float]]) -> tuple[float, float, float, float]:
    """Median of each of ``run``'s two numbers over ``repeats`` runs, and the first number's min and max."""
    runs = [run() for _ in range(repeats)]
    firsts = [r[0] for r in runs]
    return statistics.median(firsts), statistics.median(r[1] for r in runs), min(firsts), max(firsts)


def measure(name: str, target: Callable[[], Path | str], args: argparse.Namespace) -> None:
    ProgressStore(target()).close()  # create the schema before anything is timed
    us, p95, lo, hi = median_of(args.repeats, lambda: key_press_cost(target()))
    print(f"{name:<42} key press {us:8.0f} µs (p95 {p95:6.0f}, medians {lo:.0f}–{hi:.0f})", flush=True)
    rate, failed, lo, hi = median_of(args.repeats, lambda: writers(target(), args.writers, args.seconds))
    print(f"{name:<42} {args.writers} writers {rate:8.0f} ops/s ({lo:.0f}–{hi:.0f}), failed calls {failed:.0f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=2.0, help="how long the writers write, each repeat")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; {args.writers} writers × {args.seconds:g} s; medians of {args.repeats}")

    with tempfile.TemporaryDirectory() as folder:
        fresh = iter(range(10**6))
        measure("sqlite (WAL, synchronous=NORMAL)", lambda: Path(folder) / f"p{next(fresh)}.sqlite3", args)

    for label, settings in (("postgresql (durable defaults)", {}), ("postgresql (synchronous_commit=off)",
                                                                   {"synchronous_commit": "off"})):
        with cluster(settings) as pg:
            (version,) = pg.sql("SHOW server_version")
            label = f"{label.split()[0]} {str(version[0]).split()[0]} {' '.join(label.split()[1:])}"

            def fresh_schema(pg: object = pg) -> str:
                return pg.fresh_schema_url()  # type: ignore[attr-defined]

            measure(label, fresh_schema, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
