"""Named set-ups, first of all the lesson network of section 4.

The lesson network is 2-2-1: two inputs, two sigmoid hidden neurons, one
linear output, trained towards a target of 0.70 with mse. Its weights were
chosen so that the engine reproduces the source lesson's numbers exactly:
with inputs 0.50 and 0.30 the hidden neurons output 0.51 and 0.50, the
prediction is 0.5025 and the loss 0.0195 (the second hidden neuron sits at
z = 0, where σ′ is exactly its maximum 0.25 — handy for checking by hand).

Data only, importable without numpy: :func:`backprop_tui.engine.network.lesson_network`
builds the network from it.
"""

from __future__ import annotations

LESSON_LAYERS = (2, 2, 1)
"""Sizes of the lesson network, input first."""
LESSON_ACTIVATIONS = ("sigmoid", "linear")
"""Hidden and output activation of the lesson network."""
LESSON_W1 = ((-0.4, 0.3), (0.8, -0.5))
"""Input → hidden weights: row i is input i, column j hidden neuron j."""
LESSON_B1 = (0.0, 0.0)
LESSON_W2 = ((0.25,), (-0.05,))
"""Hidden → output weights."""
LESSON_B2 = (0.4,)
LESSON_INPUT = (0.5, 0.3)
LESSON_TARGET = (0.7,)
LESSON_LR = 0.5
"""The learning rate of the lesson's worked update."""

LESSON_PARAMS = ("w11", "w12", "w21", "w22", "bh1", "bh2", "v1", "v2", "bo")
"""The lesson network's nine parameters by the names the lesson gives them: wij joins input i
to hidden neuron j, bh1 and bh2 are the hidden biases, v1, v2 and bo the output's weights and bias."""
