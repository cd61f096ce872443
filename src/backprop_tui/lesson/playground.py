"""Section 7's fixed words: what the playground is for and what to try in it."""

INTRO_TEXT = """\
Up to now the lesson chose every network; here you do. On the next step \
(press n) the left column holds the whole set-up: how many hidden layers and how many neurons in each, their \
activation and skip connections, the output and the loss, how the weights start, the optimiser \
with its α, L2 and clipping, the seed, and what to learn — XOR, points \
inside a circle, a sine curve, or a sample of your own.

On the right the network trains. s takes one step (forward, backward, \
update) and shows the gradients it found; t takes 100 steps while you watch \
(t again or esc stops it); r starts over from fresh weights. Each layer has \
a health bar for its latest gradients and a sparkline of their size over the \
run, so gradients that fade away or blow up show as they happen.

Things to try: eight layers of sigmoid, and watch the first layers' bars; \
relu with he against xavier; the sine curve with sgd at α = 5, which diverges.

Under the run is its share code: backprop-tui --playground CODE opens \
exactly the same set-up, on any machine — hand it to a class."""
