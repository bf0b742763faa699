"""Figures of training: cost curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["cost_curves"]


def cost_curves(curves, xlabel="batch", ylabel="cost", title=None, logy=True, smooth=1):
    """One line per labelled curve: ``curves`` maps label -> 1D array of costs.

    ``smooth`` > 1 draws the running mean over that many steps (raw values faint behind).
    """
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, values in curves.items():
        values = np.asarray(values, float)
        steps = np.arange(1, len(values) + 1)
        if smooth > 1 and len(values) > smooth:
            (line,) = ax.plot(steps, values, alpha=0.25, lw=0.8)
            kernel = np.ones(smooth) / smooth
            ax.plot(
                steps[smooth - 1 :],
                np.convolve(values, kernel, "valid"),
                color=line.get_color(),
                label=label,
            )
        else:
            ax.plot(steps, values, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1 or any(curves):
        smoothed = smooth > 1 and any(len(v) > smooth for v in curves.values())
        ax.legend(
            title=f"faint: each step; solid: mean of {smooth}" if smoothed else None,
            title_fontsize=8,
        )
    ax.grid(alpha=0.3)
    return fig
