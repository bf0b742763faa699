"""Whole data sets: ``fit``, ``evaluate`` and ``predict`` of ``Sequential`` (Keras' signatures).

One epoch feeds every training sample once, in batches of ``batch_size``, in a fresh random
order drawn from the model's seeded generator (lecture: "One epoch = training once on all
50000 training images"). Logs per epoch use Keras' keys (``loss``, ``accuracy``,
``val_loss``, ...). ``x`` may also be an iterable of ``(x, y)`` or ``(x, y, sample_weight)``
batches, e.g. a generator of freshly distorted images, with ``steps_per_epoch``.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from . import callbacks as _callbacks
from . import validation
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

    A NaN or infinite loss stops training with a warning that names the epoch and batch;
    the weights are those from before the divergent step, and the History is kept.
    """
    model._require_compiled("fit")
    batch_size = validation.check_fit(
        x, y, batch_size, epochs, sample_weight, validation_split, validation_data
    )
    if y is None and not isinstance(x, np.ndarray):
        batches = _generator_batches(x, steps_per_epoch)
        steps = steps_per_epoch
    else:
        x, y, sample_weight, validation_data = _split_validation(
            model, x, y, sample_weight, validation_split, validation_data
        )
        steps = -(-len(x) // batch_size)

        def batches():
            for idx in epoch_batches(len(x), batch_size, model.rng, shuffle):
                yield (
                    x[idx],
                    y[idx],
                    None if sample_weight is None else sample_weight[idx],
                )

    history = _callbacks.History()
    callback_list = [history, *(callbacks or [])]
    if verbose == "auto" or verbose == 1:
        callback_list.insert(1, _callbacks.ProgressBar(epochs, steps))
    for cb in callback_list:
        cb.set_model(model)
    batch_end = [cb for cb in callback_list if cb.defines("on_train_batch_end")]
    batch_begin = [cb for cb in callback_list if cb.defines("on_train_batch_begin")]
    names = ["loss", *(name for name, _ in model.metrics)]

    model.stop_training, model.history = False, history
    for cb in callback_list:
        cb.on_train_begin()
    logs = {}
    for epoch in range(initial_epoch, epochs):
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
                    f"training stopped at epoch {epoch + 1}, batch {batch + 1}: "
                    f"{error}",
                    RuntimeWarning,
                    stacklevel=2,
                )
                model.stop_training = True
                break
            totals += np.atleast_1d(values) * len(
                x_batch
            )  # running means, as Keras shows
            seen += len(x_batch)
            if batch_end:
                logs = dict(zip(names, (totals / seen).tolist()))
                for cb in batch_end:
                    cb.on_train_batch_end(batch, logs)
        if seen:
            logs = dict(zip(names, (totals / seen).tolist()))
            if validation_data is not None:
                values = evaluate(model, *validation_data, batch_size=batch_size)
                logs.update(
                    zip((f"val_{n}" for n in names), np.atleast_1d(values).tolist())
                )
            for cb in callback_list:
                cb.on_epoch_end(epoch, logs)
            if verbose == 2:
                print(
                    f"Epoch {epoch + 1}/{epochs} - "
                    + " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())
                )
        if model.stop_training:
            break
    for cb in callback_list:
        cb.on_train_end(logs)
    return history


def evaluate(
    model, x, y, batch_size=None, verbose=0, sample_weight=None, return_dict=False
):
    """Loss (and metrics) over a whole data set, computed in batches.

    Returns the loss, or ``[loss, *metrics]`` (a dict with ``return_dict=True``).
    """
    model._require_compiled("evaluate")
    x, y = np.asarray(x), np.asarray(y)
    _check_lengths(x, y, sample_weight)
    batch_size = validation.check_evaluate(x, y, batch_size, sample_weight)
    names = ["loss", *(name for name, _ in model.metrics)]
    totals = np.zeros(len(names))
    for start in range(0, len(x), batch_size):
        stop = start + batch_size
        w = None if sample_weight is None else sample_weight[start:stop]
        totals += np.atleast_1d(
            model.test_on_batch(x[start:stop], y[start:stop], w)
        ) * len(x[start:stop])
    values = (totals / len(x)).tolist()
    if return_dict:
        return dict(zip(names, values))
    return values if len(values) > 1 else values[0]


def predict(model, x, batch_size=None, verbose=0):
    """The network's output for every sample, computed in batches of ``batch_size``."""
    x = np.asarray(x)
    if len(x) == 0:
        raise ValueError("predict received no samples")
    batch_size = validation.check_predict(x, batch_size)
    first = model.predict_on_batch(x[:batch_size])
    out = np.empty((len(x), *first.shape[1:]), first.dtype)
    out[: len(first)] = first
    for start in range(batch_size, len(x), batch_size):
        out[start : start + batch_size] = model.predict_on_batch(
            x[start : start + batch_size]
        )
    return out


def _split_validation(model, x, y, sample_weight, validation_split, validation_data):
    x, y = np.asarray(x), np.asarray(y)
    _check_lengths(x, y, sample_weight)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
    if validation_split and validation_data is None:
        # the last samples, taken before shuffling (as Keras does)
        n_val = int(len(x) * validation_split)
        if not 0 < n_val < len(x):
            raise ValueError(
                f"validation_split={validation_split} leaves no samples for "
                f"training or validation out of {len(x)}"
            )
        validation_data = (x[-n_val:], y[-n_val:])
        x, y = x[:-n_val], y[:-n_val]
        if sample_weight is not None:
            sample_weight = sample_weight[:-n_val]
    if validation_data is not None:
        validation_data = tuple(np.asarray(a) for a in validation_data)
    return x, y, sample_weight, validation_data


def _check_lengths(x, y, sample_weight):
    if len(x) == 0:
        raise ValueError("received no training samples (x is empty)")
    if len(x) != len(y):
        raise ValueError(
            f"x and y hold different numbers of samples: {len(x)} and {len(y)}"
        )
    if sample_weight is not None and len(sample_weight) != len(x):
        raise ValueError(
            f"sample_weight has {len(sample_weight)} entries for {len(x)} samples"
        )


def _generator_batches(source, steps_per_epoch):
    if steps_per_epoch is None:
        raise ValueError("fit on a generator of batches needs steps_per_epoch=")
    iterator = iter(source)

    def batches():
        for item in itertools.islice(iterator, steps_per_epoch):
            x_batch, y_batch, *rest = item
            yield x_batch, y_batch, rest[0] if rest else None

    return batches
