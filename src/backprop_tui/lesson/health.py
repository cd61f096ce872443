"""Section 6's fixed words: the idea, the headings, the notes under the bars, the remedy panel.

Drawings fill in the numbers (``{depth}``, ``{share}`` …) from the measured
passes (:mod:`backprop_tui.models.health`) and the limits in
:mod:`backprop_tui.engine.names`; nothing here computes.
"""

from __future__ import annotations

ACTIVATIONS = {
    "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "gelu": "GELU", "silu": "SiLU",
}
"""How each hidden activation is named on screen."""
INITS = {"normal": "naive N(0, 1)", "xavier": "Xavier", "he": "He"}
"""How each initialisation is named in headings and notes."""
INIT_CHOICES = {"normal": "naive", "xavier": "Xavier", "he": "He"}
"""The initialisations as the remedy panel lists them."""
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam"}
"""The training switch's optimisers."""
NO_TRAINING = "none"
"""The training switch when off."""

PRODUCTS_HEADING = "Gradients are products"
PRODUCTS = """\
Backprop hands the gradient down one layer at a time, and each layer \
multiplies it by two things on the way: its weights (Wᵀ) and its \
activation's slope f′(z). So layer 1 of a deep net receives a long \
product, one pair of factors for every layer above it.

Factors mostly below 1 make the product shrink layer by layer: the \
gradient vanishes and the first layers hardly learn. Factors mostly \
above 1 make it explode: steps become huge and the weights turn into \
nonsense. Only factors near 1 keep every layer learning.

The sigmoid's slope is at most {peak}, so through {n} sigmoid layers \
the slopes alone can shrink a gradient to {peak}^{n} = {product}.

The next steps measure real deep nets on one batch: {samples} samples \
of {inputs} random inputs with {outputs} random targets each, hidden \
layers of {width} neurons. Each bar is a layer's mean |∂L/∂W| on a log \
scale, the output layer on top (backprop starts there), layer 1 at the \
bottom. The word is the gradient's health: OK for 0.1 to 0.5; Warn for \
0.01 to 0.1 or 0.5 to 1; Bad below 0.01 or above 1."""
"""The first step: why depth multiplies (``{peak}`` is the sampled σ′ maximum)."""

HEADINGS = {
    "side": "{name} or ReLU, {depth} layers deep",
    "vanish": "Vanishing: {depth} sigmoid layers",
    "explode": "Exploding: a careless start, {depth} layers",
    "dead": "Dead neurons: ReLU units that never fire, {depth} layers",
    "remedies": "Remedies, live: every key reruns the engine, {depth} layers",
    "remedies-trained": "Remedies: how far {steps} {optimizer} steps moved each layer, {depth} layers",
}
"""Each bar step's heading (``{name}`` starts with a capital)."""
COMPUTING = "computing…"
"""Shown for the moment a pass is being measured."""
DEPTH_LIMITS = "Depth goes from {low} to {high} layers; this is {depth}."
"""The notice when + or − would leave the depths offered."""

# -- the table -------------------------------------------------------------------------------------------

LAYER = "layer"
SLOPES_TITLE = "mean σ′ · kept"
COLUMN_TITLE = "{activation} · {init}"
OUTPUT_SLOPE = "output: linear, slope 1"
SLOPE_CELL = "σ′ {slope}   kept ×{kept}"
MOVED_CELL = " moved {moved}"
DIVERGED = "diverged"
HIDDEN = "layers {first}–{last}: "
HIDDEN_SLOPES = "σ′ {low} to {high}"
HIDDEN_RANGE = "{low} to {high}"
KEPT_SUMMARY = "kept: a layer's |∂L/∂W| ÷ the one above's"
TRAINED_SUMMARY = "{optimizer}, loss {before} → {after}"
DIVERGED_SUMMARY = "{optimizer} diverged at step {step}"
CLIPPED = "; norm {norm} clipped to {used}"
NOT_CLIPPED = "; norm {norm}: no clipping needed"
DEAD_SUMMARY = "; dead {dead} of {units}"

SHARE = "layer 1 gets {ratio} of layer {depth}'s gradient"
SHARE_TIMES = "layer 1 gets {ratio} layer {depth}'s gradient"
NO_SHARE = "diverged: no gradient to measure"
"""Layer 1's share of the output layer's gradient: ``1/1100``, or ``0.99×`` (no “of”)."""

# -- the notes under the bars ----------------------------------------------------------------------------

