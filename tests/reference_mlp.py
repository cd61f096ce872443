"""Independent scalar reference for ``backprop-tui trace``.

Pure Python, no numpy: a tiny reverse-mode autodiff on scalars (in the style of
micrograd) and a function that replays a whole trace run from the parameters
printed by the ``init`` event.  It is written from the command's contract only,
so that the tests compare two independent implementations.

Conventions (layer 0 is the input, layers are numbered 1..L)::

    z_l = a_{l-1} . W_l + b_l        W_l has shape (n_{l-1}, n_l)
    a_l = f_l(z_l)
    mse = sum 0.5 * (y - t)^2        (summed over the output neurons)
    bce = -sum [t * log(y) + (1 - t) * log(1 - y)]

A batch of n samples (the engine's ``MLP`` with 2-D inputs; the command itself
takes one sample) is scored by the mean of the per-sample losses,

    L = (1/n) * sum_s L_s,

and every gradient is of that mean.  Each sample gets its own scalar graph
over the same weight nodes, so dL/dW_l and dL/db_l add up over the samples
and dL/dz_l, dL/da_l of one sample are 1/n of that sample's own gradients.

With ``residual=True`` a hidden layer whose width equals its input's adds its
input to its output, a_l = f_l(z_l) + a_{l-1} (never the output layer).
"""

from __future__ import annotations

import math

