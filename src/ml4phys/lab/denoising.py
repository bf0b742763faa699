"""The denoising autoencoder (lecture: "Can make it even more challenging: produce a
cleaned-up version of a noisy input image!").

The network of the ``autoencoder`` experiment, trained to output the clean circle from
a copy with Gaussian noise of standard deviation sigma added to every pixel. For each
noise level: the cost of its output against the clean image, beside the cost of the noisy
input itself (sigma^2): below it, the network has removed noise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from . import autoencoder
from .base import Result

NAME = "denoising"
DESCRIPTION = (
    "a denoising conv autoencoder: clean circles from noisy ones, cost vs noise"
)


@dataclass
class Config:
    noise_levels: tuple = (0.1, 0.3, 0.5, 0.8)
    bottleneck: int = 4
    filters: int = 20
    steps: int = 3000
    batch_size: int = 50
    seed: int = 0
    quick: bool = False  # two noise levels, a small net: for tests


def run(config: Config, progress=None) -> Result:
    levels = config.noise_levels[1:3] if config.quick else config.noise_levels
    numbers, examples = {"noise": {}}, None
    for sigma in levels:
        setup = autoencoder.Config(
            bottlenecks=(config.bottleneck,),
            filters=config.filters,
            steps=config.steps,
            batch_size=config.batch_size,
            noise=sigma,
            seed=config.seed,
        )
        if config.quick:
            setup = dataclasses.replace(setup, steps=250, filters=8, batch_size=32)
        net, _ = autoencoder.train(setup, config.bottleneck, setup.steps, progress)
        x_noisy, x_clean = autoencoder.test_images(setup)
        y = net.predict(x_noisy, batch_size=100)
        numbers["noise"][str(sigma)] = {
            "output_cost": float(np.mean((y - x_clean) ** 2)),
            "noisy_input_cost": float(
                np.mean((x_noisy - x_clean) ** 2)
            ),  # about sigma^2
        }
        if examples is None or sigma == levels[len(levels) // 2]:
            examples = autoencoder.examples_figure(net, x_noisy[:6], x_clean[:6])
    return Result(
        numbers=numbers,
        figures={"examples": examples, "cost_vs_noise": _figure(numbers["noise"])},
    )


def _figure(results):
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    sigmas = [float(s) for s in results]
    ax.plot(
        sigmas,
        [v["noisy_input_cost"] for v in results.values()],
        "s--",
        label="noisy input",
    )
    ax.plot(
        sigmas,
        [v["output_cost"] for v in results.values()],
        "o-",
        label="denoising autoencoder",
    )
    ax.set_xlabel("noise level sigma")
    ax.set_ylabel("cost against the clean image (MSE)")
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
