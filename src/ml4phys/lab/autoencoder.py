"""The lecture's convolutional autoencoder on randomly placed circles (lecture:
"Autoencoder", "Our convolutional autoencoder network", "cost function for a single test
image").

The input image must come out again after passing a bottleneck: convolutions, average
pooling down to 7 x 7, a few channels there, upsampling back to 28 x 28 and convolutions.
The training images are made on the fly (``ml4phys.data.shapes``), so no sample is ever
seen twice. Shown: input, bottleneck channels and reconstruction for test images, the cost
for single test images, and the cost against the bottleneck's size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..data import shapes
from ..nn import layers, models, optimizers
from ..plots import classification as image_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "autoencoder"
DESCRIPTION = (
    "the lecture's conv autoencoder on random circles; cost vs bottleneck size"
)


@dataclass
class Config:
    bottlenecks: tuple = (1, 2, 4)  # channels at the 7 x 7 bottleneck
    filters: int = 20
    kernel: int = 5
    steps: int = 3000  # batches, each freshly generated
    batch_size: int = 50
    noise: float = 0.0  # input noise (the denoising experiment)
    seed: int = 0
    quick: bool = False  # 250 steps, 8 filters, one bottleneck: tests


def build(config, bottleneck, seed):
    """28x28x1 -> conv -> pool 4 -> conv (bottleneck) -> upsample 4 -> conv -> 28x28x1."""
    net = models.Sequential(seed=seed)
    net.add(
        layers.Conv2D(
            config.filters,
            config.kernel,
            activation="relu",
            padding="same",
            input_shape=(28, 28, 1),
        )
    )
    net.add(layers.AveragePooling2D(4))  # 7 x 7
    net.add(
        layers.Conv2D(
            bottleneck,
            config.kernel,
            activation="relu",
            padding="same",
            name="bottleneck",
        )
    )
    net.add(layers.UpSampling2D(4))  # 28 x 28
    net.add(
        layers.Conv2D(config.filters, config.kernel, activation="relu", padding="same")
    )
    net.add(layers.Conv2D(1, config.kernel, padding="same"))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam(0.002))
    return net


def train(config, bottleneck, steps, progress=None):
    """Train on fresh batches; returns the net and the cost per step."""
    net = build(config, bottleneck, config.seed)
    batches = shapes.circle_batches(
        config.batch_size, noise=config.noise, seed=config.seed
    )
    costs = np.zeros(steps)
    with progress_bar(progress, steps, f"{NAME} (bottleneck {bottleneck})") as bar:
        for k in range(steps):
            x_in, x_target = next(batches)
            costs[k] = net.train_on_batch(x_in, x_target)
            bar.update()
    return net, costs


def test_images(config, n=200):
    """Fixed test images (another seed than training): noisy inputs and clean targets."""
    return next(shapes.circle_batches(n, noise=config.noise, seed=config.seed + 10_000))


def run(config: Config, progress=None) -> Result:
    if config.quick:  # a small net, briefly: seconds
        config = dataclasses.replace(
            config,
            steps=250,
            filters=8,
            batch_size=32,
            bottlenecks=config.bottlenecks[-1:],
        )
    steps, bottlenecks = config.steps, config.bottlenecks
    x_in, x_target = test_images(config)
    baseline = float(np.mean((x_target - x_target.mean()) ** 2))  # a constant image
    numbers = {"steps": steps, "cost_of_constant_image": baseline, "bottlenecks": {}}
    curves, nets = {}, {}
    for bottleneck in bottlenecks:
        net, costs = train(config, bottleneck, steps, progress)
        y = net.predict(x_in, batch_size=100)
        single = np.mean((y - x_target) ** 2, axis=(1, 2, 3))  # cost per test image
        numbers["bottlenecks"][str(bottleneck)] = {
            "numbers_at_bottleneck": 7 * 7 * bottleneck,
            "test_cost": float(single.mean()),
            "single_image_cost_min_median_max": [
                float(v) for v in np.percentile(single, [0, 50, 100])
            ],
            "initial_cost": float(costs[0]),
        }
        curves[f"bottleneck {bottleneck} x 7 x 7"] = costs
        nets[bottleneck] = net
    net = nets[bottlenecks[-1]]
    figures = {
        "cost": training_plots.cost_curves(
            curves, xlabel="batch", ylabel="cost (MSE)", smooth=max(1, steps // 50)
        ),
        "examples": examples_figure(net, x_in[:6], x_target[:6]),
    }
    if len(bottlenecks) > 1:
        figures["bottleneck_size"] = _size_figure(numbers["bottlenecks"], baseline)
    return Result(numbers=numbers, figures=figures, config=config)


def examples_figure(net, x_in, x_target):
    """Rows: input, (clean target,) bottleneck channel 1, reconstruction."""
    code = x_in
    for layer in net.layers[:3]:  # through the bottleneck layer
        code = layer.forward(code)
    y = net.predict(x_in)
    rows = [x_in[..., 0]]
    titles = ["input"] + [""] * (len(x_in) - 1)
    if not np.array_equal(x_in, x_target):
        rows.append(x_target[..., 0])
        titles += ["clean target"] + [""] * (len(x_in) - 1)
    rows += [
        code[..., 0].repeat(4, axis=1).repeat(4, axis=2),
        y[..., 0],
    ]  # 7x7 shown big
    titles += ["bottleneck (7x7)"] + [""] * (len(x_in) - 1)
    titles += ["reconstruction"] + [""] * (len(x_in) - 1)
    return image_plots.image_grid(
        np.concatenate([np.asarray(r, float) for r in rows]), titles, ncols=len(x_in)
    )


def _size_figure(results, baseline):
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    sizes = [v["numbers_at_bottleneck"] for v in results.values()]
    ax.plot(
        sizes, [v["test_cost"] for v in results.values()], "o-", label="autoencoder"
    )
    ax.axhline(baseline, color="gray", ls="--", label="a constant image")
    ax.set_xlabel("numbers at the bottleneck")
    ax.set_ylabel("test cost (MSE)")
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