GELU_K = math.sqrt(2.0 / math.pi)
LEAKY_SLOPE = 0.01


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _sigmoid(x: float) -> float:
    """sigmoid(x) = 1 / (1 + e^-x), evaluated without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + _exp(-x))
    e = _exp(x)
    return e / (1.0 + e)


class Value:
    """A scalar in a computation graph.

    ``parents`` holds ``(child, local)`` pairs where ``local`` is the partial
    derivative of this node with respect to ``child``; ``backward`` applies the
    chain rule ``child.grad += local * node.grad`` in reverse topological order.
    """

    __slots__ = ("data", "grad", "parents")

    def __init__(self, data: float, parents: tuple = ()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents

    @staticmethod
    def lift(x) -> Value:
        return x if isinstance(x, Value) else Value(x)

    # d(u+v)/du = 1, d(u+v)/dv = 1
    def __add__(self, other):
        other = Value.lift(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__

    # d(uv)/du = v, d(uv)/dv = u
    def __mul__(self, other):
        other = Value.lift(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-Value.lift(other))

    def __rsub__(self, other):
        return Value.lift(other) + (-self)

    # d(u^k)/du = k u^(k-1), k a constant
    def __pow__(self, k: float):
        try:
            out, local = self.data**k, k * self.data ** (k - 1)
        except (OverflowError, ZeroDivisionError):
            out = local = math.inf
        return Value(out, ((self, local),))

    def __truediv__(self, other):
        return self * Value.lift(other) ** -1

    def __rtruediv__(self, other):
        return Value.lift(other) * self**-1

    # d(e^u)/du = e^u
    def exp(self):
        e = _exp(self.data)
        return Value(e, ((self, e),))

    # d(log u)/du = 1/u
    def log(self):
        d = self.data
        out = math.log(d) if d > 0 else (-math.inf if d == 0 else math.nan)
        return Value(out, ((self, 1.0 / d if d != 0 else math.inf),))

    # d(tanh u)/du = 1 - tanh(u)^2
    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, ((self, 1.0 - t * t),))

    # sigmoid' = s (1 - s)
    def sigmoid(self):
        s = _sigmoid(self.data)
        return Value(s, ((self, s * (1.0 - s)),))

    # relu' = 1 if z > 0 else 0
    def relu(self):
        z = self.data
        return Value(z if z > 0 else 0.0, ((self, 1.0 if z > 0 else 0.0),))

    # leaky_relu(z) = z if z > 0 else 0.01 z; derivative 1 if z > 0 else 0.01
    def leaky_relu(self):
        z = self.data
        pos = z > 0
        return Value(z if pos else LEAKY_SLOPE * z, ((self, 1.0 if pos else LEAKY_SLOPE),))

    def gelu(self):
        """gelu(z) = 0.5 z (1 + tanh u), u = k (z + 0.044715 z^3), k = sqrt(2/pi).

        gelu'(z) = 0.5 (1 + tanh u) + 0.5 z (1 - tanh^2 u) k (1 + 3 * 0.044715 z^2)
        """
        z = self.data
        t = math.tanh(GELU_K * (z + 0.044715 * z * z * z))
        local = 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_K * (1.0 + 3 * 0.044715 * z * z)
        return Value(0.5 * z * (1.0 + t), ((self, local),))

    # silu(z) = z s(z); silu' = s + z s (1 - s) = s (1 + z (1 - s))
    def silu(self):
        z = self.data
        s = _sigmoid(z)
        return Value(z * s, ((self, s * (1.0 + z * (1.0 - s))),))

    # linear(z) = z; derivative 1
    def linear(self):
        return Value(self.data, ((self, 1.0),))

    def backward(self) -> None:
        """Set self.grad = 1 and accumulate d(self)/d(node) into every node.grad."""
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for child, _ in node.parents:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in node.parents:
                child.grad += local * node.grad


def loss_value(y: list[Value], target: list[float], loss: str) -> Value:
    """mse = sum 0.5 (y - t)^2;  bce = -sum [t log y + (1 - t) log(1 - y)]."""
    if loss == "mse":
        return sum((0.5 * (yi - ti) ** 2 for yi, ti in zip(y, target)), Value(0.0))
    if loss == "bce":
        terms = (ti * yi.log() + (1.0 - ti) * (1.0 - yi).log() for yi, ti in zip(y, target))
        return -sum(terms, Value(0.0))
    raise ValueError(f"unknown loss {loss!r}")


class Optimizer:
    """PyTorch-default optimisers on a flat list of parameters (t = step number).

    sgd      p -= lr g
    momentum buf = g (t = 1) else 0.9 buf + g;  p -= lr buf
    rmsprop  v = 0.99 v + 0.01 g^2;  p -= lr g / (sqrt(v) + 1e-8)
    adam     m = 0.9 m + 0.1 g;  v = 0.999 v + 0.001 g^2;
             p -= lr m_hat / (sqrt(v_hat) + 1e-8),  m_hat = m / (1 - 0.9^t),  v_hat = v / (1 - 0.999^t)
    """

    def __init__(self, name: str, lr: float, size: int):
        if name not in ("sgd", "momentum", "rmsprop", "adam"):
            raise ValueError(f"unknown optimizer {name!r}")
        self.name, self.lr, self.t = name, lr, 0
        self.m = [0.0] * size
        self.v = [0.0] * size

    def step(self, params: list[float], grads: list[float]) -> list[float]:
        self.t += 1
        lr, t, out = self.lr, self.t, []
        for k, (p, g) in enumerate(zip(params, grads)):
            if self.name == "sgd":
                p -= lr * g
            elif self.name == "momentum":
                self.m[k] = g if t == 1 else 0.9 * self.m[k] + g
                p -= lr * self.m[k]
            elif self.name == "rmsprop":
                self.v[k] = 0.99 * self.v[k] + 0.01 * g * g
                p -= lr * g / (math.sqrt(self.v[k]) + 1e-8)
            else:
                self.m[k] = 0.9 * self.m[k] + 0.1 * g
                self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
                m_hat = self.m[k] / (1 - 0.9**t)
                v_hat = self.v[k] / (1 - 0.999**t)
                p -= lr * m_hat / (math.sqrt(v_hat) + 1e-8)
            out.append(p)
        return out


def _num(x: float):
    """JSON view of a float: NaN and infinities become None (null)."""
    return x if math.isfinite(x) else None


def _data(values) -> list:
    return [_num(v.data) for v in values]


def _grads(values) -> list:
    return [_num(v.grad) for v in values]


def _rows(values_per_sample, batch: bool, view) -> list:
    """One row per sample for a batch, or the lone sample's row."""
    rows = [view(v) for v in values_per_sample]
    return rows if batch else rows[0]


