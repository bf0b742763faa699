"""Binarized handwritten digits for the RBM experiments: MNIST, or in quick runs
scikit-learn's 8x8 digits when MNIST is not at hand (no download in quick runs).

Both come as ``ml4phys.data`` delivers them (uint8 pixels 0..255); a pixel above 127
becomes 1. ``fit_by_method`` trains an RBM on them as both experiments' configs say.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..data import digits, mnist
from .rbm_bars import parse_method


@dataclass
class Digits:
    x_train: np.ndarray  # (n, pixels) float32 in {0, 1}
    y_train: np.ndarray  # (n,) int labels
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple
    source: str  # 'mnist' or 'sklearn-digits-8x8'


def load_binary_digits(quick=False, n_train=None, seed=0):
    """Binarized MNIST; quick runs fall back to the 8x8 digits. ``n_train`` keeps a
    random subset of the training images.

    Raises
    ------
    FileNotFoundError
        Full runs without MNIST (the message says where it was looked for), or quick
        runs with neither MNIST nor scikit-learn.
    """
    try:
        (x_train, y_train), (x_test, y_test) = _mnist(download=not quick)
        shape, source = (28, 28), "mnist"
    except (OSError, ValueError):
        if not quick:
            raise
        (x_train, y_train), (x_test, y_test) = _small_digits()
        shape, source = (8, 8), "sklearn-digits-8x8"
    digits = Digits(
        _binarize(x_train),
        y_train.astype(int),
        _binarize(x_test),
        y_test.astype(int),
        shape,
        source,
    )
    if n_train is not None and n_train < len(digits.x_train):
        keep = np.random.default_rng(seed).choice(
            len(digits.x_train), n_train, replace=False
        )
        digits.x_train, digits.y_train = digits.x_train[keep], digits.y_train[keep]
    return digits


def _binarize(images):
    return (images.reshape(len(images), -1) > 127).astype(np.float32)


@functools.lru_cache(maxsize=2)
def _mnist(download):
    return mnist.load_data(download=download, progress=False)


def _small_digits():
    try:
        return digits.load_data()
    except ImportError as error:
        raise FileNotFoundError(
            f"neither MNIST nor scikit-learn's digits are available ({error})"
        ) from None


def fit_by_method(rbm, x, method, epochs, config, progress=None, **monitor):
    """``rbm.fit`` by ``method`` ('CD-1', 'PCD-1', ...) with the config's batch size,
    learning rate, momentum and weight decay; returns the history.
    """
    k, persistent = parse_method(method)
    return rbm.fit(
        x,
        epochs=epochs,
        batch_size=config.batch_size,
        k=k,
        persistent=persistent,
        learning_rate=config.learning_rate,
        momentum=config.momentum,
        weight_decay=config.weight_decay,
        progress=progress,
        **monitor,
    )
