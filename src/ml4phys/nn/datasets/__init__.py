"""Data sets with Keras' API: ``mnist.load_data()``, ``fashion_mnist.load_data()``.

    from ml4phys.nn.datasets import mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()

They return Keras' tuples, shapes and dtypes (uint8 images (60000, 28, 28), uint8 labels
(60000,)), read through ml4phys' own store (``ml4phys.common.store``): the folder given
by ``ML4PHYS_DATA`` (or ``data_dir=``), checksums, a download from the mirrors when the
files are missing, and a clear message when offline.
"""

from . import fashion_mnist, mnist

__all__ = ["fashion_mnist", "mnist"]
