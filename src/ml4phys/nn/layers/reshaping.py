"""Layers that only rearrange values: Flatten and Reshape (the batch axis stays first)."""

from __future__ import annotations

import numpy as np

from .base import Layer

__all__ = ["Flatten", "Reshape"]


class Flatten(Layer):
    """(batchsize, d1, d2, ...) -> (batchsize, d1 * d2 * ...), e.g. before a Dense layer."""

    def build(self, input_shape, rng, dtype=np.float32):
        self.sample_shape = tuple(input_shape)
        self.output_shape = (int(np.prod(input_shape)),)
        return self.output_shape

    def forward(self, x, training=False):
        return x.reshape(len(x), -1)

    def backward(self, delta):
        return delta.reshape(len(delta), *self.sample_shape)


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1, as in NumPy)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(s) for s in target_shape)

    def build(self, input_shape, rng, dtype=np.float32):
        size = int(np.prod(input_shape))
        try:
            shape = np.empty(size, np.int8).reshape(self.target_shape).shape
        except ValueError:
            raise ValueError(
                f"{self.describe()}: cannot reshape samples of shape "
                f"{tuple(input_shape)} ({size} values) to "
                f"{self.target_shape}"
            ) from None
        self.sample_shape = tuple(input_shape)
        self.output_shape = shape
        return shape

    def forward(self, x, training=False):
        return x.reshape(len(x), *self.output_shape)

    def backward(self, delta):
        return delta.reshape(len(delta), *self.sample_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
