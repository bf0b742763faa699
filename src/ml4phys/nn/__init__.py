"""The engine: batched feedforward and hand-written backpropagation in NumPy.

Its names mirror Keras 3's, so Keras code runs with ``keras`` replaced by
``ml4phys.nn``::

    from ml4phys.nn import *                    # Sequential, Model, Input, layers, ...
    from ml4phys.nn.models import Sequential
    from ml4phys.nn.layers import Dense

    x = Input(shape=(784,))                     # the functional API
    y = layers.Dense(10, activation="softmax")(x)
    model = Model(x, y)
"""

from . import (
    activations,
    callbacks,
    datasets,
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
from .layers.input_layer import Input
from .models import Model, Sequential, load_model

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
    "callbacks",
    "datasets",
    "gradcheck",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]
