"""Circles vs squares: image recognition on generated images (lecture: homework of
"Handwriting recognition", "apply image recognition to some algorithmically generated
images").

Outlines of circles and squares at random positions and sizes (``ml4phys.data.shapes``),
with Gaussian pixel noise. For every noise strength one net is trained on fresh batches
of that noise (the data never repeat) and tested on fixed images of the same noise; the
net trained at the first (lowest) noise is also tested at all the others. The net is a
dense 784-hidden-2 softmax net, or with ``--network conv`` (needs Conv2D) a small conv
net.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import shapes
from ..nn import layers, models
from ..plots import classification
from ..plots import sequences as line_plots
from ._classifier import compile_classifier
from .base import Result, progress_bar

NAME = "shapes"
DESCRIPTION = "circles vs squares at random places and sizes: accuracy vs noise"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    noise_levels: tuple = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5)  # pixel noise std
    network: str = "dense"  # "dense" or "conv"
    hidden: int = 100  # dense: hidden neurons
    steps: int = 3_000  # training batches per net (always fresh)
    batch_size: int = 50
    optimizer: str = "adam"
    learning_rate: float = 0.001
    filled: bool = False  # outlines (harder) or filled shapes
    n_test: int = 2_000
    seed: int = 0
    quick: bool = False  # 3 noise levels, 150 batches: for tests


def build_network(config):
    net = models.Sequential(seed=config.seed)
    if config.network == "dense":
        net.add(layers.Dense(config.hidden, activation="relu", input_shape=(784,)))
    elif config.network == "conv":
        net.add(
            layers.Conv2D(
                8, 5, activation="relu", padding="same", input_shape=(28, 28, 1)
            )
        )
        net.add(layers.MaxPooling2D(2))
        net.add(layers.Conv2D(8, 5, activation="relu", padding="same"))
        net.add(layers.MaxPooling2D(2))
        net.add(layers.Flatten())
    else:
        raise ValueError(f"unknown network {config.network!r}; known: dense, conv")
    net.add(layers.Dense(2, activation="softmax"))
    return compile_classifier(net, config.optimizer, config.learning_rate)


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(
            config, noise_levels=(0.0, 0.5, 1.5), steps=150, n_test=500
        )
    noise_levels = config.noise_levels
    tests = held_out_sets(config)
    own, first = [], None
    with progress_bar(progress, len(noise_levels), NAME) as bar:
        for i, noise in enumerate(noise_levels):
            net = build_network(config)
            batches = shapes.shape_batches(
                config.batch_size,
                _layout(config),
                seed=config.seed + i,
                noise=noise,
                filled=config.filled,
            )
            net.fit(batches, steps_per_epoch=config.steps, epochs=1, verbose=0)
            own.append(_accuracy(net, *tests[i]))
            if first is None:
                first = [_accuracy(net, x, y) for x, y in tests]
            bar.update()
    first_label = f"trained at noise {noise_levels[0]:g}"
    numbers = {
        "noise_levels": list(noise_levels),
        "steps": config.steps,
        "n_test": config.n_test,
        "accuracy_trained_at_that_noise": own,
        f"accuracy_trained_at_noise_{noise_levels[0]:g}": first,
    }
    figures = {
        "accuracy": line_plots.curves(
            list(noise_levels),
            {"trained at that noise": own, first_label: first},
            "noise strength (pixel std; ink = 1)",
            "test accuracy",
            title=f"circle vs square, {config.network} net",
            markers=True,
        ),
        "examples": _examples(config),
    }
    return Result(numbers=numbers, figures=figures)


def _layout(config):
    return "image" if config.network == "conv" else "flat"


def held_out_sets(config):
    """One test set per noise level, shaped for the network: [(x, labels), ...]."""
    tests = [
        shapes.circles_and_squares(
            config.n_test, noise=noise, seed=10_000 + i, filled=config.filled
        )
        for i, noise in enumerate(config.noise_levels)
    ]
    if _layout(config) == "image":
        return [(x[..., None], y) for x, y in tests]
    return [(x.reshape(config.n_test, -1), y) for x, y in tests]


def _examples(config):
    """Eight images at every noise level, titled with their shape and noise."""
    examples = [
        shapes.circles_and_squares(8, noise=noise, seed=1, filled=config.filled)
        for noise in config.noise_levels
    ]
    titles = [
        f"{shapes.LABELS[label]}, σ={noise:g}"
        for (_, y), noise in zip(examples, config.noise_levels, strict=True)
        for label in y
    ]
    return classification.image_grid(np.concatenate([x for x, _ in examples]), titles)


def _accuracy(net, x, y):
    return float(np.mean(net.predict(x, batch_size=500).argmax(axis=1) == y))
