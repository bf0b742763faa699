"""Summary figures of a parameter sweep: a metric against a parameter, and a heat map.

Arrays in, ``matplotlib.figure.Figure`` out; ``ml4phys.sweeps`` does the averaging over
seeds (error bars: the standard deviation over seeds) and calls these.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["heatmap", "metric_vs_parameters"]


def _numeric(values):
    try:
        return np.asarray(values, dtype=float), True
    except (TypeError, ValueError):
        return np.arange(len(values), dtype=float), False


def metric_vs_parameters(panels, ylabel):
    """One panel per parameter: the metric's mean over seeds with error bars.

    Parameters
    ----------
    panels : list of (parameter name, x values, {line label: (mean, err)})
        x values has length n; mean and err are arrays of length n (NaN where missing).
        A line label of None means a single unlabeled line.
    ylabel : str
        The metric's name.
    """
    figure = Figure(figsize=(4.2 * len(panels), 3.4), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (name, x_values, lines) in zip(axes, panels):
        x, numeric = _numeric(x_values)
        for label, (mean, err) in lines.items():
            ax.errorbar(x, mean, yerr=err, marker="o", capsize=3, label=label)
        if numeric and np.all(x > 0) and x.max() / x.min() > 50:
            ax.set_xscale("log")
        if not numeric:
            ax.set_xticks(x, [str(v) for v in x_values])
        ax.set_xlabel(name)
        ax.set_ylabel(ylabel)
        if any(label is not None for label in lines):
            ax.legend(fontsize="small")
    return figure


def heatmap(values, x_values, y_values, *, xlabel, ylabel, title):
    """A two-parameter grid as colored cells with their values written in.

    values : ndarray, shape (len(y_values), len(x_values)); NaN for missing cells.
    """
    values = np.asarray(values, dtype=float)
    figure = Figure(
        figsize=(1.1 * len(x_values) + 2.5, 0.6 * len(y_values) + 2.0),
        layout="constrained",
    )
    ax = figure.subplots()
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
    figure.colorbar(image, ax=ax, label=title)
    ax.set_xticks(
        range(len(x_values)),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in x_values],
    )
    ax.set_yticks(
        range(len(y_values)),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in y_values],
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                j,
                i,
                f"{value:.3g}",
                ha="center",
                va="center",
                fontsize="small",
                color="black" if value > middle else "white",
            )
    return figure
