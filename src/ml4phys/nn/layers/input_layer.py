"""``Input(shape=...)`` and InputLayer, the layer behind it, first in ``model.layers``.

It holds no parameters and passes its batch on unchanged; it exists so that a functional
model lists its inputs as Keras does (``model.layers[0]`` is an InputLayer) and so that
``.keras`` files name them.
"""

from __future__ import annotations

import numpy as np

from ..graph import SymbolicTensor
from .base import Layer

__all__ = ["Input", "InputLayer"]

_input_count = [0]  # Keras names inputs input_layer, input_layer_1, ...


class InputLayer(Layer):
    """y = x. ``output`` is the symbolic tensor that ``Input`` returns."""

    def __init__(self, shape=None, name=None, batch_shape=None, **kwargs):
        if shape is None and batch_shape is not None:
            shape = tuple(batch_shape)[1:]
        super().__init__(input_shape=shape, name=name, **kwargs)
        self.output_shape = self.input_shape
        self.output = SymbolicTensor(self.input_shape, node=None, name=name)
        self.output.input_layer = self

    def build(self, input_shape, rng, dtype=np.float32):
        return tuple(input_shape)

    def forward(self, x, training=False):
        return x

    def backward(self, delta):
        return delta

    def get_config(self):
        return {"name": self.name, "shape": list(self.input_shape)}


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None):
    """The start of a functional graph, or the first item of a ``Sequential`` list.

    Parameters
    ----------
    shape : tuple of int
        Shape of one sample, without the batch axis (Keras' ``shape=``).
    batch_shape : tuple, optional
        Keras' alternative: the shape with the batch axis first (its size is ignored).
    name : str, optional
        The input's name (Keras' InputLayer name); ``input_layer``, ``input_layer_1``, ...
    """
    if shape is None and batch_shape is None:
        raise ValueError("Input needs shape=, e.g. Input(shape=(28, 28, 1))")
    if shape is None:
        shape = tuple(batch_shape)[1:]
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise ValueError(f"Input: ml4phys computes in floats, received dtype={dtype!r}")
    if name is None:
        count = _input_count[0]
        name = "input_layer" if count == 0 else f"input_layer_{count}"
        _input_count[0] += 1
    return InputLayer(shape=shape, name=name).output
