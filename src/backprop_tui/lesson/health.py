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
the slopes alone can shrink a gradient to {peak}^{n} = {product}. \
The weights' factors come on top of that: the next steps measure both."""
"""The first step: why depth multiplies (``{peak}`` is the sampled σ′ maximum)."""

READING_HEADING = "Reading the bars"
READING = """\
Training rarely learns from one example at a time: it averages the loss, \
and so every gradient, over a batch of examples and takes one step per \
batch. Here every net, with hidden layers of {width} neurons, gets one batch \
of {samples} samples: {inputs} random inputs and {outputs} random targets each.

Each row is a layer, the output layer on top (backprop starts there). The \
bar is the layer's mean |∂L/∂W| on a log scale. Beside it, |∂L/∂z|: the \
gradient at the layer's weighted sums z, which backprop hands down, times \
Wᵀ and f′ at every layer, so that is where it shrinks or grows. Then \
∂L/∂W = aᵀ·∂L/∂z adds up the batch's {samples} samples.

OK (0.1 to 0.5), Warn (0.01 to 0.1 or 0.5 to 1) and Bad (below 0.01 or \
above 1) are a rule of thumb from the source lesson, for a net at the start \
of training. They are not a law: a net that has learnt its task has small \
gradients because little is left to learn.

Where the weights start: naive N(0, 1) ignores the layer's width; Xavier's \
std √(2/(n_in + n_out)), {xavier} here, is made for tanh; He's √(2/n_in), \
{he} here, for ReLU, which zeroes about half of what reaches it."""
"""The second step: the batch, what a row shows, the rule of thumb, the initialisations."""

HEADINGS = {
    "side": "{name} or ReLU, {depth} layers deep",
    "vanish": "Vanishing: {depth} sigmoid layers",
    "vanish-not": "{depth} sigmoid layers: layer 1 is not Bad yet",
    "explode": "Exploding: a careless start, {depth} layers",
    "explode-not": "A careless start, {depth} layers: large gradients, no blow-up yet",
    "dead": "Dead neurons: ReLU units that never fire, {depth} layers",
    "dead-not": "No dead neurons yet: ReLU, {depth} layers",
    "vanish-measuring": "{depth} sigmoid layers",
    "explode-measuring": "A careless start, {depth} layers",
    "dead-measuring": "ReLU, {depth} layers",
    "remedies": "Remedies, live: every key reruns the engine, {depth} layers",
    "remedies-trained": "Remedies: how far {steps} {optimizer} steps moved each layer, {depth} layers",
}
"""Each bar step's heading (``{name}`` starts with a capital); ``-not`` when the measured nets do not
show what the step is named after (a learner made it too shallow), ``-measuring`` while they are measured."""
SIDE_LABEL = "{name} or ReLU"
"""The side-by-side step's label in the step bar, following its left activation."""
COMPUTING = "computing…"
"""Shown for the moment a pass is being measured."""
DEPTH_LIMITS = "Depth goes from {low} to {high} layers; this is {depth}."
"""Said under the heading when + or − would leave the depths offered."""
CHANGED = "Your set-up; r brings back this step's own ({depth} layers)."
"""Said under the heading when the learner's set-up on a step is not the one it opens on."""

# -- the table -------------------------------------------------------------------------------------------

LAYER = "layer"
COLUMN_TITLE = "{activation} · {init}"
W_LABEL = "|∂L/∂W|"
Z_LABEL = "|∂L/∂z|"
"""What the two numbers of a health row are, over them."""
FACTORS_TITLE = "what ∂L/∂z keeps, layer to layer"
FACTORS_LABELS = ("by Wᵀ", "by σ′", "kept")
FACTOR_CELL = ("×{value}", " · ", " = ")
OUTPUT_FACTORS = "output: ∂L/∂z from the loss"
HIDDEN_FACTORS = "kept ×{low} to ×{high}"
FACTORS_SUMMARY = "kept = by Wᵀ × by σ′ (of the unrounded values)"
MOVED_CELL = " moved {moved}"
DIVERGED = "diverged"
HIDDEN = "layers {first}–{last}: "
HIDDEN_RANGE = "{low} to {high}"
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
    "The same shape and batch; each net starts the usual way for its activation, Xavier for sigmoid and "
    "tanh, He for the ReLU family. ",
    "{name}: {left}. ReLU: {right}.",
    "\nf changes the left activation; + and − change the depth.",
)
"""Side by side: plain, bold, plain."""
VANISH = (
    "Each layer down, backprop multiplies ∂L/∂z by Wᵀ, which here keeps about ×{weights}, and then by σ′, "
    "never above 0.25, which keeps about ×{slopes}: about ×{kept} a layer. ",
    "Through {factors} {layers}, {share}.",
    " + adds a layer, − takes one away.",
)
"""Vanishing: plain, bold, plain (``{layers}``: one of :data:`SIGMOID_LAYERS`)."""
SIGMOID_LAYERS = ("sigmoid layer", "sigmoid layers")
EXPLODE = (
    "The same random draws as He's, but N(0, 1) instead of He's std √(2/{width}) = {std}: every weight "
    "{times}× larger. ∂L/∂z grows about ×{grows} a layer on the way down, and the signal a grows on the "
    "way up, so every layer's ∂L/∂W = aᵀ·∂L/∂z is huge. Here the largest is {largest}"
)
EXPLODE_DEEPER = "; one layer deeper, {largest}"
EXPLODE_DIVERGES = ". Trained with SGD at α = {lr} it diverges at step {step}."
"""Bold."""
EXPLODE_TRAINS = ". Trained {steps} SGD steps at α = {lr}, its loss goes {before} → {after}: too few layers to blow up."
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
LEAKY_NONE = "No unit of the Leaky ReLU net is negative on every sample either."
LEAKY_TRICKLE = (
    "In the Leaky ReLU net {negative} units are negative on every sample too, but their slope is 0.01, "
    "so a trickle of gradient still reaches them and none is dead."
)

