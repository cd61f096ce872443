"""The engine's vocabulary and limits, importable without numpy.

The command line and the screens validate against these before they touch the
engine (so ``--help`` and the first frame never wait for numpy); the engine
modules use the same constants, so the two can never disagree. Every limit,
label and threshold that a screen needs lives here, so no screen copies one
to avoid importing numpy.
"""

import math

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu", "linear")
"""Every activation, in the order the lesson presents them."""
OUTPUT_ACTIVATIONS = ("linear", "sigmoid")
"""Activations allowed on the output layer."""
LOSS_NAMES = ("mse", "bce")
"""Every loss."""
INIT_NAMES = ("lesson", "xavier", "he", "normal", "uniform")
"""Every initialisation."""
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
"""The optimiser names, simplest first."""
MAX_LAYERS = 32
"""The most weight layers a network may have."""
MAX_WIDTH = 1024
"""The most neurons a layer (or the input) may have."""

# -- gradient health (DESIGN §3, a contract) ------------------------------------------------------

HEALTHY_LOW = 0.1
"""A layer whose mean |dL/dW| is at least this (and at most :data:`HEALTHY_HIGH`) is healthy."""
HEALTHY_HIGH = 0.5
WARNING_LOW = 0.01
"""Below this, or above :data:`WARNING_HIGH`, a gradient is critical."""
WARNING_HIGH = 1.0
HEALTH_CLASSES = ("healthy", "warning", "critical")
"""The health classes, best first. Screens map each to a colour; the engine never picks one."""
HEALTH_LABELS = {"healthy": "OK", "warning": "Warn", "critical": "Bad"}
"""The word printed beside every health colour, so the meaning survives without colour."""


def health_class(magnitude: float) -> str:
    """The health class of a gradient magnitude: ``healthy``, ``warning`` or ``critical`` (non-finite: critical)."""
    g = float(magnitude)
    if not math.isfinite(g):
        return "critical"
    if HEALTHY_LOW <= g <= HEALTHY_HIGH:
        return "healthy"
    if WARNING_LOW <= g < HEALTHY_LOW or HEALTHY_HIGH < g <= WARNING_HIGH:
        return "warning"
    return "critical"


# -- training runs ------------------------------------------------------------------------------------

BLOWUP = 1e6
"""A run whose loss passes this many times its first loss has run away: it counts as diverged."""

# -- section 5: labelling a learning-rate run (see backprop_tui.models.sweep) -------------------------

RUN_LABELS = ("crawling", "converging", "overshooting", "diverging")
"""What a learning-rate run can be called, slowest first."""
CONVERGED = 0.1
"""A run that ends at or below this fraction of its first loss converged."""
RISE = 0.01
"""A climb of more than this fraction of the first loss counts as going the wrong way."""
RISE_SHARE = 0.2
"""A run that climbs on at least this share of its steps bounces: it overshoots."""
FAR_ABOVE = 10.0
"""A still-climbing run ending more than this many times its first loss is diverging."""
SWEEP_LRS = (0.001, 0.01, 0.1, 0.5, 1.0, 1.5, 3.0, 10.0)
"""The learning rates section 5 tries, too low to too high."""
SWEEP_STEPS = 50
"""Steps in each of section 5's runs."""
COMPARE_LRS = (0.01, 3.0)
"""The learning rates at which section 5 sets SGD beside Adam."""

# -- section 6: the deep nets (see backprop_tui.models.health) -----------------------------------------

MIN_DEPTH, MAX_DEPTH = 2, 20
"""The depths (weight layers, the output layer included) section 6 offers."""
DEEP_INPUTS = 16
"""Inputs of section 6's nets."""
DEEP_WIDTH = 16
"""Neurons in each hidden layer of section 6's nets."""
DEEP_OUTPUTS = 8
"""Linear outputs of section 6's nets."""
DEEP_SAMPLES = 32
"""Samples in section 6's fixed batch."""
DEEP_INITS = ("normal", "xavier", "he")
"""The initialisations section 6 compares: naive N(0, 1), Xavier, He."""
TRAIN_STEPS = 10
"""Steps of SGD or Adam that section 6 takes before measuring, when asked."""
TRAIN_LR = 0.01
"""The learning rate of those steps."""
CLIP_NORM = 5.0
"""The global gradient norm that section 6's clipping keeps to."""
