"""Learning a 2D function (lecture: "Example: Learning a 2D function", MultiLayerBackProp).

Random batches of points in [-0.5, 0.5]^2, a target function of (x0, x1), a network of
sigmoid layers with the lecture's uniform(-1, 1) weights, plain SGD with step eta.

Step size: the lecture's cost is C = 1/2 <(y_out - y_target)^2>; Keras' mean squared
error (used here) is twice that for one output, so SGD runs with lr = eta / 2 and takes
exactly the lecture's step eta.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import functions
from ..nn import initializers, layers, models, optimizers
from ..plots import functions as function_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "fit2d"
DESCRIPTION = "learn a function of two variables from random batches (lecture 2)"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    function: str = "bump"                  # one of ml4phys.data.functions.FUNCTIONS
    hidden: tuple = (20, 30)                # hidden layer sizes
    activation: str = "sigmoid"             # of the hidden layers
    output_activation: str = "sigmoid"      # 'linear' is the homework's variant
    eta: float = 3.0                        # SGD step on the lecture's cost
    batchsize: int = 1000
    batches: int = 2000
    init_scale: float = 3.0                 # initial weights uniform(-s, s); biases (-1, 1)
    optimizer: str = "sgd"                  # or 'adam', 'rmsprop', ... (then eta is its lr)
    grid: int = 100                         # resolution of the pictures
    seed: int = 0
    quick: bool = False                     # 1000 batches of 250: a second, for tests


def build_network(config, seed):
    """The lecture's network 2 -> hidden... -> 1: weights uniform(-s, s), biases (-1, 1)."""
    init = initializers.RandomUniform(-config.init_scale, config.init_scale)
    bias_init = initializers.RandomUniform(-1.0, 1.0)
    net = models.Sequential(seed=seed)
    for i, units in enumerate(config.hidden):
        net.add(layers.Dense(units, activation=config.activation, kernel_initializer=init,
                             bias_initializer=bias_init, input_shape=(2,) if i == 0 else None))
    net.add(layers.Dense(1, activation=config.output_activation, kernel_initializer=init,
                         bias_initializer=bias_init, input_shape=None if config.hidden else (2,)))
    if config.optimizer == "sgd":
        optimizer = optimizers.SGD(learning_rate=config.eta / 2)  # see module docstring
    else:
        optimizer = optimizers.get(config.optimizer)
        optimizer.learning_rate = config.eta
    net.compile(loss="mean_squared_error", optimizer=optimizer)
    return net


def run(config: Config, progress=None) -> Result:
    if config.function not in functions.FUNCTIONS:
        raise ValueError(f"unknown function {config.function!r}; known: "
                         f"{', '.join(functions.FUNCTIONS)}")
    batches, batchsize = (1000, 250) if config.quick else (config.batches, config.batchsize)
    target = functions.FUNCTIONS[config.function]
    rng = np.random.default_rng(config.seed)
    net = build_network(config, seed=config.seed)

    costs = np.zeros(batches)  # the lecture's cost C = 1/2 <(y_out - y_target)^2>
    with progress_bar(progress, batches, NAME) as bar:
        for k in range(batches):
            y_in, y_target = functions.sample_batch(target, batchsize, rng)
            costs[k] = net.train_on_batch(y_in, y_target) / 2
            bar.update()

    points, axis = functions.grid(config.grid)
    y_target = target(points[:, 0], points[:, 1]).reshape(config.grid, config.grid)
    y_out = net.predict(points, batch_size=len(points)).reshape(config.grid, config.grid)
    tail = max(1, batches // 10)
    numbers = {
        "final_cost": float(costs[-tail:].mean()),  # mean over the last 10% of batches
        "initial_cost": float(costs[0]),
        "cost_of_mean": float(0.5 * np.var(y_target)),  # the best constant's cost
        "grid_cost": float(0.5 * np.mean((y_out - y_target) ** 2)),
        "samples": batches * batchsize,
    }
    figures = {
        "cost": training_plots.cost_curves(
            {f"{config.function}, eta={config.eta:g}": costs}, xlabel="batch",
            ylabel="cost C = ½⟨(y_out − y_target)²⟩", smooth=max(1, batches // 50)),
        "function": function_plots.compare_2d(y_target, y_out),
    }
    return Result(numbers=numbers, figures=figures)
