"""Layers of the engine, with Keras' names (``from ml4phys.nn.layers import Dense``)."""

from .base import Layer
from .conv import Conv2D, Conv2DTranspose
from .core import Activation, Dropout
from .dense import Dense
from .gru import GRU
from .input_layer import InputLayer
from .lstm import LSTM
from .merge import Add, Average, Concatenate, Multiply, Subtract
from .padding import Cropping2D, ZeroPadding2D
from .pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
from .recurrent import SimpleRNN
from .reshaping import Flatten, Reshape
from .upsampling import UpSampling2D
from .wrappers import TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "Activation",
    "AveragePooling2D",
    "Conv2D",
    "Conv2DTranspose",
    "Cropping2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "Layer",
    "MaxPooling2D",
    "Reshape",
    "SimpleRNN",
    "TimeDistributed",
    "UpSampling2D",
    "ZeroPadding2D",
    "Add",
    "Subtract",
    "Multiply",
    "Average",
    "Concatenate",
    "InputLayer",
]


def get(class_name, custom_objects=None):
    """The layer class of that name (used when loading a saved model)."""
    classes = {name: globals()[name] for name in __all__}
    classes.update(custom_objects or {})
    if class_name not in classes:
        raise ValueError(
            f"unknown layer class {class_name!r}; known: {', '.join(classes)}"
        )
    return classes[class_name]
