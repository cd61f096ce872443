"""Activation functions, each with its derivative right beside it.

Every activation is an :class:`Activation`: ``f(z)`` gives the value and
``df(z, a)`` gives ``da/dz`` at the same point. ``df`` receives both the
pre-activation ``z`` and the already computed ``a = f(z)`` because several
derivatives are cheapest in terms of the output (``sigmoid′ = a·(1 − a)``).

The functions work elementwise on numpy arrays of any shape. Callers that may
overflow (a huge ``z`` in ``exp``) wrap them in ``np.errstate``; the results
are still the correct limits (``sigmoid(−1000) = 0``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.names import ACTIVATION_NAMES

Array = np.ndarray

LEAKY_SLOPE = 0.01
"""The slope of leaky_relu for negative inputs."""

_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


@dataclass(frozen=True, slots=True)
class Activation:
    """One activation function and its derivative.

    Attributes:
        name: the id used on the command line and in traces.
        formula: the function, as a learner reads it.
        derivative: the derivative, as a learner reads it.
        f: ``z -> a``.
        df: ``(z, a) -> da/dz``.
    """

    name: str
    formula: str
    derivative: str
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z))."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: Array, a: Array) -> Array:
    """σ′(z) = σ(z)·(1 − σ(z)); never more than 0.25."""
    return a * (1.0 - a)


def tanh(z: Array) -> Array:
    """tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: Array, a: Array) -> Array:
    """tanh′(z) = 1 − tanh(z)²."""
    return 1.0 - a * a


def relu(z: Array) -> Array:
    """max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0 (0 at the kink z = 0, as PyTorch does)."""
    return (z > 0.0).astype(z.dtype)


def leaky_relu(z: Array) -> Array:
    """z where z > 0, else 0.01·z."""
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0.01."""
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def gelu(z: Array) -> Array:
    """The tanh approximation: 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))."""
    return 0.5 * z * (1.0 + np.tanh(_GELU_K * (z + _GELU_C * z * z * z)))


def gelu_prime(z: Array, a: Array) -> Array:
    """0.5·(1 + t) + 0.5·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²), t = tanh(…)."""
    t = np.tanh(_GELU_K * (z + _GELU_C * z * z * z))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_K * (1.0 + 3.0 * _GELU_C * z * z)


def silu(z: Array) -> Array:
    """z·σ(z)."""
    return z / (1.0 + np.exp(-z))


def silu_prime(z: Array, a: Array) -> Array:
    """σ(z)·(1 + z·(1 − σ(z)))."""
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 + z * (1.0 - s))


def linear(z: Array) -> Array:
    """z itself (no activation)."""
    return z


def linear_prime(z: Array, a: Array) -> Array:
    """1 everywhere."""
    return np.ones_like(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", "σ(z) = 1/(1+e^−z)", "σ(z)·(1−σ(z))", sigmoid, sigmoid_prime),
        Activation("tanh", "tanh(z)", "1 − tanh(z)²", tanh, tanh_prime),
        Activation("relu", "max(0, z)", "1 if z > 0 else 0", relu, relu_prime),
        Activation(
            "leaky_relu", "z if z > 0 else 0.01·z", "1 if z > 0 else 0.01", leaky_relu, leaky_relu_prime
        ),
        Activation("gelu", "0.5·z·(1+tanh(√(2/π)(z+0.044715z³)))", "½(1+t) + ½z(1−t²)·√(2/π)(1+3·0.044715z²)", gelu, gelu_prime),
        Activation("silu", "z·σ(z)", "σ(z)·(1 + z·(1−σ(z)))", silu, silu_prime),
        Activation("linear", "z", "1", linear, linear_prime),
    )
}
"""Every activation by name, in the order the lesson presents them."""

assert tuple(ACTIVATIONS) == ACTIVATION_NAMES


def get_activation(name: str) -> Activation:
    """The activation called ``name``; ``ValueError`` naming the choices otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        choices = ", ".join(ACTIVATION_NAMES)
        raise ValueError(f"unknown activation {name!r} (choose from {choices})") from None
