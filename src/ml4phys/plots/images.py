"""Figures of images and of image quality: panels of pictures, PSNR and pruning curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["image_grid", "pruning_curve", "psnr_curve"]


def image_grid(
    images,
    titles=None,
    ncols=None,
    cmap="gray",
    vmin=None,
    vmax=None,
    label="brightness",
    title=None,
    panel_size=2.0,
    axes_off=True,
):
    """Panels of 2D arrays on one color scale, with one shared colorbar.

    ``images`` is a sequence of (height, width) arrays indexed [row, column]; ``vmin``
    and ``vmax`` default to the range over all of them. ``axes_off`` hides the ticks
    (pixel pictures); otherwise each panel is labelled row / column.
    """
    images = [np.asarray(image) for image in images]
    n = len(images)
    ncols = ncols or min(n, 6)
    nrows = -(-n // ncols)
    vmin = float(min(np.min(i) for i in images)) if vmin is None else vmin
    vmax = float(max(np.max(i) for i in images)) if vmax is None else vmax
    aspect = images[0].shape[0] / images[0].shape[1]
    fig = Figure(
        figsize=(
            panel_size * ncols + 1.0,
            panel_size * aspect * nrows + 0.6 + (0.3 if title else 0),
        ),
        layout="constrained",
    )
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    im = None
    for k, ax in enumerate(axes):
        if k >= n:
            ax.set_axis_off()
            continue
        im = ax.imshow(
            images[k], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
        )
        if titles is not None:
            ax.set_title(titles[k], fontsize=8)
        if axes_off:
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.set_xlabel("column")
            ax.set_ylabel("row")
    fig.colorbar(im, ax=list(axes), shrink=0.8, label=label)
    if title:
        fig.suptitle(title)
    return fig


def psnr_curve(samples, curves, title=None):
    """PSNR (dB) against training samples seen: ``curves`` maps label -> values."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, values in curves.items():
        ax.plot(samples, values, "o-", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("training samples seen")
    ax.set_ylabel("PSNR (dB)")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def pruning_curve(costs, base_cost, factor=2.0, removed_layers=None, layer_names=None):
    """Cost against the number of neurons removed (greedy pruning), with the threshold.

    ``costs[k]`` is the cost after k removals. ``removed_layers`` (layer index of each
    removal) adds a second panel: how many of each layer's neurons are gone.
    """
    costs = np.asarray(costs, float)
    panels = 1 if removed_layers is None else 2
    fig = Figure(figsize=(6 * panels, 4), layout="constrained")
    ax = fig.add_subplot(1, panels, 1)
    ax.plot(np.arange(len(costs)), costs, label="cost after greedy removals")
    ax.axhline(
        factor * base_cost,
        color="k",
        ls="--",
        lw=1,
        label=f"{factor:g} x the unpruned cost",
    )
    ax.set_yscale("log")
    ax.set_xlabel("neurons removed")
    ax.set_ylabel("cost (mean squared error)")
    ax.legend()
    ax.grid(alpha=0.3)
    if removed_layers is not None:
        ax2 = fig.add_subplot(1, panels, 2)
        removed_layers = np.asarray(removed_layers)
        for layer in np.unique(removed_layers):
            count = np.cumsum(removed_layers == layer)
            name = (
                layer_names.get(int(layer), str(layer)) if layer_names else str(layer)
            )
            ax2.plot(np.arange(1, len(count) + 1), count, label=name)
        ax2.set_xlabel("neurons removed in total")
        ax2.set_ylabel("neurons removed from the layer")
        ax2.legend()
        ax2.grid(alpha=0.3)
    return fig
