"""Gradient-descent variants side by side (lecture: "Optimized gradient descent" and the
adaptive learning rates of the image example).

SGD, SGD with momentum, Nesterov momentum, Adagrad, RMSprop, Adadelta and Adam train the
same network from the same initial weights on the same batches, for two tasks: fit2d's
2D function (the lecture's sigmoid network) and the image network (ReLU, on a small
version of the image). Each optimizer gets its best learning rate from a sweep of
``factors`` x its base rate, judged by the final cost (the mean over the last 10% of
the batches); the figures show the cost against the step at that rate, and the final
cost against the learning rate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import functions, images
from ..nn import optimizers as opt
from ..nn.training import DivergenceError
from ..plots import sweeps
from . import fit2d, image
from .base import Result, progress_bar

NAME = "optimizers"
DESCRIPTION = (
    "SGD, momentum, Nesterov, Adagrad, RMSprop, Adadelta, Adam, each at its best rate"
)

# name -> (factory of an optimizer for a learning rate, base learning rate)
OPTIMIZERS = {
    "sgd": (lambda lr: opt.SGD(learning_rate=lr), 0.3),
    "momentum": (lambda lr: opt.SGD(learning_rate=lr, momentum=0.9), 0.03),
    "nesterov": (
        lambda lr: opt.SGD(learning_rate=lr, momentum=0.9, nesterov=True),
        0.03,
    ),
    "adagrad": (lambda lr: opt.Adagrad(learning_rate=lr), 0.3),
    "rmsprop": (lambda lr: opt.RMSprop(learning_rate=lr), 0.003),
    "adadelta": (lambda lr: opt.Adadelta(learning_rate=lr), 3.0),
    "adam": (lambda lr: opt.Adam(learning_rate=lr), 0.003),
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    tasks: tuple = ("fit2d", "image")
    optimizers: tuple = tuple(OPTIMIZERS)
    factors: tuple = (0.1, 0.3, 1.0, 3.0, 10.0)  # learning rates: factor x base rate
    steps: int = 2000
    batchsize: int = 100
    image_hidden: tuple = (50, 50, 30)
    image_size: int = 64
    seed: int = 0
    quick: bool = False  # 2 factors, 300 steps, a 32-pixel image


def settings(config):
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        factors=(0.3, 3.0),
        steps=300,
        image_hidden=(20, 20),
        image_size=32,
        quick=False,
    )


def make_task(name, config):
    """(build a fresh network, draw a batch from rng) for a task."""
    if name == "fit2d":
        net_config = fit2d.Config(seed=config.seed)
        target = functions.FUNCTIONS[net_config.function]
        return (
            lambda: fit2d.build_network(net_config, seed=config.seed),
            lambda rng: functions.sample_batch(target, config.batchsize, rng),
        )
    if name == "image":
        picture = images.load_image(size=config.image_size)
        points, _ = images.pixel_points(picture.shape)
        net_config = image.Config(hidden=config.image_hidden, seed=config.seed)
        return (
            lambda: image.build_network(net_config),
            lambda rng: images.pixel_batch(picture, config.batchsize, rng, points),
        )
    raise ValueError(f"unknown task {name!r}; known: fit2d, image")


def train(task, optimizer, steps, seed):
    """Costs (mean squared error) per batch, or None if the run diverged."""
    build, batch = task
    net = build()  # the same initial weights for every optimizer
    net.compile(loss="mean_squared_error", optimizer=optimizer)
    rng = np.random.default_rng(seed)  # the same batches too
    costs = np.empty(steps)
    try:
        for k in range(steps):
            costs[k] = net.train_on_batch(*batch(rng))
    except DivergenceError:
        return None
    return costs


def final(costs):
    return np.inf if costs is None else float(costs[-max(1, len(costs) // 10) :].mean())


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    config = settings(config)
    unknown = set(config.optimizers) - set(OPTIMIZERS)
    if unknown:
        raise ValueError(
            f"unknown optimizers {sorted(unknown)}; known: {', '.join(OPTIMIZERS)}"
        )
    numbers, figures = {"initial_cost": {}}, {}
    total = len(config.tasks) * len(config.optimizers) * len(config.factors)
    with progress_bar(progress, total, NAME) as bar:
        for task_name in config.tasks:
            task = make_task(task_name, config)
            best_curves, sweep_curves, numbers[task_name] = {}, {}, {}
            for name in config.optimizers:
                factory, base = OPTIMIZERS[name]
                rates = [float(f"{base * f:.3g}") for f in config.factors]
                runs = []
                for rate in rates:
                    runs.append(train(task, factory(rate), config.steps, config.seed))
                    bar.update()
                finals = [final(c) for c in runs]
                first = next((c[0] for c in runs if c is not None), None)
                numbers["initial_cost"].setdefault(task_name, first)
                best = int(np.argmin(finals))
                numbers[task_name][name] = {
                    "best_learning_rate": rates[best],
                    "final_cost": finals[best],
                    "sweep": {
                        f"{r:g}": (None if np.isinf(f) else f)
                        for r, f in zip(rates, finals)
                    },
                }
                if runs[best] is not None:
                    best_curves[f"{name}, lr={rates[best]:g}"] = (
                        np.arange(1, config.steps + 1),
                        runs[best],
                    )
                finite = [(r, f) for r, f in zip(rates, finals) if np.isfinite(f)]
                if finite:
                    sweep_curves[name] = tuple(np.array(v) for v in zip(*finite))
            figures[f"{task_name}_cost"] = sweeps.curve_panels(
                {"batch": best_curves},
                "cost (mean squared error)",
                smooth=max(1, config.steps // 50),
                title=f"{task_name}: each optimizer at its best learning rate",
            )
            figures[f"{task_name}_sweep"] = sweeps.curve_panels(
                {"learning rate": sweep_curves},
                "final cost (mean squared error)",
                logx=True,
                marker="o",
                title=f"{task_name}: final cost against the learning rate",
            )
    return Result(numbers=numbers, figures=figures)
