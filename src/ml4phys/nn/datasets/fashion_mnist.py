"""Fashion-MNIST, Zalando's images of 10 kinds of clothing: Keras' ``datasets.fashion_mnist``."""

from __future__ import annotations

from .mnist import _load

__all__ = ["load_data"]


def load_data(path=None):
    """The training and test sets, as Keras returns them.

    Same arguments, shapes, dtypes and errors as :func:`ml4phys.nn.datasets.mnist.load_data`
    (uint8 images (60000, 28, 28) and (10000, 28, 28), uint8 labels 0..9); the ten
    classes are kinds of clothing instead of digits.
    """
    return _load("fashion_mnist", path)
