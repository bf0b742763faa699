"""Figures of hand-built networks: 1D step sums, logic gates, 2D shapes side by side."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["steps_1d", "maps_2d"]


def steps_1d(y, target, approximations, neurons, errors):
    """Left: F(y) and sums of sigmoid steps; right: RMS error against the neuron count.

    ``approximations`` maps a label to values on ``y``; ``neurons`` and ``errors`` are
    the error curve.
    """
    fig = Figure(figsize=(11, 4), layout="constrained")
    ax, ax_err = fig.subplots(1, 2)
    ax.plot(y, target, "k", lw=2.5, label="F(y)")
    for label, values in approximations.items():
        ax.plot(y, values, lw=1, label=label)
    ax.set_xlabel("input y")
    ax.set_ylabel("output")
    ax.set_title("sum of sigmoid steps")
    ax.legend(fontsize=8)
    ax_err.loglog(neurons, errors, "o-", label="constructed")
    reference = errors[0] * (np.asarray(neurons) / neurons[0]) ** -1.0
    ax_err.loglog(neurons, reference, "k:", label="∝ 1 / neurons")
    ax_err.set_xlabel("hidden neurons")
    ax_err.set_ylabel("RMS error")
    ax_err.legend()
    for a in (ax, ax_err):
        a.grid(alpha=0.3)
    return fig


def maps_2d(rows, columns, extent, label="network output", vmin=0.0, vmax=1.0,
            notes=None, title=None):
    """A grid of 2D maps: ``rows`` maps a row label to one (n, n) array per column.

    Arrays are indexed [i0, i1] for (x0, x1). ``notes`` (same layout, strings or None)
    are written into the panels.
    """
    nrows, ncols = len(rows), len(columns)
    fig = Figure(figsize=(2.7 * ncols + 1, 2.5 * nrows + 0.4), layout="constrained")
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    im = None
    for r, (row_label, maps) in enumerate(rows.items()):
        for c, values in enumerate(maps):
            ax = axes[r, c]
            im = ax.imshow(np.asarray(values).T, origin="lower", extent=extent,
                           cmap="viridis", vmin=vmin, vmax=vmax)
            ax.set_title(f"{columns[c]}: {row_label}", fontsize=9)
            ax.set_xlabel("$x_0$")
            ax.set_ylabel("$x_1$")
            if notes and notes.get(row_label) and notes[row_label][c]:
                ax.text(0.03, 0.03, notes[row_label][c], transform=ax.transAxes,
                        fontsize=7, color="w", family="monospace")
    fig.colorbar(im, ax=list(axes.ravel()), shrink=0.8, label=label)
    if title:
        fig.suptitle(title)
    return fig
