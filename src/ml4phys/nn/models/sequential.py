"""Sequential: a stack of layers with the lecture's Keras API (lecture: "Keras").

    net = Sequential()
    net.add(Dense(150, input_shape=(2,), activation='relu'))
    net.add(Dense(1))
    net.compile(loss='mean_squared_error', optimizer=optimizers.SGD(lr=0.1))
    cost = net.train_on_batch(y_in, y_target)

One training step is the lecture's algorithm: a forward pass that keeps y and f'(z) of
every layer, the per-sample delta of the cost at the output, the backward pass through the
layers, and the optimizer's step on the gradients. ``forward``, ``backward`` and
``apply_gradients`` are public, for training loops with a cost of your own.
"""

from __future__ import annotations

import numpy as np

from ..graph import SymbolicTensor, build_layer, call_layer, is_symbolic
from ..layers.base import Layer
from .base import BaseModel
from .naming import matches_shape, snake_case, unique_name

__all__ = ["Sequential"]


class Sequential(BaseModel):
    """A model whose layers each feed the next.

    Parameters
    ----------
    layers : list of Layer, optional
        May start with ``Input(shape=...)`` (Keras 3's way to give the input shape).
    name : str, optional
    seed : int, optional
        Seeds every random draw of this model (initial weights, dropout, shuffling).
        Without it the seed is drawn from NumPy's global generator, so
        ``ml4phys.nn.utils.set_random_seed`` makes a script reproducible, as in Keras.
    dtype : str
        ``'float32'`` (default) or ``'float64'``.

    Examples
    --------
    The lecture's first task, a function of two variables learned from samples:

    >>> import numpy as np
    >>> from ml4phys.nn import optimizers
    >>> from ml4phys.nn.layers import Dense
    >>> from ml4phys.nn.models import Sequential
    >>> net = Sequential([Dense(30, activation="sigmoid", input_shape=(2,)),
    ...                   Dense(1, activation="linear")], seed=0)
    >>> net.compile(loss="mean_squared_error", optimizer=optimizers.SGD(lr=0.5))
    >>> x = np.random.default_rng(0).uniform(-0.5, 0.5, size=(1000, 2))
    >>> y = np.exp(-5 * (x**2).sum(axis=1, keepdims=True))
    >>> before = net.evaluate(x, y)
    >>> history = net.fit(x, y, batch_size=50, epochs=20, verbose=0)
    >>> bool(net.evaluate(x, y) < before / 3)
    True
    >>> net.predict(x[:5]).shape
    (5, 1)
    """

    def __init__(self, layers=None, name=None, *, seed=None, dtype="float32"):
        super().__init__(name or "sequential", seed, dtype)
        self.layers = []
        self.input_shape = self.output_shape = None
        self._input_tensor = None  # an Input given first, in Keras 3's way
        for layer in layers or []:
            self.add(layer)

    # -- building ----------------------------------------------------------------------

    def add(self, layer):
        """Append a layer; it is built at once if the input shape is known."""
        if isinstance(layer, SymbolicTensor) and not self.layers:
            self._input_tensor = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer, received {layer!r}")
        names = {existing.name for existing in self.layers}
        if layer.name is None:
            layer.name = unique_name(snake_case(type(layer).__name__), names)
        elif layer.name in names:
            raise ValueError(f"a layer named {layer.name!r} is already in the model")
        if self.layers and layer.input_shape is not None and not self.built:
            raise ValueError(
                f"{layer.describe()}: input_shape= belongs on the first layer"
            )
        if self.layers:
            _check_flatten(self.layers[-1], layer)
        self.layers.append(layer)
        if self.built:
            self._build_layer(layer, self.output_shape)
        elif self._declared_input_shape() is not None:
            self.build(self._declared_input_shape())

    def _declared_input_shape(self):
        if self._input_tensor is not None:
            return self._input_tensor.sample_shape
        return self.layers[0].input_shape if self.layers else None

    @property
    def built(self):
        return self.output_shape is not None

    def build(self, input_shape=None):
        """Create every layer's parameters for samples of ``input_shape`` (no batch axis)."""
        if not self.layers:
            raise ValueError("the model has no layers; add some with model.add(...)")
        input_shape = input_shape or self._declared_input_shape()
        self.input_shape = shape = tuple(input_shape)
        for layer in self.layers:
            shape = self._build_layer(layer, shape, gather=False)
        self._gather_params()

    def _build_layer(self, layer, input_shape, gather=True):
        self.output_shape = build_layer(layer, input_shape, self.rng, self.dtype)
        if gather:
            self._gather_params()
        return self.output_shape

    def _unique_layers(self):
        return self.layers

    def _set_propagate_delta(self):
        # no layer below the first parameterized one needs a delta
        for i, layer in enumerate(self.layers):
            layer.propagate_delta = any(below.params for below in self.layers[:i])

    @property
    def output_names(self):
        return [self.layers[-1].name] if self.layers else ["output"]

    @property
    def inputs(self):
        """The symbolic input, as in Keras (the given ``Input``, or one made for it)."""
        if self._input_tensor is None and self.built:
            self._input_tensor = SymbolicTensor(self.input_shape, name="input_layer")
        return [self._input_tensor] if self._input_tensor is not None else []

    @property
    def outputs(self):
        return [self(self.inputs[0])] if self.built else []

    def __call__(self, x, training=False):
        """On arrays, the network's output; on a symbolic tensor, the layers as nodes."""
        if is_symbolic(x):
            if not self.built:
                self.build(x.sample_shape)
            for layer in self.layers:
                x = call_layer(layer, x, group=self)
            return x
        return self.forward(x, training)

    # -- one batch ---------------------------------------------------------------------

    def forward(self, x, training=False):
        """Apply the network to a batch; ``training=True`` keeps what backward needs."""
        y = self._as_input(x)
        for layer in self.layers:
            y = layer.forward(y, training)
        return y

    def _forward_outputs(self, x, training):
        return [self.forward(x, training)]

    def backward(self, delta, input_delta=False):
        """Backpropagate the per-sample dC_n/dy_out; fills ``grads``.

        Returns dC_n/dx for the input batch if ``input_delta`` (else None).
        """
        saved = [layer.propagate_delta for layer in self.layers]
        if input_delta:
            for layer in self.layers:
                layer.propagate_delta = True
        try:
            return self._backward(np.asarray(delta, self.dtype))
        finally:
            for layer, flag in zip(self.layers, saved):
                layer.propagate_delta = flag

    def _backward_outputs(self, deltas, fused):
        self._backward(deltas[0], fused[0])

    def _backward(self, delta, fused=False):
        """The backward pass; with ``fused`` the delta given is dC/dz of the last layer."""
        last = self.layers[-1]
        for layer in reversed(self.layers):
            if fused and layer is last:
                delta = layer.backward_dz(delta)  # dC/dz = y - y_target: the fused step
            else:
                delta = layer.backward(delta)
            if delta is None:  # no layer below needs it
                break
        return delta

    def _output_layer(self, i):
        return self.layers[-1]

    def predict_on_batch(self, x):
        """The network's output for one batch: shape ``(batchsize, *output_shape)``."""
        if (
            type(x) is np.ndarray
            and x.dtype == self.dtype
            and len(x)
            and x.shape[1:] == self.input_shape
        ):
            # a ready batch (an agent's observations, one step at a time): skip the
            # conversions and checks of _as_input, which cost as much as a small layer
            for layer in self.layers:
                x = layer.forward(x)
            return x
        return self.forward(x)

    def _as_input(self, x):
        x = np.asarray(x)
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        if not self.built:
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape and not matches_shape(
            x.shape[1:], self.input_shape
        ):
            raise ValueError(
                f"{self.layers[0].describe()}: expected input of shape (batchsize, "
                f"{', '.join(map(str, self.input_shape))}), received {x.shape}"
            )
        if len(x) == 0:
            raise ValueError("received an empty batch (0 samples)")
        return x

    def _summary_rows(self):
        return [
            (
                layer.name,
                type(layer).__name__,
                layer.output_shape if layer.built else None,
                layer.count_params(),
            )
            for layer in self.layers
        ]

    def __repr__(self):
        return f"<Sequential {self.name!r}: {len(self.layers)} layers>"


def _check_flatten(below, layer):
    """A Dense right after an image layer almost always lacks a Flatten (lecture)."""
    from ..layers.dense import Dense

    if isinstance(layer, Dense) and getattr(below, "image_output", False):
        shape = f" of shape {below.output_shape}" if below.built else ""
        raise ValueError(
            f"{layer.describe()}: follows {below.describe()}, whose output is images"
            f'{shape}; add Flatten() between them ("needed for transition to dense '
            "layer\", as the lecture says). Keras would apply Dense to each pixel's "
            "channels; for that, use Conv2D(units, kernel_size=1)"
        )
