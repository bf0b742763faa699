"""Fully connected layer (lecture: "One layer", "Backpropagation: the code").

z = y_in @ w + b, y = f(z), with w of shape (n_in, n_out) as in the lecture and Keras.
On inputs with more axes (batch, ..., n_in) it acts on the last axis, as Keras' Dense.
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from .. import regularizers as _regularizers
from .base import Layer

__all__ = ["Dense"]


class Dense(Layer):
    """Fully connected layer: z = y_in @ w + b, y = f(z).

    Parameters
    ----------
    units : int
        Number of neurons n_out.
    activation : str, Activation or function, optional
        f; a function must return ``(f(z), f'(z))``. Default: linear.
    use_bias : bool
    kernel_initializer, bias_initializer : str or Initializer
        Keras' defaults: ``'glorot_uniform'`` and ``'zeros'``.
    kernel_regularizer, bias_regularizer : Regularizer, optional
    input_shape : tuple, optional
        ``(n_in,)`` for the first layer.

    Notes
    -----
    The training forward keeps ``y_in`` and ``df`` = f'(z) for the backward pass.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(3, activation="relu")
    >>> layer.build((2,), np.random.default_rng(0))      # input shape -> output shape
    (3,)
    >>> layer.set_weights([np.array([[1.0, -1.0, 0.0], [2.0, 0.0, 1.0]]), np.zeros(3)])
    >>> layer.forward(np.array([[1.0, 1.0]], dtype=np.float32))   # relu(y_in @ w + b)
    array([[3., 0., 1.]], dtype=float32)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = self._positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.y_in = self.df = None

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) < 1 or input_shape[-1] is None:
            raise ValueError(
                f"{self.describe()}: needs inputs whose last axis has a known "
                f"size, received input shape {input_shape}"
            )
        n_in = input_shape[-1]
        self.params = {"w": self.kernel_initializer((n_in, self.units), rng, dtype)}
        if self.use_bias:
            self.params["b"] = self.bias_initializer((self.units,), rng, dtype)
        self._set_regularizers(
            (("w", self.kernel_regularizer), ("b", self.bias_regularizer))
        )
        self._zero_grads()
        self.output_shape = (*input_shape[:-1], self.units)
        return self.output_shape

    def forward(self, y_in, training=False):
        w = self.params["w"]
        if training or y_in.ndim != 2:
            z = y_in @ w  # (batchsize, ..., units)
        else:  # the same product; np.dot costs less per call on small batches
            z = np.dot(y_in, w)
        if self.use_bias:
            z += self.params["b"]
        if training:
            self.y_in = y_in
        return self._activate(z, training)  # y = f(z)

    def backward(self, delta):
        self._check_trained_forward("y_in")
        delta = self._activity_delta(delta)
        return self.backward_dz(self.activation.backward(delta, self.df))

    def backward_dz(self, delta):
        """Backward from Delta = dC_n/dz (the activation's derivative already applied)."""
        self._check_trained_forward("y_in")
        batchsize = len(delta)
        w = self.params["w"]
        y_in, delta_2d = self.y_in, delta
        if delta.ndim > 2:  # time steps or positions: sum them, average the batch
            y_in, delta_2d = y_in.reshape(-1, w.shape[0]), delta.reshape(-1, self.units)
        mean_delta = delta_2d * (1.0 / batchsize)  # scaling delta is cheaper than dw
        np.matmul(y_in.T, mean_delta, out=self.grads["w"])  # dC/dw_jk = <y_j Delta_k>
        if (
            self.use_bias
        ):  # dC/db_k = <Delta_k>, the batch sum as a product (BLAS: faster)
            np.matmul(
                np.ones(len(mean_delta), mean_delta.dtype),
                mean_delta,
                out=self.grads["b"],
            )
        if self.regularizers:
            self._add_regularization_gradients()
        if not self.propagate_delta:
            return None
        return delta @ w.T  # Delta_below = Delta @ w^T, per sample (times f' below)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            **self._weight_options_config(),
        }