SIDE = (
    "The same shape and batch, each net with the initialisation made for its activation. ",
    "{name}: {left}. ReLU: {right}.",
    "\nf changes the left activation; + and − change the depth.",
)
"""Side by side: plain, bold, plain."""
VANISH = (
    "In these sigmoid layers σ′ averages {slope}, never above 0.25. "
    "With the weights, each layer down keeps only about ×{kept} of the gradient. ",
    "After {factors} such factors {share}.",
    " Press + for one more factor.",
)
"""Vanishing: plain, bold, plain."""
EXPLODE = (
    "The same random draws as He's, but N(0, 1) instead of He's std √(2/{width}) = {std}: every weight "
    "{times}× larger. Each layer scales the signal up on the way forward and the gradient on the way back. "
    "Here the largest gradient is {largest}"
)
EXPLODE_DEEPER = "; one layer deeper, {largest}"
EXPLODE_DIVERGES = ". Trained with SGD at α = {lr} it diverges at step {step}."
"""Bold."""
EXPLODE_TRAINS = ". Trained {steps} SGD steps at α = {lr}, its loss goes {before} → {after}."
DEAD = (
    "{dead} of {units} ReLU units have z ≤ 0 for all the samples: they output 0, their slope is 0, and the "
    "gradient reaching their own weights is {reaching}, so no step changes those weights. "
)
"""Bold."""
EXACTLY_ZERO = "exactly 0"
NONE_DEAD = "No ReLU unit of this {depth}-layer net is dead on the batch; press + to go deeper. "
DEAD_LATER = (
    "They are not lost for good: training moves the layers below them, which can lift their z above 0 again "
    "(and push others under). After {steps} SGD steps, {dead} are dead ({before} before). "
)
DEAD_AFTER = "After {steps} SGD steps, {dead} are dead. "
LEAKY_TRICKLE = (
    "In the Leaky ReLU net {negative} units are negative on every sample too, but their slope is 0.01, "
    "so a trickle of gradient still reaches them and none is dead."
)

# -- the remedies ------------------------------------------------------------------------------------------

REMEDIES_START = (
    "A careless start: naive N(0, 1) weights, plain ReLU, no skips, no clipping. Switch the remedies on "
    "one at a time and watch each column; + and − change the depth. "
)
REMEDIES_AS_SET = (
    "The remedies as you set them, at this depth. Switch them on or off one at a time and watch each "
    "column; + and − change the depth. "
)
REMEDIES_START_NUMBERS = "Left: {left}. Right: {right}, {dead} dead units."
PANEL = {
    "init": "init ",
    "residual": "{box} skips",
    "clip": "{box} clip at {clip}",
    "leaky": "{box} Leaky ReLU",
    "training": "train {steps}: ",
    "left": "left: {name}",
}
"""The remedy panel: each switch after its key (``{box}`` is [x] or [ ])."""
SAID = {"init": "Initialisation: {name}.", "left": "Left column: {name}."}
"""What a choice switch did, said first in bold."""
TOGGLED = {
    "residual": ("Skip connections off.", "Skip connections on."),
    "clip": ("Gradient clipping off.", "Gradient clipping on."),
    "leaky": ("Plain ReLU again.", "Leaky ReLU in place of ReLU."),
    "training": ("No training.", "{steps} {optimizer} steps from the same start."),
}
"""What an on/off switch did (off, on), said first in bold."""
CHANGE_COUNTS = "{name}: {counts}. "
CHANGE_SHARE = "layer 1's share {before} → {after}"
CHANGE_FROM_TO = "{before} → {after}"
CHANGE_DEAD = "dead {before} → {after}"
CHANGE_LINE = "{name}: {parts}. "
NO_CHANGE = "no change"
TRAINING_DIVERGED = "{name}: {optimizer} diverged at step {step}. "
TRAINING_MOVED = "{name}: layer 1 moved {first}, layer {depth} {last}"
TWIN_DIVERGED = " (SGD diverged at step {step})"
TWIN_MOVED = " (SGD: {first} and {last})"
NOTES = {
    "init": (
        "The initial weights set every factor's size. Xavier's scale suits tanh, whose slope is 1 near 0. "
        "It does not rescue sigmoid: σ′ is at most 0.25, so each layer still shrinks the gradient, and in a "
        "sigmoid net the larger naive weights even leave the first layer more of it than Xavier does. "
        "He is √2 larger than Xavier because ReLU silences half its inputs; naive N(0, 1) ignores the layer width."
    ),
    "residual": (
        "A skip adds each hidden layer's input to its output, so backward the gradient also takes the skip "
        "straight down, past every σ′ and W."
    ),
    "clip": (
        "Clipping rescales the whole gradient when its norm is over {clip}: it caps the step, but every layer "
        "shrinks by the same factor, so vanishing stays vanishing."
    ),
    "leaky": "Leaky ReLU gives negative z a slope of 0.01 instead of 0, so no unit is ever completely cut off.",
    "training": (
        "Adam divides each weight's gradient by a running average of its own size, so a layer with tiny "
        "gradients still takes steps of about α (unless they are down near Adam's ε = 10⁻⁸). SGD's steps "
        "are α times the gradient."
    ),
    "left": (
        "Compare the activations: the S-shaped ones flatten out and squash their slope; the ReLU family keeps "
        "a slope of about 1 wherever z is positive."
    ),
}
"""What each remedy does, shown after its key is pressed."""
SKIPS_GROW = (
    " But each skip also adds to a running sum that grows with depth, and the gradients near the "
    "output grow with it: real residual networks normalise that sum."
)
"""Added when skips are on and a column's gradients grew past 1."""
