"""The engine: batched feedforward and hand-written backpropagation in NumPy.

Its modules mirror Keras' import paths, so the lecture's code runs with ``keras``
replaced by ``ml4phys.nn``::

    from ml4phys.nn import *
    from ml4phys.nn.models import Sequential
    from ml4phys.nn.layers import Dense
"""

from . import (
    activations,
    callbacks,
    gradcheck,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)

__all__ = [
    "activations",
    "callbacks",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
    "gradcheck",
]
