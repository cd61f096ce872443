"""A multilayer perceptron whose forward, backward and update yield events.

Layers are numbered 1..L (layer 0 is the input). Layer l has weights ``W``
of shape (n_{l−1}, n_l), biases ``b`` of shape (n_l,), and computes, for a
batch ``a_{l−1}`` of shape (samples, n_{l−1}):

    z_l = a_{l−1}·W_l + b_l        a_l = f_l(z_l)

The loss averages over the samples (see :mod:`.losses`). Backward, from the
top: ``dL/da_L`` comes from the loss, and for each layer

    dL/dz_l = dL/da_l ⊙ f_l′(z_l)
    dL/dW_l = a_{l−1}ᵀ · dL/dz_l
    dL/db_l = Σ_samples dL/dz_l
    dL/da_{l−1} = dL/dz_l · W_lᵀ

Residual (skip) connections, off by default (``MLP(..., residual=True)``):
every *hidden* layer whose input and output widths match (n_{l−1} = n_l)
adds its input to its output, and its gradient flows back along the skip
unchanged as well as through the layer:

    a_l = f_l(z_l) + a_{l−1}
    dL/dz_l = dL/da_l ⊙ f_l′(z_l)                (f′ at z_l, as without the skip)
    dL/da_{l−1} = dL/dz_l · W_lᵀ + dL/da_l

The output layer never has a skip, nor does a layer that changes the width.
The events are the same kinds with the same fields: a skip layer's forward
``a`` is the sum ``f(z) + a_prev`` that the next layer reads, and its
backward ``dL_da`` is the gradient of that sum. With ``residual`` off every
number is computed exactly as before it existed.

Nothing here raises on a blow-up: a loss or parameter that stops being
finite is reported as ``diverged`` on the loss event.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

from backprop_tui.engine import presets
from backprop_tui.engine.activations import Activation, get_activation
from backprop_tui.engine.events import (
    BackwardEvent,
    EngineEvent,
    ForwardEvent,
    InitEvent,
    LayerParams,
    LossEvent,
    UpdateEvent,
)
from backprop_tui.engine.init import check_sizes, init_params
from backprop_tui.engine.losses import get_loss
from backprop_tui.engine.names import OUTPUT_ACTIVATIONS
from backprop_tui.engine.optim import Optimizer

Array = np.ndarray


def _frozen(arr: Array) -> Array:
    """``arr``, marked read-only: what the engine hands out, nobody changes."""
    arr.setflags(write=False)
    return arr


class MLP:
    """A fully connected network of any depth (1–32 layers, 1–1024 neurons each).

    Args:
        sizes: neurons per layer, input first (e.g. ``(2, 2, 1)``).
        activation: the hidden layers' activation.
        output: the output layer's activation (``linear`` or ``sigmoid``).
        loss: ``mse`` or ``bce`` (bce needs a sigmoid output).
        init: one of :data:`INITS`.
        seed: seeds the initialisation; the same seed gives the same weights.
        activations: one activation per layer 1..L, overriding ``activation``
            and ``output`` (the last one must still be an output activation).
        residual: skip connections around every hidden layer whose input and
            output widths match, ``a_l = f(z_l) + a_{l−1}`` (see the module docstring).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output: str = "linear",
        loss: str = "mse",
        init: str = "xavier",
        seed: int = 0,
        *,
        activations: Sequence[str] | None = None,
        residual: bool = False,
    ) -> None:
        self.sizes = check_sizes(sizes)
        names = list(activations) if activations is not None else [activation] * (len(self.sizes) - 2) + [output]
        if len(names) != len(self.sizes) - 1:
            raise ValueError(f"need {len(self.sizes) - 1} activations, got {len(names)}")
        self.activations: tuple[Activation, ...] = tuple(get_activation(n) for n in names)
        if names[-1] not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"the output activation must be one of {', '.join(OUTPUT_ACTIVATIONS)}, not {names[-1]!r}")
        self.loss = get_loss(loss)
        if self.loss.requires_output and names[-1] != self.loss.requires_output:
            raise ValueError(f"{self.loss.name} needs a {self.loss.requires_output} output, not {names[-1]}")
        self.init = init
        self.seed = int(seed)
        self.residual = bool(residual)
        """Whether hidden layers of unchanged width have skip connections."""
        last = len(self.sizes) - 1
        self.skips: tuple[bool, ...] = tuple(
            self.residual and l < last and self.sizes[l - 1] == self.sizes[l] for l in range(1, last + 1)
        )
        """For layer 1..L (index l − 1): whether it adds its input to its output, ``a_l = f(z_l) + a_{l−1}``."""
        self.W: list[Array] = []
        self.b: list[Array] = []
        self.set_params(init_params(self.sizes, init, self.seed))
        self.step = 0
        """How many updates the network has had."""
        self._x: Array | None = None  # the last forward pass, kept for backward
        self._t: Array | None = None
        self._zs: list[Array] = []
        self._as: list[Array] = []
        self._fs: list[Array] = []  # f(z) of each layer: a itself unless the layer has a skip
        self._single = False
        self._forward_done = False
        self._grads: list[Array] | None = None
        self._checked_inputs: tuple[object, object] | None = None
        self.last_loss = math.nan
        """The loss of the last complete forward pass (NaN before any)."""
        self.diverged = False
        """True once a loss or a parameter has stopped being finite."""

    # -- parameters -------------------------------------------------------------

    @property
    def depth(self) -> int:
        """The number of weight layers L."""
        return len(self.W)

    def set_params(self, params: Sequence[tuple[Array, Array]]) -> None:
        """Replace every ``(W, b)`` (copied, checked against the sizes)."""
        if len(params) != len(self.sizes) - 1:
            raise ValueError(f"need parameters for {len(self.sizes) - 1} layers, got {len(params)}")
        W_list, b_list = [], []
        for l, (W, b) in enumerate(params, start=1):
            W = np.array(W, dtype=float)
            b = np.array(b, dtype=float)
            if W.shape != (self.sizes[l - 1], self.sizes[l]) or b.shape != (self.sizes[l],):
                raise ValueError(f"layer {l}: W must be {self.sizes[l - 1]}×{self.sizes[l]} and b {self.sizes[l]}")
            W_list.append(_frozen(W))
            b_list.append(_frozen(b))
        self.W, self.b = W_list, b_list
        self.diverged = not all(np.isfinite(p).all() for p in W_list + b_list)
        self._forward_done = False
        self._grads = None

    def params(self) -> list[Array]:
        """Every parameter in update order: ``W1, b1, W2, b2, …`` (read-only arrays)."""
        out: list[Array] = []
        for W, b in zip(self.W, self.b):
            out += (W, b)
        return out

    def init_event(self) -> InitEvent:
        """The network as it stands, as an ``init`` event."""
        return InitEvent(
            layers=self.sizes,
            activations=tuple(a.name for a in self.activations),
            loss=self.loss.name,
            params=tuple(LayerParams(W, b) for W, b in zip(self.W, self.b)),
        )

    # -- the three phases -----------------------------------------------------

    def _as_batch(self, x: Array | Sequence[float], t: Array | Sequence[float]) -> tuple[Array, Array, bool]:
        xa = np.asarray(x, dtype=float)
        ta = np.asarray(t, dtype=float)
        single = xa.ndim == 1
        if single:
            xa = xa.reshape(1, -1)
            ta = ta.reshape(1, -1)
        checked = self._checked_inputs
        if checked is None or checked[0] is not x or checked[1] is not t:
            n_in, n_out = self.sizes[0], self.sizes[-1]
            if xa.ndim != 2 or xa.shape[1] != n_in:
                raise ValueError(f"the input needs {n_in} value{'s' if n_in > 1 else ''} per sample")
            if ta.shape != (xa.shape[0], n_out):
                raise ValueError(f"the target needs {n_out} value{'s' if n_out > 1 else ''} per sample")
            if not (np.isfinite(xa).all() and np.isfinite(ta).all()):
                raise ValueError("inputs and targets must be finite numbers")
            if self.loss.name == "bce" and ((ta < 0).any() or (ta > 1).any()):
                raise ValueError("bce targets must lie between 0 and 1")
            if isinstance(x, np.ndarray) and isinstance(t, np.ndarray):
                self._checked_inputs = (x, t)
        return xa, ta, single

    # Each phase computes all its layers at once, inside one np.errstate (so an
    # overflow is a number, not a warning), and then hands its events out one by
    # one: a consumer that stops half way never leaves numpy's error state changed.

    def forward(self, x: Array | Sequence[float], t: Array | Sequence[float]) -> Iterator[ForwardEvent | LossEvent]:
        """Run the network on ``x`` (one sample, or rows of samples) and score it against ``t``.

        Yields a :class:`ForwardEvent` per layer 1..L, then a :class:`LossEvent`.
        """
        with np.errstate(all="ignore"):
            events = self._forward(x, t)
        yield from events

    def backward(self) -> Iterator[BackwardEvent]:
        """Backpropagate the last forward pass's loss; a :class:`BackwardEvent` per layer L..1.

        ``dL_da`` of the top layer is the loss's ∂L/∂ŷ; below it, ``dL_da`` is
        the layer above's ``dL_dz · Wᵀ``. Gradients are of the batch-mean loss.
        """
        with np.errstate(all="ignore"):
            events = self._backward()
        yield from events

    def update(self, optimizer: Optimizer) -> Iterator[UpdateEvent]:
        """Apply ``optimizer`` to the last backward pass's gradients; an :class:`UpdateEvent` per layer 1..L."""
        with np.errstate(all="ignore"):
            events = self._update(optimizer)
        yield from events

    def train_step(
        self, x: Array | Sequence[float], t: Array | Sequence[float], optimizer: Optimizer
    ) -> Iterator[EngineEvent]:
        """One whole step: forward, loss, backward, update. Stops after the loss event if it diverged."""
        with np.errstate(all="ignore"):
            events: list[EngineEvent] = [*self._forward(x, t)]
            if not self.diverged:
                events += self._backward()
                events += self._update(optimizer)
        yield from events

    def _forward(self, x: Array | Sequence[float], t: Array | Sequence[float]) -> list[ForwardEvent | LossEvent]:
        xa, ta, single = self._as_batch(x, t)
        step = self.step + 1
        self._forward_done = False
        self._grads = None
        zs: list[Array] = []
        acts: list[Array] = []
        fs: list[Array] = []
        events: list[ForwardEvent | LossEvent] = []
        a = z = xa
        for l, (z, f, a) in enumerate(self._layers(xa), start=1):
            for arr in (z, f, a):
                _frozen(arr)
            zs.append(z)
            acts.append(a)
            fs.append(f)
            events.append(ForwardEvent(step, l, z[0] if single else z, a[0] if single else a))
        loss = self.loss.value(a, z, ta)
        self._x, self._t, self._zs, self._as, self._single = xa, _frozen(ta), zs, acts, single
        self._fs = fs
        self.last_loss = loss
        if not math.isfinite(loss):
            self.diverged = True
        self._forward_done = True
        events.append(LossEvent(step, a[0] if single else a, ta[0] if single else ta, loss, self.diverged))
        return events

    def _backward(self) -> list[BackwardEvent]:
        if not self._forward_done:
            raise RuntimeError("backward() needs a complete forward() first")
        single = self._single
        zs, acts, fs, t, x = self._zs, self._as, self._fs, self._t, self._x
        assert t is not None and x is not None
        n = x.shape[0]
        L = self.depth
        step = self.step + 1
        grads: list[Array] = [None] * (2 * L)  # type: ignore[list-item]
        events: list[BackwardEvent] = []
        y, z = acts[-1], zs[-1]
        dL_da = self.loss.dL_dy(y, z, t)
        if n != 1:
            dL_da = dL_da / n
        for l in range(L, 0, -1):
            act = self.activations[l - 1]
            z, f = zs[l - 1], fs[l - 1]
            if l == L and self.loss.dL_dz is not None:
                dL_dz = self.loss.dL_dz(y, z, t)
                if n != 1:
                    dL_dz = dL_dz / n
            elif act.name == "linear":
                dL_dz = dL_da
            else:
                dL_dz = dL_da * act.df(z, f)
            a_prev = acts[l - 2] if l > 1 else x
            dL_dW = _frozen(a_prev.T @ dL_dz)
            dL_db = _frozen(dL_dz.sum(axis=0))
            grads[2 * l - 2] = dL_dW
            grads[2 * l - 1] = dL_db
            events.append(
                BackwardEvent(step, l, dL_da[0] if single else dL_da, dL_dz[0] if single else dL_dz, dL_dW, dL_db)
            )
            if l > 1:
                through = dL_dz @ self.W[l - 1].T
                dL_da = through + dL_da if self.skips[l - 1] else through  # a skip hands dL/da_l down as well
        self._grads = grads
        return events

    def _update(self, optimizer: Optimizer) -> list[UpdateEvent]:
        if self._grads is None:
            raise RuntimeError("update() needs a complete backward() first")
        new = optimizer.step(self.params(), self._grads)
        self._grads = None
        self._forward_done = False
        self.step += 1
        self.W = [_frozen(p) for p in new[0::2]]
        self.b = [_frozen(p) for p in new[1::2]]
        # One sum per array: NaN and ±∞ survive a sum (so do values near 1e308, fairly called diverged).
        if not math.isfinite(sum(float(p.sum()) for p in new)):
            self.diverged = True
        return [UpdateEvent(self.step, l, W, b) for l, (W, b) in enumerate(zip(self.W, self.b), start=1)]

    def _layers(self, a: Array) -> Iterator[tuple[Array, Array, Array]]:
        """The forward pass itself, layer by layer from the batch ``a``: each layer's ``(z, f(z), a)``.

        ``a`` is ``f(z) + a_prev`` on a skip layer, ``f(z)`` itself otherwise. Call inside ``np.errstate``.
        """
        for W, b, act, skip in zip(self.W, self.b, self.activations, self.skips):
            z = a @ W + b
            f = act.f(z)
            a = f + a if skip else f
            yield z, f, a

    # -- without events (finite differences, quick evaluation) ---------------

    def predict(self, x: Array | Sequence[float]) -> Array:
        """The network's output for ``x`` (same dimensionality as ``x``); no events, no state change."""
        xa = np.asarray(x, dtype=float)
        a = xa.reshape(1, -1) if xa.ndim == 1 else xa
        with np.errstate(all="ignore"):
            *_, (_z, _f, y) = self._layers(a)
        return y[0] if xa.ndim == 1 else y

    def loss_at(self, x: Array | Sequence[float], t: Array | Sequence[float]) -> float:
        """The loss for ``x`` and ``t`` with the current parameters; no events, no state change."""
        xa, ta, _ = self._as_batch(x, t)
        with np.errstate(all="ignore"):
            *_, (z, _f, y) = self._layers(xa)
            return self.loss.value(y, z, ta)

    def gradients(self, x: Array | Sequence[float], t: Array | Sequence[float]) -> list[Array]:
        """``[dL/dW1, dL/db1, …]`` for ``x`` and ``t`` (runs forward and backward, drops the events)."""
        for _ in self.forward(x, t):
            pass
        for _ in self.backward():
            pass
        assert self._grads is not None
        return list(self._grads)


def lesson_network() -> MLP:
    """The 2-2-1 lesson network of :mod:`.presets` with its fixed weights."""
    return MLP(presets.LESSON_LAYERS, activation="sigmoid", output="linear", loss="mse", init="lesson")
