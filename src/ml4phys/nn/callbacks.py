"""Callbacks: code that runs at fixed points of ``fit`` (Keras' hooks and names).

Hooks: ``on_train_begin/end(logs)``, ``on_epoch_begin/end(epoch, logs)``,
``on_train_batch_begin/end(batch, logs)``. ``fit`` calls a batch hook only on callbacks
that define it, so callbacks that watch epochs cost nothing per batch.
"""

from __future__ import annotations

import math
import time
import warnings

__all__ = [
    "Callback",
    "History",
    "ProgressBar",
    "EarlyStopping",
    "ModelCheckpoint",
    "LambdaCallback",
    "TerminateOnNaN",
]


class Callback:
    """Base class: ``fit`` calls the hooks a subclass overrides; ``self.model`` is the net."""

    def __init__(self):
        self.model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...

    def defines(self, hook):
        """True if this callback overrides ``hook`` (so fit must call it)."""
        return getattr(type(self), hook) is not getattr(Callback, hook)


class History(Callback):
    """Records the epoch logs: ``history.history['loss']`` is the loss of every epoch."""

    def __init__(self):
        super().__init__()
        self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class ProgressBar(Callback):
    """A tqdm bar per epoch, with the running loss and metrics, like Keras' progress line."""

    def __init__(self, epochs, steps, refresh_seconds=0.2):
        super().__init__()
        self.epochs, self.steps, self.refresh_seconds = epochs, steps, refresh_seconds
        self.bar = None

    def on_epoch_begin(self, epoch, logs=None):
        from tqdm.auto import tqdm

        self.bar = tqdm(
            total=self.steps,
            desc=f"Epoch {epoch + 1}/{self.epochs}",
            unit="batch",
            leave=True,
            dynamic_ncols=True,
        )
        self.last_refresh = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(1)
        now = time.monotonic()
        if (
            now - self.last_refresh > self.refresh_seconds
        ):  # formatting costs: not every batch
            self.bar.set_postfix(_format(logs), refresh=False)
            self.last_refresh = now

    def on_epoch_end(self, epoch, logs=None):
        self.bar.set_postfix(_format(logs), refresh=False)
        self.bar.close()

    def on_train_end(self, logs=None):
        if self.bar is not None and not self.bar.disable:
            self.bar.close()


def _format(logs):
    return {key: f"{value:.4g}" for key, value in (logs or {}).items()}


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights`` the model ends training with the weights of its best
    epoch (whether it stopped early or ran out of epochs).
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0.0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.sign = _mode_sign(mode, monitor)  # +1: larger is better
        self.min_delta = abs(min_delta)

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best = -math.inf if self.baseline is None else self.sign * self.baseline
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"EarlyStopping: the monitored value {self.monitor!r} is not in "
                f"the logs; available: {', '.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch:
            return
        self.wait += 1
        if self.sign * value - self.min_delta > self.best:
            self.best, self.best_epoch, self.wait = self.sign * value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
        if self.verbose and self.stopped_epoch:
            print(
                f"Epoch {self.stopped_epoch + 1}: early stopping; best epoch "
                f"{self.best_epoch + 1}"
            )


class ModelCheckpoint(Callback):
    """Save the model after each epoch to ``filepath`` (may hold ``{epoch}`` and log keys,
    e.g. ``'net-{epoch:02d}-{val_loss:.3f}.npz'``); with ``save_best_only``, only on
    improvement of ``monitor``.
    """

    def __init__(
        self, filepath, monitor="val_loss", verbose=0, save_best_only=False, mode="auto"
    ):
        super().__init__()
        self.filepath, self.monitor, self.verbose = str(filepath), monitor, verbose
        self.save_best_only = save_best_only
        self.sign = _mode_sign(mode, monitor)
        self.best = -math.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None or not self.sign * value > self.best:
                return
            self.best = self.sign * value
        path = self.filepath.format(epoch=epoch + 1, **logs)
        self.model.save(path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved model to {path}")


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_batch_begin=None,
        on_batch_end=None,
        on_train_begin=None,
        on_train_end=None,
    ):
        super().__init__()
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_batch_begin": on_batch_begin,
            "on_train_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        self.hooks = {name: f for name, f in hooks.items() if f is not None}
        for name, f in self.hooks.items():
            setattr(self, name, f)

    def defines(self, hook):
        return hook in self.hooks


class TerminateOnNaN(Callback):
    """Kept for Keras code: ml4phys always stops on a NaN or infinite loss (see ``fit``)."""


def _mode_sign(mode, monitor):
    if mode == "max" or (
        mode == "auto" and ("acc" in monitor or monitor.startswith("auc"))
    ):
        return 1.0
    if mode in ("min", "auto"):
        return -1.0
    raise ValueError(f"mode must be 'auto', 'min' or 'max', received {mode!r}")
