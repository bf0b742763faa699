"""Dense classifiers of handwritten digits (lecture: "Handwriting recognition").

The lecture's setup: 28x28 pixels as 784 inputs, a softmax output over the ten digits,
categorical cross-entropy, batches of 100, and the lecture's sets of 45,000 training,
5,000 validation and 10,000 test images (``ml4phys.data.mnist.lecture_split``). The
networks: a linear softmax classifier (784-10), 784-300-10 and 784-800-10 (the rows of
the lecture's MNIST table). Shows training and validation accuracy per epoch, the
misclassified test images with true and predicted labels, and the confusion matrix of
the last network. ``--dataset digits`` uses scikit-learn's 8x8 digits (offline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import digits, mnist
from ..nn import callbacks, layers, models
from ..plots import classification as plots
from ._classifier import compile_classifier
from .base import Result, progress_bar

NAME = "mnist-dense"
DESCRIPTION = "dense softmax classifiers of MNIST: linear, 784-300-10, 784-800-10"
HEADLINES = {  # what `ml4phys run` prints at the end
    "n_train": "training images",
    "epochs": "passes over them",
    "*/test_accuracy": "fraction of the test images classified right",
    "*/params": "weights and biases of this network",
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    networks: tuple = ("linear", "300", "800")  # hidden sizes per net, "500-150" = two
    activation: str = "relu"  # of the hidden layers
    optimizer: str = "sgd"
    learning_rate: float = 0.5  # the lecture: SGD(lr=1.0)
    epochs: int = 30
    batch_size: int = 100
    n_train: int = 45_000
    n_validation: int = 5_000
    dataset: str = "mnist"  # or "digits" (8x8, offline)
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 5,000 images, 5 epochs: for tests


def load(config, progress=None):
    """((x_train, y_train), (x_val, y_val), (x_test, y_test), image_shape) as floats."""
    if config.dataset == "mnist":
        n_train, n_val = (
            (5_000, 1_000) if config.quick else (config.n_train, config.n_validation)
        )
        split = mnist.lecture_split(
            config.seed,
            data_dir=config.data_dir or None,
            progress=progress is not None,
            n_train=n_train,
            n_validation=n_val,
        )
        return (*split, (28, 28))
    if config.dataset == "digits":
        (x_all, y_all), (x_test, y_test) = digits.load_data(0.2, config.seed)
        n_val = len(x_all) // 10
        sets = (
            (x_all[n_val:], y_all[n_val:]),
            (x_all[:n_val], y_all[:n_val]),
            (x_test, y_test),
        )
        return (*((mnist.as_float(x), mnist.one_hot(y)) for x, y in sets), (8, 8))
    raise ValueError(f"unknown dataset {config.dataset!r}; known: mnist, digits")


def build_network(spec, n_in, config, seed):
    """'linear': n_in-10 softmax; '300': n_in-300-10; '500-150': n_in-500-150-10."""
    hidden = [] if spec == "linear" else [int(u) for u in str(spec).split("-")]
    net = models.Sequential(seed=seed)
    for i, units in enumerate(hidden):
        net.add(
            layers.Dense(
                units,
                activation=config.activation,
                input_shape=(n_in,) if i == 0 else None,
            )
        )
    net.add(
        layers.Dense(10, activation="softmax", input_shape=None if hidden else (n_in,))
    )
    return compile_classifier(net, config.optimizer, config.learning_rate)


def run(config: Config, progress=None) -> Result:
    (x_train, y_train), (x_val, y_val), (x_test, y_test), image_shape = load(
        config, progress
    )
    epochs = 5 if config.quick else config.epochs
    numbers, curves = (
        {
            "n_train": len(x_train),
            "n_validation": len(x_val),
            "n_test": len(x_test),
            "epochs": epochs,
        },
        {},
    )
    labels_test = y_test.argmax(axis=1)
    with progress_bar(progress, epochs * len(config.networks), NAME) as bar:
        tick = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: bar.update())
        for spec in config.networks:
            net = build_network(spec, x_train.shape[1], config, config.seed)
            history = net.fit(
                x_train,
                y_train,
                batch_size=config.batch_size,
                epochs=epochs,
                validation_data=(x_val, y_val),
                callbacks=[tick],
                verbose=0,
            ).history
            predicted = net.predict(x_test, batch_size=1000).argmax(axis=1)
            accuracy = float(np.mean(predicted == labels_test))
            name = "linear" if spec == "linear" else f"{x_train.shape[1]}-{spec}-10"
            curves[name] = (
                history["categorical_accuracy"],
                history["val_categorical_accuracy"],
            )
            validation = history["val_categorical_accuracy"]
            numbers[name] = {
                "test_accuracy": accuracy,
                "test_error": 1 - accuracy,
                "train_accuracy": float(history["categorical_accuracy"][-1]),
                "best_validation_accuracy": float(max(validation)),
                "params": int(net.count_params()),
            }
    wrong = np.flatnonzero(predicted != labels_test)  # of the last network
    confusion = np.zeros((10, 10), int)
    np.add.at(confusion, (labels_test, predicted), 1)
    shown = wrong[:32]
    titles = [
        f"{t} → {p}" for t, p in zip(labels_test[shown], predicted[shown], strict=True)
    ]
    figures = {
        "accuracy": plots.accuracy_curves(
            curves, title=f"{config.dataset}: training (solid) and validation (dashed)"
        ),
        "misclassified": plots.image_grid(
            x_test[shown].reshape(-1, *image_shape),
            titles,
            title=f"{name}: {len(wrong)} of {len(x_test)} test images misclassified "
            "(true → predicted)",
        ),
        "confusion": plots.confusion_matrix(confusion, title=f"{name}, test set"),
    }
    numbers["confusion_matrix"] = confusion.tolist()
    return Result(numbers=numbers, figures=figures)
