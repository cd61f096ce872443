"""Quick-check questions, as data: at least one at the end of each of sections 1–6.

The five questions of the source lesson are here, each in our own words,
with more of our own. Every question has four options (answered with a–d),
the letter of the right one, and a short explanation shown after answering.
"""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice quick check.

    Attributes:
        id: stable id (progress is stored by it; never rename one).
        section: the id of the section it closes.
        prompt: the question.
        options: four answers, shown as a) … d).
        answer: the letter of the right option.
        explanation: why, shown once the learner has answered.
    """

    id: str
    section: str
    prompt: str
    options: tuple[str, str, str, str]
    answer: str
    explanation: str

    def is_correct(self, letter: str) -> bool:
        """Whether ``letter`` (a–d) is the right answer."""
        return letter == self.answer


QUESTIONS: tuple[Question, ...] = (
    Question(
        "intro-random",
        "intro",
        "Why not just try random changes to the weights until the loss goes down?",
        (
            "Random changes are against the rules of calculus.",
            "Each try costs a forward pass and helps very little; one backward pass gives every weight's direction.",
            "Random changes always make the loss larger.",
            "The computer cannot generate random numbers fast enough.",
        ),
        "b",
        "About half of small random steps do lower the loss, but each by a sliver of what one gradient step "
        "gives, and every try costs a forward pass. One backward pass names, for every weight at once, the "
        "direction that lowers the loss fastest.",
    ),
    Question(
        "intro-gradient",
        "intro",
        "For one weight w, what does ∂L/∂w tell you?",
        (
            "The value w should have at the end of training.",
            "How much the loss changes, and in which direction, when w is nudged.",
            "How many training steps are left.",
            "Which input is the most important.",
        ),
        "b",
        "∂L/∂w is a slope: positive means raising w raises the loss (so lower it), negative means "
        "raising w lowers the loss. Its size says how strongly w matters right now.",
    ),
    Question(
        "chain-product",
        "chain-rule",
        "If dy/dz = 2 and dz/dx = 3, what is dy/dx?",
        ("5", "1.5", "6", "−1"),
        "c",
        "The chain rule multiplies the local slopes along the path: dy/dx = dy/dz · dz/dx = 2 × 3 = 6.",
    ),
    Question(
        "chain-paths",
        "chain-rule",
        "x reaches z along two paths, contributing 4 and 8 to dz/dx. What is dz/dx?",
        ("32", "8, the larger one", "12", "4, the direct one"),
        "c",
        "When a variable influences the output along several paths, the contributions add up: "
        "4 + 8 = 12. Backprop does exactly this when a neuron feeds several others.",
    ),
    Question(
        "forward-sigmoid",
        "forward",
        "What does the sigmoid activation do in the forward pass?",
        (
            "It squashes any number into the range 0 to 1, smoothly.",
            "It sets negative numbers to zero and keeps positive ones.",
            "It computes the loss.",
            "It picks the learning rate.",
        ),
        "a",
        "σ(z) = 1/(1 + e^−z) maps every real z into (0, 1): large negative z gives nearly 0, "
        "large positive z nearly 1, and σ(0) = 0.5. (Zeroing negatives is ReLU.)",
    ),
    Question(
        "forward-order",
        "forward",
        "Why must the forward pass run before the backward pass?",
        (
            "It doesn't: they are independent.",
            "The backward pass needs the values it computed (z, a and the loss) to evaluate each derivative.",
            "The forward pass sets the learning rate.",
            "The forward pass resets the gradients to zero.",
        ),
        "b",
        "Every local derivative is evaluated at the current values: σ′(z) needs z, ∂z/∂W needs the "
        "layer's input a. So backprop reuses what the forward pass stored.",
    ),
    Question(
        "backward-large",
        "backward",
        "What does a large gradient on a weight mean?",
        (
            "The weight is already at its best value.",
            "Changing that weight a little would change the loss a lot, so it gets a big update.",
            "The weight should be removed from the network.",
            "The learning rate is too small.",
        ),
        "b",
        "The gradient measures sensitivity: a large |∂L/∂w| means the loss reacts strongly to w, "
        "so W ← W − α·∂L/∂W moves it further than a weight with a small gradient.",
    ),
    Question(
        "backward-sign",
        "backward",
        "A weight's gradient ∂L/∂w is −0.10. What does the update W ← W − α·∂L/∂W do to it?",
        (
            "It lowers the weight: the gradient is negative, so the weight is to blame.",
            "It raises the weight: increasing it would lower the loss, so it is praised.",
            "Nothing: only positive gradients change a weight.",
            "It sets the weight to 0.10.",
        ),
        "b",
        "Subtracting α × (−0.10) adds 0.10·α. A negative gradient means the loss falls as the "
        "weight grows, so the step raises it.",
    ),
    Question(
        "rate-too-high",
        "learning-rate",
        "From step to step the loss jumps around and then grows without bound. What is the likely cause?",
        (
            "The learning rate is too low.",
            "The learning rate is too high: each step overshoots the minimum.",
            "The network has too few layers.",
            "The target is wrong.",
        ),
        "b",
        "With α too large each update jumps past the valley floor to a higher point on the other "
        "side, and the error grows until the numbers overflow. Lower α, or use an adaptive optimiser.",
    ),
    Question(
        "rate-adam",
        "learning-rate",
        "What does Adam change compared with plain SGD at the same learning rate α?",
        (
            "It picks α by itself, so any value of α works equally well.",
            "It scales each weight's step by the recent size of its own gradient.",
            "It finds the gradients without backpropagation, which is faster.",
            "It only updates the weights whose gradients are the largest.",
        ),
        "b",
        "Adam divides each weight's averaged gradient by the root of its averaged square, so its "
        "steps stay around α whether the slope is gentle or steep: gentle slopes get longer steps "
        "than SGD would take, steep ones cannot blow the step up. It still needs a sensible α: too "
        "large and it keeps bouncing around the minimum instead of settling.",
    ),
    Question(
        "health-sigmoid",
        "health",
        "Why does sigmoid cause vanishing gradients in deep networks?",
        (
            "Because sigmoid outputs can be negative.",
            "Because its derivative is at most 0.25, and backprop multiplies one such factor per layer.",
            "Because it is slower to compute than ReLU.",
            "Because it makes the loss larger.",
        ),
        "b",
        "σ′(z) = σ(z)(1 − σ(z)) never exceeds 0.25. On its way back through ten sigmoid layers, the σ′ "
        "factors alone shrink the gradient by up to 0.25 per layer, 0.25¹⁰ ≈ 0.000001 in all (the weights "
        "scale it too), so the first layers barely learn.",
    ),
)
"""Every quick check, in lesson order."""


def questions_for(section: str) -> tuple[Question, ...]:
    """The quick checks that close ``section``, in order."""
    return tuple(q for q in QUESTIONS if q.section == section)
