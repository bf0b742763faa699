"""Figures of neural-network quantum states: training curves, correlations, RBM filters."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._references import reference_lines

__all__ = ["by_name", "curves", "filters"]


def curves(
    lines, xlabel="iteration", ylabel="", title=None, hlines=None, logy=False, points=()
):
    """``lines`` maps label -> (x, y) or (x, y, yerr); ``hlines`` maps label -> y (dashed);
    labels in ``points`` are drawn as markers without a line (estimates over a reference).
    """
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, line in lines.items():
        marker = "o" if len(line[0]) < 30 else None
        if len(line) == 3 and line[2] is not None:
            ax.errorbar(
                line[0], line[1], yerr=line[2], label=label, marker=marker, ms=3
            )
        else:
            ax.plot(
                line[0],
                line[1],
                label=label,
                ms=6 if label in points else 3,
                marker="o" if label in points else marker,
                ls="none" if label in points else "-",
            )
    reference_lines(ax, hlines)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def by_name(values, xlabel="", ylabel="", title=None, logy=False):
    """One marker per named value (``values`` maps name -> number), the names on the
    x axis: a categorical axis, for models compared side by side.
    """
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    names = list(values)
    ax.plot(range(len(names)), [values[n] for n in names], "o", ms=7)
    ax.set_xticks(range(len(names)), names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    return fig


def filters(weights, title=None):
    """RBM weights W (n_hidden, n_sites): one row per hidden unit, each rolled so that its
    largest |W_ji| sits at the centre (translation-invariant states give similar rows).
    """
    weights = np.real(np.asarray(weights))
    n_sites = weights.shape[1]
    rolled = np.array(
        [np.roll(w, n_sites // 2 - np.argmax(np.abs(w))) for w in weights]
    )
    fig = Figure(figsize=(8, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    limit = np.abs(weights).max() or 1.0
    for ax, values, label in ((left, weights, "W_ji"), (right, rolled, "W_ji, rolled")):
        image = ax.imshow(
            values,
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set(title=label, xlabel="site i", ylabel="hidden unit j")
    fig.colorbar(image, ax=right)
    if title:
        fig.suptitle(title)
    return fig
