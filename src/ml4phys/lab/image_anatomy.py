"""Opening up the trained image network (lecture 3: "Try to understand how the network
operates!" and the homework on pruning).

On the network of the ``image`` experiment (trained here, or loaded with ``--model``):
the output with a single neuron of the last hidden layer switched on (one picture per
neuron); the pictures that remain when the first half, the last half, or all but ``keep``
of the weights between two layers are deleted; and greedy pruning: remove, one at a time,
the hidden neuron whose removal raises the cost least, until the cost has grown
``prune_factor``-fold. The pruning cost is the mean squared error on every
``prune_step``-th pixel of the image (in both directions), one batched pass per candidate
and round (exact greedy; ``--lazy`` re-evaluates only the most promising candidates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis import pruning, surgery
from ..data import images
from ..nn import models
from ..plots import images as image_plots
from . import image as image_experiment
from .base import Result

NAME = "image-anatomy"
DESCRIPTION = "single neurons, deleted weights and greedy pruning of the image network"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    model: str = ""  # a network saved by `ml4phys run image --save-model`
    image: str = ""  # the image (and size) the network learns
    size: int = 300
    hidden: tuple = (150, 150, 100)  # when training here
    samples: int = 4_000_000
    batchsize: int = 1000
    learning_rate: float = 0.001
    keep: int = 10  # "kept only 10 out of 100"
    prune_step: int = 8  # judge pruning on every 8th pixel per direction
    prune_factor: float = 3.0  # prune until the cost has grown this much
    lazy: bool = False  # lazy greedy pruning: faster, not always exact
    seed: int = 0
    quick: bool = False  # a small network trained in a second


def get_network(config, progress=None):
    """(image, net): the trained image network, loaded or trained here."""
    if config.model:
        image = images.load_image(
            config.image or None, 48 if config.quick else config.size
        )
        return image, models.load_model(config.model)
    settings = image_experiment.Config(
        image=config.image,
        size=config.size,
        hidden=config.hidden,
        samples=config.samples,
        batchsize=config.batchsize,
        learning_rate=config.learning_rate,
        snapshots=1,
        seed=config.seed,
        quick=config.quick,
    )
    image, net, _ = image_experiment.train_network(settings, progress)
    return image, net


def single_neurons(net, points, shape):
    """Figure and numbers: the output with one neuron of the last hidden layer on."""
    layer = surgery.hidden_layers(net)[-1]
    outputs = surgery.single_neuron_outputs(net, points, layer=layer)
    pictures = outputs.reshape(len(outputs), *shape)
    spread = pictures.max(axis=(1, 2)) - pictures.min(axis=(1, 2))
    lo, hi = np.percentile(pictures, [1, 99])
    figure = image_plots.image_grid(
        pictures,
        [str(j) for j in range(len(pictures))],
        ncols=10,
        vmin=lo,
        vmax=hi,
        label="network output",
        panel_size=1.1,
        title=f"only neuron j of the last hidden layer switched on (layer {layer})",
    )
    return figure, {
        "last_hidden_neurons": len(pictures),
        "last_hidden_flat": int(np.sum(spread < 1e-6)),
    }


def deletions(net, points, image, keep, rng):
    """Figure and PSNRs: delete first half / last half / all but ``keep`` input weights."""
    pictures, titles, numbers = [], [], {}
    for k in surgery.hidden_layers(net)[1:] + [len(net.layers) - 1]:
        n_in = net.layers[k].params["w"].shape[0]
        kept = np.sort(rng.choice(n_in, size=min(keep, n_in), replace=False))
        cases = {
            "first_half": np.arange(n_in // 2),
            "last_half": np.arange(n_in // 2, n_in),
            f"all_but_{len(kept)}": np.setdiff1d(np.arange(n_in), kept),
        }
        for case, rows in cases.items():
            edited = surgery.zero_weights(net, k, rows=rows)
            picture = image_experiment.predict_image(
                edited.forward, image.shape, points
            )
            value = images.psnr(picture, image)
            numbers[f"layer{k}_{case}"] = round(value, 3)
            pictures.append(picture)
            titles.append(
                f"{_name(net, k - 1)} -> {_name(net, k)}\n"
                f"deleted {len(rows)} of {n_in}, PSNR {value:.1f} dB"
            )
    figure = image_plots.image_grid(
        pictures,
        titles,
        ncols=3,
        vmin=0.0,
        vmax=1.0,
        title="deleting weights between layers",
        panel_size=2.8,
    )
    return figure, numbers


def _name(net, i):
    """'hidden 1', 'hidden 2', ... for hidden layers (by their rank), 'output' for the last."""
    hidden = surgery.hidden_layers(net)
    return f"hidden {hidden.index(i) + 1}" if i in hidden else "output"


def prune(net, image, config, progress=None):
    """Greedy pruning of all hidden neurons; the cost is the MSE on a pixel subgrid."""
    points, (rows, cols) = images.pixel_points(image.shape, step=config.prune_step)
    target = image[np.ix_(rows, cols)].reshape(-1, 1)
    result = pruning.prune_greedy(
        net,
        points,
        lambda y: float(np.mean((y - target) ** 2)),
        stop_factor=config.prune_factor,
        lazy=config.lazy,
        progress=progress,
    )
    return result


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    image, net = get_network(config, progress)
    points, _ = images.pixel_points(image.shape)
    full = image_experiment.predict_image(net.forward, image.shape, points)
    rng = np.random.default_rng(config.seed)
    neuron_figure, neuron_numbers = single_neurons(net, points, image.shape)
    deletion_figure, deletion_numbers = deletions(net, points, image, config.keep, rng)
    pruning = prune(net, image, config, progress)

    hidden = surgery.hidden_layers(net)
    n_removable = pruning.removable(2.0)
    masks = {i: np.ones(net.layers[i].output_shape[-1]) for i in hidden}
    for layer, neuron in pruning.removed[:n_removable]:
        masks[layer][neuron] = 0
    pruned = surgery.forward_masked(net, points, masks).reshape(image.shape)
    costs = pruning.costs
    numbers = {
        "psnr": images.psnr(full, image),
        **neuron_numbers,
        "deletion_psnr": deletion_numbers,
        "hidden_neurons": sum(len(m) for m in masks.values()),
        "removable_before_cost_doubles": n_removable,
        "removed_per_layer_at_doubling": {
            str(i): int(len(m) - m.sum()) for i, m in masks.items()
        },
        "pruned_psnr": images.psnr(pruned, image),
        "pruning_cost_start": float(costs[0]),
        "pruning_costs": [float(f"{c:.6g}") for c in costs],
        "pruning_curve_monotone": bool(np.all(np.diff(costs) >= -1e-9 * costs[0])),
    }
    names = {i: f"{_name(net, i)} ({len(masks[i])} neurons)" for i in hidden}
    figures = {
        "single_neurons": neuron_figure,
        "deleted_weights": deletion_figure,
        "pruning": image_plots.pruning_curve(
            costs, costs[0], 2.0, [i for i, _ in pruning.removed], names
        ),
        "pruned": image_plots.image_grid(
            [image, full, pruned],
            [
                "original",
                f"network: PSNR {numbers['psnr']:.1f} dB",
                f"{n_removable} neurons pruned: PSNR {numbers['pruned_psnr']:.1f} dB",
            ],
            ncols=3,
            vmin=0.0,
            vmax=1.0,
            title="pruning until the cost doubles",
        ),
    }
    return Result(numbers=numbers, figures=figures)
