"""Section 4's words: reading what a learner typed in an answer box, what blamed and praised mean,
the brute-force check, the matrix step, the nudge on the bars step and what the "keep training"
run did. (The exercises' own words are in :mod:`backprop_tui.lesson.exercises`.)"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from backprop_tui.renderables.numbers import MINUS, format_number, format_setting

if TYPE_CHECKING:
    from backprop_tui.models.lesson import LessonRun, Nudge


def parse_answer(text: str) -> float | str:
    """The number the learner typed, or a one-line reason it is not one."""
    cleaned = text.strip().replace(MINUS, "-").replace(",", ".").replace(" ", "")
    if not cleaned:
        return "Type a number first, for example -0.0123."
    try:
        value = float(cleaned)
    except ValueError:
        return f"“{text.strip()[:20]}” is not a number I can read; type something like -0.0123."
    if not math.isfinite(value):
        return "That is not a finite number: type an ordinary one, such as -0.0123."
    return value


LEGEND = (
    "Names: x1, x2 are the inputs and h1, h2 the hidden neurons; z[h1] is h1's weighted sum and "
    "a[h1] = σ(z[h1]) its output; ŷ is the prediction. (Section 3's vectors: z1 = (z[h1], z[h2]).)"
)
"""Section 4's names for single neurons, the scheme section 3 introduced."""

TRAIN_KEYS = "   t: 10 more steps   r: start again   +/-: another α (starts again)"
TRAIN_HINT = "Press t to train. Each step repeats forward, backward and update."
TRAIN_ADVICE = {
    "crawling": "The loss hardly ever stepped up, but it is still above a tenth of its start: α is too small to get "
                "far; try + for a larger one.",
    "converging": "The loss fell below a tenth of its start, hardly ever stepping up on the way: this α suits this "
                  "network.",
    "overshooting": "On the way, the loss went up: α is big enough to jump past the bottom.",
    "diverging": "The loss ended far above its start: this α is far too large; press - for a smaller one.",
}
"""What a run labelled by section 5's rules means here, and what to try (the label's heading comes first)."""


def train_caption(run: LessonRun, blowup: float) -> str:
    """What the run did: section 5's heading for its label, the numbers, and what to try next."""
    from backprop_tui.lesson.learning_rate import HEADINGS

    f = format_number
    first, last = run.losses[0], run.losses[-1]
    steps = f"{run.steps} step{'' if run.steps == 1 else 's'}"
    if not run.diverged:
        exactly = " exactly" if last == 0 else ""  # ŷ equals the target to the last bit a float keeps
        facts = f"After {steps}: loss {f(last)}{exactly} (it started at {f(first)})."
    elif math.isfinite(last):
        times = "a million" if blowup == 1e6 else format_setting(blowup)
        facts = f"After {steps} the loss was {f(last)}, over {times} times its start of {f(first)}: the run was stopped."
    else:
        facts = f"After {steps} the loss was no longer a finite number (the numbers ran away): the run was stopped."
    return f"{HEADINGS[run.label]}. {facts} {TRAIN_ADVICE[run.label]}"


DIRECTION = {"blamed": "lower it", "praised": "raise it", "no blame": "leave it"}
"""What each word on a gradient bar means for the weight, under gradient descent (new = old − α·∂L/∂w)."""

BLAME = (
    "blamed: ∂L/∂w > 0, raising the weight would raise the loss, so gradient descent lowers it. "
    "praised: ∂L/∂w < 0, so it raises it. The bar's length is the gradient's size."
)
"""The bars' words explained, where every bar is shown."""


def blame_note(name: str, gradient: float) -> str:
    """What the word on ``name``'s bar means for ``name``, said on the first bar of the section."""
    if gradient < 0:
        return f"praised: ∂L/∂{name} < 0, a larger {name} gives a lower loss, so descent raises {name}."
    return f"blamed: ∂L/∂{name} > 0, a larger {name} gives a higher loss, so descent lowers {name}."


def fd_note(name: str, h: float) -> str:
    """The brute-force check explained where its first ``FD`` value appears (on ``name``'s bar)."""
    return (
        f"FD (finite differences), by brute force: run forward with {name} + h and {name} − h (h = {format_setting(h)}), "
        "then (L₊ − L₋)/2h. It agrees; backprop gets all nine gradients from one backward pass."
    )


NUDGE_KEYS = "↑/↓ picks a weight, e nudges it by ε (again: the other way)."
"""How to use the nudge on the bars step."""


def _number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def nudge_lines(n: Nudge) -> tuple[str, str]:
    """What a nudge did: the loss before and after and ΔL, then what the gradient predicted.

    ΔL is the difference of the two losses as shown, and the prediction the product of the
    gradient as shown and ε, so a reader who recomputes either gets the same digits (the
    losses and the gradient are shown to 7 decimals, so this moves ΔL by at most 1 in the last).
    """
    f = format_number
    dw = f"{'+' if n.delta > 0 else MINUS}{format_setting(abs(n.delta))}"
    before, after, gradient = f(n.loss_before, 7), f(n.loss_after, 7), f(n.gradient, 7)
    change = f(_number(after) - _number(before), 7)
    predicted = f(_number(gradient) * n.delta, 7)
    first = f"{n.name} {dw}: loss {before} → {after},  ΔL = {change}"
    second = f"∂L/∂{n.name} × ε = {gradient} × {dw} = {predicted}:  ΔL ≈ ∂L/∂{n.name} × ε"
    return first, second


MATRIX_INTRO = (
    "The same pass with whole layers. One sample is a row: x and a1 are 1×2, W1 is 2×2 (wij in row i, "
    "column j), W2 is 2×1. δ of a layer is ∂L/∂z of that layer."
)
MATRIX_NOTE = (
    "Every entry is a gradient from the steps before. δ2 = ŷ − t because L = ½(ŷ − t)² and the output "
    "is linear (ŷ = z2); another loss or output changes only that line. A deeper network repeats the last "
    "two for each layer going back: its δ = (δ above · Wᵀ of the layer above) ⊙ f′(z), its ∂L/∂W = (its input)ᵀ · δ. "
    "Entries are rounded; the products are of the unrounded values."
)
