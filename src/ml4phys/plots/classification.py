"""Figures of classifiers: accuracy curves, labelled image grids, confusion matrices."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "accuracy_curves",
    "accuracy_panels",
    "confusion_matrix",
    "error_bars",
    "image_grid",
]


def accuracy_curves(curves, title=None):
    """Accuracy per epoch: ``curves`` maps label -> (training, validation) arrays.

    Training is drawn solid, validation dashed, in the same colour.
    """
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for label, (train, validation) in curves.items():
        epochs = np.arange(1, len(train) + 1)
        (line,) = ax.plot(epochs, train, label=f"{label}: training")
        if validation is not None and len(validation):
            ax.plot(
                epochs,
                validation,
                "--",
                color=line.get_color(),
                label=f"{label}: validation",
            )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def accuracy_panels(panels, title=None, ncols=3):
    """One panel per name: ``panels`` maps name -> (training, validation) per epoch.

    Same axes for all panels, so the gaps between the solid (training) and dashed
    (validation) curves compare at a glance; a dotted line marks a panel's ``best``
    epoch (0-based) when the value is a third entry (training, validation, best_epoch);
    each title gives the gap training - validation at the last (or that) epoch.
    """
    ncols = min(ncols, max(len(panels), 1))
    nrows = -(-len(panels) // ncols)
    fig = Figure(figsize=(3.6 * ncols, 2.9 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, (name, (train, validation, *best)) in zip(axes, panels.items()):
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, label="training")
        ax.plot(epochs, validation, "--", label="validation")
        last = len(train) - 1
        if best and best[0] is not None:
            last = best[0]
            ax.axvline(best[0] + 1, color="gray", ls=":", label="restored epoch")
        gap = train[last] - validation[last]
        ax.set_title(f"{name}: gap {gap:.3f}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize="small")
    for ax in axes[-ncols:]:
        ax.set_xlabel("epoch")
    for ax in axes[::ncols]:
        ax.set_ylabel("accuracy")
    if title:
        fig.suptitle(title)
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
    fig = Figure(
        figsize=(1.2 * ncols, 1.35 * nrows + (0.4 if title else 0)),
        layout="constrained",
    )
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
    shown = np.log1p(matrix)  # log scale: errors visible beside hits
    ax.imshow(shown, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            dark = shown[i, j] > 0.6 * shown.max()
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return fig


def error_bars(names, groups, title=None, log=True):
    """Grouped bars: ``groups`` maps label -> one error rate per name (log scale)."""
    fig = Figure(figsize=(1.3 * len(names) + 2.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / max(len(groups), 1)
    positions = np.arange(len(names))
    for i, (label, values) in enumerate(groups.items()):
        bars = ax.bar(
            positions + (i - (len(groups) - 1) / 2) * width, values, width, label=label
        )
        ax.bar_label(bars, [f"{100 * v:.2g}%" for v in values], fontsize=7)
    ax.set_xticks(positions, names, rotation=20, ha="right")
    if log:
        ax.set_yscale("log")
    ax.set_ylabel("test error")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="y")
    return fig
