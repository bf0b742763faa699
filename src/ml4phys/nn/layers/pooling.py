"""Pooling: reducing the resolution (lecture: "Reducing the resolution", max and average).

Images are (batchsize, height, width, channels). A pool of ph x pw moved by strides (sh, sw)
(default: the pool size) follows Keras: with 'valid' the output has floor((n - p) / s) + 1
pixels and rows or columns left over at the far edge are dropped; with 'same' it has
ceil(n / s) pixels, the image is padded (the odd one after, as TensorFlow), and the padding
never counts (max ignores it, average divides by the number of real pixels in the window).

Every layer loops over the ph*pw offsets inside a pool, never over pixels: the offset
(i, j) of all windows at once is the strided view x[:, i::sh, j::sw].
"""

from __future__ import annotations

import numpy as np

from ..kernels.pool import (
    max_blocks_backward,
    max_of_blocks,
    repeat_blocks,
    sum_of_blocks,
)
from .base import Layer
from .conv import check_channels_last, check_padding, pair
from .conv_ops import output_length, padding_amounts

__all__ = ["AveragePooling2D", "GlobalAveragePooling2D", "MaxPooling2D"]


class _Pooling2D(Layer):
    """Arguments, shapes and window views shared by max and average pooling."""

    image_output = True  # a Dense after it needs a Flatten

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        kind = type(self).__name__
        check_channels_last(data_format, kind)
        self.pool_size = pair(pool_size, "pool_size", kind)
        self.strides = (
            self.pool_size if strides is None else pair(strides, "strides", kind)
        )
        self.padding = check_padding(padding, kind)
        self.x_shape = self.x_pad = None

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        height, width, channels = input_shape
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        if self.padding == "valid" and (ph > height or pw > width):
            raise ValueError(
                f"{self.describe()}: pool_size {self.pool_size} is larger than the input "
                f"({height}, {width}) with padding='valid'; use padding='same' or a "
                "smaller pool"
            )
        self.pads = (
            padding_amounts(height, ph, sh, self.padding),
            padding_amounts(width, pw, sw, self.padding),
        )
        self.output_shape = (
            output_length(height, ph, sh, self.padding),
            output_length(width, pw, sw, self.padding),
            channels,
        )
        # non-overlapping pools without padding: one reshape replaces the offset loop
        self.tiles = self.strides == self.pool_size and not any(sum(self.pads, ()))
        return self.output_shape

    def _pad(self, x, value):
        if not any(sum(self.pads, ())):
            return x
        return np.pad(x, ((0, 0), *self.pads, (0, 0)), constant_values=value)

    def _windows(self, x_pad):
        """(k, view): for each pool offset k = i pw + j, its value in every window."""
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        ho, wo = self.output_shape[:2]
        for i in range(ph):
            for j in range(pw):
                yield (
                    i * pw + j,
                    x_pad[
                        :,
                        i : i + sh * (ho - 1) + 1 : sh,
                        j : j + sw * (wo - 1) + 1 : sw,
                    ],
                )

    def _views(self, x_pad):
        return (view for _, view in self._windows(x_pad))

    def _tiled(self, x):
        """(B, H, W, C) -> (B, ho, ph, wo, pw, C), the far leftovers dropped (a view)."""
        (ph, pw), (ho, wo, channels) = self.pool_size, self.output_shape
        return x[:, : ho * ph, : wo * pw].reshape(len(x), ho, ph, wo, pw, channels)

    def _untiled(self, blocks):
        """(B, ho, ph, wo, pw, C) -> (B, H, W, C), zeros in the far leftovers."""
        batchsize, ho, ph, wo, pw, channels = blocks.shape
        image = blocks.reshape(batchsize, ho * ph, wo * pw, channels)
        if image.shape == self.x_pad.shape:
            return image
        dx = np.zeros(self.x_pad.shape, blocks.dtype)
        dx[:, : ho * ph, : wo * pw] = image
        return dx

    def _unpad(self, dx_pad):
        (top, bottom), (left, right) = self.pads
        return dx_pad[:, top : dx_pad.shape[1] - bottom, left : dx_pad.shape[2] - right]

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
        }