# -- the remedies ------------------------------------------------------------------------------------------

REMEDIES_START = "A careless start: naive N(0, 1) weights and no remedy on. "
REMEDIES_AS_SET = "The remedies as you set them, at this depth. "
REMEDIES_START_NUMBERS = "Left, {left_name}: {left}. Right, {right_name}: {right}, the largest |∂L/∂W| {largest}. "
REMEDIES_KEYS = (
    "Each key treats one problem. Exploding: i sets the start's scale (He for ReLU, Xavier for tanh), "
    "g clips. Vanishing: k adds skips, f an activation that does not saturate. Dead units: l, Leaky ReLU. "
    "First layers that learn slowly: o, Adam."
)
PANEL = {
    "restart": "start again",
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
    "residual": (
        "For vanishing: a skip adds each hidden layer's input to its output, so backward the gradient also "
        "takes the skip straight down, past every σ′ and Wᵀ."
    ),
    "clip": (
        "For exploding: clipping rescales the whole gradient when its norm is over {clip}. It caps the step, "
        "but every layer shrinks by the same factor, so vanishing stays vanishing. ∂L/∂z is not clipped: "
        "clipping acts on the step, after backprop."
    ),
    "leaky": (
        "For dead units: Leaky ReLU gives negative z a slope of 0.01 instead of 0, so no unit is ever "
        "completely cut off."
    ),
    "training": (
        "For first layers that learn slowly: Adam divides each weight's gradient by a running average of its "
        "own size, so a layer with tiny gradients still takes steps of about α (unless they are down near "
        "Adam's ε = 10⁻⁸). SGD's steps are α times the gradient."
    ),
    "left": (
        "For vanishing: an activation that does not saturate. The S-shaped ones (sigmoid, tanh) flatten out "
        "and squash their slope; the ReLU family keeps a slope of about 1 wherever z is positive."
    ),
}
"""What each remedy does, from the problem it treats, shown after its key is pressed."""
INIT_NOTES = {
    "he": (
        "For exploding ReLU: He's std √(2/n_in), √2 times Xavier's because ReLU zeroes about half of what "
        "reaches it, keeps a ReLU net's gradient about level at any depth (without skips). Sigmoid still "
        "shrinks it: σ′ ≤ 0.25."
    ),
    "xavier": (
        "For tanh: Xavier's std √(2/(n_in + n_out)) suits tanh, whose slope is 1 near 0. It does not rescue "
        "sigmoid (σ′ ≤ 0.25 still shrinks every layer, and naive weights left its layer 1 a larger share), "
        "and for ReLU it is √2 too small."
    ),
    "normal": (
        "Back to the careless start: N(0, 1) ignores the width, so each z adds up {width} inputs at full "
        "scale: ReLU's ∂L/∂z grows at every layer down, and sigmoid saturates."
    ),
}
"""What the initialisation just chosen is for (the init switch's note)."""
SKIPS_GROW = (
    " But each skip also adds to a running sum that grows with depth, and the gradients near the "
    "output grow with it: real residual networks normalise that sum."
)
"""Added when skips are on and a column's gradients grew past 1."""

# -- beyond the panel ------------------------------------------------------------------------------------

MORE_HEADING = "Remedies the panel cannot switch on"
MORE = """\
The source lesson names more remedies than the panel has. Each treats one \
of the problems you have just seen:

• Vanishing: normalisation layers (batch norm, layer norm) rescale each \
layer's z to a steady mean and spread as the net trains, so z stays where \
the activation has a slope.
• Vanishing through time: gated recurrent units (LSTM, GRU), in nets that \
read a sequence, hand the gradient back through a memory scaled by a gate \
the net learns, not by Wᵀ and f′ at every step.
• Exploding: weight decay (L2) pulls every weight a little towards 0 at \
each step.
• Dead units: ELU and SELU, like Leaky ReLU, keep a slope for negative z."""
"""The last step: what a real network may use beyond the panel's switches, one line each."""
