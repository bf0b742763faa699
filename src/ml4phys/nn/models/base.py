"""What Sequential and functional models share: parameters, compile and one training step.

One training step is the lecture's algorithm: a forward pass that keeps y and f'(z) of
every layer, the per-sample delta of the cost at each output, the backward pass, and the
optimizer's step on the gradients. A subclass says how to run forward
(``_forward_outputs``) and backward (``_backward_outputs``) through its layers; the rest
is here. With several outputs the cost is C = sum_i loss_weight_i C_i, so the delta at
output i is loss_weight_i dC_i/dy_i.
"""

from __future__ import annotations

import math

import numpy as np

from .. import optimizers as _optimizers
from .. import validation
from ..kernels import conv as conv_kernels
from ..kernels import threads as kernel_threads
from ..kernels.memory import keep_freed_memory
from ..layers.conv import Conv2D
from ..layers.dense import Dense
from ..training import DivergenceError, evaluate, fit, predict
from .compiled import compile_losses, compile_metrics
from .summary import LayersAndWeights

__all__ = ["BaseModel"]

FLAT = "*"  # the optimizer's name for the one flat buffer of all parameters


class BaseModel(LayersAndWeights):
    """Parameters, compile, train/test/predict on a batch, weights and summary."""

    def __init__(self, name, seed=None, dtype="float32"):
        self.name = name
        self.dtype = validation.model_dtype(dtype)
        self.seed = int(np.random.randint(2**31 - 1)) if seed is None else int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.params, self.grads, self._entries = {}, {}, []
        self.loss = self.optimizer = None
        self.losses, self.loss_weights = [], []
        self.flat_params = self.flat_grads = np.zeros(0, self.dtype)
        self.metrics, self.stop_training, self.history = [], False, None

    # -- what a subclass provides ------------------------------------------------------

    def _unique_layers(self):
        """Every layer once, in the order they run."""
        raise NotImplementedError

    def _forward_outputs(self, x, training):
        """The list of output batches."""
        raise NotImplementedError

    def _backward_outputs(self, deltas, fused):
        """Backpropagate a delta per output (dC/dz where ``fused[i]``)."""
        raise NotImplementedError

    def _set_propagate_delta(self):
        """Switch off the deltas that no layer with parameters below needs."""

    # -- parameters --------------------------------------------------------------------

    def _gather_params(self):
        """Put every trainable parameter, and its gradient, into one flat buffer.

        Each layer's ``params[key]`` and ``grads[key]`` become views of a slice of
        ``flat_params`` and ``flat_grads``, so an optimizer updates the whole network in
        a dozen array operations instead of a dozen per parameter. The dicts ``params``
        and ``grads`` keyed ``'dense_1/w'`` name the same views.
        """
        layers = self._unique_layers()
        entries = [
            (f"{layer.name}/{key}", layer, key)
            for layer in layers
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
        self._entries = entries
        self.params = {name: layer.params[key] for name, layer, key in entries}
        self.grads = {name: layer.grads[key] for name, layer, key in entries}
        if self.optimizer is not None:
            self.optimizer.state.pop(FLAT, None)  # the layout changed: start afresh
        self._set_propagate_delta()
        self._regularized = [
            layer
            for layer in layers
            if layer.regularizers or layer.activity_regularizer
        ]

    def _own_params(self):
        """Gather again if another model that shares layers took them into its buffer.

        (An encoder trained on its own, then the autoencoder that contains it.)
        """
        if any(
            layer.params.get(key) is not self.params[name]
            for name, layer, key in self._entries
        ):
            self._gather_params()

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None):
        """Choose the cost, the optimizer and the metrics (names or objects, as in Keras).

        With several outputs, ``loss`` and ``loss_weights`` may be lists (one per output)
        or dicts keyed by output name; a single loss applies to every output. The cost
        is then sum_i loss_weights[i] C_i.
        """
        if loss is None:
            raise ValueError("compile needs a loss, e.g. loss='mean_squared_error'")
        names = self.output_names
        self.losses, self.loss_weights = compile_losses(loss, loss_weights, names)
        self.loss = self.losses[0] if len(names) == 1 else self.losses
        self.optimizer = _optimizers.get(optimizer)
        self.metrics = compile_metrics(metrics, names)

    # -- one batch ---------------------------------------------------------------------

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
        layers = self._unique_layers()
        if not any(type(layer) is Conv2D for layer in layers):
            return self._train_step(x, y, sample_weight)
        # a conv net's kernels may take the two halves of each batch at once (kernels.threads)
        with kernel_threads.step(largest_product(layers)):
            return self._train_step(x, y, sample_weight)

    def _train_step(self, x, y, sample_weight):
        self._own_params()
        keep_freed_memory()  # once per process: each batch reuses the last one's memory
        y_preds = self._forward_outputs(x, training=True)
        ys = self._as_targets(y)
        loss_value, weights = self._loss(ys, y_preds, sample_weight)
        if not np.isfinite(loss_value):
            _explain_divergence(x, y, sample_weight)
            raise DivergenceError(
                f"the loss became {loss_value}; the weights were left as before this "
                f"step. Try a smaller learning rate (now "
                f"{self.optimizer.learning_rate:g})"
            )
        self._backward_from_loss(ys, y_preds, weights)
        self._collect_rebound_grads()
        if not self._gradients_finite():
            _explain_divergence(x, y, sample_weight)
            raise DivergenceError(
                f"the gradients overflowed (loss {loss_value:.3g}); the weights were "
                f"left as before this step. Try a smaller learning rate (now "
                f"{self.optimizer.learning_rate:g})"
            )
        self.apply_gradients()
        return self._with_metrics(loss_value, ys, y_preds)

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled("test_on_batch")
        y_preds = self._forward_outputs(x, training=False)
        ys = self._as_targets(y)
        return self._with_metrics(
            self._loss(ys, y_preds, sample_weight)[0], ys, y_preds
        )

    def _as_targets(self, y):
        """The targets as a list, one array per output (a list or a dict by name)."""
        names = self.output_names
        if len(names) == 1 and not isinstance(y, (list, tuple, dict)):
            return [np.asarray(y)]
        if isinstance(y, dict):
            missing = [name for name in names if name not in y]
            if missing:
                raise ValueError(f"targets: no array for the outputs {missing}")
            y = [y[name] for name in names]
        if len(y) != len(names):
            raise ValueError(
                f"the model has {len(names)} outputs {names}, received {len(y)} "
                "arrays of targets"
            )
        return [np.asarray(a) for a in y]

    def _loss(self, ys, y_preds, sample_weight):
        """C = sum_i loss_weight_i < w_n C_i,n > + penalties; returns C and the w_n."""
        ys, y_preds = _listed(ys, y_preds)
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, self.dtype).reshape(len(y_preds[0]))
        value = 0.0
        for loss, loss_weight, y, y_pred in zip(
            self.losses, self.loss_weights, ys, y_preds
        ):
            loss.check(y, y_pred)
            costs = loss.per_sample(y, y_pred)
            if weights is not None:
                costs = costs * weights
            value += loss_weight * float(costs.mean())
        for layer in self._regularized:
            value += layer.regularization_loss() + layer.activity_loss
        return value, weights

    def _backward_from_loss(self, ys, y_preds, weights):
        ys, y_preds = _listed(ys, y_preds)
        fused = [self._fuses(i) for i in range(len(ys))]
        deltas = []
        for i, (loss, y, y_pred) in enumerate(zip(self.losses, ys, y_preds)):
            delta = (loss.delta_z if fused[i] else loss.delta)(y, y_pred)
            if self.loss_weights[i] != 1.0:
                delta = delta * self.loss_weights[i]  # C = sum_i lw_i C_i
            if weights is not None:  # Delta_n <- w_n Delta_n
                delta = delta * weights.reshape(-1, *[1] * (delta.ndim - 1))
            deltas.append(np.asarray(delta, self.dtype))
        self._backward_outputs(deltas, fused)

    def _fuses(self, i):
        """Whether output i's activation and loss are differentiated in one step."""
        layer, loss = self._output_layer(i), self.losses[i]
        return (
            loss.fuses_with is not None
            and hasattr(layer, "backward_dz")
            and getattr(layer, "activation", None) is not None
            and layer.activation.name == loss.fuses_with
            and layer.activity_regularizer is None
            and self._output_is_only_use(i)
        )

    def _output_is_only_use(self, i):
        return True

    def _collect_rebound_grads(self):
        """A layer of one's own may assign ``self.grads[k] = ...`` instead of writing
        into the array: copy such a gradient into the flat buffer the optimizer reads.
        """
        for name, layer, key in self._entries:
            if layer.grads[key] is not self.grads[name]:
                self.grads[name][...] = layer.grads[key]
                layer.grads[key] = self.grads[name]

    def _gradients_finite(self):
        """False if any gradient is inf or NaN: then |g|^2, one BLAS dot product, is too."""
        return bool(np.isfinite(np.dot(self.flat_grads, self.flat_grads)))

    def _with_metrics(self, loss_value, ys, y_preds):
        if not self.metrics:
            return loss_value
        return [loss_value, *(f(ys, y_preds) for _, f in self.metrics)]

    def _require_compiled(self, method):
        if self.loss is None:
            raise RuntimeError(
                f"call compile(loss=..., optimizer=...) before {method}()"
            )

    # -- whole data sets (ml4phys.nn.training) -------------------------------------------

    fit = fit
    evaluate = evaluate
    predict = predict


