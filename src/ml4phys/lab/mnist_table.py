"""The lecture's "Comparison of machine learning methods on MNIST", trained here.

Each row is trained on the lecture's split (45,000 training, 5,000 validation, 10,000
test images), with Adam, a learning rate that decays by ``decay`` per epoch, and the
weights of the best validation epoch restored at the end (``EarlyStopping(patience,
restore_best_weights=True)``: the validation set chooses, the test set only measures).
Rows "...-distorted" see freshly distorted images in every epoch
(``ml4phys.data.augment``). Each row reports its test error beside the published one
(the lecture's table, from yann.lecun.com/exdb/mnist) and this project's target, with
its wall time and validation error per epoch. Row "300-deskewed" deskews every image by
its moments first (``ml4phys.data.deskew``); row "committee" averages the outputs of
``COMMITTEE`` conv nets that differ in their seeds, and reports the best member's error.
The full table takes hours on a laptop CPU; ``--rows`` picks some.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from ..data import augment, deskew, mnist
from ..nn import callbacks, optimizers
from ..plots import classification
from ._mnist_nets import COMMITTEE, Committee, conv_large, dense, lenet1
from .base import Result, progress_bar
from .mnist_conv import lenet

NAME = "mnist-table"
DESCRIPTION = "the lecture's MNIST table of test errors, each row trained here"


# name -> (description, published error, published row, target error, epochs,
#          builder(seed) -> net (compiled again with Adam), image layout, distorted);
# layout "flat-deskewed" deskews every image by its moments (``data.deskew``)
ROWS = {
    "linear": (
        "linear classifier 784-10",
        0.12,
        "Linear classifier (1 layer NN)",
        0.08,
        20,
        dense(()),
        "flat",
        False,
    ),
    "300": (
        "784-300-10",
        0.047,
        "2 layer (300 hidden)",
        0.025,
        30,
        dense((300,)),
        "flat",
        False,
    ),
    "800": (
        "784-800-10, dropout 0.2 on the pixels, 0.5 on the hidden layer",
        0.016,
        "2 layer (800 hidden)",
        0.016,
        40,
        dense((800,), dropout=0.5, input_dropout=0.2),
        "flat",
        False,
    ),
    "800-distorted": (
        "784-800-10, distorted images",
        0.007,
        "2 layer (800 hidden), distorted images",
        0.010,
        100,
        dense((800,)),
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
        conv_large,
        "image",
        True,
    ),
    "300-deskewed": (
        "784-300-10, images deskewed by their moments",
        0.016,
        "2 layer (300 hidden), with image preprocessing (deskewing)",
        0.016,
        30,
        dense((300,)),
        "flat-deskewed",
        False,
    ),
    "lenet1": (
        "LeNet-1: 4 and 12 feature maps 5x5, average pooling, tanh",
        0.011,
        'conv. net "LeNet-1" (LeCun et al. 1998 report 1.7%)',
        0.017,
        30,
        lenet1,
        "image",
        False,
    ),
    "6-layer-distorted": (
        "784-2500-2000-1500-1000-500-10, distorted images",
        0.0035,
        "6 layers, distorted images 784/2500/2000/1500/1000/500/10",
        0.0035,
        40,
        dense((2500, 2000, 1500, 1000, 500)),
        "flat",
        True,
    ),
    "committee": (
        f"average output of {COMMITTEE} conv nets 32-32-64-64-128, distorted images",
        0.0023,
        "committee of 35 conv. nets, with distorted images",
        0.0045,
        30,
        conv_large,
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


def _split(layout, config, n_train, n_val, progress):
    """The lecture's split; layout "flat-deskewed": flat, every image deskewed."""
    sets = mnist.lecture_split(
        config.seed,
        shape=layout.removesuffix("-deskewed"),
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=n_train,
        n_validation=n_val,
    )
    if layout.endswith("-deskewed"):
        sets = tuple((deskew.deskew(x), y) for x, y in sets)
    return sets


def _fit_row(row, data, config, epochs, bar):
    """(net or Committee, history of the (last) net, seconds, committee members)."""
    if row != "committee":
        return (*_train(row, data, config, epochs, bar), [])
    members, seconds = [], 0.0
    for k in range(COMMITTEE):  # members differ in their seeds only
        member = replace(config, seed=config.seed + k)
        net, history, elapsed = _train(row, data, member, epochs, bar)
        members.append(net)
        seconds += elapsed
    return Committee(members), history, seconds, members


def _test_error(net, x_test, y_test):
    predicted = net.predict(x_test, batch_size=500).argmax(axis=1)
    return float(np.mean(predicted != y_test.argmax(axis=1)))


def _row_numbers(row, net, history, seconds, test):
    description, published, published_row, target, *_ = ROWS[row]
    error = _test_error(net, *test)
    validation_curve = history["val_categorical_accuracy"]
    return {
        "network": description,
        "test_error": error,
        "published_error": published,
        "published_row": published_row,
        "target_error": target,
        "meets_target": error <= target,
        "n_test": len(test[0]),
        "epochs_run": len(validation_curve),
        "best_epoch": int(np.argmax(validation_curve)) + 1,
        "validation_errors": [round(1.0 - float(a), 5) for a in validation_curve],
        "seconds": round(seconds, 1),
        "params": int(net.count_params()),
    }


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
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
    total = sum(
        e * (COMMITTEE if r == "committee" else 1) for r, e in row_epochs.items()
    )
    numbers = {"n_train": n_train, "n_validation": n_val}
    splits = {}
    with progress_bar(progress, total, NAME) as bar:
        for row in config.rows:
            layout = ROWS[row][6]
            if layout not in splits:
                splits[layout] = _split(layout, config, n_train, n_val, progress)
            train_set, validation, test = splits[layout]
            if config.quick:
                test = (test[0][:1_000], test[1][:1_000])
            net, history, seconds, members = _fit_row(
                row, (train_set, validation), config, row_epochs[row], bar
            )
            numbers[row] = _row_numbers(row, net, history, seconds, test)
            if members:
                errors = [_test_error(member, *test) for member in members]
                numbers[row]["member_test_errors"] = errors
                numbers[row]["best_single_error"] = min(errors)
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