class MaxPooling2D(_Pooling2D):
    """y = max over each pool; the gradient goes to the (first) maximum of each pool.

    The training forward keeps the (padded) input ``x_pad`` and the output ``y``; backward
    finds the maxima again by comparing. Ties go to the first offset in row-major order,
    as in PyTorch and TensorFlow.
    """

    def forward(self, x, training=False):
        x_pad = self._pad(x, -np.inf)  # padding never wins
        if self.tiles:
            y = max_of_blocks(self._tiled(x))  # y = max over each pool
        else:
            windows = self._windows(x_pad)
            y = next(windows)[1].copy()
            for _, view in windows:
                np.maximum(y, view, out=y)
        if training:
            self.x_pad, self.y = x_pad, y
        return y

    def backward(self, delta):
        self._check_trained_forward("x_pad")
        delta = np.asarray(delta, self.x_pad.dtype)
        if self.tiles:  # dC/dx = dC/dy at the first maximum of each pool, else 0
            blocks = max_blocks_backward(self._tiled(self.x_pad), self.y, delta)
            return self._untiled(blocks)
        dx_pad = np.zeros(self.x_pad.shape, delta.dtype)
        overlapping = (
            self.strides[0] < self.pool_size[0] or self.strides[1] < self.pool_size[1]
        )
        taken = np.zeros(self.y.shape, bool)  # pools whose maximum is found already
        mine = np.empty(self.y.shape, bool)
        for x_view, dx_view in zip(self._views(self.x_pad), self._views(dx_pad)):
            np.equal(x_view, self.y, out=mine)  # dC/dx = dC/dy at the first maximum
            np.greater(mine, taken, out=mine)  # mine and not taken
            taken |= mine
            if overlapping:
                dx_view += delta * mine
            else:
                np.multiply(delta, mine, out=dx_view)
        return self._unpad(dx_pad)


class AveragePooling2D(_Pooling2D):
    """y = mean over each pool (of its real pixels with 'same'); dC/dx = dC/dy / count."""

    def build(self, input_shape, rng, dtype=np.float32):
        output_shape = super().build(input_shape, rng, dtype)
        ones = self._pad(np.ones((1, *input_shape[:2], 1)), 0.0)
        self.counts = sum(view for _, view in self._windows(ones))[0]  # (ho, wo, 1)
        return output_shape

    def forward(self, x, training=False):
        if training:
            self.x_shape = x.shape
        if self.tiles:  # y = (sum of the pool) / (ph pw)
            y = sum_of_blocks(self._tiled(x))
            y *= 1.0 / (self.pool_size[0] * self.pool_size[1])
            return y
        x_pad = self._pad(x, 0.0)
        total = sum(view for _, view in self._windows(x_pad))
        return (total / self.counts).astype(x.dtype, copy=False)

    def backward(self, delta):
        self._check_trained_forward("x_shape")
        batchsize, height, width, channels = self.x_shape
        (ph, pw), (ho, wo, _) = self.pool_size, self.output_shape
        if self.tiles:  # every pixel of a pool gets dC/dy / (ph pw)
            share = repeat_blocks(delta * (1.0 / (ph * pw)), ph, pw)
            if (ho * ph, wo * pw) == (height, width):
                return share
            dx = np.zeros(self.x_shape, delta.dtype)
            dx[:, : ho * ph, : wo * pw] = share
            return dx
        (top, bottom), (left, right) = self.pads
        dx_pad = np.zeros(
            (batchsize, height + top + bottom, width + left + right, channels),
            delta.dtype,
        )
        share = delta / self.counts
        for _, view in self._windows(dx_pad):
            view += share
        return self._unpad(dx_pad)


class GlobalAveragePooling2D(Layer):
    """y[b, c] = mean over all pixels of channel c: (B, H, W, C) -> (B, C).

    ``keepdims=True`` keeps the output (B, 1, 1, C), as in Keras.
    """

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)
        self.x_shape = None

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        self.output_shape = (
            (1, 1, input_shape[2]) if self.keepdims else (input_shape[2],)
        )
        return self.output_shape

    def forward(self, x, training=False):
        if training:
            self.x_shape = x.shape
        return x.mean(axis=(1, 2), keepdims=self.keepdims, dtype=x.dtype)

    def backward(self, delta):
        self._check_trained_forward("x_shape")
        batchsize, height, width, channels = self.x_shape
        share = delta.reshape(batchsize, 1, 1, channels) * (1.0 / (height * width))
        return np.broadcast_to(share, self.x_shape).copy()

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}
