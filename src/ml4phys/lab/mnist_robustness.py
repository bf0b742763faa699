"""How robust is a digit classifier? (lecture: homework of "Handwriting recognition").

Test accuracy against the strength of Gaussian noise added to every pixel, and against
the fraction of the image hidden by a square at a random place, for two 784-hidden-10
softmax nets from the same initial weights: one trained on clean images, one trained on
corrupted ones (each training image, drawn fresh every batch, gets noise of a random
strength up to ``train_noise`` and, with probability 1/2, a square covering a random
area up to ``train_occlusion``). Noise is not clipped; the occluding square has pixel
value ``occluder`` (0 erases strokes, 1 covers them with ink).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import mnist
from ..nn import callbacks, layers, models
from ..plots import classification
from ..plots import sequences as line_plots
from ._classifier import compile_classifier
from .base import Result, progress_bar

NAME = "mnist-robustness"
DESCRIPTION = "MNIST test accuracy vs noise and occlusion, trained clean vs corrupted"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    noise_levels: tuple = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)  # pixel noise std
    occluded_areas: tuple = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)  # fraction hidden
    train_noise: float = 0.7  # corrupted training: noise std up to this
    train_occlusion: float = 0.4  # ... and hidden area up to this (half of them)
    occluder: float = 0.0  # pixel value of the occluding square
    hidden: int = 300
    epochs: int = 10
    batch_size: int = 100
    optimizer: str = "adam"
    learning_rate: float = 0.001
    n_train: int = 45_000
    n_test: int = 10_000
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 3,000 images, 3 epochs, 2,000 tests


def add_noise(x, strength, rng):
    """x plus Gaussian noise of standard deviation ``strength`` (scalar or (n,))."""
    strength = np.reshape(np.asarray(strength, x.dtype), (-1,) + (1,) * (x.ndim - 1))
    return x + strength * rng.standard_normal(x.shape, dtype=x.dtype)


def occlude(x, area, rng, value=0.0, size=28):
    """Hide a square of ``area`` (fraction of the image, scalar or (n,)) at a random
    place in each flat image of x (n, size*size); returns a copy.
    """
    n = len(x)
    out = x.copy().reshape(n, size, size)
    sides = np.rint(np.sqrt(np.broadcast_to(area, (n,))) * size).astype(int)
    rows = rng.integers(0, size - sides + 1)
    cols = rng.integers(0, size - sides + 1)
    for image, side, row, col in zip(out, sides, rows, cols, strict=True):
        image[row : row + side, col : col + side] = value
    return out.reshape(x.shape)


def corrupted_batches(x, y, config, seed):
    """Endless fresh batches: noise up to train_noise, half of them occluded."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x), config.batch_size):
            idx = order[start : start + config.batch_size]
            n = len(idx)
            area = rng.uniform(0, config.train_occlusion, n) * (rng.random(n) < 0.5)
            batch = occlude(x[idx], area, rng, config.occluder)
            yield add_noise(batch, rng.uniform(0, config.train_noise, n), rng), y[idx]


def build_network(config):
    net = models.Sequential(seed=config.seed)
    net.add(layers.Dense(config.hidden, activation="relu", input_shape=(784,)))
    net.add(layers.Dense(10, activation="softmax"))
    return compile_classifier(net, config.optimizer, config.learning_rate)


def accuracy(net, x, labels):
    return float(np.mean(net.predict(x, batch_size=1000).argmax(axis=1) == labels))


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(config, n_train=3_000, n_test=2_000, epochs=3)
    (x_train, y_train), _, (x_test, y_test) = mnist.lecture_split(
        config.seed,
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=config.n_train,
        n_validation=0,
    )
    x_test, labels = x_test[: config.n_test], y_test[: config.n_test].argmax(axis=1)
    numbers = {
        "n_train": config.n_train,
        "n_test": config.n_test,
        "epochs": config.epochs,
        "noise_levels": list(config.noise_levels),
        "occluded_areas": list(config.occluded_areas),
    }
    with progress_bar(progress, 2 * config.epochs, NAME) as bar:
        for trained_on in ("clean", "corrupted"):
            net = train(trained_on, x_train, y_train, config, bar)
            numbers[trained_on] = robustness(net, x_test, labels, config)
    figures = {
        "noise": line_plots.curves(
            list(config.noise_levels),
            _labelled(numbers, "accuracy_vs_noise"),
            "noise strength (std of the added pixel noise)",
            "test accuracy",
            title="MNIST test accuracy vs noise",
            markers=True,
        ),
        "occlusion": line_plots.curves(
            list(config.occluded_areas),
            _labelled(numbers, "accuracy_vs_occlusion"),
            "occluded fraction of the image",
            "test accuracy",
            title="MNIST test accuracy vs occlusion",
            markers=True,
        ),
        "examples": _examples(x_test[0], config),
    }
    return Result(numbers=numbers, figures=figures)


def train(trained_on, x_train, y_train, config, bar):
    """A net trained on the clean images, or on freshly corrupted ones every epoch."""
    net = build_network(config)
    tick = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: bar.update())
    if trained_on == "clean":
        net.fit(
            x_train,
            y_train,
            batch_size=config.batch_size,
            epochs=config.epochs,
            callbacks=[tick],
            verbose=0,
        )
    else:
        net.fit(
            corrupted_batches(x_train, y_train, config, config.seed + 1),
            steps_per_epoch=-(-config.n_train // config.batch_size),
            epochs=config.epochs,
            callbacks=[tick],
            verbose=0,
        )
    return net


def robustness(net, x_test, labels, config):
    """Test accuracy at each noise strength and occluded area.

    The same corrupted test images for every net: one seed per level.
    """
    return {
        "accuracy_vs_noise": [
            accuracy(net, add_noise(x_test, s, np.random.default_rng(i)), labels)
            for i, s in enumerate(config.noise_levels)
        ],
        "accuracy_vs_occlusion": [
            accuracy(
                net,
                occlude(x_test, a, np.random.default_rng(i), config.occluder),
                labels,
            )
            for i, a in enumerate(config.occluded_areas)
        ],
    }


def _labelled(numbers, key):
    return {
        f"trained on {name} images": numbers[name][key]
        for name in ("clean", "corrupted")
    }


def _examples(image, config):
    """One test digit at every noise strength (top) and occluded area (bottom)."""
    rng = np.random.default_rng(config.seed)
    noisy = [add_noise(image[None], s, rng)[0] for s in config.noise_levels]
    hidden = [
        occlude(image[None], a, rng, config.occluder)[0] for a in config.occluded_areas
    ]
    ncols = max(len(noisy), len(hidden))
    blank = np.zeros(784, np.float32)
    rows = [noisy + [blank] * (ncols - len(noisy)), hidden]
    images = np.array(rows[0] + rows[1]).reshape(-1, 28, 28)
    titles = (
        [f"noise {s:g}" for s in config.noise_levels]
        + [""] * (ncols - len(noisy))
        + [f"area {a:g}" for a in config.occluded_areas]
    )
    return classification.image_grid(images, titles, ncols=ncols)
