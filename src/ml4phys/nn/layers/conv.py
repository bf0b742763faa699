"""Convolutional layers (lecture: "Convolutional Networks", "Our convolutional autoencoder").

Conv2D: each output pixel sees the kh x kw neighbourhood of the input pixel in ALL input
channels, with weights shared across the image (Keras' cross-correlation, no flip):

    z[b, p, q, o] = sum_{i, j, c} x_pad[b, p s + i, q s + j, c] w[i, j, c, o] + b[o],
    y = f(z).

Layouts are Keras': images (batchsize, height, width, channels), kernel (kh, kw, c_in,
c_out), so ``get_weights``/``set_weights`` exchange weights with Keras. With the windows
of x_pad as the rows of a matrix (im2col) a convolution is a Dense layer on the windows,
and its backward pass is Dense's (per sample Delta = dC_n/dz):

    dw = < sum_pq window_pq Delta_pq >,   db = < sum_pq Delta_pq >,
    dC_n/dx = each window's Delta w^T added back where the window came from.

The array work (im2col, the products, col2im) is in the kernels,
``ml4phys.nn.kernels.conv``.

Conv2DTranspose is the learnable upsampling: its forward is Conv2D's input gradient.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from .. import regularizers as _regularizers
from ..kernels.conv import Windows, correlate, input_gradient, kernel_gradient
from .base import Layer
from .conv_ops import output_length, padding_amounts

__all__ = ["Conv2D", "Conv2DTranspose"]


class _Conv(Layer):
    """What Conv2D and Conv2DTranspose share: arguments, parameters, the backward of f."""

    image_output = True  # a Dense after it needs a Flatten
    kept = "windows"  # what the training forward keeps for backward

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        data_format=None,
        dilation_rate=(1, 1),
        **kwargs,
    ):
        super().__init__(**kwargs)
        kind = type(self).__name__
        check_channels_last(data_format, kind)
        if pair(dilation_rate, "dilation_rate", kind) != (1, 1):
            raise ValueError(
                f"{kind}: only dilation_rate=1 is implemented, received {dilation_rate!r}"
            )
        self.filters = self._positive_int("filters", filters)
        self.kernel_size = pair(kernel_size, "kernel_size", kind)
        self.strides = pair(strides, "strides", kind)
        self.padding = check_padding(padding, kind)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.windows = self.x = self.df = None

    def _create_params(self, kernel_shape, rng, dtype):
        self.params = {"w": self.kernel_initializer(kernel_shape, rng, dtype)}
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.filters,), rng, dtype)
        self._set_regularizers(
            (("w", self.kernel_regularizer), ("b", self.bias_regularizer))
        )
        self._zero_grads()

    def backward(self, delta):
        self._check_trained_forward(self.kept)
        delta = self._activity_delta(delta)
        return self.backward_dz(self.activation.backward(delta, self.df))

    def _set_gradients(self, dw, db, batchsize):
        """grads = batch means of the sums dw and db, overwritten in place."""
        np.multiply(dw, 1.0 / batchsize, out=self.grads["w"])
        if self.use_bias:  # dC/db_o = < sum_pq Delta_pqo >
            np.multiply(db, 1.0 / batchsize, out=self.grads["b"])
        if self.regularizers:
            self._add_regularization_gradients()

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            **self._weight_options_config(),
        }


class Conv2D(_Conv):
    """2D convolution (Keras' cross-correlation) over images, y = f(x (*) w + b).

    Parameters
    ----------
    filters : int
        Number of output channels c_out.
    kernel_size : int or (int, int)
        (kh, kw).
    strides : int or (int, int)
    padding : {'valid', 'same'}
        'valid': no padding, output floor((n - k) / s) + 1; 'same': zeros around the
        image (the odd one after, as TensorFlow), output ceil(n / s).
    activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
    bias_regularizer, activity_regularizer, input_shape, name
        As for Dense; ``input_shape=(height, width, channels)`` on the first layer.

    Notes
    -----
    Input (batchsize, height, width, c_in) -> output (batchsize, ho, wo, c_out); kernel
    ``w`` (kh, kw, c_in, c_out), bias ``b`` (c_out,). The training forward keeps the
    ``windows`` of the padded input (``kernels.conv.Windows``) and ``df`` = f'(z).
    """

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        height, width, channels = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        if self.padding == "valid" and (kh > height or kw > width):
            raise ValueError(
                f"{self.describe()}: kernel_size {self.kernel_size} is larger than the "
                f"input ({height}, {width}) with padding='valid'; use padding='same' or "
                "a smaller kernel"
            )
        self.pads = (
            padding_amounts(height, kh, sh, self.padding),
            padding_amounts(width, kw, sw, self.padding),
        )
        self._create_params((kh, kw, channels, self.filters), rng, dtype)
        self.output_shape = (
            output_length(height, kh, sh, self.padding),
            output_length(width, kw, sw, self.padding),
            self.filters,
        )
        return self.output_shape

    def forward(self, x, training=False):
        if training:
            self.windows = None  # the last batch's, freed before this batch's are made
        # window_pq = x_pad[p s + i, q s + j, c] over i, j, c: the pixels output pq sees
        windows = Windows(x, self.kernel_size, self.strides, self.pads)
        # z[p, q, o] = sum_ijc x_pad[p s + i, q s + j, c] w[i, j, c, o] + b[o]
        z = correlate(windows, self.params["w"], self.params.get("b"), self.strides)
        if training:
            self.windows = windows
        return self._activate(z, training)  # y = f(z), (batchsize, ho, wo, c_out)

    def backward_dz(self, dz):
        """Backward from Delta = dC_n/dz (the activation's derivative already applied)."""
        self._check_trained_forward("windows")
        batchsize, w, windows = len(dz), self.params["w"], self.windows
        # dC/dw_ijco = < sum_pq x_pad[p s + i, q s + j, c] Delta_pqo >
        dw, db = kernel_gradient(windows, dz, w.shape, self.strides)
        self._set_gradients(dw, db, batchsize)
        if not self.propagate_delta:
            return None
        # Delta_below[u, v] = sum over the windows that hold pixel uv of (Delta_pq w^T)
        return input_gradient(dz, w, self.strides, windows.padded_shape, self.pads)


class Conv2DTranspose(_Conv):
    """Learnable upsampling ("deconvolution"): the transpose of Conv2D, as in Keras.

    Each input pixel adds a kh x kw patch, its values times the kernel, into the output at
    stride s: the forward pass is Conv2D's input gradient and the backward pass Conv2D's
    forward. Output size (Keras, ``output_padding=None``): n s for 'same',
    n s + max(k - s, 0) for 'valid'. Kernel ``w`` (kh, kw, filters, c_in), as Keras stores
    it; bias ``b`` (filters,). The training forward keeps its input ``x``.
    """

    kept = "x"

    def build(self, input_shape, rng, dtype=np.float32):
        self._check_image(input_shape)
        height, width, channels = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        out = [
            n * s + (max(k - s, 0) if self.padding == "valid" else 0)
            for n, k, s in ((height, kh, sh), (width, kw, sw))
        ]
        self.pads = tuple(
            padding_amounts(n, k, s, self.padding)
            for n, k, s in zip(out, self.kernel_size, self.strides)
        )
        self.padded_shape = (out[0] + sum(self.pads[0]), out[1] + sum(self.pads[1]))
        self._create_params((kh, kw, self.filters, channels), rng, dtype)
        self.output_shape = (*out, self.filters)
        return self.output_shape

    def forward(self, x, training=False):
        # y = the gradient a Conv2D with this kernel would send to its input, given x
        z = input_gradient(
            x,
            self.params["w"],
            self.strides,
            (len(x), *self.padded_shape, self.filters),
            self.pads,
        )
        if self.use_bias:
            z = z + self.params["b"]
        if training:
            self.x = x
        return self._activate(z, training)  # (batchsize, ho, wo, filters)

    def backward_dz(self, dz):
        """Backward from Delta = dC_n/dz: Conv2D's forward of Delta, and its kernel grad."""
        self._check_trained_forward("x")
        batchsize, w = len(dz), self.params["w"]
        windows = Windows(dz, self.kernel_size, self.strides, self.pads)  # of Delta
        # the Conv2D kernel gradient, with Delta as its input and x as its delta
        dw, _ = kernel_gradient(windows, self.x, w.shape, self.strides)
        db = dz.sum(axis=(0, 1, 2))  # dC/db = < sum_pq Delta_pq >
        self._set_gradients(dw, db, batchsize)
        if not self.propagate_delta:
            return None
        return correlate(windows, w, None, self.strides)


def pair(value, what, kind):
    """(a, b) from an int or a pair of positive ints (Keras' kernel_size, strides...)."""
    values = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 2 or not all(
        isinstance(v, (int, np.integer)) and v > 0 for v in values
    ):
        raise ValueError(
            f"{kind}: {what} must be a positive int or a pair of them, "
            f"received {value!r}"
        )
    return tuple(int(v) for v in values)


def check_channels_last(data_format, kind):
    """Images are (batch, height, width, channels) throughout, as Keras' default."""
    if data_format not in (None, "channels_last"):
        raise ValueError(
            f"{kind}: only data_format='channels_last' (batch, height, width, channels) "
            f"is implemented, received {data_format!r}"
        )


def check_padding(padding, kind):
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(
            f"{kind}: padding must be 'valid' or 'same', received {padding!r}"
        )
    return padding
