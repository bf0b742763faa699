"""UpSampling2D: enlarging the image size again (lecture: "simply repeats values").

Each pixel becomes a block of sh x sw equal pixels: (B, H, W, C) -> (B, H sh, W sw, C).
Backward adds up the delta of each block: dC/dx[p, q] = sum_block dC/dy.
"""

from __future__ import annotations

import numpy as np

from ..kernels.pool import repeat_blocks, sum_of_blocks
from .base import Layer
from .conv import pair

__all__ = ["UpSampling2D"]


class UpSampling2D(Layer):
    """Nearest-neighbour upsampling by ``size`` (int or (sh, sw)), as Keras' default.

    Only ``interpolation='nearest'`` is implemented (the lecture's "repeats values").
    """

    image_output = True  # a Dense after it needs a Flatten

    def __init__(self, size=(2, 2), interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = pair(size, "size", "UpSampling2D")
        if interpolation != "nearest":
            raise ValueError(
                "UpSampling2D: only interpolation='nearest' is implemented, "
                f"received {interpolation!r}"
            )
        self.interpolation = interpolation
        self.x_shape = None

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        height, width, channels = input_shape
        self.output_shape = (height * self.size[0], width * self.size[1], channels)
        return self.output_shape

    def forward(self, x, training=False):
        if training:
            self.x_shape = x.shape
        return repeat_blocks(x, *self.size)  # y[p sh + i, q sw + j] = x[p, q]

    def backward(self, delta):
        self._check_trained_forward("x_shape")
        batchsize, height, width, channels = self.x_shape
        sh, sw = self.size
        blocks = delta.reshape(batchsize, height, sh, width, sw, channels)
        return sum_of_blocks(blocks)  # dC/dx = sum of each block's delta

    def get_config(self):
        return {
            **super().get_config(),
            "size": list(self.size),
            "interpolation": self.interpolation,
        }
