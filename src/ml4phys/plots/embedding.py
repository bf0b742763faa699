"""Figures of low-dimensional maps and spectra: scatter by label, eigenvalue spectra."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["scatter_by_label", "spectrum"]


def scatter_by_label(points, labels, title=None, max_points=20000, seed=0):
    """2D points coloured by integer label (a random subset if there are many)."""
    points, labels = np.asarray(points), np.asarray(labels)
    if len(points) > max_points:
        keep = np.random.default_rng(seed).choice(
            len(points), max_points, replace=False
        )
        points, labels = points[keep], labels[keep]
    fig = Figure(figsize=(6.2, 5.4), layout="constrained")
    ax = fig.add_subplot()
    scatter = ax.scatter(
        points[:, 0],
        points[:, 1],
        c=labels,
        cmap="tab10",
        s=2,
        vmin=-0.5,
        vmax=9.5,
        rasterized=True,
    )
    fig.colorbar(scatter, ax=ax, ticks=range(10), label="digit")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return fig


def spectrum(eigenvalues, mark_fraction=0.9):
    """Eigenvalues by rank (log scale) and their cumulative share, with the rank that
    reaches ``mark_fraction`` of the total marked.
    """
    eigenvalues = np.asarray(eigenvalues, float)
    cumulative = np.cumsum(eigenvalues) / eigenvalues.sum()
    rank = int(np.searchsorted(cumulative, mark_fraction) + 1)
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    ranks = np.arange(1, len(eigenvalues) + 1)
    left.semilogy(ranks, np.clip(eigenvalues, 1e-12, None))
    left.set_xlabel("component")
    left.set_ylabel("eigenvalue (variance)")
    right.plot(ranks, cumulative)
    right.axhline(mark_fraction, color="gray", lw=0.8)
    right.axvline(rank, color="gray", lw=0.8)
    right.annotate(
        f"{rank} components hold {mark_fraction:.0%}",
        (rank, mark_fraction),
        xytext=(10, -25),
        textcoords="offset points",
    )
    right.set_xlabel("number of components M")
    right.set_ylabel("share of the variance")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    return fig
