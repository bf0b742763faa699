"""ml4phys.nn.datasets: Keras' load_data, through ml4phys' store."""

import numpy as np

from ml4phys.nn import datasets

from ..markers import needs_mnist


@needs_mnist
def test_mnist_load_data_has_keras_tuples_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    assert (x_train.shape, x_test.shape) == ((60000, 28, 28), (10000, 28, 28))
    assert (y_train.shape, y_test.shape) == ((60000,), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.max() == 255 and set(np.unique(y_test)) == set(range(10))
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]  # MNIST's first training labels


@needs_mnist
def test_keras_cache_file_name_is_accepted():
    (x_train, _), _ = datasets.mnist.load_data(path="mnist.npz")  # Keras' default
    assert x_train.shape == (60000, 28, 28)


def test_load_data_goes_through_the_store(monkeypatch):
    """The store (checksums, cache, mirrors, offline message) is ml4phys.common's,
    tested in tests/common/test_store.py.
    """
    from ml4phys.common import store

    calls = []

    def load_dataset(name, data_dir=None):
        calls.append((name, data_dir))
        return "arrays"

    monkeypatch.setattr(store, "load_dataset", load_dataset)
    assert datasets.fashion_mnist.load_data() == "arrays"
    assert datasets.mnist.load_data(path="folder") == "arrays"
    assert calls == [("fashion_mnist", None), ("mnist", "folder")]
