"""Figures of hand-built networks: a 1D function as a sum of sigmoid steps."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["steps_1d"]


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
