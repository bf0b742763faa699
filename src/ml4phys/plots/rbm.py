"""Figures of Boltzmann machines: image grids (filters, samples), matrices, curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._references import reference_lines

__all__ = ["curves", "image_grid", "image_rows", "matrix"]


def image_grid(
    images,
    image_shape,
    n_cols=10,
    title=None,
    cmap="gray_r",
    symmetric=False,
    row_labels=None,
):
    """Images (n, prod(image_shape)) tiled into one picture, ``n_cols`` per row;
    ``symmetric`` scales each image to [-1, 1] by its largest |value| (for weights).
    """
    images = np.asarray(images, float).reshape(len(images), *image_shape)
    if symmetric:
        limits = np.abs(images).max(axis=(1, 2), keepdims=True)
        images = images / np.where(limits > 0, limits, 1.0)
    mosaic, gap = _mosaic(images, n_cols)
    n_rows, height = int(np.ceil(len(images) / n_cols)), image_shape[0]
    fig = Figure(
        figsize=(
            0.7 * n_cols + (0.8 if row_labels else 0),
            0.7 * n_rows + (0.4 if title else 0),
        ),
        layout="constrained",
    )
    ax = fig.add_subplot()
    low = -1 if symmetric else 0
    ax.imshow(
        mosaic,
        cmap="RdBu_r" if symmetric else cmap,
        vmin=low,
        vmax=1,
        interpolation="nearest",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if row_labels:
        ax.set_yticks(
            [row * (height + gap) + height / 2 for row in range(len(row_labels))],
            row_labels,
        )
    if title:
        ax.set_title(title)
    return fig


def _mosaic(images, n_cols):
    """Images (n, height, width) side by side, NaN gaps between them; (mosaic, gap)."""
    n_rows = int(np.ceil(len(images) / n_cols))
    height, width = images.shape[1:]
    gap = 1 if min(height, width) < 16 else 2
    mosaic = np.full(
        (n_rows * (height + gap) - gap, n_cols * (width + gap) - gap), np.nan
    )
    for i, image in enumerate(images):
        row, col = divmod(i, n_cols)
        mosaic[
            row * (height + gap) : row * (height + gap) + height,
            col * (width + gap) : col * (width + gap) + width,
        ] = image
    return mosaic, gap


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
        ax.imshow(
            np.asarray(values, float),
            cmap="gray_r",
            vmin=0,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
        )
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
            ax.plot(
                line[0],
                line[1],
                label=label,
                marker="o" if len(line[0]) < 30 else None,
                ms=3,
            )
    reference_lines(ax, hlines)
    if logx:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
