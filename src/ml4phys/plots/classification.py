"""Figures of classifiers: accuracy curves, labelled image grids, confusion matrices."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["accuracy_curves", "image_grid", "confusion_matrix"]


def accuracy_curves(curves, title=None):
    """Accuracy per epoch: ``curves`` maps label -> (training, validation) arrays.

    Training is drawn solid, validation dashed, in the same colour.
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for label, (train, validation) in curves.items():
        epochs = np.arange(1, len(train) + 1)
        line, = ax.plot(epochs, train, label=f"{label}: training")
        if validation is not None and len(validation):
            ax.plot(epochs, validation, "--", color=line.get_color(),
                    label=f"{label}: validation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def image_grid(images, titles=(), ncols=8, cmap="gray_r", title=None, signed=False):
    """Images (n, h, w) in a grid, each with its title (e.g. "7 → 9").

    Pixels span [0, max(1, image max)]; with ``signed``, [-a, a] with a = max |pixel|
    of each image (for weights and eigenvectors: use a diverging cmap).
    """
    images = np.asarray(images)
    n = max(len(images), 1)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(1.2 * ncols, 1.35 * nrows + (0.4 if title else 0)),
                 layout="constrained")
    for i, image in enumerate(images):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        if signed:
            limit = float(np.abs(image).max()) or 1.0
            ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit)
        else:
            ax.imshow(image, cmap=cmap, vmin=0, vmax=max(1.0, float(image.max())))
        ax.set_xticks([])
        ax.set_yticks([])
        if i < len(titles):
            ax.set_title(titles[i], fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def confusion_matrix(matrix, labels=None, title=None):
    """A confusion matrix (rows: true class, columns: predicted), counts written in."""
    matrix = np.asarray(matrix)
    labels = list(range(len(matrix))) if labels is None else list(labels)
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.add_subplot()
    shown = np.log1p(matrix)                     # log scale: errors visible beside hits
    ax.imshow(shown, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            dark = shown[i, j] > 0.6 * shown.max()
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return fig
