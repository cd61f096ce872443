"""``backprop-tui trace``: the engine's events for some training steps, as JSON Lines (DESIGN §6).

The arguments are parsed and checked one by one by :mod:`backprop_tui.cli`; what is checked here
is how they fit together, each error naming the argument at fault (exit status 2, one line).
"""

from __future__ import annotations

import argparse
import sys

from backprop_tui.engine.presets import LESSON_LAYERS

MAX_TRACE_NUMBERS = 50_000_000
"""The most numbers one trace may print (about 1 GB of text, a minute of output): a guard against absurd runs."""


def _check_trace(args: argparse.Namespace) -> None:
    """Errors between arguments, each naming the argument at fault."""
    p: argparse.ArgumentParser = args.parser
    n_in, n_out = args.layers[0], args.layers[-1]
    if args.init == "lesson" and args.layers != LESSON_LAYERS:
        shape = ",".join(map(str, LESSON_LAYERS))
        p.error(f"argument --init: lesson only fits --layers {shape} (choose xavier, he, normal or uniform)")
    if args.loss == "bce" and args.output != "sigmoid":
        p.error(f"argument --loss: bce needs --output sigmoid, not {args.output}")
    for option, values, n, layer in (("--input", args.input, n_in, "input"), ("--target", args.target, n_out, "output")):
        if len(values) != n:
            s = "s" if n > 1 else ""
            p.error(f"argument {option}: needs {n} number{s} (the {layer} layer's size), got {len(values)}")
    if args.loss == "bce" and any(not 0.0 <= t <= 1.0 for t in args.target):
        p.error("argument --target: bce targets must lie between 0 and 1")
    sizes = args.layers
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    per_step = 2 * params + 4 * sum(sizes[1:])  # gradients and new values; z, a, dL_da, dL_dz
    if per_step * args.steps > MAX_TRACE_NUMBERS:
        most = max(1, MAX_TRACE_NUMBERS // per_step)
        too_many = f"{args.steps} steps of this network would print over {MAX_TRACE_NUMBERS:,} numbers"
        p.error(f"argument --steps: {too_many}; at most {most} here")


def run_trace(args: argparse.Namespace) -> int:
    """Print the events of ``args.steps`` training steps as JSON Lines."""
    _check_trace(args)
    import numpy as np

    from backprop_tui.engine import MLP, make_optimizer

    net = MLP(args.layers, args.activation, args.output, args.loss, args.init, args.seed)
    opt = make_optimizer(args.optimizer, args.lr, l2=args.l2, clip=args.clip)
    x = np.array(args.input, dtype=float)
    t = np.array(args.target, dtype=float)
    write = sys.stdout.write
    write(net.init_event().to_json() + "\n")
    for _ in range(args.steps):
        write("".join(event.to_json() + "\n" for event in net.train_step(x, t, opt)))
        if net.diverged:
            break
    sys.stdout.flush()
    return 0
