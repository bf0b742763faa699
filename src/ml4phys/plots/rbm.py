"""Figures of Boltzmann machines: image grids (filters, samples), matrices, curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["image_grid", "matrix", "curves", "image_rows"]


def image_grid(images, image_shape, n_cols=10, title=None, cmap="gray_r",
               symmetric=False, row_labels=None):
    """Images (n, prod(image_shape)) as a grid; ``symmetric`` centres the colours on 0
    per image (for weights)."""
    images = np.asarray(images, float).reshape(len(images), *image_shape)
    n_rows = int(np.ceil(len(images) / n_cols))
    fig = Figure(figsize=(n_cols * 0.8, n_rows * 0.8 + (0.4 if title else 0)),
                 layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= len(images):
            continue
        if symmetric:
            limit = np.abs(images[i]).max() or 1.0
            ax.imshow(images[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        else:
            ax.imshow(images[i], cmap=cmap, vmin=0, vmax=1)
    if row_labels:
        for row, label in enumerate(row_labels):
            axes[row, 0].set_axis_on()
            axes[row, 0].set_xticks([])
            axes[row, 0].set_yticks([])
            axes[row, 0].set_ylabel(label)
    if title:
        fig.suptitle(title)
    return fig


def matrix(values, title=None, xlabel=None, ylabel=None):
    """A matrix (e.g. the weights W, visible x hidden) as an image with a colour bar."""
    values = np.asarray(values, float)
    fig = Figure(figsize=(5, 5), layout="constrained")
    ax = fig.add_subplot()
    limit = np.abs(values).max() or 1.0
    image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    fig.colorbar(image, ax=ax)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def image_rows(panels, title=None, xlabel="unit", ylabel="Gibbs step"):
    """Several 2D arrays side by side (e.g. chains: one row per Gibbs step)."""
    fig = Figure(figsize=(2.2 * len(panels), 4), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (label, values) in zip(axes, panels.items()):
        ax.imshow(np.asarray(values, float), cmap="gray_r", vmin=0, vmax=1,
                  aspect="auto", interpolation="nearest")
        ax.set(title=label, xlabel=xlabel)
    axes[0].set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    return fig


def curves(lines, xlabel="step", ylabel="", title=None, hlines=None, logx=False):
    """``lines`` maps label -> (x, y) or (x, y, yerr); ``hlines`` maps label -> y."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, line in lines.items():
        if len(line) == 3 and line[2] is not None:
            ax.errorbar(line[0], line[1], yerr=line[2], label=label, marker="o", ms=3)
        else:
            ax.plot(line[0], line[1], label=label, marker="o" if len(line[0]) < 30 else None,
                    ms=3)
    for label, y in (hlines or {}).items():
        ax.axhline(y, ls="--", color="gray", lw=1)
        ax.annotate(label, (0.01, y), xycoords=("axes fraction", "data"),
                    va="bottom", fontsize=8, color="gray")
    if logx:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
