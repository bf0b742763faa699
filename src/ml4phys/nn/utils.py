"""Small helpers with Keras' names: one-hot labels and the global seed of a script."""

from __future__ import annotations

import random

import numpy as np

__all__ = ["to_categorical", "set_random_seed"]


def to_categorical(labels, num_classes=None, dtype="float32"):
    """One-hot vectors from integer class labels: shape (n,) -> (n, num_classes)."""
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(labels == np.round(labels)):
            raise ValueError("to_categorical expects integer class labels")
        labels = labels.astype(np.intp)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1}, found "
            f"{labels.min()}..{labels.max()}"
        )
    return np.eye(num_classes, dtype=dtype)[labels]


def set_random_seed(seed):
    """Seed Python's and NumPy's global generators, as ``keras.utils.set_random_seed``.

    Models created without ``seed=`` draw their seed from NumPy's global generator, so
    after this call a script gives the same weights every time. Passing ``seed=`` to
    ``Sequential`` is the explicit way and needs no global state.
    """
    random.seed(seed)
    np.random.seed(seed)


set_seed = set_random_seed
