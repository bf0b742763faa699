"""Binarized handwritten digits for the RBM experiments: MNIST, or in quick runs
scikit-learn's 8x8 digits when MNIST is not at hand.

MNIST comes from ``ml4phys.data.mnist.load_data`` (Keras-style uint8 tuples). Until that
module is on main, a minimal reader of the four IDX files in ``$ML4PHYS_DATA`` (or
``$ML4PHYS_DATA/mnist``) stands in for it.
"""

from __future__ import annotations

import functools
import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Digits:
    x_train: np.ndarray   # (n, pixels) float32 in {0, 1}
    y_train: np.ndarray   # (n,) int labels
    x_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple
    source: str           # 'mnist' or 'sklearn-digits-8x8'


def load_binary_digits(quick=False, n_train=None, seed=0):
    """Pixels > 127 (MNIST) or > 7 (8x8 digits, 0..16) become 1; ``n_train`` takes a
    random subset of the training images. Full runs need MNIST; quick runs fall back."""
    try:
        (x_train, y_train), (x_test, y_test) = _mnist(download=not quick)
        digits = Digits(_binarize(x_train, 127), y_train.astype(int),
                        _binarize(x_test, 127), y_test.astype(int), (28, 28), "mnist")
    except (OSError, ValueError, RuntimeError) as error:
        if not quick:
            raise FileNotFoundError(f"MNIST is not available ({error}); run "
                                    "`ml4phys data mnist` or set ML4PHYS_DATA") from None
        digits = _sklearn_digits()
    if n_train is not None and n_train < len(digits.x_train):
        keep = np.random.default_rng(seed).choice(len(digits.x_train), n_train,
                                                  replace=False)
        digits.x_train, digits.y_train = digits.x_train[keep], digits.y_train[keep]
    return digits


def _binarize(images, threshold):
    return (images.reshape(len(images), -1) > threshold).astype(np.float32)


@functools.lru_cache(maxsize=2)
def _mnist(download):
    try:
        from ..data import mnist
    except ImportError:
        return _read_idx_files()
    return mnist.load_data(download=download)


def _read_idx_files():
    """((x_train, y_train), (x_test, y_test)) from the gzipped IDX files (stand-in)."""
    root = os.environ.get("ML4PHYS_DATA")
    if not root:
        raise OSError("ML4PHYS_DATA is not set and ml4phys.data.mnist is not installed")
    folders = [Path(root) / "mnist", Path(root)]
    folder = next((f for f in folders if (f / "train-images-idx3-ubyte.gz").exists()), None)
    if folder is None:
        raise OSError(f"no MNIST IDX files in {root} or {root}/mnist")

    def read(name, offset):
        with gzip.open(folder / name, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    return ((read("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28),
             read("train-labels-idx1-ubyte.gz", 8)),
            (read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28),
             read("t10k-labels-idx1-ubyte.gz", 8)))


def _sklearn_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise FileNotFoundError("neither MNIST nor scikit-learn's digits are available "
                                "(set ML4PHYS_DATA or install scikit-learn)") from None
    data = load_digits()
    x = _binarize(data.images, 7)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:1500], order[1500:]
    return Digits(x[train], data.target[train], x[test], data.target[test], (8, 8),
                  "sklearn-digits-8x8")
