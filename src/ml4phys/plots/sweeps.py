"""Figures of parameter sweeps: families of curves against a chosen x axis."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["curve_panels", "running_mean"]


def running_mean(values, window):
    """Mean over the last ``window`` values at each point (shorter at the start)."""
    values = np.asarray(values, float)
    if window <= 1:
        return values
    sums = np.cumsum(values)
    out = sums.copy()
    out[window:] = sums[window:] - sums[:-window]
    return out / np.minimum(np.arange(1, len(values) + 1), window)


def curve_panels(
    panels, ylabel="cost", logx=False, logy=True, title=None, smooth=1, marker=None
):
    """Panels side by side; ``panels`` maps an x-axis label to {curve label: (x, y)}.

    ``smooth`` > 1 draws running means over that many points (raw values faint);
    ``marker`` (e.g. ``"o"``) marks the points of unsmoothed curves.
    """
    fig = Figure(figsize=(5.5 * len(panels), 4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (xlabel, curves) in zip(axes, panels.items()):
        for label, (x, y) in curves.items():
            if smooth > 1:
                (line,) = ax.plot(x, y, alpha=0.2, lw=0.7)
                ax.plot(x, running_mean(y, smooth), color=line.get_color(), label=label)
            else:
                ax.plot(x, y, marker=marker, label=label)
        ax.set_xscale("log" if logx else "linear")
        ax.set_yscale("log" if logy else "linear")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
