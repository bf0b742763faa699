"""Figures of functions of two variables on a grid of panels (rows x columns)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["maps_2d"]


def maps_2d(
    rows,
    columns,
    extent,
    label="network output",
    vmin=0.0,
    vmax=1.0,
    notes=None,
    title=None,
    shared=True,
):
    """A grid of 2D maps: ``rows`` maps a row label to one (n, n) array per column.

    Arrays are indexed [i0, i1] for (x0, x1). ``notes`` (same layout, strings or None)
    are written into the panels. ``shared=False`` gives each panel its own color scale
    and colorbar (``vmin``, ``vmax`` are then ignored).
    """
    nrows, ncols = len(rows), len(columns)
    fig = Figure(figsize=(2.7 * ncols + 1, 2.5 * nrows + 0.4), layout="constrained")
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    im = None
    for r, (row_label, maps) in enumerate(rows.items()):
        for c, values in enumerate(maps):
            ax = axes[r, c]
            im = ax.imshow(
                np.asarray(values).T,
                origin="lower",
                extent=extent,
                cmap="viridis",
                vmin=vmin if shared else None,
                vmax=vmax if shared else None,
            )
            if not shared:
                fig.colorbar(im, ax=ax, shrink=0.85, label=label)
            ax.set_title(f"{columns[c]}: {row_label}", fontsize=9)
            ax.set_xlabel("$x_0$")
            ax.set_ylabel("$x_1$")
            if notes and notes.get(row_label) and notes[row_label][c]:
                ax.text(
                    0.03,
                    0.03,
                    notes[row_label][c],
                    transform=ax.transAxes,
                    fontsize=7,
                    color="w",
                    family="monospace",
                )
    if shared:
        fig.colorbar(im, ax=list(axes.ravel()), shrink=0.8, label=label)
    if title:
        fig.suptitle(title)
    return fig
