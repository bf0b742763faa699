"""Convolutional nets on MNIST (lecture: "Handwritten digits recognition with a
convolutional net").

Images enter as (28, 28, 1). The nets:

- ``simple``: the lecture's ``init_net_conv_simple``: Conv2D(7 filters 5x5, relu,
  'same'), AveragePooling2D(4), Flatten, Dense(10, softmax), SGD(lr=1.0). Its seven
  learned filters are shown as images, with what they make of a test digit.
- ``two-stage-sgd`` / ``two-stage-adam``: "Let's get more ambitious! Train a two-stage
  convolutional net!" With plain SGD(lr=1.0) it "does not learn at all! Gets 90%
  wrong!"; the same net with Adam learns. The lecture shows this net only as a picture;
  here: Conv2D(5, 5x5, relu, 'same'), AveragePooling2D(2), twice, then Dense(10,
  softmax) (the layout of the lecture's accompanying notebook, as far as we know it).
- ``lenet``: LeNet-5 style: Conv2D(6, 5x5, relu, 'same'), MaxPooling2D(2), Conv2D(16,
  5x5, relu), MaxPooling2D(2), Dense(120, relu), Dense(84, relu), Dense(10, softmax),
  trained with Adam.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import mnist
from ..nn import callbacks, models, optimizers
from ..nn import layers as L
from ..plots import classification as plots
from ._classifier import compile_classifier, train_and_test
from .base import Result, progress_bar

NAME = "mnist-conv"
DESCRIPTION = (
    "conv nets on MNIST: the lecture's simple net and its filters, SGD vs Adam"
)


def simple_net(seed=0):
    """The lecture's simple conv net, compiled with SGD(lr=1.0)."""
    net = models.Sequential(seed=seed)
    net.add(
        L.Conv2D(7, (5, 5), activation="relu", padding="same", input_shape=(28, 28, 1))
    )
    net.add(L.AveragePooling2D(pool_size=4))  # (7, 7, 7)
    net.add(L.Flatten())
    net.add(L.Dense(10, activation="softmax"))
    return compile_classifier(net, optimizers.SGD(learning_rate=1.0))


def two_stage_net(optimizer="sgd", seed=0):
    """The two-stage conv net; ``optimizer`` 'sgd' means SGD(lr=1.0), else Keras's
    defaults of that optimizer (Adam: lr 0.001).
    """
    net = models.Sequential(seed=seed)
    net.add(
        L.Conv2D(5, (5, 5), activation="relu", padding="same", input_shape=(28, 28, 1))
    )
    net.add(L.AveragePooling2D(pool_size=2))  # (14, 14, 5)
    net.add(L.Conv2D(5, (5, 5), activation="relu", padding="same"))
    net.add(L.AveragePooling2D(pool_size=2))  # (7, 7, 5)
    net.add(L.Flatten())
    net.add(L.Dense(10, activation="softmax"))
    chosen = (
        optimizers.SGD(learning_rate=1.0)
        if optimizer == "sgd"
        else optimizers.get(optimizer)
    )
    return compile_classifier(net, chosen)


def lenet(seed=0, optimizer="adam", dropout=0.0):
    """A LeNet-5 style net (relu and max pooling, as is usual today); ``dropout`` > 0
    puts Dropout after each of the two hidden dense layers.
    """
    net = models.Sequential(seed=seed)
    net.add(
        L.Conv2D(6, (5, 5), activation="relu", padding="same", input_shape=(28, 28, 1))
    )
    net.add(L.MaxPooling2D(2))  # (14, 14, 6)
    net.add(L.Conv2D(16, (5, 5), activation="relu"))  # (10, 10, 16)
    net.add(L.MaxPooling2D(2))  # (5, 5, 16)
    net.add(L.Flatten())
    for units in (120, 84):
        net.add(L.Dense(units, activation="relu"))
        if dropout:
            net.add(L.Dropout(dropout))
    net.add(L.Dense(10, activation="softmax"))
    return compile_classifier(net, optimizers.get(optimizer))


NETS = {
    "simple": simple_net,
    "two-stage-sgd": lambda seed: two_stage_net("sgd", seed),
    "two-stage-adam": lambda seed: two_stage_net("adam", seed),
    "lenet": lenet,
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    nets: tuple = tuple(NETS)
    epochs: int = 5
    batch_size: int = 100
    n_train: int = 45_000
    n_validation: int = 5_000
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 3,000 images, 2 epochs, 2,000 tests


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    unknown = set(config.nets) - set(NETS)
    if unknown:
        raise ValueError(f"unknown nets {sorted(unknown)}; known: {', '.join(NETS)}")
    if config.quick:
        config = dataclasses.replace(
            config, n_train=3_000, n_validation=1_000, epochs=2
        )
    train, validation, test = mnist.lecture_split(
        config.seed,
        shape="image",
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=config.n_train,
        n_validation=config.n_validation,
    )
    if config.quick:
        test = (test[0][:2_000], test[1][:2_000])
    numbers = {
        "n_train": config.n_train,
        "n_validation": config.n_validation,
        "n_test": len(test[0]),
        "epochs": config.epochs,
    }
    curves, figures = {}, {}
    with progress_bar(progress, config.epochs * len(config.nets), NAME) as bar:
        tick = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: bar.update())
        for name in config.nets:
            net = NETS[name](config.seed)
            history, _, numbers[name] = train_and_test(
                net, train, validation, test, config, [tick], predict_batch=500
            )
            numbers[name]["final_loss"] = float(history["loss"][-1])
            curves[name] = (
                history["categorical_accuracy"],
                history["val_categorical_accuracy"],
            )
            if name == "simple":
                figures.update(_filter_figures(net, test[0][0]))
    figures["accuracy"] = plots.accuracy_curves(
        curves, title="conv nets: training (solid) and validation (dashed)"
    )
    return Result(numbers=numbers, figures=figures)


def _filter_figures(net, image):
    """The simple net's 5x5 filters, and the relu feature maps of one test image."""
    conv = net.layers[0]
    kernel = conv.params["w"][:, :, 0, :]  # (5, 5, filters)
    filters = np.moveaxis(kernel, -1, 0)
    maps = np.moveaxis(conv.forward(image[None])[0], -1, 0)
    titles = [f"filter {i + 1}" for i in range(len(filters))]
    return {
        "filters": plots.image_grid(
            filters,
            titles,
            cmap="RdBu_r",
            signed=True,
            title="simple conv net: learned 5x5 filters (red +, blue -)",
        ),
        "feature_maps": plots.image_grid(
            np.concatenate([image[None, :, :, 0], maps]),
            ["input", *titles],
            title="a test digit and its 7 filtered images (after relu)",
        ),
    }
