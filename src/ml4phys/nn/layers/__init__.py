"""Layers of the engine, with Keras' names (``from ml4phys.nn.layers import Dense``)."""

from .base import Layer
from .core import Activation, Dropout
from .dense import Dense
from .gru import GRU
from .lstm import LSTM
from .recurrent import SimpleRNN
from .reshaping import Flatten, Reshape
from .wrappers import TimeDistributed

__all__ = ["Layer", "Activation", "Dense", "Dropout", "Flatten", "Reshape", "SimpleRNN",
           "LSTM", "GRU", "TimeDistributed"]


def get(class_name, custom_objects=None):
    """The layer class of that name (used when loading a saved model)."""
    classes = {name: globals()[name] for name in __all__}
    classes.update(custom_objects or {})
    if class_name not in classes:
        raise ValueError(f"unknown layer class {class_name!r}; known: {', '.join(classes)}")
    return classes[class_name]
