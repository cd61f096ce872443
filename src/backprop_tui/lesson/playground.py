"""Section 7's fixed words: what the playground is for and what to try in it."""

INTRO_TEXT = """\
Up to now the lesson chose every network; here you do. On the next step (press n) the left column holds \
the whole set-up: layers and neurons, activation and skips, output and loss, how the weights start, the \
optimiser with its α, L2 and clipping, the seed, and the data — XOR, a circle, a sine curve, or a sample \
of your own.

On the right the network trains. s takes one step (forward, backward, update); t takes 100 at {pace}, \
so you can watch (+ and - change the pace, f skips to the end, t or esc stops); r starts over. Each \
layer has a health bar for its latest gradients and a sparkline of their size over the run. OK, Warn \
and Bad are a rule of thumb for the start of training: after a run, the words under the bars say what \
they mean for it.

Things to try: eight layers of sigmoid, and watch the first layers' bars; relu with he against xavier; \
the sine curve with sgd at α = 5, which diverges.

At the bottom is the share code: backprop-tui --playground CODE opens the same set-up on any machine."""


READINGS: dict[str, str] = {
    "settled": (
        "Why {label}? OK/Warn/Bad is a rule of thumb for the start of training. With the loss down to "
        "{loss} the gradients shrink too: little is left to learn."
    ),
    "stalled": (
        "Every bar is below {floor} and the loss has stayed at {loss} for {steps} steps (from {start}): "
        "stuck, not done. Try relu with he, fewer layers, or skips."
    ),
    "vanishing": (
        "Layer 1's gradient is {ratio} times smaller than layer {last}'s, and the loss still {loss}: "
        "the gradient fades on its way back (vanishing)."
    ),
    "diverged": (
        "These bars are of the step that ran away, with weights up to {weight}: tiny or huge, they "
        "show the blow-up, not vanishing."
    ),
    "not-a-number": (
        "The gradients of the step that ran away are no longer numbers (the full bars): they show the blow-up, not vanishing."
    ),
}
"""What the health bars mean for a run, by kind (see :func:`backprop_tui.models.playground.read_health`)."""
