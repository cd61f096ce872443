"""backprop-tui: a terminal lesson on backpropagation, driven by a small numpy engine."""

__version__ = "0.1.0"
