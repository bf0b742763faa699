"""The checks of ``Sequential``'s public entry points (fit, evaluate, predict,
train_on_batch, load_model), kept here so that the model's code reads as the lecture.

Each function runs once per call of the entry point, before any work, and never inside
the loop over batches: ``fit`` checks its whole arrays once, and ``train_on_batch`` pays
nothing for its checks until a step diverges, when ``explain_divergence`` looks for
NaN or inf in the batch to name it (the weights are still those from before the step).
"""

from __future__ import annotations

import numpy as np

from ..common import checks

__all__: list[str] = []  # internal: called by models.py and training.py

DEFAULT_BATCH_SIZE = 32  # Keras' default


def model_dtype(dtype) -> np.dtype:
    """The model's dtype: float32 or float64 (an int32 model would round every weight)."""
    return checks.float_dtype("dtype", dtype, where="Sequential")


def _batch_size(batch_size, where) -> int:
    if batch_size is None:
        return DEFAULT_BATCH_SIZE
    return checks.positive_int("batch_size", batch_size, where=where)


def _finite_data(where, **arrays):
    for name, array in arrays.items():
        for part_name, part in _parts(name, array):
            checks.finite_array(part_name, part, where=where)


def _parts(name, array):
    """(name, array) pairs: one, or one per input of a model with several inputs."""
    if array is None:
        return []
    if isinstance(array, dict):
        return [(f"{name}[{key!r}]", value) for key, value in array.items()]
    if (
        isinstance(array, (list, tuple))
        and array
        and all(isinstance(part, np.ndarray) for part in array)
    ):
        return [(f"{name}[{i}]", part) for i, part in enumerate(array)]
    return [(name, array)]


def check_fit(
    x, y, batch_size, epochs, sample_weight, validation_split, validation_data
) -> int:
    """Check fit's arguments; return the batch size (32 when None, as in Keras)."""
    batch_size = _batch_size(batch_size, "fit")
    checks.non_negative_int("epochs", epochs, where="fit")
    checks.probability(
        "validation_split", validation_split, where="fit", open_right=True
    )
    if y is None and not isinstance(x, np.ndarray):
        return batch_size  # a generator of batches: nothing to check up front
    _finite_data("fit", x=x, y=y, sample_weight=sample_weight)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(
            validation_data
        ) not in (
            2,
            3,
        ):
            raise ValueError(
                "fit: validation_data must be a tuple (x_val, y_val) or "
                "(x_val, y_val, sample_weight_val), received "
                f"{type(validation_data).__name__}"
            )
        names = ("validation_data[0]", "validation_data[1]", "validation_data[2]")
        _finite_data("fit", **dict(zip(names, validation_data)))
    return batch_size


def check_evaluate(x, y, batch_size, sample_weight) -> int:
    """Check evaluate's arguments; return the batch size."""
    batch_size = _batch_size(batch_size, "evaluate")
    _finite_data("evaluate", x=x, y=y, sample_weight=sample_weight)
    return batch_size


def check_predict(x, batch_size) -> int:
    """Check predict's arguments; return the batch size."""
    batch_size = _batch_size(batch_size, "predict")
    _finite_data("predict", x=x)
    return batch_size


def explain_divergence(x, y, sample_weight, where="train_on_batch"):
    """Raise ValueError naming the array and index if the batch holds NaN or inf.

    Called only when a step's loss or gradients are not finite, to tell bad data from a
    learning rate that is too large.
    """
    _finite_data(where, x=x, y=y, sample_weight=sample_weight)


def check_loaded_weights(path, arrays, allow_nonfinite=False):
    """Refuse a model file whose weights or optimizer state hold NaN or inf."""
    if allow_nonfinite:
        return
    for name, array in arrays.items():
        if not checks.all_finite(array):
            count = int(np.size(array) - np.isfinite(array).sum())
            raise ValueError(
                f"{path}: {name} holds {count} NaN or infinite value"
                f"{'s' * (count > 1)} (saved after training diverged?); "
                "pass allow_nonfinite=True to load it anyway"
            )
