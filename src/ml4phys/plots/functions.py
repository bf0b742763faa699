"""Figures of functions of two variables: target, network output and their difference."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["compare_2d"]


def compare_2d(target, output, extent=(-0.5, 0.5, -0.5, 0.5), titles=None):
    """Three panels: target, network output (same color scale) and output - target.

    ``target`` and ``output`` are (n, n) arrays indexed [i0, i1] for (x0, x1).
    """
    titles = titles or ("target", "network", "network - target")
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    vmin, vmax = float(np.min(target)), float(np.max(target))
    difference = output - target
    limit = float(np.max(np.abs(difference))) or 1.0
    panels = (
        (target, "viridis", vmin, vmax),
        (output, "viridis", vmin, vmax),
        (difference, "RdBu_r", -limit, limit),
    )
    for ax, title, (image, cmap, lo, hi) in zip(axes, titles, panels):
        # imshow wants rows = x1 from top to bottom: transpose and put the origin low
        im = ax.imshow(
            image.T, origin="lower", extent=extent, cmap=cmap, vmin=lo, vmax=hi
        )
        ax.set_title(title)
        ax.set_xlabel("$x_0$")
        ax.set_ylabel("$x_1$")
        fig.colorbar(im, ax=ax, shrink=0.85)
    return fig
