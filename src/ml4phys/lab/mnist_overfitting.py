"""Overfitting on a small MNIST training set, and its cures side by side (lecture:
"Handwriting recognition", "Avoiding overfitting").

A 784-300-10 softmax net trained on only a thousand images learns them by heart:
training accuracy goes to 1 while validation accuracy stalls well below it. The cures,
each in its own run from the same initial weights and batch order: early stopping at the
validation maximum (``EarlyStopping(restore_best_weights=True)``), dropout before the
output layer, an L2 penalty on the weights, and fresh training images in every epoch
from random distortions (``ml4phys.data.augment.augmented_batches``). Training accuracy
is measured on the clean training images with the inference net after each epoch (not
the running mean of ``fit``, which sees dropout and distorted images).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import augment, mnist
from ..nn import callbacks, layers, models, regularizers
from ..plots import classification as plots
from ._classifier import compile_classifier
from .base import Result, progress_bar

NAME = "mnist-overfitting"
DESCRIPTION = "small MNIST training set: overfitting and its cures side by side"
CURES = ("none", "early-stopping", "dropout", "l2", "distortions")


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    cures: tuple = CURES
    hidden: int = 300
    n_train: int = 1_000  # the small training subset
    n_validation: int = 5_000
    epochs: int = 60
    batch_size: int = 50
    optimizer: str = "adam"
    learning_rate: float = 0.001
    dropout: float = 0.5  # rate of the Dropout layer (cure "dropout")
    l2: float = 1e-3  # R = l2 sum w^2 on both kernels (cure "l2")
    patience: int = 10  # epochs without a new validation maximum
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 300 training images, 12 epochs: for tests


def build_network(cure, config, seed):
    """784-hidden-10 softmax net; dropout or L2 when that is the cure."""
    penalty = regularizers.l2(config.l2) if cure == "l2" else None
    net = models.Sequential(seed=seed)
    net.add(
        layers.Dense(
            config.hidden,
            activation="relu",
            input_shape=(784,),
            kernel_regularizer=penalty,
        )
    )
    if cure == "dropout":
        net.add(layers.Dropout(config.dropout))
    net.add(layers.Dense(10, activation="softmax", kernel_regularizer=penalty))
    return compile_classifier(net, config.optimizer, config.learning_rate)


def train(cure, data, config, epochs, bar):
    """Train one net with ``cure``; returns (net, clean training accuracies per epoch,
    validation accuracies per epoch, restored epoch or None).
    """
    (x_train, y_train), validation = data
    net = build_network(cure, config, config.seed)
    clean_accuracy = []

    def on_epoch_end(epoch, logs):
        clean_accuracy.append(float(net.evaluate(x_train, y_train, batch_size=1000)[1]))
        bar.update()

    watch = [callbacks.LambdaCallback(on_epoch_end=on_epoch_end)]
    stopper = None
    if cure == "early-stopping":
        stopper = callbacks.EarlyStopping(
            monitor="val_categorical_accuracy",
            patience=config.patience,
            restore_best_weights=True,
        )
        watch.append(stopper)
    history = augment.fit(
        net,
        x_train,
        y_train,
        cure == "distortions",
        config.batch_size,
        seed=config.seed,
        epochs=epochs,
        validation_data=validation,
        callbacks=watch,
        verbose=0,
    )
    restored = None if stopper is None else stopper.best_epoch
    return net, clean_accuracy, history.history["val_categorical_accuracy"], restored


def run(config: Config, progress=None) -> Result:
    unknown = set(config.cures) - set(CURES)
    if unknown:
        raise ValueError(f"unknown cures {sorted(unknown)}; known: {', '.join(CURES)}")
    n_train, n_val = (
        (300, 1_000) if config.quick else (config.n_train, config.n_validation)
    )
    epochs = 12 if config.quick else config.epochs
    train_set, validation, (x_test, y_test) = mnist.lecture_split(
        config.seed,
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=n_train,
        n_validation=n_val,
    )
    numbers = {
        "n_train": n_train,
        "n_validation": n_val,
        "n_test": len(x_test),
        "epochs": epochs,
    }
    panels = {}
    with progress_bar(progress, epochs * len(config.cures), NAME) as bar:
        for cure in config.cures:
            net, train_curve, val_curve, restored = train(
                cure, (train_set, validation), config, epochs, bar
            )
            final = [
                float(net.evaluate(x, y, batch_size=1000)[1])
                for x, y in (train_set, validation, (x_test, y_test))
            ]
            numbers[cure] = {
                "train_accuracy": final[0],
                "validation_accuracy": final[1],
                "test_accuracy": final[2],
                "gap": final[0] - final[1],
                "best_validation_accuracy": float(max(val_curve)),
                "epochs_run": len(val_curve),
            }
            if restored is not None:
                numbers[cure]["restored_epoch"] = restored + 1
            panels[cure] = (train_curve, val_curve, restored)
    x_show = train_set[0][:8]
    distorted = augment.distort(
        np.tile(x_show, (3, 1)), np.random.default_rng(config.seed)
    )
    shown = np.concatenate([x_show, distorted]).reshape(-1, 28, 28)
    figures = {
        "accuracy": plots.accuracy_panels(
            panels,
            title=f"{n_train} training images: training (clean, solid) vs "
            "validation (dashed)",
        ),
        "distortions": plots.image_grid(
            shown, title="training images (top row) and random distortions of them"
        ),
    }
    return Result(numbers=numbers, figures=figures)
