"""The lecture's "Comparison of machine learning methods on MNIST", trained here.

Each row is trained on the lecture's split (45,000 training, 5,000 validation, 10,000
test images), with Adam, a learning rate that decays by ``decay`` per epoch, and the
weights of the best validation epoch restored at the end (``EarlyStopping(patience,
restore_best_weights=True)``: the validation set chooses, the test set only measures).
Rows "...-distorted" see freshly distorted images in every epoch
(``ml4phys.data.augment``). Each row reports its test error beside the published one
(the lecture's table, from yann.lecun.com/exdb/mnist) and this project's target, with
its wall time. The full table takes hours on a laptop CPU; ``--rows`` picks some.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..data import augment, mnist
from ..nn import callbacks, models, optimizers
from ..nn import layers as L
from ..plots import classification
from .base import Result, progress_bar
from .mnist_conv import lenet

NAME = "mnist-table"
DESCRIPTION = "the lecture's MNIST table of test errors, each row trained here"


def _dense(hidden, dropout=0.0, input_dropout=0.0):
    """Dense ReLU layers of sizes ``hidden``, each followed by Dropout(dropout), then
    Dense(10) softmax; Dropout(input_dropout) on the pixels first if nonzero (Hinton et
    al. 2012: 20% of the inputs, 50% of the hidden units).
    """

    def build(seed):
        net = models.Sequential(seed=seed)
        if input_dropout:
            net.add(L.Dropout(input_dropout, input_shape=(784,)))
        for units in hidden:
            net.add(
                L.Dense(
                    units, activation="relu", input_shape=None if net.layers else (784,)
                )
            )
            if dropout:
                net.add(L.Dropout(dropout))
        net.add(
            L.Dense(
                10, activation="softmax", input_shape=None if net.layers else (784,)
            )
        )
        return net

    return build


def _conv_large(seed):
    """32 and 64 filters 3x3 twice, max pooling, Dense(128), dropout 0.5."""
    net = models.Sequential(seed=seed)
    net.add(L.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    net.add(L.Conv2D(32, (3, 3), activation="relu"))
    net.add(L.MaxPooling2D(2))  # (12, 12, 32)
    net.add(L.Conv2D(64, (3, 3), activation="relu"))
    net.add(L.Conv2D(64, (3, 3), activation="relu"))
    net.add(L.MaxPooling2D(2))  # (4, 4, 64)
    net.add(L.Flatten())
    net.add(L.Dense(128, activation="relu"))
    net.add(L.Dropout(0.5))
    net.add(L.Dense(10, activation="softmax"))
    return net


# name -> (description, published error, published row, target error, epochs,
#          builder(seed) -> net (compiled again with Adam), image layout, distorted)
ROWS = {
    "linear": (
        "linear classifier 784-10",
        0.12,
        "Linear classifier (1 layer NN)",
        0.08,
        20,
        _dense(()),
        "flat",
        False,
    ),
    "300": (
        "784-300-10",
        0.047,
        "2 layer (300 hidden)",
        0.025,
        30,
        _dense((300,)),
        "flat",
        False,
    ),
    "800": (
        "784-800-10, dropout 0.2 on the pixels, 0.5 on the hidden layer",
        0.016,
        "2 layer (800 hidden)",
        0.016,
        40,
        _dense((800,), dropout=0.5, input_dropout=0.2),
        "flat",
        False,
    ),
    "800-distorted": (
        "784-800-10, distorted images",
        0.007,
        "2 layer (800 hidden), distorted images",
        0.010,
        100,
        _dense((800,)),
        "flat",
        True,
    ),
    "conv": (
        "small conv net (LeNet-5 style), dropout 0.3 on its dense layers",
        0.011,
        'conv. net "LeNet-1"',
        0.011,
        30,
        lambda seed: lenet(seed, dropout=0.3),
        "image",
        False,
    ),
    "conv-distorted": (
        "conv net 32-32-64-64-128, distorted images",
        0.0023,
        "committee of 35 conv. nets, with distorted images",
        0.006,
        30,
        _conv_large,
        "image",
        True,
    ),
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    rows: tuple = tuple(ROWS)
    epochs: int = 0  # 0: each row's own number (ROWS)
    learning_rate: float = 0.001  # Adam, at epoch 1
    decay: float = 0.95  # learning rate x decay per epoch
    patience: int = 15  # epochs without a new validation best
    batch_size: int = 100
    n_train: int = 45_000
    n_validation: int = 5_000
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 1,000 images, 1 epoch, 1,000 tests


def _train(row, data, config, epochs, bar):
    """Train one row; returns (net, history dict, seconds)."""
    (x_train, y_train), validation = data
    *_, build, _, distorted = ROWS[row]
    net = build(config.seed)
    optimizer = optimizers.Adam(learning_rate=config.learning_rate)
    net.compile(
        loss="categorical_crossentropy",
        optimizer=optimizer,
        metrics=["categorical_accuracy"],
    )

    def schedule(epoch, logs=None):  # eta_epoch = eta decay^epoch
        optimizer.learning_rate = config.learning_rate * config.decay**epoch

    watch = [
        callbacks.LambdaCallback(
            on_epoch_begin=schedule, on_epoch_end=lambda epoch, logs: bar.update()
        ),
        callbacks.EarlyStopping(
            monitor="val_categorical_accuracy",
            patience=config.patience,
            restore_best_weights=True,
        ),
    ]
    start = time.perf_counter()
    history = augment.fit(
        net,
        x_train,
        y_train,
        distorted,
        config.batch_size,
        seed=config.seed,
        epochs=epochs,
        validation_data=validation,
        callbacks=watch,
        verbose=0,
    )
    return net, history.history, time.perf_counter() - start


def run(config: Config, progress=None) -> Result:
    unknown = set(config.rows) - set(ROWS)
    if unknown:
        raise ValueError(f"unknown rows {sorted(unknown)}; known: {', '.join(ROWS)}")
    n_train, n_val = (
        (1_000, 500) if config.quick else (config.n_train, config.n_validation)
    )
    row_epochs = {
        row: 1 if config.quick else config.epochs or ROWS[row][4] for row in config.rows
    }
    numbers = {"n_train": n_train, "n_validation": n_val}
    splits = {}
    with progress_bar(progress, sum(row_epochs.values()), NAME) as bar:
        for row in config.rows:
            description, published, published_row, target, _, _, layout, _ = ROWS[row]
            if layout not in splits:
                splits[layout] = mnist.lecture_split(
                    config.seed,
                    shape=layout,
                    data_dir=config.data_dir or None,
                    progress=progress is not None,
                    n_train=n_train,
                    n_validation=n_val,
                )
            train_set, validation, (x_test, y_test) = splits[layout]
            if config.quick:
                x_test, y_test = x_test[:1_000], y_test[:1_000]
            net, history, seconds = _train(
                row, (train_set, validation), config, row_epochs[row], bar
            )
            predicted = net.predict(x_test, batch_size=500).argmax(axis=1)
            error = float(np.mean(predicted != y_test.argmax(axis=1)))
            validation_curve = history["val_categorical_accuracy"]
            numbers[row] = {
                "network": description,
                "test_error": error,
                "published_error": published,
                "published_row": published_row,
                "target_error": target,
                "meets_target": error <= target,
                "n_test": len(x_test),
                "epochs_run": len(validation_curve),
                "best_epoch": int(np.argmax(validation_curve)) + 1,
                "seconds": round(seconds, 1),
                "params": int(net.count_params()),
            }
    rows = list(config.rows)
    figures = {
        "errors": classification.error_bars(
            rows,
            {
                "this run": [numbers[r]["test_error"] for r in rows],
                "published": [ROWS[r][1] for r in rows],
                "target": [ROWS[r][3] for r in rows],
            },
            title=f"MNIST test error ({n_train} training images)",
        )
    }
    return Result(numbers=numbers, figures=figures)
