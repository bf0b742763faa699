"""InputLayer: the layer behind ``Input(shape=...)``, listed first in ``model.layers``.

It holds no parameters and passes its batch on unchanged; it exists so that a functional
model lists its inputs as Keras does (``model.layers[0]`` is an InputLayer) and so that
``.keras`` files name them.
"""

from __future__ import annotations

import numpy as np

from ..graph import SymbolicTensor
from .base import Layer

__all__ = ["InputLayer"]


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
