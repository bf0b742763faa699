"""The figures of the ``stacked`` experiment: accuracy against labels, the first layer's
features, and images rebuilt by the denoising autoencoders (arrays in, Figure out).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..plots import classification as image_plots
from ._pretraining import masked

__all__ = ["accuracy_figure", "features_figure", "reconstructions_figure"]


def accuracy_figure(accuracy):
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    counts = [int(n) for n in accuracy]
    for name, label in (
        ("pretrained", "pretrained (stacked denoising AEs)"),
        ("random", "random initial weights"),
    ):
        rows = [accuracy[str(n)][name] for n in counts]
        ax.errorbar(
            counts,
            [r["mean"] for r in rows],
            yerr=[r["std"] for r in rows],
            fmt="o-",
            capsize=3,
            label=label,
        )
    ax.set_xscale("log")
    ax.set_xlabel("labelled training images")
    ax.set_ylabel("test accuracy (mean and std over label draws)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def features_figure(w1, count=48):
    """The input weights of the first hidden layer's neurons, as images."""
    side = round(np.sqrt(w1.shape[0]))
    images = w1[:, :count].T.reshape(-1, side, side)
    return image_plots.image_grid(
        images,
        ncols=8,
        cmap="RdBu_r",
        signed=True,
        title="first layer after pretraining: input weights of hidden neurons",
    )


def reconstructions_figure(autoencoders, x, noise, seed):
    """Rows: images, their masked copies, the first autoencoder's output for those,
    and the clean images through the whole stack of encoders and back down.
    """
    noisy = masked(x, noise, np.random.default_rng(seed))
    code = x
    for net in autoencoders:
        code = net.layers[0].forward(code)
    for net in reversed(autoencoders):
        code = net.layers[1].forward(code)
    rows = [x, noisy, autoencoders[0].predict(noisy), code]
    side = round(np.sqrt(x.shape[1]))
    images = np.concatenate(rows).reshape(-1, side, side)
    titles = [
        t
        for t in (
            "image",
            f"masked {noise:.0%}",
            "1st AE output",
            f"through {len(autoencoders)} layers",
        )
        for _ in range(len(x))
    ]
    return image_plots.image_grid(images, titles=titles, ncols=len(x))