def reference_trace(params, layers, activations, loss, x, target, lr, steps,
                    optimizer="sgd", clip=None, l2=None, residual=False) -> list[dict]:
    """Events (without ``init``) that ``backprop-tui trace`` prints for a run.

    ``params`` is the ``init`` event's list of ``{"W": n_{l-1} x n_l, "b": n_l}``.
    ``x`` and ``target`` are one sample (flat lists), or a batch: lists of
    per-sample rows, in which case every per-neuron field (z, a, prediction,
    target, dL_da, dL_dz) is a list of rows and the loss is the mean over the
    samples (see the module docstring).
    Per step: forward (layers 1..L), loss, backward (L..1, plain loss gradients),
    update (1..L).  The update uses g_W + l2 W for weights (biases unchanged),
    then clips the global norm like torch's clip_grad_norm_
    (coef = clip / (||g|| + 1e-6), applied when coef < 1), then the optimiser.
    A non-finite loss marks the loss event ``"diverged": true`` and stops the run.
    """
    W = [[[float(w) for w in row] for row in p["W"]] for p in params]
    b = [[float(v) for v in p["b"]] for p in params]
    assert len(W) == len(activations) == len(layers) - 1
    for l, (Wl, bl) in enumerate(zip(W, b)):
        assert len(Wl) == layers[l] and all(len(r) == layers[l + 1] for r in Wl)
        assert len(bl) == layers[l + 1]
    batch = bool(x) and isinstance(x[0], (list, tuple))
    xs = [[float(v) for v in row] for row in x] if batch else [[float(v) for v in x]]
    ts = [[float(v) for v in row] for row in target] if batch else [[float(v) for v in target]]
    n = len(xs)
    assert n >= 1 and len(ts) == n
    assert all(len(r) == layers[0] for r in xs) and all(len(r) == layers[-1] for r in ts)
    depth = len(activations)
    skips = [residual and l < depth - 1 and layers[l] == layers[l + 1] for l in range(depth)]
    opt = Optimizer(optimizer, lr, sum(k * m + m for k, m in zip(layers, layers[1:])))
    events: list[dict] = []
    for step in range(1, steps + 1):
        Wv = [[[Value(w) for w in row] for row in Wl] for Wl in W]
        bv = [[Value(v) for v in bl] for bl in b]
        # zs[s][l], acts[s][l]: sample s, layer l + 1
        zs: list[list[list[Value]]] = [[] for _ in range(n)]
        acts: list[list[list[Value]]] = [[] for _ in range(n)]
        for s, xrow in enumerate(xs):
            a = [Value(v) for v in xrow]
            for l, act in enumerate(activations):
                z = [sum((a[i] * Wv[l][i][j] for i in range(len(a))), bv[l][j])
                     for j in range(len(bv[l]))]
                f = [getattr(zj, act)() for zj in z]
                a = [fj + aj for fj, aj in zip(f, a)] if skips[l] else f
                zs[s].append(z)
                acts[s].append(a)
        for l in range(depth):
            events.append({"event": "forward", "step": step, "layer": l + 1,
                           "z": _rows((zs[s][l] for s in range(n)), batch, _data),
                           "a": _rows((acts[s][l] for s in range(n)), batch, _data)})
        per_sample = [loss_value(acts[s][-1], ts[s], loss) for s in range(n)]
        L = per_sample[0] if n == 1 else sum(per_sample[1:], per_sample[0]) * (1.0 / n)
        ev = {"event": "loss", "step": step,
              "prediction": _rows((acts[s][-1] for s in range(n)), batch, _data),
              "target": ts if batch else ts[0], "loss": _num(L.data)}
        events.append(ev)
        if not math.isfinite(L.data):
            ev["diverged"] = True
            break
        L.backward()
        for l in reversed(range(depth)):
            events.append({"event": "backward", "step": step, "layer": l + 1,
                           "dL_da": _rows((acts[s][l] for s in range(n)), batch, _grads),
                           "dL_dz": _rows((zs[s][l] for s in range(n)), batch, _grads),
                           "dL_dW": [_grads(row) for row in Wv[l]], "dL_db": _grads(bv[l])})
        # Flatten (W row-major, then b, per layer), add L2, clip, step.
        flat_p, flat_g = [], []
        for l in range(len(W)):
            for i, row in enumerate(W[l]):
                for j, w in enumerate(row):
                    flat_p.append(w)
                    flat_g.append(Wv[l][i][j].grad + (l2 * w if l2 else 0.0))
            flat_p.extend(b[l])
            flat_g.extend(v.grad for v in bv[l])
        if clip is not None:
            coef = clip / (math.sqrt(sum(g * g for g in flat_g)) + 1e-6)
            if coef < 1:
                flat_g = [g * coef for g in flat_g]
        it = iter(opt.step(flat_p, flat_g))
        for l in range(len(W)):
            W[l] = [[next(it) for _ in row] for row in W[l]]
            b[l] = [next(it) for _ in b[l]]
        for l in range(len(W)):
            events.append({"event": "update", "step": step, "layer": l + 1,
                           "W": [[_num(w) for w in row] for row in W[l]],
                           "b": [_num(v) for v in b[l]]})
    return events
