"""Whole data sets: ``fit``, ``evaluate`` and ``predict`` of the models (Keras' signatures).

One epoch feeds every training sample once, in batches of ``batch_size``, in a fresh random
order drawn from the model's seeded generator (lecture: "One epoch = training once on all
50000 training images"). Logs per epoch use Keras' keys (``loss``, ``accuracy``,
``val_loss``, ...). For a model with several inputs or outputs, ``x`` and ``y`` are lists
of arrays (or dicts keyed by input and output name). ``x`` may also be an iterable of
``(x, y)`` or ``(x, y, sample_weight)`` batches, e.g. a generator of freshly distorted
images, with ``steps_per_epoch``.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from . import callbacks as _callbacks
from . import validation
from .arrays import as_arrays, check_lengths, is_data, n_samples, take
from .batching import epoch_batches


class DivergenceError(FloatingPointError):
    """The loss became NaN or infinite; the weights are those from before that step."""


def fit(
    model,
    x=None,
    y=None,
    batch_size=None,
    epochs=1,
    verbose="auto",
    callbacks=None,
    validation_split=0.0,
    validation_data=None,
    shuffle=True,
    sample_weight=None,
    initial_epoch=0,
    steps_per_epoch=None,
):
    """Train for ``epochs`` passes over the data; returns a ``History``.

    ``x`` and ``y`` are arrays, or lists (or dicts by name) of arrays for a model with
    several inputs or outputs. A NaN or infinite loss stops training with a warning
    that names the epoch and batch; the weights are those from before the divergent
    step, and the History is kept.
    """
    model._require_compiled("fit")
    settings = (batch_size, epochs, sample_weight, validation_split, validation_data)
    batch_size = validation.check_fit(x, y, *settings)
    if y is None and not is_data(x):
        batches, steps = _generator_batches(x, steps_per_epoch), steps_per_epoch
    else:
        x, y, sample_weight, validation_data = _split_validation(
            x, y, sample_weight, validation_split, validation_data
        )
        batches = _array_batches(model, x, y, sample_weight, batch_size, shuffle)
        steps = -(-n_samples(x) // batch_size)
    history = _callbacks.History()
    callback_list = _callback_list(model, history, callbacks, verbose, epochs, steps)
    model.stop_training, model.history = False, history
    for cb in callback_list:
        cb.on_train_begin()
    logs = {}
    for epoch in range(initial_epoch, epochs):
        logs = _train_epoch(model, epoch, batches, callback_list) or logs
        if logs and validation_data is not None:
            values = evaluate(model, *validation_data, batch_size=batch_size)
            logs.update(zip((f"val_{n}" for n in _log_names(model)), _listed(values)))
        _end_epoch(epoch, epochs, logs, callback_list, verbose)
        if model.stop_training:
            break
    for cb in callback_list:
        cb.on_train_end(logs)
    return history


def _callback_list(model, history, callbacks, verbose, epochs, steps):
    """History first, then the progress bar (verbose=1, Keras' "auto"), then the user's."""
    callback_list = [history, *(callbacks or [])]
    if verbose == "auto" or verbose == 1:
        callback_list.insert(1, _callbacks.ProgressBar(epochs, steps))
    for cb in callback_list:
        cb.set_model(model)
    return callback_list


def _train_epoch(model, epoch, batches, callback_list):
    """One pass over the batches; the running means of loss and metrics (None if empty)."""
    batch_end = [cb for cb in callback_list if cb.defines("on_train_batch_end")]
    batch_begin = [cb for cb in callback_list if cb.defines("on_train_batch_begin")]
    names = _log_names(model)
    for cb in callback_list:
        cb.on_epoch_begin(epoch)
    totals, seen = np.zeros(len(names)), 0
    for batch, (x_batch, y_batch, w_batch) in enumerate(batches()):
        for cb in batch_begin:
            cb.on_train_batch_begin(batch)
        try:
            values = model.train_on_batch(x_batch, y_batch, sample_weight=w_batch)
        except DivergenceError as error:
            warnings.warn(
                f"training stopped at epoch {epoch + 1}, batch {batch + 1}: {error}",
                RuntimeWarning,
                stacklevel=3,
            )
            model.stop_training = True
            break
        n = n_samples(x_batch)
        totals += np.atleast_1d(values) * n  # running means, as Keras shows
        seen += n
        if batch_end:
            logs = dict(zip(names, (totals / seen).tolist()))
            for cb in batch_end:
                cb.on_train_batch_end(batch, logs)
    return dict(zip(names, (totals / seen).tolist())) if seen else None


def _end_epoch(epoch, epochs, logs, callback_list, verbose):
    if not logs:
        return
    for cb in callback_list:
        cb.on_epoch_end(epoch, logs)
    if verbose == 2:
        print(
            f"Epoch {epoch + 1}/{epochs} - "
            + " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
        )


def _array_batches(model, x, y, sample_weight, batch_size, shuffle):
    """A function that yields one epoch of (x, y, sample_weight) batches."""
    n = n_samples(x)

    def batches():
        for idx in epoch_batches(n, batch_size, model.rng, shuffle):
            yield take(x, idx), take(y, idx), take(sample_weight, idx)

    return batches


def evaluate(
    model, x, y, batch_size=None, verbose=0, sample_weight=None, return_dict=False
):
    """Loss (and metrics) over a whole data set, computed in batches.

    Returns the loss, or ``[loss, *metrics]`` (a dict with ``return_dict=True``).
    """
    model._require_compiled("evaluate")
    x, y = as_arrays(x), as_arrays(y)
    check_lengths(x, y, sample_weight)
    batch_size = validation.check_evaluate(x, y, batch_size, sample_weight)
    names = _log_names(model)
    totals, n = np.zeros(len(names)), n_samples(x)
    for start in range(0, n, batch_size):
        part = slice(start, start + batch_size)
        values = model.test_on_batch(
            take(x, part), take(y, part), take(sample_weight, part)
        )
        totals += np.atleast_1d(values) * len(range(n)[part])
    values = (totals / n).tolist()
    if return_dict:
        return dict(zip(names, values))
    return values if len(values) > 1 else values[0]


def predict(model, x, batch_size=None, verbose=0):
    """The network's output for every sample, computed in batches of ``batch_size``.

    A list of arrays for a model with several outputs.
    """
    x = as_arrays(x)
    n = n_samples(x)
    if n == 0:
        raise ValueError("predict received no samples")
    batch_size = validation.check_predict(x, batch_size)
    first = model.predict_on_batch(take(x, slice(0, batch_size)))
    several = isinstance(first, list)  # several outputs
    outputs = [np.empty((n, *f.shape[1:]), f.dtype) for f in _listed_arrays(first)]
    for out, part in zip(outputs, _listed_arrays(first)):
        out[: len(part)] = part
    for start in range(batch_size, n, batch_size):
        parts = model.predict_on_batch(take(x, slice(start, start + batch_size)))
        for out, part in zip(outputs, _listed_arrays(parts)):
            out[start : start + len(part)] = part
    return outputs if several else outputs[0]


def _listed_arrays(value):
    return value if isinstance(value, list) else [value]


def _log_names(model):
    return ["loss", *(name for name, _ in model.metrics)]


def _listed(values):
    return np.atleast_1d(values).tolist()


def _split_validation(x, y, sample_weight, validation_split, validation_data):
    x, y = as_arrays(x), as_arrays(y)
    check_lengths(x, y, sample_weight)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
    if validation_split and validation_data is None:
        # the last samples, taken before shuffling (as Keras does)
        n = n_samples(x)
        n_val = int(n * validation_split)
        if not 0 < n_val < n:
            raise ValueError(
                f"validation_split={validation_split} leaves no samples for "
                f"training or validation out of {n}"
            )
        train, val = slice(0, n - n_val), slice(n - n_val, n)
        validation_data = (take(x, val), take(y, val))
        x, y, sample_weight = (
            take(x, train),
            take(y, train),
            take(sample_weight, train),
        )
    if validation_data is not None:
        validation_data = tuple(as_arrays(a) for a in validation_data)
    return x, y, sample_weight, validation_data


def _generator_batches(source, steps_per_epoch):
    if steps_per_epoch is None:
        raise ValueError("fit on a generator of batches needs steps_per_epoch=")
    iterator = iter(source)

    def batches():
        for item in itertools.islice(iterator, steps_per_epoch):
            x_batch, y_batch, *rest = item
            yield x_batch, y_batch, rest[0] if rest else None

    return batches
