"""Figures of the Ising experiments: curves against temperature, with T_c marked."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "crossing_fit",
    "panels_vs_temperature",
    "scatter_vs_temperature",
    "vs_temperature",
]


def vs_temperature(curves, ylabel, t_c=None, title=None, styles=None):
    """One line per label: ``curves`` maps label -> (temperatures, values[, errors])."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, data in curves.items():
        t, y = np.asarray(data[0]), np.asarray(data[1])
        style = (styles or {}).get(label, {})
        if len(data) > 2 and data[2] is not None:
            ax.errorbar(t, y, yerr=data[2], label=label, capsize=2, **style)
        else:
            ax.plot(t, y, label=label, **{"marker": ".", **style})
    if t_c is not None:
        ax.axvline(t_c, color="gray", ls="--", lw=1, label=f"T_c = {t_c:.3f}")
    ax.set_xlabel("temperature T")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def panels_vs_temperature(panels, t_c=None, zero_line=True):
    """Side-by-side panels: ``panels`` maps ylabel -> {label: (temperatures, values[, errors])}."""
    fig = Figure(figsize=(5 * len(panels), 4), layout="constrained")
    for ax, (ylabel, curves) in zip(
        fig.subplots(1, len(panels), squeeze=False)[0], panels.items()
    ):
        for label, data in curves.items():
            errors = data[2] if len(data) > 2 else None
            ax.errorbar(
                data[0], data[1], yerr=errors, marker=".", capsize=2, label=label
            )
        if zero_line:
            ax.axhline(0, color="black", lw=0.8)
        if t_c is not None:
            ax.axvline(t_c, color="gray", ls="--", lw=1)
        ax.set_xlabel("temperature T")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    return fig


def crossing_fit(sizes, t_star, t_c_fit, slope, t_c):
    """T*(L) against 1/L with the line T* = T_c + a / L."""
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.add_subplot()
    inverse = 1.0 / np.asarray(sizes, float)
    ax.plot(inverse, t_star, "o", label="T*(L), network's crossing")
    if np.isfinite(t_c_fit):
        x = np.linspace(0, inverse.max() * 1.1, 50)
        ax.plot(x, t_c_fit + slope * x, "-", label=f"T_c + a/L: T_c = {t_c_fit:.3f}")
    ax.axhline(t_c, color="gray", ls="--", lw=1, label=f"Onsager {t_c:.3f}")
    ax.set_xlabel("1 / L")
    ax.set_ylabel("T*")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def scatter_vs_temperature(x, y, temperatures, xlabel, ylabel, title=None):
    """Points (x, y) coloured by temperature (e.g. the first two principal components)."""
    fig = Figure(figsize=(5.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    points = ax.scatter(x, y, c=temperatures, s=4, cmap="coolwarm")
    fig.colorbar(points, ax=ax, label="T")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig
