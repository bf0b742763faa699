"""MNIST, handwritten digits 0-9: Keras' ``keras.datasets.mnist``."""

from __future__ import annotations

__all__ = ["load_data"]


def load_data(path=None):
    """The training and test sets, as Keras returns them.

    Parameters
    ----------
    path : str or Path, optional
        The data folder (default: ``$ML4PHYS_DATA``, else the user's cache). Keras'
        ``path=`` names a file in its cache (``"mnist.npz"``); such a file name is
        ignored here, any other path names the folder of the store.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x : ndarray of uint8, shape (60000, 28, 28) and (10000, 28, 28), values 0..255;
        y : ndarray of uint8, shape (60000,) and (10000,), the classes 0..9.

    Raises
    ------
    OSError
        When the files are missing and cannot be downloaded (the message says where to
        put them).
    """
    return _load("mnist", path)


def _load(name, data_dir):
    """Load the data set `name` from the store; shared with fashion_mnist."""
    from ...common import store  # the store of ml4phys.common, shared with ml4phys.data

    if data_dir is not None and str(data_dir).endswith(".npz"):
        data_dir = None  # Keras' cache file name, as in load_data(path="mnist.npz")
    return store.load_dataset(name, data_dir=data_dir)
