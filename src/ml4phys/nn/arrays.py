"""Data for fit, evaluate and predict: one array, or a list or dict of arrays.

A model with several inputs (outputs) takes a list of arrays in the order of
``model.inputs`` (``model.outputs``), or a dict keyed by their names; these helpers
treat the three forms alike, so that the training loop reads as if there were one.
"""

from __future__ import annotations

import numpy as np

__all__ = ["arrays_of", "as_arrays", "check_lengths", "is_data", "n_samples", "take"]


def is_data(x):
    """True for an array, a list of arrays or a dict of them (not a generator)."""
    if isinstance(x, dict):
        return True
    if isinstance(x, (list, tuple)):
        return all(isinstance(a, np.ndarray) for a in x)
    return isinstance(x, np.ndarray)


def as_arrays(data):
    """NumPy arrays: one, or a list or dict of them (None stays None)."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {key: np.asarray(a) for key, a in data.items()}
    if isinstance(data, (list, tuple)) and _holds_arrays(data):
        return [np.asarray(a) for a in data]
    return np.asarray(data)


def _holds_arrays(data):
    """A list of arrays (several inputs), not a nested list of numbers (one array)."""
    return len(data) > 0 and all(isinstance(a, np.ndarray) for a in data)


def n_samples(data):
    """The number of samples (the length of the first array)."""
    if isinstance(data, dict):
        return len(next(iter(data.values())))
    if isinstance(data, list):
        return len(data[0])
    return len(data)


def take(data, index):
    """The samples ``index`` (an index array or a slice) of each array."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {key: a[index] for key, a in data.items()}
    if isinstance(data, list):
        return [a[index] for a in data]
    return data[index]


def check_lengths(x, y, sample_weight):
    """Raise ValueError if x is empty or the arrays hold different numbers of samples."""
    lengths = [len(a) for a in arrays_of(x) + arrays_of(y)]
    if lengths[0] == 0:
        raise ValueError("received no training samples (x is empty)")
    if len(set(lengths)) > 1:
        raise ValueError(
            "x and y hold different numbers of samples: "
            + " and ".join(map(str, sorted(set(lengths), reverse=True)))
        )
    if sample_weight is not None and len(sample_weight) != lengths[0]:
        raise ValueError(
            f"sample_weight has {len(sample_weight)} entries for {lengths[0]} samples"
        )


def arrays_of(data):
    """The arrays as a list: one, or those of a list or dict."""
    if isinstance(data, dict):
        return list(data.values())
    return list(data) if isinstance(data, list) else [data]
