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

import re

import numpy as np

from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from . import validation
from .layers.base import Layer
from .training import DivergenceError, evaluate, fit, predict

__all__ = ["Sequential", "DivergenceError", "load_model"]

FLAT = "*"  # the optimizer's name for the one flat buffer of all parameters


class Sequential:
    """A model whose layers each feed the next.

    Parameters
    ----------
    layers : list of Layer, optional
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
        self.name = name or "sequential"
        self.dtype = validation.model_dtype(dtype)
        self.seed = int(np.random.randint(2**31 - 1)) if seed is None else int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.layers, self.params, self.grads = [], {}, {}
        self.input_shape = self.output_shape = None
        self.loss = self.optimizer = None
        self.flat_params = self.flat_grads = np.zeros(0, self.dtype)
        self.metrics, self.stop_training, self.history = [], False, None
        for layer in layers or []:
            self.add(layer)

    # -- building ----------------------------------------------------------------------

    def add(self, layer):
        """Append a layer; it is built at once if the input shape is known."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer, received {layer!r}")
        names = {existing.name for existing in self.layers}
        if layer.name is None:
            layer.name = _unique_name(_snake_case(type(layer).__name__), names)
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
        elif self.layers[0].input_shape is not None:
            self.build(self.layers[0].input_shape)

    @property
    def built(self):
        return self.output_shape is not None

    def build(self, input_shape=None):
        """Create every layer's parameters for samples of ``input_shape`` (no batch axis)."""
        input_shape = input_shape or self.layers[0].input_shape
        if not self.layers:
            raise ValueError("the model has no layers; add some with model.add(...)")
        self.input_shape = shape = tuple(input_shape)
        for layer in self.layers:
            shape = self._build_layer(layer, shape, gather=False)
        self._gather_params()

    def _build_layer(self, layer, input_shape, gather=True):
        self.output_shape = tuple(layer.build(tuple(input_shape), self.rng, self.dtype))
        if gather:
            self._gather_params()
        return self.output_shape

    def _gather_params(self):
        """Put every trainable parameter, and its gradient, into one flat buffer.

        Each layer's ``params[key]`` and ``grads[key]`` become views of a slice of
        ``flat_params`` and ``flat_grads``, so an optimizer updates the whole network in
        a dozen array operations instead of a dozen per parameter. The dicts ``params``
        and ``grads`` keyed ``'dense_1/w'`` name the same views.
        """
        entries = [
            (f"{layer.name}/{key}", layer, key)
            for layer in self.layers
            if layer.trainable
            for key in layer.params
        ]
        size = sum(layer.params[key].size for _, layer, key in entries)
        self.flat_params = np.empty(size, self.dtype)
        self.flat_grads = np.zeros(size, self.dtype)
        offset = 0
        for _, layer, key in entries:
            shape, n = layer.params[key].shape, layer.params[key].size
            view = self.flat_params[offset : offset + n].reshape(shape)
            view[...] = layer.params[key]
            layer.params[key] = view
            layer.grads[key] = self.flat_grads[offset : offset + n].reshape(shape)
            offset += n
        self.params = {name: layer.params[key] for name, layer, key in entries}
        self.grads = {name: layer.grads[key] for name, layer, key in entries}
        if self.optimizer is not None:
            self.optimizer.state.pop(FLAT, None)  # the layout changed: start afresh
        # no layer below the first parameterized one needs a delta
        for i, layer in enumerate(self.layers):
            layer.propagate_delta = any(below.params for below in self.layers[:i])
        self._regularized = [
            layer
            for layer in self.layers
            if layer.regularizers or layer.activity_regularizer
        ]

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the cost, the optimizer and the metrics (names or objects, as in Keras)."""
        if loss is None:
            raise ValueError("compile needs a loss, e.g. loss='mean_squared_error'")
        self.optimizer = _optimizers.get(optimizer)
        self.loss = _losses.get(loss)
        self.metrics = [_metrics.get(m) for m in (metrics or [])]

    # -- one batch ---------------------------------------------------------------------

    def forward(self, x, training=False):
        """Apply the network to a batch; ``training=True`` keeps what backward needs."""
        y = self._as_input(x)
        for layer in self.layers:
            y = layer.forward(y, training)
        return y

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

    def apply_gradients(self):
        """One optimizer step with the gradients now in ``grads``."""
        if self.optimizer.clipnorm:  # Keras clips each parameter's gradient on its own
            self.optimizer.apply(self.params, self.grads)
        else:
            self.optimizer.apply({FLAT: self.flat_params}, {FLAT: self.flat_grads})

    def train_on_batch(self, x, y, sample_weight=None):
        """One step of gradient descent on this batch.

        Returns the loss before the step, or ``[loss, *metrics]`` if metrics were compiled.
        Raises DivergenceError, without changing the weights, if the loss is NaN or inf.
        """
        self._require_compiled("train_on_batch")
        y = np.asarray(y)
        y_pred = self.forward(x, training=True)
        loss_value, weights = self._loss(y, y_pred, sample_weight)
        if not np.isfinite(loss_value):
            validation.explain_divergence(x, y, sample_weight)
            raise DivergenceError(
                f"the loss became {loss_value}; the weights were left as before this step. "
                f"Try a smaller learning rate (now {self.optimizer.learning_rate:g})"
            )
        self._backward_from_loss(y, y_pred, weights)
        if not self._gradients_finite():
            validation.explain_divergence(x, y, sample_weight)
            raise DivergenceError(
                f"the gradients overflowed (loss {loss_value:.3g}); the weights were left "
                f"as before this step. Try a smaller learning rate (now "
                f"{self.optimizer.learning_rate:g})"
            )
        self.apply_gradients()
        return self._with_metrics(loss_value, y, y_pred)

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled("test_on_batch")
        y = np.asarray(y)
        y_pred = self.forward(x)
        return self._with_metrics(self._loss(y, y_pred, sample_weight)[0], y, y_pred)

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

    def _loss(self, y, y_pred, sample_weight):
        self.loss.check(y, y_pred)
        costs = self.loss.per_sample(y, y_pred)
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, self.dtype).reshape(len(y_pred))
            costs = costs * weights
        value = float(costs.mean())
        for layer in self._regularized:
            value += layer.regularization_loss() + layer.activity_loss
        return value, weights

    def _backward_from_loss(self, y, y_pred, weights):
        last = self.layers[-1]
        fused = (
            self.loss.fuses_with is not None
            and hasattr(last, "backward_dz")
            and getattr(last, "activation", None) is not None
            and last.activation.name == self.loss.fuses_with
            and last.activity_regularizer is None
        )
        delta = (self.loss.delta_z if fused else self.loss.delta)(y, y_pred)
        if weights is not None:
            delta *= weights.reshape(
                -1, *[1] * (delta.ndim - 1)
            )  # Delta_n <- w_n Delta_n
        self._backward(np.asarray(delta, self.dtype), fused)

    def _gradients_finite(self):
        """False if any gradient is inf or NaN: then |g|^2, one BLAS dot product, is too."""
        return bool(np.isfinite(np.dot(self.flat_grads, self.flat_grads)))

    def _with_metrics(self, loss_value, y, y_pred):
        if not self.metrics:
            return loss_value
        return [loss_value, *(f(y, y_pred) for _, f in self.metrics)]

    def _as_input(self, x):
        x = np.asarray(x)
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        if not self.built:
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape and not _matches(
            x.shape[1:], self.input_shape
        ):
            raise ValueError(
                f"{self.layers[0].describe()}: expected input of shape (batchsize, "
                f"{', '.join(map(str, self.input_shape))}), received {x.shape}"
            )
        if len(x) == 0:
            raise ValueError("received an empty batch (0 samples)")
        return x

    def _require_compiled(self, method):
        if self.loss is None:
            raise RuntimeError(
                f"call compile(loss=..., optimizer=...) before {method}()"
            )

    # -- whole data sets (ml4phys.nn.training) -------------------------------------------

    fit = fit
    evaluate = evaluate
    predict = predict

    # -- weights, summary, saving --------------------------------------------------------

    def get_weights(self):
        """All weights as a list of arrays, layer by layer, in Keras' order and layouts."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        weights = list(weights)
        expected = sum(len(layer.params) for layer in self.layers)
        if len(weights) != expected:
            raise ValueError(
                f"set_weights: the model has {expected} weight arrays, "
                f"received {len(weights)}"
            )
        for layer in self.layers:
            n = len(layer.params)
            layer.set_weights(weights[:n])
            weights = weights[n:]

    def count_params(self):
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn=print):
        """Print a table of the layers, their output shapes and parameter counts."""
        rows = [
            (
                f"{layer.name} ({type(layer).__name__})",
                str((None, *layer.output_shape)) if layer.built else "?",
                f"{layer.count_params():,}",
            )
            for layer in self.layers
        ]
        widths = [
            max(len(h), *(len(r[i]) for r in rows)) + 2
            for i, h in enumerate(("Layer (type)", "Output Shape", "Param #"))
        ]
        line = "".join(
            text.ljust(w)
            for text, w in zip(("Layer (type)", "Output Shape", "Param #"), widths)
        )
        rule = "-" * len(line)
        body = ["".join(text.ljust(w) for text, w in zip(row, widths)) for row in rows]
        print_fn(
            "\n".join(
                [
                    f'Model: "{self.name}"',
                    rule,
                    line,
                    rule.replace("-", "="),
                    *body,
                    rule,
                    f"Total params: {self.count_params():,}",
                ]
            )
        )

    def save(self, path):
        """Save config, weights and optimizer state to one file, atomically."""
        from .saving import save_model

        save_model(self, path)

    def __repr__(self):
        return f"<Sequential {self.name!r}: {len(self.layers)} layers>"


