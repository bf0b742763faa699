"""Cost functions C = < C_n >, the mean over the batch of per-sample costs C_n.

Each loss gives its value and its per-sample delta dC_n/dy_pred together (the lecture's
starting delta for backpropagation). Outputs of more than one axis (a sequence, an image)
are averaged over every axis but the batch, as Keras does.

The lecture's quadratic cost is ``C = 1/2 < |y_out - y_target|^2 >``. Keras' (and ours)
``mean_squared_error`` is < mean_j (y_out,j - y_target,j)^2 > = (2 / N) C for N output
neurons, so its gradient is 2/N times the lecture's: SGD(lr=eta) on it takes the lecture's
step with eta_lecture = 2 eta / N. To repeat a lecture run with step eta, use lr = N eta / 2.

With ``sample_weight`` w_n the batch cost is sum_n w_n C_n / batchsize (Keras' reduction
``sum_over_batch_size``), and delta_n is scaled by w_n.
"""

from __future__ import annotations

import numpy as np

from ..common import checks

__all__ = [
    "Loss",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryCrossentropy",
    "get",
    "mean_squared_error",
    "mse",
    "categorical_crossentropy",
    "binary_crossentropy",
]

EPSILON = 1e-7  # Keras' clip for probabilities inside logarithms


class Loss:
    """Subclasses define ``per_sample(y_true, y_pred)`` and ``delta(y_true, y_pred)``."""

    name = "loss"
    fuses_with = None  # name of the output activation whose dC/dz is computed in one go

    def check(self, y_true, y_pred):
        """Raise a clear error if the labels cannot go with these outputs."""
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"loss {self.name!r}: labels of shape {y_true.shape} do not match the "
                f"network's output of shape {y_pred.shape}"
            )

    def per_sample(self, y_true, y_pred):
        raise NotImplementedError

    def delta(self, y_true, y_pred):
        raise NotImplementedError

    def delta_z(self, y_true, y_pred):
        """dC_n/dz of the output layer, for the activation named in ``fuses_with``."""
        return (y_pred - y_true) / _positions(y_pred, self.class_axis)

    class_axis = False

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        self.check(y_true, y_pred)
        costs = self.per_sample(y_true, y_pred)
        if sample_weight is not None:
            costs = costs * sample_weight
        return float(costs.mean())

    def get_config(self):
        return self.name

    def __repr__(self):
        return f"{type(self).__name__}()"


def _positions(y, class_axis):
    """How many values the per-sample mean runs over (the class axis is summed instead)."""
    shape = y.shape[1:-1] if class_axis else y.shape[1:]
    return int(np.prod(shape)) if shape else 1


def _mean_over_sample(values):
    return values.reshape(len(values), -1).mean(axis=1)


class MeanSquaredError(Loss):
    """C_n = mean_j (y_pred_j - y_true_j)^2,   dC_n/dy_pred = 2 (y_pred - y_true) / N.

    Examples
    --------
    >>> import numpy as np
    >>> loss = MeanSquaredError()
    >>> y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])
    >>> loss(y_true, y_pred)                 # C, the batch mean of C_n
    0.25
    >>> loss.delta(y_true, y_pred)           # dC_n/dy_pred, per sample
    array([[ 0.5, -0.5]])
    """

    name = "mean_squared_error"

    def per_sample(self, y_true, y_pred):
        return _mean_over_sample(np.square(y_pred - y_true))

    def delta(self, y_true, y_pred):
        return (2.0 / _positions(y_pred, False)) * (y_pred - y_true)


class MeanAbsoluteError(Loss):
    """``C_n = mean_j |y_pred_j - y_true_j|``,   dC_n/dy_pred = sign(y_pred - y_true) / N."""

    name = "mean_absolute_error"

    def per_sample(self, y_true, y_pred):
        return _mean_over_sample(np.abs(y_pred - y_true))

    def delta(self, y_true, y_pred):
        return np.sign(y_pred - y_true).astype(y_pred.dtype) / _positions(y_pred, False)


