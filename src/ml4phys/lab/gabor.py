"""What the first layer of a vision network learns: Gabor filters (lecture slide), and
the homework on conv filters trained with a sparsity penalty.

Two nets, each trained once per L1 penalty ``l1`` on its first-layer kernels
(``kernel_regularizer=L1(l1)``: the cost gains l1 sum |w|):

* ``mnist``: Conv2D(filters, k x k, relu) -> MaxPooling2D(4) -> Flatten -> Dense(10,
  softmax), classifying MNIST digits;
* ``natural``: a denoising conv autoencoder on patches of the package's sample photograph
  (``ml4phys.data.images``): Conv2D(filters, k x k, relu, 'same') -> Conv2D(1, k x k,
  'same') recovers the clean patch from one with Gaussian noise.

Each first-layer filter is fitted by a 2D Gabor function (``ml4phys.analysis.gabor``);
reported per penalty: the filters' R^2 (median and mean), their sparsity (fraction of
weights below 5% of the layer's largest |w|) and the task's score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.figure import Figure

from ..analysis import gabor
from ..data import images, mnist
from ..nn import layers, models, optimizers, regularizers
from ..plots import classification
from .base import Result, progress_bar

NAME = "gabor"
DESCRIPTION = "first-layer filters fitted by Gabor functions, with an L1 penalty sweep"
SMALL = 0.05  # a weight is "zero" below this fraction of the layer's largest |w|


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    datasets: tuple = ("mnist", "natural")
    penalties: tuple = (0.0, 1e-4, 1e-3, 1e-2)  # l1 on the first-layer kernels
    filters: int = 16
    kernel: int = 7
    n_train: int = 10000  # MNIST images, or natural-image patches
    patch: int = 16  # natural-image patch size
    noise: float = 0.5  # natural: noise std (patches have unit std)
    epochs: int = 2
    batch_size: int = 50
    learning_rate: float = 0.002  # Adam
    data_dir: str = ""  # MNIST folder; default ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # seconds: few images and filters, two penalties


QUICK = {"penalties": (0.0, 0.03), "filters": 6, "n_train": 1500, "epochs": 2}


def _mnist_task(config):
    train, _, (x_test, y_test) = mnist.lecture_split(
        config.seed,
        shape="image",
        data_dir=config.data_dir or None,
        progress=False,
        n_train=config.n_train,
        n_validation=0,
    )
    return train, (x_test[:2000], y_test[:2000])


def _patches(config, n, rng):
    """``n`` random patches of the sample photograph, mean-free, unit std overall."""
    photo = images.load_image()
    rows = rng.integers(0, photo.shape[0] - config.patch, n)
    cols = rng.integers(0, photo.shape[1] - config.patch, n)
    offsets = np.arange(config.patch)
    patches = photo[
        rows[:, None, None] + offsets[:, None], cols[:, None, None] + offsets
    ]
    patches = patches - patches.mean(axis=(1, 2), keepdims=True)
    return (patches / patches.std())[..., None].astype(np.float32)


def _natural_task(config):
    rng = np.random.default_rng(config.seed)
    clean = _patches(config, config.n_train + 1000, rng)
    noisy = clean + config.noise * rng.normal(size=clean.shape).astype(np.float32)
    return (noisy[:-1000], clean[:-1000]), (noisy[-1000:], clean[-1000:])


def _net(config, dataset, l1):
    k = (config.kernel, config.kernel)
    first = {"activation": "relu", "kernel_regularizer": regularizers.L1(l1)}
    net = models.Sequential(seed=config.seed)
    if dataset == "mnist":
        net.add(layers.Conv2D(config.filters, k, input_shape=(28, 28, 1), **first))
        net.add(layers.MaxPooling2D(4))
        net.add(layers.Flatten())
        net.add(layers.Dense(10, activation="softmax"))
        loss = "categorical_crossentropy"
    else:
        shape = (config.patch, config.patch, 1)
        net.add(
            layers.Conv2D(config.filters, k, padding="same", input_shape=shape, **first)
        )
        net.add(layers.Conv2D(1, k, padding="same"))
        loss = "mse"
    net.compile(loss=loss, optimizer=optimizers.Adam(config.learning_rate))
    return net


def _score(net, dataset, test):
    """MNIST: test error; natural: test MSE of the denoised patch (noisy: noise^2)."""
    x, y = test
    out = net.predict(x, batch_size=500)
    if dataset == "mnist":
        return {"test_error": float(np.mean(out.argmax(1) != y.argmax(1)))}
    return {"test_mse": float(np.mean((out - y) ** 2))}


def _one_penalty(config, dataset, task, l1):
    """Train at penalty ``l1``; the numbers and the first-layer filters."""
    (x, y), test = task
    net = _net(config, dataset, l1)
    net.fit(x, y, batch_size=config.batch_size, epochs=config.epochs, verbose=0)
    kernels = net.layers[0].params["w"]  # (k, k, 1, filters)
    _, r2 = gabor.fit_all(kernels)
    small = np.abs(kernels) < SMALL * np.abs(kernels).max()
    numbers = {
        "l1": l1,
        **_score(net, dataset, test),
        "gabor_r2_median": float(np.median(r2)),
        "gabor_r2_mean": float(np.mean(r2)),
        "gabor_r2": [round(float(r), 4) for r in r2],
        "sparsity": float(small.mean()),
    }
    return numbers, kernels[:, :, 0, :].transpose(2, 0, 1), r2


def _filter_figure(dataset, rows):
    """One row of filters per penalty, each titled with its Gabor R^2."""
    pictures, titles = [], []
    for l1, filters, r2 in rows:
        pictures.extend(filters)
        titles.extend(f"l1={l1:g}\nR²={r:.2f}" for r in r2)
    return classification.image_grid(
        np.array(pictures),
        titles,
        ncols=len(rows[0][1]),
        cmap="RdBu_r",
        title=f"{dataset}: first-layer filters, one row per L1 penalty",
        signed=True,
    )


def _penalty_figure(numbers, datasets):
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    for dataset in datasets:
        rows = numbers[dataset]
        x = np.arange(len(rows))
        left.plot(x, [r["gabor_r2_median"] for r in rows], "o-", label=dataset)
        right.plot(x, [r["sparsity"] for r in rows], "o-", label=dataset)
    for ax, label in (
        (left, "median Gabor fit R²"),
        (right, "sparsity of the filters"),
    ):
        ax.set_xticks(x, [f"{r['l1']:g}" for r in rows])
        ax.set(xlabel="L1 penalty", ylabel=label)
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = replace(config, **QUICK)
    unknown = set(config.datasets) - {"mnist", "natural"}
    if unknown:
        raise ValueError(f"unknown datasets {sorted(unknown)}; known: mnist, natural")
    numbers, figures = {"small_weight_fraction": SMALL}, {}
    total = len(config.datasets) * len(config.penalties)
    with progress_bar(progress, total, NAME) as bar:
        for dataset in config.datasets:
            task = _mnist_task(config) if dataset == "mnist" else _natural_task(config)
            numbers[dataset], rows = [], []
            for l1 in config.penalties:
                found, filters, r2 = _one_penalty(config, dataset, task, float(l1))
                numbers[dataset].append(found)
                rows.append((float(l1), filters, r2))
                bar.update()
            figures[f"filters_{dataset}"] = _filter_figure(dataset, rows)
    figures["penalty"] = _penalty_figure(numbers, config.datasets)
    return Result(numbers=numbers, figures=figures)
