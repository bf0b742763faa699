"""What a random network computes (lecture 1's cheat sheet: "visualizing the output of a
multilayer network").

A network 2 -> width -> ... -> width -> 1 with random weights, uniform in
(-weight_scale, weight_scale), and biases uniform in (-1, 1), is applied to every point
of a grid over [-1, 1]^2 at once (one batch, the lecture's "processing batches"), and the
output is shown as an image: for each activation function of the hidden layers and a
growing number of hidden layers. The output layer is linear. The numbers measure how
much structure the picture has: its standard deviation, its mean gradient magnitude,
and their ratio, which grows with depth: deeper networks make finer patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn import initializers, layers, models
from ..plots import maps as map_plots
from .base import Result, progress_bar

NAME = "network-picture"
DESCRIPTION = (
    "the output of random networks on a 2D grid, by activation and depth (lecture 1)"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    activations: tuple = ("sigmoid", "tanh", "relu")
    depths: tuple = (1, 2, 4, 8)  # numbers of hidden layers
    width: int = 50  # neurons per hidden layer
    weight_scale: float = 3.0  # weights uniform(-s, s); biases uniform(-1, 1)
    grid: int = 200  # pixels per side
    seed: int = 0
    quick: bool = False  # depths 1, 2, 4 of 20 neurons on a 60 x 60 grid


def random_network(activation, depth, width, weight_scale, seed):
    """2 -> width (x depth) -> 1, random uniform weights, linear output."""
    kernel = initializers.RandomUniform(-weight_scale, weight_scale)
    bias = initializers.RandomUniform(-1.0, 1.0)
    net = models.Sequential(seed=seed)
    for k in range(depth):
        net.add(
            layers.Dense(
                width,
                activation=activation,
                kernel_initializer=kernel,
                bias_initializer=bias,
                input_shape=(2,) if k == 0 else None,
            )
        )
    net.add(
        layers.Dense(
            1,
            kernel_initializer=kernel,
            bias_initializer=bias,
            input_shape=None if depth else (2,),
        )
    )
    return net


def grid_points(n):
    """The n x n grid over [-1, 1]^2 as one batch of shape (n*n, 2), x0 slowest."""
    axis = np.linspace(-1.0, 1.0, n)
    return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)


def structure(picture, n):
    """Standard deviation, mean |gradient| and their ratio (an inverse length: how many
    features per unit, whatever the amplitude) of an (n, n) picture on [-1, 1]^2.
    """
    spacing = 2.0 / (n - 1)
    g0, g1 = np.gradient(picture, spacing)
    std, gradient = float(np.std(picture)), float(np.mean(np.hypot(g0, g1)))
    return {
        "std": std,
        "mean_gradient": gradient,
        "relative_gradient": gradient / std if std > 0 else 0.0,
    }


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = Config(
            activations=config.activations,
            depths=(1, 2, 4),
            width=20,
            weight_scale=config.weight_scale,
            grid=60,
            seed=config.seed,
        )
    points = grid_points(config.grid)
    rows, numbers = {}, {}
    total = len(config.activations) * len(config.depths)
    with progress_bar(progress, total, NAME) as bar:
        for activation in config.activations:
            rows[activation], numbers[activation] = [], {}
            for depth in config.depths:
                net = random_network(
                    activation, depth, config.width, config.weight_scale, config.seed
                )
                picture = net.forward(points).reshape(
                    config.grid, config.grid
                )  # one batch
                numbers[activation][str(depth)] = structure(picture, config.grid)
                rows[activation].append(picture)
                bar.update()
    columns = [f"{depth} hidden" for depth in config.depths]
    figure = map_plots.maps_2d(
        rows,
        columns,
        (-1, 1, -1, 1),
        shared=False,
        title=f"random networks, {config.width} neurons per layer, "
        f"weights uniform(±{config.weight_scale:g})",
    )
    return Result(numbers=numbers, figures={"outputs": figure}, config=config)
