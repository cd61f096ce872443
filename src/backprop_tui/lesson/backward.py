"""Section 4's words: the answer box (reading what a learner typed for ∂L/∂w11, naming the factor a
wrong answer missed) and what the "keep training" run did."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from backprop_tui.renderables.numbers import MINUS, format_number

if TYPE_CHECKING:
    from backprop_tui.models.lesson import LessonRun, Walk


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
        return "That is not a finite number; the gradient here is small."
    return value


def close_to(value: float, want: float) -> bool:
    """Within rounding of a careful hand calculation (3 % or 0.00005)."""
    return abs(value - want) <= 5e-5 + 0.03 * abs(want)


def hint(value: float, walk: Walk) -> str:
    """Which chain-rule factor the answer ``value`` for ∂L/∂w11 seems to have missed."""
    x1 = walk.x[0]
    mistakes = (
        (walk.dL_da1[0] * x1, "You left out σ′(z[h1]): the gradient must pass through the sigmoid, "
         f"a(1 − a) = {format_number(walk.sigma_prime[0])}."),
        (walk.dL_dz1[0], "Almost: now multiply by the input x1 = "
         f"{format_number(x1, 2)} that w11 scales."),
        (-walk.grads["w11"], "The size is right but the sign is flipped: ∂L/∂ŷ is negative."),
        (walk.dL_dy * x1, "Missing two factors: v1 (from ŷ back to h1) and σ′(z[h1]) (through the sigmoid)."),
        (walk.dL_dz1[0] * walk.x[1], "That is w21's gradient: w11 scales x1, not x2."),
        (walk.dL_dy * walk.params["v1"], "That is ∂L/∂a[h1]; continue through σ′(z[h1]) and then x1."),
    )
    for wrong, message in mistakes:
        if close_to(value, wrong):
            return message
    return "Not yet. Build it from the chain: ∂L/∂w11 = ∂L/∂ŷ · v1 · σ′(z[h1]) · x1."


LEGEND = (
    "Names: x1, x2 are the inputs and h1, h2 the hidden neurons; z[h1] is h1's weighted sum and "
    "a[h1] = σ(z[h1]) its output; ŷ is the prediction. (Section 3's vectors: z1 = (z[h1], z[h2]).)"
)
"""Section 4's names for single neurons, the scheme section 3 introduced."""

TRAIN_KEYS = "   t: 10 more steps   r: start again   +/-: another α (starts again)"
TRAIN_HINT = "Press t to train. Each step repeats forward, backward and update."
TRAIN_ADVICE = {
    "crawling": "Every step went downhill, but α is too small to get far: try + for a larger one.",
    "converging": "Each step landed lower than the one before: this α suits this network.",
    "overshooting": "On the way, the loss went up: α is big enough to jump past the bottom.",
    "diverging": "Each step overshot by more than the last: this α is far too large; press - for a smaller one.",
}
"""What a run labelled by section 5's rules means here, and what to try (the label's heading comes first)."""


def train_caption(run: LessonRun, blowup: float) -> str:
    """What the run did: section 5's heading for its label, the numbers, and what to try next."""
    from backprop_tui.lesson.learning_rate import HEADINGS

    f = format_number
    first, last = run.losses[0], run.losses[-1]
    steps = f"{run.steps} step{'' if run.steps == 1 else 's'}"
    if not run.diverged:
        facts = f"After {steps}: loss {f(last)} (it started at {f(first)})."
    elif math.isfinite(last):
        facts = f"After {steps} the loss was {f(last)}, over {blowup:g} times its start of {f(first)}: the run was stopped."
    else:
        facts = f"After {steps} the loss stopped being a number: the run was stopped."
    return f"{HEADINGS[run.label]}. {facts} {TRAIN_ADVICE[run.label]}"
