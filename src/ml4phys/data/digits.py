"""scikit-learn's bundled 8x8 digits: a small MNIST stand-in that needs no download.

1,797 images of 8x8 pixels (UCI "Optical Recognition of Handwritten Digits"), shipped
inside scikit-learn, so experiments that only need some digits run offline and fast.
``load_data`` mirrors ``ml4phys.data.mnist.load_data``: uint8 pixels 0..255 (the
original 0..16 grey levels rescaled, 0 = background) and uint8 labels 0..9, so
``mnist.as_float`` and ``mnist.one_hot`` apply unchanged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["load_data", "N_SAMPLES", "IMAGE_SHAPE"]

N_SAMPLES = 1797
IMAGE_SHAPE = (8, 8)


def load_data(test_fraction=0.2, seed=0):
    """The 8x8 digits, shuffled with ``seed`` and split into training and test sets.

    Parameters
    ----------
    test_fraction : float
        Fraction of the 1,797 images in the test set (0 <= test_fraction < 1).
    seed : int
        Seed of the shuffle.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : ndarrays of uint8
        x shape (n, 8, 8), pixels 0..255; y shape (n,), digits 0..9.
    """
    if not 0 <= test_fraction < 1:
        raise ValueError(
            "digits.load_data: test_fraction must lie in [0, 1), "
            f"received {test_fraction}"
        )
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError(
            "ml4phys.data.digits needs scikit-learn: pip install scikit-learn"
        ) from err
    bunch = load_digits()
    x = np.rint(bunch.images * (255 / 16)).astype(np.uint8)  # 0..16 -> 0..255
    y = bunch.target.astype(np.uint8)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    return (x[train], y[train]), (x[test], y[test])
