"""Learning an image as a function (x0, x1) -> brightness (lecture: "Learning a 2D image").

The lecture's notebook MultiLayer_ImageCompression: a 2-150-150-100-1 ReLU network with a
linear output, trained with Adam on batches of random pixels (mean squared error), shows
a recognizable portrait after about 4 million samples. Snapshots of the reconstruction
and its PSNR are taken at log-spaced sample counts. ``--full`` is the lecture's larger
run: 2-500-500-300-1 and 20 million samples. ``--image PATH`` learns any image file.

``train`` is the loop itself, written against two callables (one training step, one
prediction), so the benchmark runs the very same loop with PyTorch.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from ..data import images
from ..nn import layers, models, optimizers
from ..plots import images as image_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "image"
DESCRIPTION = (
    "learn an image as a function of (x, y): 2-150-150-100-1 ReLU, Adam (lecture 3)"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    image: str = ""  # any image file; default: matplotlib's Grace Hopper
    size: int = 300  # shrink until both sides are <= size pixels (0: keep)
    hidden: tuple = (150, 150, 100)  # hidden layer sizes
    activation: str = "relu"  # of the hidden layers; the output is linear
    samples: int = 4_000_000  # training samples (pixels) in all
    batchsize: int = 1000
    learning_rate: float = 0.001  # Adam's step
    snapshots: int = 8  # PSNR evaluations, log-spaced in samples
    save_model: str = ""  # if given, the trained network is saved there
    seed: int = 0
    full: bool = False  # the lecture's 2-500-500-300-1 with 20 million samples
    quick: bool = False  # 2-30-30-20-1 on a 48-pixel image: a second, for tests


def resolve(config):
    """The config with ``--full`` and ``--quick`` applied."""
    if config.quick:
        return dataclasses.replace(
            config,
            size=min(config.size or 48, 48),
            hidden=(30, 30, 20),
            samples=300_000,
            snapshots=4,
            learning_rate=3e-3,
            quick=False,
            full=False,
        )
    if config.full:
        return dataclasses.replace(
            config, hidden=(500, 500, 300), samples=20_000_000, full=False
        )
    return config


def build_network(config):
    """2 -> hidden... -> 1, Keras' default initialization, Adam on the mean squared error."""
    net = models.Sequential(seed=config.seed)
    for i, units in enumerate(config.hidden):
        net.add(
            layers.Dense(
                units,
                activation=config.activation,
                input_shape=(2,) if i == 0 else None,
            )
        )
    net.add(layers.Dense(1, input_shape=None if config.hidden else (2,)))
    net.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=config.learning_rate),
    )
    return net


def checkpoints(steps, count):
    """``count`` log-spaced step numbers from about steps/100 up to ``steps``."""
    first = max(1, steps // 100)
    return sorted({round(float(s)) for s in np.geomspace(first, steps, max(1, count))})


def predict_image(predict, shape, points=None, chunk=32768):
    """The network's picture: ``predict`` on every pixel, in chunks, as (height, width)."""
    if points is None:
        points, _ = images.pixel_points(shape)
    out = np.concatenate(
        [
            np.asarray(predict(points[i : i + chunk])).reshape(-1)
            for i in range(0, len(points), chunk)
        ]
    )
    return out.reshape(shape)


def train(step, predict, image, samples, batchsize, snapshots, rng, progress=None):
    """Train on random pixel batches; evaluate the whole picture at the checkpoints.

    ``step(x, y_target) -> cost`` does one training step on a batch of shape
    (batchsize, 2) -> (batchsize, 1); ``predict(points) -> outputs`` evaluates a batch.
    Returns a dict: ``costs`` (one per batch), ``samples``, ``psnr`` and ``pictures`` at
    the checkpoints.
    """
    points, _ = images.pixel_points(image.shape)
    steps = samples // batchsize
    if steps < 1:
        raise ValueError(f"samples={samples} is less than one batch of {batchsize}")
    marks = set(checkpoints(steps, snapshots))
    costs = np.empty(steps)
    history = {"costs": costs, "samples": [], "psnr": [], "pictures": []}
    with progress_bar(progress, steps, NAME) as bar:
        for k in range(steps):
            y_in, y_target = images.pixel_batch(image, batchsize, rng, points)
            costs[k] = step(y_in, y_target)
            if k + 1 in marks:
                picture = predict_image(predict, image.shape, points)
                history["samples"].append((k + 1) * batchsize)
                history["psnr"].append(images.psnr(picture, image))
                history["pictures"].append(picture)
            bar.update()
    return history


def make_figures(image, history, layout):
    """Snapshots with their PSNR, PSNR against samples, and the cost curve."""
    shown = list(range(len(history["pictures"])))[
        -7:
    ]  # at most 7 snapshots and the image
    pictures = [image] + [history["pictures"][i] for i in shown]
    titles = ["original"] + [
        f"{history['samples'][i]:,} samples\nPSNR {history['psnr'][i]:.1f} dB"
        for i in shown
    ]
    costs = history["costs"]
    return {
        "snapshots": image_plots.image_grid(
            pictures, titles, ncols=4, vmin=0.0, vmax=1.0, title=f"network {layout}"
        ),
        "psnr": image_plots.psnr_curve(history["samples"], {layout: history["psnr"]}),
        "cost": training_plots.cost_curves(
            {layout: costs},
            xlabel="batch",
            ylabel="cost (mean squared error)",
            smooth=max(1, len(costs) // 50),
        ),
    }


def layout_name(config):
    return "-".join(map(str, (2, *config.hidden, 1)))


def train_network(config, progress=None):
    """Load the image, build and train the network: (image, net, history)."""
    config = resolve(config)
    image = images.load_image(config.image or None, config.size)
    net = build_network(config)
    rng = np.random.default_rng(config.seed)
    history = train(
        net.train_on_batch,
        net.forward,
        image,
        config.samples,
        config.batchsize,
        config.snapshots,
        rng,
        progress,
    )
    return image, net, history


def run(config: Config, progress=None) -> Result:
    start = time.perf_counter()
    image, net, history = train_network(config, progress)
    train_seconds = time.perf_counter() - start
    settings = resolve(config)
    if settings.save_model:
        net.save(settings.save_model)
    tail = max(1, len(history["costs"]) // 10)
    numbers = {
        "psnr": history["psnr"][-1],
        "psnr_curve": [
            [s, round(p, 3)] for s, p in zip(history["samples"], history["psnr"])
        ],
        "final_cost": float(history["costs"][-tail:].mean()),  # last 10% of the batches
        "grid_cost": float(np.mean((history["pictures"][-1] - image) ** 2)),
        "samples": len(history["costs"]) * settings.batchsize,
        "layout": layout_name(settings),
        "parameters": net.count_params(),
        "image_shape": list(image.shape),
        "train_seconds": round(train_seconds, 3),
    }
    return Result(
        numbers=numbers, figures=make_figures(image, history, layout_name(settings))
    )


effective = resolve  # the config that runs: results.json records it
