"""The Layer contract of the engine (lecture: "Backpropagation", "Implementation").

A layer is a small class with three steps:

* ``build(input_shape, rng, dtype) -> output_shape`` creates ``self.params``, a dict of
  named arrays, and ``self.grads``, zeros with the same names. ``input_shape`` excludes the
  batch axis; ``rng`` is a ``np.random.Generator`` handed in by the model, never global.
* ``forward(x, training=False) -> y`` maps a batch; in training it keeps what backward
  needs in named attributes (``self.y_in``, ``self.df``), like the lecture's ``y_layer`` and
  ``df_layer``.
* ``backward(delta) -> delta_below`` overwrites ``self.grads`` and returns the delta for the
  layer below.

Batch convention (the lecture's): the cost is C = < C_n >, the mean over the batch of
per-sample costs. ``delta`` holds the per-sample dC_n/d(output) with the batch first; the
parameter gradients are batch means (``dw = y_in.T @ delta / batchsize``), and the delta
returned to the layer below stays per sample.

A layer of your own is a subclass with these three methods (docs: "From Keras to
ml4phys", "Layers of your own"); ``ml4phys.nn.gradcheck.check_layer(layer, shape)``
checks its backward pass against finite differences in one call.
"""

from __future__ import annotations

import numpy as np

from .. import initializers
from .. import regularizers as _regularizers
from ..graph import call_layer, is_symbolic

__all__ = ["Layer"]


class Layer:
    """Base class of all layers; see the module docstring for the contract.

    Parameters
    ----------
    input_shape : tuple of int, optional
        Shape of one sample, for the first layer of a model (Keras' ``input_shape=``).
    name : str, optional
        Unique within a model; the model names unnamed layers ``dense``, ``dense_1``, ...
    activity_regularizer : Regularizer or str, optional
        Penalty R(y_n) on each sample's output, added to that sample's cost.
    """

    def __init__(
        self, *, input_shape=None, name=None, activity_regularizer=None, trainable=True
    ):
        self.input_shape = None if input_shape is None else _as_shape(input_shape)
        self.name = name
        self.activity_regularizer = _regularizers.get(activity_regularizer)
        self.trainable = trainable
        self.params, self.grads = {}, {}
        self.regularizers = {}  # parameter name -> Regularizer (kernel_regularizer, ...)
        self.output_shape = None
        self.propagate_delta = True  # the model switches it off where no layer is below
        self.activity_loss = 0.0

    @property
    def built(self):
        return self.output_shape is not None

    def build(self, input_shape, rng, dtype=np.float32):
        """Create parameters for samples of ``input_shape``; return the output shape."""
        return input_shape

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, delta):
        raise NotImplementedError

    def __call__(self, x, training=False):
        """On arrays, ``forward(x)``; on symbolic tensors (``Input``), a graph node.

        The second is the functional API: ``y = Dense(3)(x)`` records that this layer
        reads ``x`` and returns the symbolic ``y`` for the next layer to read.
        """
        if is_symbolic(x):
            return call_layer(self, x)
        return self.forward(x, training)

    # -- helpers shared by the layer classes -----------------------------------------

    def _check_image(self, input_shape):
        """Image layers take (height, width, channels), all known (batch excluded)."""
        if len(input_shape) != 3 or None in input_shape:
            raise ValueError(
                f"{self.describe()}: expected images (height, width, channels)"
                f", received input shape {tuple(input_shape)}"
            )

    def _check_trained_forward(self, *attributes):
        if any(getattr(self, a, None) is None for a in attributes):
            raise RuntimeError(
                f"{self.describe()}: backward() needs a forward(x, training=True) first"
            )

    def describe(self):
        """``Dense 'dense_1'``: how errors name this layer."""
        return (
            f"{type(self).__name__} {self.name!r}" if self.name else type(self).__name__
        )

    def regularization_loss(self):
        """Sum of the penalties R(parameter) of this layer."""
        return sum(
            reg.value(self.params[name]) for name, reg in self.regularizers.items()
        )

    def _add_regularization_gradients(self):
        for name, reg in self.regularizers.items():
            self.grads[name] += reg.gradient(self.params[name])

    def _keep_activity(self, y, training):
        """In training, remember y for the activity penalty and record <R(y_n)>."""
        if training and self.activity_regularizer is not None:
            self.y_out = y
            self.activity_loss = float(
                self.activity_regularizer.per_sample_value(y).mean()
            )

    def _activity_delta(self, delta):
        """delta_n + dR/dy_n: the activity penalty's share of each sample's delta."""
        if self.activity_regularizer is None:
            return delta
        return delta + self.activity_regularizer.gradient(self.y_out)

    def _positive_int(self, name, value):
        """``value`` as an int; a ValueError naming this layer's class unless positive."""
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or value <= 0
        ):
            raise ValueError(
                f"{type(self).__name__}: {name} must be a positive int, "
                f"received {name}={value!r}"
            )
        return int(value)

    def _set_regularizers(self, pairs):
        """self.regularizers from (parameter name, Regularizer or None) pairs."""
        self.regularizers = {
            name: reg for name, reg in pairs if reg is not None and name in self.params
        }

    def _activate(self, z, training):
        """y = f(z); in training also keep df = f'(z) and the activity penalty."""
        if not training:
            return self.activation.f(z)
        y, self.df = self.activation.f_df(z)
        self._keep_activity(y, training)
        return y

    def _zero_grads(self):
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}

    def count_params(self):
        return int(sum(p.size for p in self.params.values()))

    def get_weights(self):
        """Copies of the parameters, in Keras' order (kernel, then bias)."""
        return [p.copy() for p in self.params.values()]

    def set_weights(self, weights):
        if len(weights) != len(self.params):
            raise ValueError(
                f"{self.describe()}: expected {len(self.params)} weight "
                f"arrays, received {len(weights)}"
            )
        for (name, p), w in zip(self.params.items(), weights):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(
                    f"{self.describe()}: weight {name!r} has shape {p.shape}, "
                    f"received {w.shape}"
                )
            p[...] = w  # in place: the optimizer's references stay valid

    def get_config(self):
        """Constructor arguments as JSON-able values (saved with the model)."""
        config = {"name": self.name}
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = self.activity_regularizer.get_config()
        return config

    def _weight_options_config(self, kinds=("kernel", "bias")):
        """Keras' activation, use_bias and {kind}_initializer, {kind}_regularizer."""
        config = {"activation": self.activation.get_config(), "use_bias": self.use_bias}
        for option, module in (
            ("initializer", initializers),
            ("regularizer", _regularizers),
        ):
            for kind in kinds:
                name = f"{kind}_{option}"
                config[name] = module.get_config(getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{self.describe()}>"


def _as_shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if s is None else int(s) for s in shape)
