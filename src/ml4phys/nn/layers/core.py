"""Layers without weights that change values: Activation and Dropout."""

from __future__ import annotations

import numpy as np

from .. import activations
from .base import Layer

__all__ = ["Activation", "Dropout"]


class Activation(Layer):
    """Applies f element-wise (or softmax over the last axis): y = f(y_in)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.df = self._trained = None

    def build(self, input_shape, rng, dtype=np.float32):
        self.output_shape = tuple(input_shape)
        return self.output_shape

    def forward(self, x, training=False):
        if not training:
            return self.activation.f(x)
        y, self.df = self.activation.f_df(x)
        self._trained = True
        self._keep_activity(y, training)
        return y

    def backward(self, delta):
        self._check_trained_forward("_trained")
        delta = self._activity_delta(delta)
        return self.activation.backward(delta, self.df)

    def backward_dz(self, delta):
        """Delta = dC/dz given directly (the fused softmax + cross-entropy)."""
        return delta

    def get_config(self):
        return {**super().get_config(), "activation": self.activation.get_config()}


class Dropout(Layer):
    """Inverted dropout: in training y = y_in * mask / (1 - rate), mask_i ~ Bernoulli(1 - rate).

    Each neuron is switched off with probability ``rate`` (lecture: "dropout", a cure for
    overfitting); the survivors are scaled up so that predicting needs no change.
    Outside training the layer is the identity.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1), received {rate}")
        self.rate, self.seed = float(rate), seed
        self.mask = None

    def build(self, input_shape, rng, dtype=np.float32):
        self.rng = rng if self.seed is None else np.random.default_rng(self.seed)
        self.output_shape = tuple(input_shape)
        return self.output_shape

    def forward(self, x, training=False):
        if not training:
            return x
        if self.rate == 0.0:
            self.mask = np.ones((), x.dtype)
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.rate
        self.mask = keep.astype(x.dtype) * (
            1.0 / (1.0 - self.rate)
        )  # mask / (1 - rate)
        return x * self.mask

    def backward(self, delta):
        self._check_trained_forward("mask")
        return delta * self.mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
