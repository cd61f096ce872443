"""The engine's vocabulary and limits, importable without numpy.

The command line and the screens validate against these before they touch the
engine (so ``--help`` and the first frame never wait for numpy); the engine
modules use the same constants, so the two can never disagree.
"""

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
