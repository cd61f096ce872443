"""Section 3's fixed words: the forward pass as the learner reads it, and the activation gallery."""

from __future__ import annotations

from dataclasses import dataclass

ANATOMY = (
    ("# layer 1: inputs → hidden", None),
    ("z1 = x · W1 + b1", "z1"),
    ("a1 = sigmoid(z1)", "a1"),
    ("# layer 2: hidden → output", None),
    ("z2 = a1 · W2 + b2", "z2"),
    ("output = z2          (a linear output)", "output"),
    ("# the loss", None),
    ("loss = 0.5 × (output − target)²", "loss"),
)
"""The forward pass as the learner reads it: (line, the step that reveals it)."""

NAMES = (
    "Names: a number with a layer index (z1, a1, W1) is that layer's whole vector or matrix; "
    "one neuron's value carries the neuron's name, so z1 = (z[h1], z[h2])."
)
"""The naming scheme, said where a layer's vector and its neurons' values first meet (sections 3 and 4)."""

FORWARD_STEPS = ("inputs", "z1", "a1", "z2", "output", "loss")


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    """One activation in the gallery: engine name, title, and what to notice."""

    name: str
    short: str
    title: str
    note: str


GALLERY = (
    GalleryEntry(
        "sigmoid",
        "Sigmoid",
        "Sigmoid  σ(z) = 1/(1 + e^−z)",
        "Squashes any input into (0, 1): smooth and easy to read as a probability. But its "
        "slope is never more than 0.25, so each sigmoid layer a gradient passes back through "
        "multiplies it by a σ′ ≤ 0.25 (and by that layer's weights). Ten σ′ factors alone leave "
        "at most a millionth.",
    ),
    GalleryEntry(
        "relu",
        "ReLU",
        "ReLU  max(0, z)",
        "Cheap, and its slope is exactly 1 for every positive input, so gradients pass "
        "through undiminished. For negative inputs the slope is 0: a unit stuck there for "
        "every input (a dead ReLU) gets no gradient for its own weights; only changes in the "
        "layers before it can bring it back.",
    ),
    GalleryEntry(
        "leaky_relu",
        "Leaky ReLU",
        "Leaky ReLU  z if z > 0, else 0.01·z",
        "ReLU with a small slope (0.01) for negative inputs, so no unit is ever completely "
        "cut off from the gradient.",
    ),
    GalleryEntry(
        "tanh",
        "tanh",
        "tanh(z)",
        "Like sigmoid but centred on zero, in (−1, 1). Its slope reaches 1 at z = 0, yet it "
        "still flattens out for large |z|: deep tanh nets can vanish too.",
    ),
    GalleryEntry(
        "gelu",
        "GELU",
        "GELU  z·Φ(z) (tanh form)",
        "A smooth ReLU used by transformers. It dips slightly below zero for negative "
        "inputs, and its slope changes gently instead of jumping at 0.",
    ),
    GalleryEntry(
        "silu",
        "SiLU",
        "SiLU  z·σ(z)",
        "Also a smooth ReLU (it is sigmoid times its input). Like GELU it has a small dip "
        "below zero; its slope slightly overshoots 1 before settling there.",
    ),
)
