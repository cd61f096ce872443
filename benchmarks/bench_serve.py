"""The classroom server under load: start-up, memory, idle CPU and key latency with many students.

A script run by hand (not a test)::

    .venv/bin/python benchmarks/bench_serve.py                       # 10, 30 and 50 students
    .venv/bin/python benchmarks/bench_serve.py --sessions 30 --spawn exec --driver stock

For each count N, a fresh ``backprop-tui serve --open`` (its own BACKPROP_TUI_HOME) and N asyncssh
clients in this process, all connecting at once on loopback with an 100×30 xterm-256color terminal:

- first frame: from the moment all N connect to the moment the last one's screen shows the footer;
- PSS: /proc/<pid>/smaps_rollup ``Pss`` summed over the server and every process below it, ÷ N
  (and the lessons alone ÷ N, the server and the spawner apart);
- idle CPU: utime + stime of that process tree over ``--idle`` seconds with nobody typing,
  as % of one core;
- key latency (only where N ≥ 30): 5 students go to the playground (``7``, ``n``), set the
  fastest pace (``+`` until ``max``) and keep training (``t`` again whenever a 100-step run is
  over); 10 others press ``n`` / ``p`` in section 1 and each press is timed until the new
  ``Step k of`` is on their screen. p50 / p95 / max.

``--spawn exec`` starts each lesson as a fresh interpreter instead of a fork of the preloaded spawner;
``--driver stock`` uses Textual's own Linux driver instead of the quiet one. Clients run in this
process and share the 2 cores with the server: the numbers are an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from server_helpers import descendants, start_server, student, until  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    return [pid, *descendants(pid)]


def parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total


class Quiet:
    """A client that keeps no screen (cheap for this process), only whether ``Training`` was last said."""

    def __init__(self) -> None:
        self.bytes = 0
        self.tail = b""

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        self.tail = (self.tail + data)[-4096:]


async def run(n: int, args: argparse.Namespace) -> dict[str, object]:
    env = {"BACKPROP_TUI_SERVE_SPAWN": args.spawn, "BACKPROP_TUI_SERVE_DRIVER": args.driver}
    home = Path(tempfile.mkdtemp(prefix="bench-serve-")) / "home"
    server = start_server(home, "--open", "--max-sessions", str(n + 5), env=env)
    result: dict[str, object] = {"sessions": n, "loadavg_before": os.getloadavg()[0]}
    try:
        start = time.monotonic()
        students = await asyncio.gather(*(student(server.port, f"s{i:02d}") for i in range(n)))
        firsts: list[float] = []

        async def first_frame(s):  # type: ignore[no-untyped-def]
            await until(lambda: "Quit" in s.term.screen.lines()[-1], 60, "a first frame")
            firsts.append(time.monotonic() - start)

        await asyncio.gather(*(first_frame(s) for s in students))
        result["first_frame_last_s"] = max(firsts)
        result["first_frame_median_s"] = statistics.median(firsts)
        await asyncio.sleep(3)  # start-up work (the engine's warm-up import) done
        pids = tree(server.process.pid)
        spawner = next(p for p in pids[1:] if parent(p) == server.process.pid)
        total = sum(pss_kib(p) for p in pids)
        lessons = [p for p in pids if p not in (server.process.pid, spawner)]
        result["pss_total_mib"] = total / 1024
        result["pss_per_session_mib"] = total / 1024 / n
        result["pss_lessons_per_session_mib"] = sum(pss_kib(p) for p in lessons) / 1024 / n
        result["pss_server_mib"] = pss_kib(server.process.pid) / 1024
        result["pss_spawner_mib"] = pss_kib(spawner) / 1024
        before = cpu_ticks(pids)
        t0 = time.monotonic()
        await asyncio.sleep(args.idle)
        used = (cpu_ticks(pids) - before) / TICK
        result["idle_cpu_pct"] = 100 * used / (time.monotonic() - t0)
        if n >= 30 and args.presses > 0:
            result.update(await key_latency(students, server.process.pid, args))
        for s in students:
            s.conn.close()
    finally:
        server.stop()
    return result


async def key_latency(students: list, server_pid: int, args: argparse.Namespace) -> dict[str, object]:  # type: ignore[type-arg]
    trainers, measurers = students[: args.trainers], students[args.trainers : args.trainers + 10]
    for s in trainers:
        s.term.send("7")
    for s in trainers:
        await s.term.wait_text("7/8", 20)
        s.term.send("n")
    for s in trainers:
        await until(lambda s=s: "Train" in s.term.text(), 20, "the playground's train key")
        s.term.send("+" * 6)  # the fastest pace: trains as hard as it can (the default is paced for watching)
    stop = asyncio.Event()

    async def train(s) -> int:  # type: ignore[no-untyped-def]
        runs = 0
        while not stop.is_set():
            if "Training…" not in s.term.text():
                s.term.send("t")
                runs += 1
                await until(lambda: "Training…" in s.term.text() or stop.is_set(), 10, "a run to start")
            await asyncio.sleep(0.1)
        return runs

    async def measure(s) -> list[float]:  # type: ignore[no-untyped-def]
        times: list[float] = []
        step = 1
        for i in range(args.presses):
            await asyncio.sleep(random.uniform(0.15, 0.35))
            key, step = ("n", step + 1) if i % 2 == 0 else ("p", step - 1)
            sent = time.monotonic()
            s.term.send(key)
            await s.term.wait_text(f"Step {step} of")
            times.append(1000 * (time.monotonic() - sent))
        return times

    training = [asyncio.ensure_future(train(s)) for s in trainers]
    await asyncio.sleep(1)
    pids = tree(server_pid)
    ours, theirs, t0 = time.process_time(), cpu_ticks(pids), time.monotonic()
    front = cpu_ticks([server_pid])
    samples = [t for ts in await asyncio.gather(*(measure(s) for s in measurers)) for t in ts]
    seconds = time.monotonic() - t0
    ours, theirs = time.process_time() - ours, (cpu_ticks(pids) - theirs) / TICK
    front = (cpu_ticks([server_pid]) - front) / TICK
    stop.set()
    runs = await asyncio.gather(*training)
    samples.sort()
    return {
        "key_p50_ms": statistics.median(samples),
        "key_p95_ms": samples[int(0.95 * (len(samples) - 1))],
        "key_max_ms": samples[-1],
        "key_samples": len(samples),
        "training_runs": sum(runs),
        "load_server_cpu_pct": 100 * theirs / seconds,
        "load_ssh_process_cpu_pct": 100 * front / seconds,
        "load_clients_cpu_pct": 100 * ours / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="10,30,50", help="comma-separated student counts (default: 10,30,50)")
    parser.add_argument("--spawn", choices=("fork", "exec"), default="fork")
    parser.add_argument("--driver", choices=("quiet", "stock"), default="quiet")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement (default: 10)")
    parser.add_argument("--trainers", type=int, default=5, help="students training in the playground meanwhile (default: 5)")
    parser.add_argument(
        "--presses", type=int, default=20,
        help="timed key presses per measuring student; 0: no key latency (default: 20)",
    )
    args = parser.parse_args()
    print(f"spawn={args.spawn} driver={args.driver} cpus={os.cpu_count()} python={sys.version.split()[0]}")
    for n in (int(x) for x in args.sessions.split(",")):
        result = asyncio.run(run(n, args))
        print("  ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