def load_model(path, custom_objects=None, *, allow_nonfinite=False):
    """Load a model written by ``Sequential.save`` (NaN or inf weights: only if allowed)."""
    from .saving import load_model as _load

    return _load(path, custom_objects, allow_nonfinite=allow_nonfinite)


def _check_flatten(below, layer):
    """A Dense right after an image layer almost always lacks a Flatten (lecture)."""
    from .layers.dense import Dense

    if isinstance(layer, Dense) and getattr(below, "image_output", False):
        shape = f" of shape {below.output_shape}" if below.built else ""
        raise ValueError(
            f"{layer.describe()}: follows {below.describe()}, whose output is images"
            f'{shape}; add Flatten() between them ("needed for transition to dense '
            "layer\", as the lecture says). Keras would apply Dense to each pixel's "
            "channels; for that, use Conv2D(units, kernel_size=1)"
        )


def _matches(shape, expected):
    return len(shape) == len(expected) and all(
        e is None or s == e for s, e in zip(shape, expected)
    )


def _snake_case(name):
    """Keras' layer names: Dense -> dense, Conv2D -> conv2d, SimpleRNN -> simple_rnn."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _unique_name(base, taken):
    if base not in taken:
        return base
    k = 1
    while f"{base}_{k}" in taken:
        k += 1
    return f"{base}_{k}"
