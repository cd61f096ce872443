"""Section 5's fixed words: what α does, each label's rule and heading, and the notes.

The screen fills in the numbers (``{steps}``, ``{converged}`` …) from the runs
and the thresholds in :mod:`backprop_tui.engine.names`.
"""

from __future__ import annotations

WHAT_ALPHA_DOES = """\
Backprop hands every weight its slope ∂L/∂W: which way the loss rises, and \
how steeply. Training then steps the other way:

    W ← W − α · ∂L/∂W

Take that step, measure the slopes again where it landed, step again: that \
loop is gradient descent. The learning rate α decides how far each step \
goes. The slope is measured only at the point where the weights stand, and \
every step trusts it for its whole length. A tiny α never strays but hardly \
moves. A big α can carry the weights past the bottom of the valley and up \
the far side, higher than where they began.

Next: what changes when there are many examples to learn from."""

BATCH = """\
With many examples the loss is their mean, and the slope of a mean is the \
mean of the slopes. Above: one weight's slope for three examples alone, and \
for the batch of all three in one backward pass.

On a big data set, training takes each step on a batch instead: a few dozen \
examples drawn at random, fresh each step. That is stochastic gradient \
descent (SGD), stochastic because each batch is a random draw. With our one \
example, SGD is plain gradient descent.

Next: the lesson network, up to {steps} SGD steps from the same start (loss \
{first}) for each of {count} learning rates from {lo} to {hi}."""
"""One example or many: why a step follows the mean gradient of a batch, and what makes gradient descent stochastic."""

BATCH_TABLE_TITLE = "∂L/∂v1 (the weight h1 → output) at the lesson's starting weights"
"""Over the table of one weight's gradient per example, their mean, and the batch's."""

RULES = {
    "crawling": (
        "Rule: it never climbed above its start and seldom rose, but after all {steps} steps the loss is "
        "still above {converged} of its start."
    ),
    "converging": "Rule: the loss ended at {converged} of its start or less, and rose on fewer than 1 step in {share}.",
    "overshooting": (
        "Rule: the loss climbed above where it started at some step, or rose on at least 1 step in {share}, "
        "and stayed a number."
    ),
    "diverging": (
        "Rule: the loss stopped being a number, or grew past {blowup} times its start (the run is stopped there), "
        "or ended over {far}× its start and still climbing."
    ),
}
"""How each label is decided, in words (the numbers come from the engine's thresholds)."""

HEADINGS = {
    "crawling": "Crawling: steps too small to get anywhere",
    "converging": "Converging: each step lands lower",
    "overshooting": "Overshooting: jumping past the bottom",
    "diverging": "Diverging: every jump bigger than the last",
}

NOTES = {
    "crawling": (
        "Every step heads the right way; it just covers almost no ground. A step is α times the gradient, "
        "and near a fair fit the gradient is small too, so two small numbers make a tiny one. The usual advice "
        "for SGD is an α between 0.001 and 0.01: a cautious start, and on this small problem too cautious. "
        "The right α depends on the problem, so it pays to try a few."
    ),
    "converging": (
        "Big enough to make progress, small enough that every step still lands lower than the one before. "
        "A larger α gets there in fewer steps, up to a point."
    ),
    "overshooting": (
        "Too big a step flies past the target to where the slope is steeper, so the next step flies further "
        "still. Such a run may settle, bounce for ever, or tip over into diverging."
    ),
    "diverging": (
        "Each step overshoots by more than the last: the error grows, the gradient grows with the error, and "
        "the next step grows with the gradient. Nothing breaks that loop. Left running, the loss would grow "
        "until it no longer fits in the computer's numbers and stops being a number at all; we stop a run "
        "long before that and call it diverged."
    ),
}

ADAM_SMALL = (
    "SGD's step is α times the gradient, so gentle slopes make short steps. Adam divides each weight's "
    "gradient by a running average of its own size, so at first every weight moves by about α, however "
    "gentle or steep its slope."
)
ADAM_LARGE = (
    "SGD's steps grow with its gradients; Adam's stay around α in size however steep the slope, so Adam "
    "cannot run away. But neither do its steps shrink much near the bottom, so a large α keeps it bouncing. "
    "An adaptive optimiser makes α less touchy, not irrelevant: Adam's usual default is 0.001."
)