class CategoricalCrossentropy(Loss):
    """C_n = - sum_j y_true_j ln y_pred_j  (one-hot y_true; y_pred a softmax output).

    After a softmax output layer the model uses the fused dC_n/dz = y_pred - y_true, which
    stays exact when a probability underflows to 0 (where -y_true / y_pred would not).
    """

    name = "categorical_crossentropy"
    fuses_with = "softmax"
    class_axis = True

    def check(self, y_true, y_pred):
        if y_true.shape != y_pred.shape and np.issubdtype(y_true.dtype, np.integer):
            raise ValueError(
                f"loss 'categorical_crossentropy' expects one-hot labels of shape "
                f"{y_pred.shape}, received integer labels of shape {y_true.shape}: use "
                "loss='sparse_categorical_crossentropy', or one-hot encode them with "
                "ml4phys.nn.utils.to_categorical"
            )
        super().check(y_true, y_pred)

    def per_sample(self, y_true, y_pred):
        log_p = np.log(np.clip(y_pred, EPSILON, 1.0 - EPSILON))
        return _mean_over_sample(-(y_true * log_p).sum(axis=-1))

    def delta(self, y_true, y_pred):
        return -y_true / np.clip(y_pred, EPSILON, None) / _positions(y_pred, True)


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels instead of one-hot vectors."""

    name = "sparse_categorical_crossentropy"

    def check(self, y_true, y_pred):
        if y_true.shape not in (y_pred.shape[:-1], (*y_pred.shape[:-1], 1)):
            raise ValueError(
                f"loss 'sparse_categorical_crossentropy' expects integer labels of shape "
                f"{y_pred.shape[:-1]}, received {y_true.shape}"
            )
        checks.labels_in_range(
            "y", y_true, y_pred.shape[-1], where=f"loss {self.name!r}"
        )

    def _one_hot(self, y_true, y_pred):
        labels = y_true.reshape(y_pred.shape[:-1]).astype(np.intp)
        return np.eye(y_pred.shape[-1], dtype=y_pred.dtype)[labels]

    def per_sample(self, y_true, y_pred):
        return super().per_sample(self._one_hot(y_true, y_pred), y_pred)

    def delta(self, y_true, y_pred):
        return super().delta(self._one_hot(y_true, y_pred), y_pred)

    def delta_z(self, y_true, y_pred):
        return super().delta_z(self._one_hot(y_true, y_pred), y_pred)


class BinaryCrossentropy(Loss):
    """C_n = - mean_j [t_j ln y_j + (1 - t_j) ln(1 - y_j)];  fused with sigmoid: y - t."""

    name = "binary_crossentropy"
    fuses_with = "sigmoid"

    def check(self, y_true, y_pred):
        super().check(y_true, y_pred)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            bad = (y_true.min() if y_true.min() < 0 else y_true.max()).item()
            raise ValueError(
                f"loss 'binary_crossentropy' expects labels in [0, 1], received {bad!r}"
                + (" (labels -1/+1: use (y + 1) / 2)" if bad == -1 else "")
            )

    def per_sample(self, y_true, y_pred):
        y = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return _mean_over_sample(-(y_true * np.log(y) + (1 - y_true) * np.log(1 - y)))

    def delta(self, y_true, y_pred):
        y = np.clip(y_pred, EPSILON, 1.0 - EPSILON)
        return (y - y_true) / (y * (1 - y)) / _positions(y_pred, False)


mean_squared_error = mse = MeanSquaredError
categorical_crossentropy = CategoricalCrossentropy
binary_crossentropy = BinaryCrossentropy

_BY_NAME = {
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
}


def get(identifier) -> Loss:
    """Loss from a name or an instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if identifier not in _BY_NAME:
        raise ValueError(f"unknown loss {identifier!r}; known: {', '.join(_BY_NAME)}")
    return _BY_NAME[identifier]()
