"""The typed-answer exercises of section 4, in the order the lesson asks for them, and their words.

Each id is the exercise's key in the learner's progress: never rename one, or
the learners who solved it lose it. The title names what the learner types.

The words below are filled in with the learner's own numbers
(:class:`backprop_tui.models.exercises.Exercises`): what is known, the
question, a hint for every slip the model knows (each names the factor that
went wrong, with its value), and the chain rule for any other wrong answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from backprop_tui.renderables.numbers import format_number, format_setting

if TYPE_CHECKING:
    from backprop_tui.models.exercises import Exercises


class Exercise(NamedTuple):
    """One typed-answer exercise: its id in progress and what it asks for, in words."""

    id: str
    title: str


EXERCISES: tuple[Exercise, ...] = (
    Exercise("backward-v1", "∂L/∂v1"),
    Exercise("backward-dz-h1", "∂L/∂z[h1]"),
    Exercise("backward-w11", "∂L/∂w11"),
    Exercise("backward-w12", "∂L/∂w12, with its sign"),
    Exercise("backward-update", "v1 after one update"),
)
"""Every exercise; the certificate needs them all solved."""

EXERCISE_IDS: tuple[str, ...] = tuple(e.id for e in EXERCISES)

TITLES = {e.id: e.title for e in EXERCISES}

ASKED = {
    "backward-v1": "∂L/∂v1",
    "backward-dz-h1": "∂L/∂z[h1]",
    "backward-w11": "∂L/∂w11",
    "backward-w12": "∂L/∂w12",
    "backward-update": "new v1",
}
"""What the learner types, as the answer box names it."""

QUESTIONS = {
    "backward-v1": "What is ∂L/∂v1 for your network?",
    "backward-dz-h1": "What is ∂L/∂z[h1], the gradient at h1's weighted sum?",
    "backward-w11": "w11 joins x1 to h1. What is ∂L/∂w11?",
    "backward-w12": "w12 joins x1 to h2. What is ∂L/∂w12, sign included?",
    "backward-update": "One step of gradient descent: what is v1 after it?",
}
"""What each exercise asks."""

KNOWN = {
    "backward-v1": ("ŷ", "a[h1]"),
    "backward-dz-h1": ("ŷ", "v1", "a[h1]"),
    "backward-w11": ("a[h1]", "∂L/∂a[h1]"),
    "backward-w12": ("ŷ", "v2", "a[h2]"),
    "backward-update": ("v1", "∂L/∂v1", "α"),
}
"""The values (beyond the learner's inputs and target) each exercise gives, by the names the lesson uses."""

CHAINS = {
    "backward-v1": "∂L/∂v1 = ∂L/∂ŷ · a[h1] = (ŷ − t) · a[h1]",
    "backward-dz-h1": "∂L/∂z[h1] = (ŷ − t) · v1 · σ′(z[h1]), with σ′ = a[h1](1 − a[h1])",
    "backward-w11": "∂L/∂w11 = ∂L/∂a[h1] · σ′(z[h1]) · x1, with σ′ = a(1 − a)",
    "backward-w12": "∂L/∂w12 = (ŷ − t) · v2 · σ′(z[h2]) · x1, with σ′ = a(1 − a)",
    "backward-update": "new v1 = v1 − α × ∂L/∂v1",
}
"""The rule each exercise needs, said after a wrong answer no known slip explains."""

HOW_TO_ANSWER = "Type a number (a digit or − starts it), enter checks; esc leaves the box, then n moves on."
"""Under an exercise before any answer."""


def known(exercise_id: str, ex: Exercises) -> list[tuple[str, str]]:
    """The learner's inputs and target, then the values ``exercise_id`` needs, each as (name, value)."""
    w = ex.walk
    values = {
        "ŷ": format_number(w.y),
        "a[h1]": format_number(w.a1[0]),
        "a[h2]": format_number(w.a1[1]),
        "v1": format_number(w.params["v1"]),
        "v2": format_number(w.params["v2"]),
        "∂L/∂a[h1]": format_number(w.dL_da1[0]),
        "∂L/∂v1": format_number(w.grads["v1"]),
        "α": format_setting(ex.alpha),
    }
    mine = [("x1", format_number(w.x[0], 2)), ("x2", format_number(w.x[1], 2)), ("target", format_number(w.target, 2))]
    return mine + [(name, values[name]) for name in KNOWN[exercise_id]]


def _sign_reason(factors: list[tuple[str, float]], result: str, sigma: bool = True) -> str:
    """Why a product of ``factors`` (and of a σ′, if ``sigma``) has the sign it has: the minus signs counted."""
    shown = ", ".join(f"{name} = {format_number(value, 2 if name[0] == 'x' else 4)}" for name, value in factors)
    shown += ", σ′ > 0" if sigma else ""
    negative = sum(1 for _, value in factors if value < 0)
    sign = "negative" if negative % 2 else "positive"
    count = {0: "no minus sign", 1: "one minus sign"}.get(negative, f"{negative} minus signs")
    return f"The size is right but the sign is flipped. {shown}: {count}, so {result} is {sign}."


def hint(exercise_id: str, kind: str | None, ex: Exercises) -> str:
    """The hint for the slip ``kind`` (``None``: no known slip, so the chain rule to build it from)."""
    w = ex.walk
    f = format_number
    a, s, x = w.a1, w.sigma_prime, w.x
    v1, v2 = w.params["v1"], w.params["v2"]
    d = w.dL_dy
    hints: dict[str, dict[str, str]] = {
        "backward-v1": {
            "sign": _sign_reason([("ŷ − t", d), ("a[h1]", a[0])], "∂L/∂v1", sigma=False),
            "no-input": f"That is ∂L/∂ŷ = ŷ − t alone. ŷ moves by a[h1] for each unit of v1: multiply by a[h1] = {f(a[0])}.",
            "other-unit": f"That is ∂L/∂v2: v2 carries a[h2]. v1 carries h1's output, a[h1] = {f(a[0])}.",
            "input-x": f"v1's input is h1's output a[h1] = {f(a[0])}, not x1: v1 joins h1 to ŷ.",
            "weight": "That is ∂L/∂ŷ × v1, which is ∂L/∂a[h1]. For v1's own gradient multiply by what v1 scales: "
                      f"a[h1] = {f(a[0])}.",
        },
        "backward-dz-h1": {
            "sign": _sign_reason([("ŷ − t", d), ("v1", v1)], "∂L/∂z[h1]"),
            "no-sigma": "That is ∂L/∂a[h1]. To reach z[h1], pass through the sigmoid: multiply by "
                        f"σ′ = a(1 − a) = {f(s[0])}.",
            "sigma-as-a": f"σ′(z[h1]) is a(1 − a) = {f(s[0])}, not a = {f(a[0])}.",
            "sigma-one-minus-a": f"σ′(z[h1]) is a(1 − a) = {f(s[0])}, not 1 − a = {f(1 - a[0])}.",
            "no-weight": f"Missing v1 = {f(v1)}: the blame reaches h1 only along v1.",
            "other-unit": f"That is ∂L/∂z[h2]. For h1 use v1 = {f(v1)} and a[h1] = {f(a[0])}.",
        },
        "backward-w11": {
            "sign": _sign_reason([("∂L/∂a[h1]", w.dL_da1[0]), ("x1", x[0])], "∂L/∂w11"),
            "no-sigma": f"You left out σ′(z[h1]) = a(1 − a) = {f(s[0])}: the gradient passes through the sigmoid.",
            "sigma-as-a": f"σ′(z[h1]) is a(1 − a) = {f(s[0])}, not a = {f(a[0])}.",
            "no-input": f"Almost: that is ∂L/∂z[h1]. Now multiply by the input x1 = {f(x[0], 2)} that w11 scales.",
            "wrong-input": f"That is ∂L/∂w21: w11 scales x1 = {f(x[0], 2)}, not x2.",
            "stopped": "That is ∂L/∂a[h1], which you were given: go on through σ′(z[h1]) and then x1.",
        },
        "backward-w12": {
            "sign": _sign_reason([("ŷ − t", d), ("v2", v2), ("x1", x[0])], "∂L/∂w12"),
            "other-unit": "That is ∂L/∂w11. w12 joins x1 to h2 (wij: from input i to hidden neuron j): "
                          "use h2's v2 and a[h2].",
            "swapped": "That is ∂L/∂w21: the indices read the other way round. wij joins input i to hidden "
                       "neuron j, so w12 joins x1 to h2.",
            "wrong-input": f"That is ∂L/∂w22: w12 scales x1 = {f(x[0], 2)}, not x2.",
            "no-sigma": f"You left out σ′(z[h2]) = a(1 − a) = {f(s[1])}: the gradient passes through h2's sigmoid.",
            "no-weight": f"Missing v2 = {f(v2)}: the blame reaches h2 only along v2, and its sign counts.",
            "no-input": f"Almost: that is ∂L/∂z[h2]. Now multiply by the input x1 = {f(x[0], 2)} that w12 scales.",
        },
        "backward-update": {
            "sign": "That step goes uphill: gradient descent subtracts, new = old − α × ∂L/∂v1.",
            "no-alpha": f"You took the whole gradient as the step: multiply it by α = {format_setting(ex.alpha)} first.",
            "divided": "α multiplies the gradient; it does not divide it.",
            "change": f"That is the change, −α × ∂L/∂v1. Add it to the old v1 = {f(v1)}.",
            "step": "That is α × ∂L/∂v1. The new v1 is the old one minus it.",
        },
    }
    if kind is None:
        return f"Not yet. Build it from the chain: {CHAINS[exercise_id]}."
    return hints[exercise_id][kind]


def right(exercise_id: str, ex: Exercises, loss_after: float | None = None) -> str:
    """What a right answer is told: the value, and what comes next."""
    want = format_number(ex[exercise_id].want)
    if exercise_id == "backward-update":
        moved = ""
        if loss_after is not None:
            moved = f" With only v1 moved, your loss goes from {format_number(ex.walk.loss)} to {format_number(loss_after)}."
        return f"v1 becomes {want}.{moved} Press n to go on."
    after = {
        "backward-w11": "Press n to see the lesson network's ∂L/∂w11 worked out the same way.",
    }.get(exercise_id, "Press n to go on.")
    return f"{ASKED[exercise_id]} = {want} for your numbers. {after}"


SOLVED_BEFORE = "You solved this one before; answer again if you like, or press n to go on."
