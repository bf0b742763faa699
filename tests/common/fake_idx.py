"""Small fake data sets in the IDX format, for the store's and the MNIST reader's tests."""

import hashlib

import numpy as np

from ml4phys.common import store
from ml4phys.common.idx import write_idx


def make_files(folder, name="fashion_mnist", n_train=6, n_test=3, seed=0):
    """Four small IDX files of data set ``name``; return their arrays and checksums."""
    spec = store.get(name)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": (np.arange(n_test) % 10).astype(np.uint8),
    }
    for role, array in arrays.items():
        write_idx(folder / spec.files[role], array)
    sums = {
        f: hashlib.sha256((folder / f).read_bytes()).hexdigest()
        for f in spec.files.values()
    }
    return arrays, sums
