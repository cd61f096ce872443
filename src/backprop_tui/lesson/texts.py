"""The lesson's words for sections 1, 2, 3 and 8, as data: the screens only place them.

No computed number appears here: every value, gradient and loss on screen
comes from the engine and is put into the text by the screen that shows it.
"""

from __future__ import annotations

# -- section intro -------------------------------------------------------

WHY = """\
A network can have millions of weights. Feed it an input, it makes a \
prediction, and a loss function scores how wrong that prediction is. Which \
weights should change, which way, and by how much?

Why not nudge the weights at random and keep what helps? A small random step \
does lower the loss about half the time, but only by a sliver, and finding \
out costs a whole forward pass per try. The next step races the two on a \
real network.

Backpropagation answers the question exactly. In one backward sweep it works \
out, for every weight at once, how much that weight contributed to the loss \
and in which direction. That number is the weight's gradient."""

SEARCH = """\
Every step in the table moves the weights by the same distance, from the \
same starting point. {lowered} of the {tries} random steps went downhill: \
about half, as a step in a random direction does. But by how much? The best \
of them lowered the loss {best_share} as much as the gradient step did, a \
typical lucky one {typical_share} as much, and each try cost a forward pass \
just to find out.

The gradient costs one forward and one backward pass, however many weights \
there are, and it points, for every weight at once, the way the loss falls \
fastest. That is why networks learn by backpropagation and not by guessing."""


PROBLEM = """\
We have weights W, an input X, a target Y and a loss L that measures the gap \
between the network's output and Y.

The gradient tells us which way is uphill for the loss. Stepping the other \
way, a little at a time, lowers it: repeating that step is gradient descent. \
α (the learning rate) sets the size of each step.

The loss depends on every weight at once, so its slope for one weight is \
written with ∂ (a "partial" derivative): ∂L/∂W is how L changes when only W \
moves and everything else stays put. Where a quantity depends on just one \
input, as along the chain below, the slope is written with a plain d.

Next, a chain of four small functions shows how gradients are found: first \
the values flow forward, then the derivatives flow back."""

HISTORY = """\
The idea is older than deep learning. Seppo Linnainmaa described the reverse \
mode of automatic differentiation, the mathematics under backprop, in his \
1970 master's thesis; others found it too.

In 1986 David Rumelhart, Geoffrey Hinton and Ronald Williams published \
"Learning representations by back-propagating errors". They showed that it \
trains networks with hidden layers, which nobody had been able to do well, \
and neural networks came back to life.

Every network trained today still runs backprop. Optimisers such as Adam or \
RMSprop change what is done with the gradients, not how they are found."""

# -- section chain-rule --------------------------------------------------

RULE = """\
Backpropagation is the chain rule from calculus, applied over and over.

When y = f(g(x)), a small change in x moves g, and that change in g moves f. \
The slopes multiply:  dy/dx = dy/dg · dg/dx.

A network is one long chain: output = f(layer3(layer2(layer1(input)))). To find \
how the loss depends on one weight, multiply the slopes of every step between \
that weight and the loss.

Next: try it. You will change x and watch each slope, and their product."""

EXPLORER_NOTE = """\
Each arrow carries one local slope. Multiply them and you get the slope of the \
whole chain: how fast y moves when x moves. Change x and watch dy/du follow u, \
while du/dx stays 3."""

SAME_NUMBER_EXPLORER = (
    "Careful: y = {y} and dy/dx = {slope} agree by coincidence (9x² and 18x meet only at x = 0 and x = 2). "
    "y is a value; dy/dx, how fast it moves."
)
"""Under the explorer when y and dy/dx are equal ({y}: y with two decimals, {slope}: dy/dx with three).
Two lines at 80 columns: the step has no room for more."""

PATHS_NOTE = """\
In a network a value usually reaches the loss along several paths: a weight \
feeds a neuron whose output goes to every neuron of the next layer. The \
chain rule then adds one product per path. Backprop keeps adding these \
contributions as it sweeps back, so every path is counted once.

Here f takes two inputs, x and y, so its slopes are partial: ∂f/∂x = y is \
how f moves when only x moves, y held still, and ∂f/∂y = x likewise. z \
itself depends on x alone (through both paths), so its slope is dz/dx."""

SAME_NUMBER_PATHS = "Careful: y (x → z) and dy/dx (in x · 2x) are both {value} here, by coincidence."
"""Under the many-paths example when y and dy/dx are equal ({value}: with two decimals). One line at 80 columns."""

# -- section forward -----------------------------------------------------

LAYER = """\
Gradients can only be found once the network has run forward. Every layer \
does the same three things:

  1. multiply its inputs by its weights,
  2. add its biases,
  3. pass the result through an activation function.

The last layer's output is the prediction; the loss function compares it with \
the target. Next, the lesson network (2 inputs, 2 sigmoid hidden neurons, 1 \
linear output) runs forward one line at a time, with its real numbers."""

# -- section finish ------------------------------------------------------

TAKEAWAY = """\
Backpropagation is the chain rule, organised.

The forward pass computes and remembers every value. The backward pass starts \
at the loss with a slope of 1 and walks back through the network; at each step \
it multiplies in one local derivative and adds up the paths that meet. When it \
reaches a weight, the product is that weight's gradient: how much the loss \
would change if the weight changed.

A step of W ← W − α·∂L/∂W against the gradient lowers the loss. Repeat it \
millions of times and a network learns. When gradients shrink or blow up on \
the way back, learning stalls, and that is what good initialisation, ReLU-like \
activations, skip connections, clipping and adaptive optimisers are for."""
