"""Metrics: ``metric(y_true, y_pred) -> float``, the batch mean of a per-sample score.

``'accuracy'`` resolves as in Keras 3: binary accuracy for one output neuron, sparse
categorical accuracy for integer labels, categorical accuracy otherwise. The history key
is the name you asked for.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "mse",
    "mae",
    "get",
]


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of outputs on the right side of the threshold."""
    return float(np.mean((y_pred > threshold) == (y_true > threshold)))


def categorical_accuracy(y_true, y_pred):
    """Fraction of samples whose largest output is the one-hot label's class."""
    return float(np.mean(y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred):
    """Fraction of samples whose largest output is at their integer label."""
    labels = y_true.reshape(y_pred.shape[:-1])
    return float(np.mean(y_pred.argmax(axis=-1) == labels))


def mse(y_true, y_pred):
    """Mean squared error over all entries."""
    return float(np.mean(np.square(y_pred - y_true)))


def mae(y_true, y_pred):
    """Mean absolute error over all entries."""
    return float(np.mean(np.abs(y_pred - y_true)))


def accuracy(y_true, y_pred):
    """Keras 3's 'accuracy': the right kind of accuracy for these shapes."""
    return _resolve_accuracy(y_true, y_pred)(y_true, y_pred)


def _resolve_accuracy(y_true, y_pred):
    if y_pred.shape[-1] == 1:
        return binary_accuracy
    if y_true.ndim < y_pred.ndim or y_true.shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


_BY_NAME = {
    "accuracy": accuracy,
    "acc": accuracy,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mse": mse,
    "mean_squared_error": mse,
    "mae": mae,
    "mean_absolute_error": mae,
}


def get(identifier):
    """(name, function) for a metric name or a function ``f(y_true, y_pred) -> float``."""
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    if identifier not in _BY_NAME:
        raise ValueError(f"unknown metric {identifier!r}; known: {', '.join(_BY_NAME)}")
    return identifier, _BY_NAME[identifier]
