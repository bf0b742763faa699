"""TimeDistributed: apply one layer, with one set of weights, at every time step.

(batchsize, timesteps, ...) is folded into (batchsize*timesteps, ...) for the inner layer
and unfolded after it. The inner layer averages its gradients over batchsize*timesteps
rows; the cost sums over time steps within a sample, so the wrapper multiplies them by
timesteps to get the batch means of the engine's convention. (Dense already acts on the
last axis of a 3D input, so ``TimeDistributed(Dense(1))`` equals ``Dense(1)``.)
"""

from __future__ import annotations

import numpy as np

from .base import Layer

__all__ = ["TimeDistributed"]


class TimeDistributed(Layer):
    """Apply ``layer`` to every time step: y[:, t] = layer(x[:, t]).

    Parameters
    ----------
    layer : Layer
        An unbuilt layer for one time step's input, shape ``input_shape[1:]``.
    input_shape : tuple, optional
        ``(timesteps, ...)`` for the first layer of a model; timesteps may be None.

    Notes
    -----
    The parameters are the inner layer's own arrays (``params`` and ``grads`` are its
    dicts), so saving, ``set_weights`` and the optimizer see them under this layer's name.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise TypeError(f"TimeDistributed: expected a Layer, received {layer!r}")
        self.layer = layer
        self.timesteps = None

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) < 2:
            raise ValueError(
                f"{self.describe()}: expected input of shape (batchsize, "
                f"timesteps, ...), received input shape (batchsize, "
                f"{', '.join(map(str, input_shape))})"
            )
        if self.layer.name is None:
            self.layer.name = f"{self.name}/{type(self.layer).__name__.lower()}"
        self.sample_shape = tuple(input_shape)
        inner_shape = self.layer.build(tuple(input_shape[1:]), rng, dtype)
        self.layer.output_shape = tuple(inner_shape)
        self.params, self.grads = self.layer.params, self.layer.grads
        # the wrapper adds the penalties' gradients after rescaling the inner gradients
        self.regularizers, self.layer.regularizers = self.layer.regularizers, {}
        self.output_shape = (input_shape[0], *inner_shape)
        return self.output_shape

    def forward(self, x, training=False):
        x = np.asarray(x)
        if x.ndim != len(self.sample_shape) + 1:
            raise ValueError(
                f"{self.describe()}: expected input of shape (batchsize, "
                f"{', '.join(map(str, self.sample_shape))}), received "
                f"{x.shape}"
            )
        batchsize, timesteps = x.shape[:2]
        y = self.layer.forward(x.reshape(batchsize * timesteps, *x.shape[2:]), training)
        if training:
            self.timesteps = timesteps
        y = y.reshape(batchsize, timesteps, *y.shape[1:])
        self._keep_activity(y, training)
        return y

    def backward(self, delta):
        self._check_trained_forward("timesteps")
        delta = self._activity_delta(delta)
        batchsize, timesteps = delta.shape[:2]
        self.layer.propagate_delta = self.propagate_delta
        delta_below = self.layer.backward(
            delta.reshape(batchsize * timesteps, *delta.shape[2:])
        )
        for g in self.grads.values():
            g *= timesteps  # mean over batchsize*timesteps rows -> batch mean of the sums
        if self.regularizers:
            self._add_regularization_gradients()
        if delta_below is None:
            return None
        return delta_below.reshape(batchsize, timesteps, *delta_below.shape[1:])

    def get_config(self):
        return {
            **super().get_config(),
            "layer": {
                "class_name": type(self.layer).__name__,
                "config": self.layer.get_config(),
            },
        }

    @classmethod
    def from_config(cls, config):
        from . import get

        config = dict(config)
        spec = config.pop("layer")
        return cls(get(spec["class_name"]).from_config(spec["config"]), **config)