def _explain_divergence(x, y, sample_weight):
    """Name NaN or inf in the batch, if any (else the learning rate is to blame)."""
    xs = list(x.values()) if isinstance(x, dict) else x
    ys = list(y.values()) if isinstance(y, dict) else y
    xs = xs if isinstance(xs, (list, tuple)) else [xs]
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    for x_part in xs:
        validation.explain_divergence(x_part, ys[0], sample_weight)
    for y_part in ys[1:]:
        validation.explain_divergence(xs[0], y_part, sample_weight)


def _listed(ys, y_preds):
    """One output's arrays as lists of one (the lists of several outputs stay)."""
    if isinstance(y_preds, list):
        return ys, y_preds
    return [np.asarray(ys)], [y_preds]


def largest_product(layers):
    """Multiply-adds per sample of the largest matrix product in a training step of these
    layers that does not run on batch halves (``kernels.threads.step``): a Dense layer's,
    a one-channel conv layer's (``kernels.conv.product_size``); inf for a layer with
    parameters other than a Dense or Conv2D layer.
    """
    largest = 0
    for layer in layers:
        if not layer.params:
            continue  # pooling, reshaping, activations, dropout: sample by sample
        w = layer.params["w"] if "w" in layer.params else None
        if type(layer) is Dense:
            size = w.size * int(np.prod(layer.output_shape[:-1]))
        elif type(layer) is Conv2D:
            size = conv_kernels.product_size(w.shape, layer.strides, layer.output_shape)
        else:
            return math.inf
        largest = max(largest, size)
    return largest
