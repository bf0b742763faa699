"""ZeroPadding2D and Cropping2D: add zeros around images, or cut their borders off.

Both take Keras' forms of the amounts: an int (all four sides), a pair (symmetric
height, symmetric width) or ((top, bottom), (left, right)). Images are
(batchsize, height, width, channels); backward crops or pads the delta the other way.
"""

from __future__ import annotations

import numpy as np

from .base import Layer

__all__ = ["Cropping2D", "ZeroPadding2D"]


def _amounts(value, what, kind):
    """((top, bottom), (left, right)) from Keras' int / pair / pair-of-pairs forms."""
    try:
        if isinstance(value, (int, np.integer)):
            amounts = ((value, value), (value, value))
        else:
            rows, cols = value
            amounts = tuple(
                (a, a) if isinstance(a, (int, np.integer)) else tuple(a)
                for a in (rows, cols)
            )
        amounts = tuple(tuple(int(v) for v in pair) for pair in amounts)
        valid = all(len(pair) == 2 and min(pair) >= 0 for pair in amounts)
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            f"{kind}: {what} must be an int, a pair, or ((top, bottom), "
            f"(left, right)) of non-negative ints, received {value!r}"
        )
    return amounts


class ZeroPadding2D(Layer):
    """y = x with zero rows and columns added: (B, H, W, C) -> (B, H + t + b, W + l + r, C)."""

    image_output = True  # a Dense after it needs a Flatten

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = _amounts(padding, "padding", "ZeroPadding2D")

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        (top, bottom), (left, right) = self.padding
        height, width, channels = input_shape
        self.output_shape = (height + top + bottom, width + left + right, channels)
        return self.output_shape

    def forward(self, x, training=False):
        return np.pad(x, ((0, 0), *self.padding, (0, 0)))

    def backward(self, delta):
        (top, bottom), (left, right) = self.padding
        return delta[:, top : delta.shape[1] - bottom, left : delta.shape[2] - right]

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class Cropping2D(Layer):
    """y = x without its border rows and columns: (B, H, W, C) -> (B, H - t - b, W - l - r, C)."""

    image_output = True  # a Dense after it needs a Flatten

    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _amounts(cropping, "cropping", "Cropping2D")

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        (top, bottom), (left, right) = self.cropping
        height, width, channels = input_shape
        if top + bottom >= height or left + right >= width:
            raise ValueError(
                f"{self.describe()}: cropping {self.cropping} leaves nothing "
                f"of images of size ({height}, {width})"
            )
        self.output_shape = (height - top - bottom, width - left - right, channels)
        return self.output_shape

    def forward(self, x, training=False):
        (top, bottom), (left, right) = self.cropping
        return x[:, top : x.shape[1] - bottom, left : x.shape[2] - right]

    def backward(self, delta):
        return np.pad(delta, ((0, 0), *self.cropping, (0, 0)))

    def get_config(self):
        return {**super().get_config(), "cropping": [list(c) for c in self.cropping]}
