"""Figures of sequences: true vs predicted time series, and quantities vs time or delay."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["compare_series", "curves"]


def compare_series(
    t,
    true,
    predicted,
    inputs=None,
    titles=None,
    marker=None,
    labels=("true", "network"),
    xlabel="time step",
    ylabel="value",
    marker_label="free run starts",
):
    """One panel per sample: ``true`` and ``predicted`` (n, steps), optional ``inputs``.

    ``marker`` draws a vertical line at that time (e.g. where a free run starts), named
    ``marker_label`` in the legend.
    """
    true, predicted = np.atleast_2d(true), np.atleast_2d(predicted)
    n = len(true)
    fig = Figure(figsize=(8, 2.2 * n), layout="constrained")
    axes = np.atleast_1d(fig.subplots(n, 1, sharex=True))
    for k, ax in enumerate(axes):
        if inputs is not None:
            ax.plot(t, inputs[k], color="0.7", lw=1, label="input")
        ax.plot(t, true[k], color="k", lw=1.5, label=labels[0])
        ax.plot(t, predicted[k], color="C3", lw=1.2, ls="--", label=labels[1])
        if marker is not None:
            ax.axvline(marker, color="C0", lw=0.8, ls=":", label=marker_label)
        if titles:
            ax.set_title(titles[k], fontsize=9)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8, ncol=4)
    axes[-1].set_xlabel(xlabel)
    return fig


def curves(x, ys, xlabel, ylabel, title=None, logy=False, markers=False):
    """One line per labelled curve: ``ys`` maps label -> array over ``x``."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, y in ys.items():
        ax.plot(x, y, marker="o" if markers else None, ms=4, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
