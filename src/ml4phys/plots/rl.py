"""Figures of reinforcement learning: mazes with policies, paths and Q-values.

Grids are (size, size) boolean wall arrays; positions are (row, column), drawn with
row 0 at the top. Per-cell arrays such as the policy have shape (size * size,
n_actions) in the order up, down, left, right.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

__all__ = ["maze_paths", "maze_policy", "q_values", "success_curves"]

_ARROWS = np.array([(0, -1), (0, 1), (-1, 0), (1, 0)])  # (dx, dy) on screen per action
_WALLS = ListedColormap(["#ebebeb", "#28283c"])


def _maze_axes(ax, walls, chests):
    ax.imshow(walls, cmap=_WALLS, vmin=0, vmax=1)
    for r, c in np.asarray(chests).reshape(-1, 2):
        ax.plot(c, r, "s", color="#e6b414", ms=9)
    ax.set_xticks([])
    ax.set_yticks([])


def maze_policy(walls, probabilities, chests=(), title="action probabilities"):
    """Arrows from each free cell, of length pi(a|s), one per action."""
    fig = Figure(figsize=(5, 5), layout="constrained")
    ax = fig.add_subplot()
    _maze_axes(ax, walls, chests)
    size = len(walls)
    p = np.asarray(probabilities).reshape(size, size, -1)
    rows, cols = np.nonzero(~np.asarray(walls))
    for a, (dx, dy) in enumerate(_ARROWS):
        length = 0.45 * p[rows, cols, a]
        ax.quiver(
            cols,
            rows,
            dx * length,
            dy * length,
            angles="xy",
            scale_units="xy",
            scale=1,
            width=0.006,
            color="#c81e1e",
        )  # imshow's y axis points down
    ax.set_title(title)
    ax.set_xlabel(
        "arrows: the actions from each cell, length = probability pi(a|s)\n"
        "yellow squares: treasure chests; dark: walls"
    )
    return fig


def maze_paths(walls, paths, chests=(), titles=None):
    """One panel per list of paths; each path is a sequence of (row, column) cells."""
    fig = Figure(figsize=(4 * len(paths), 4), layout="constrained")
    for k, group in enumerate(paths):
        ax = fig.add_subplot(1, len(paths), k + 1)
        _maze_axes(ax, walls, chests)
        jitter = np.random.default_rng(k).normal(0, 0.08, (len(group), 2))
        for path, offset in zip(group, jitter):  # offsets keep overlapping paths apart
            path = np.asarray(path, float) + offset
            ax.plot(path[:, 1], path[:, 0], lw=1.2, alpha=0.7)
        if titles:
            ax.set_title(titles[k])
        ax.set_xlabel(
            f"lines: {len(group)} episodes of the policy (nudged apart where they "
            "overlap)\nyellow squares: treasure chests; dark: walls",
            fontsize=8,
        )
    return fig


def q_values(walls, q, path=None, chests=()):
    """max_a Q(s, a) as a heat map over the free cells, with the greedy path on top."""
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.add_subplot()
    size = len(walls)
    value = np.asarray(q).max(axis=-1).reshape(size, size).astype(float)
    value[np.asarray(walls)] = np.nan
    image = ax.imshow(value, cmap="viridis")
    fig.colorbar(image, ax=ax, label="max_a Q(s, a)")
    for r, c in np.asarray(chests).reshape(-1, 2):
        ax.plot(c, r, "s", color="#e6b414", ms=9)
    if path is not None:
        path = np.asarray(path)
        ax.plot(
            path[:, 1], path[:, 0], "-o", color="#c81e1e", ms=3, label="greedy path"
        )
        ax.legend(loc="lower right")
    ax.set_xlabel("yellow squares: treasure chests; blank: walls")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def success_curves(curves, xlabel, ylabel, title=None):
    """Lines of a score against a swept parameter: ``curves`` maps label -> (x, y)."""
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for label, (x, y) in curves.items():
        ax.plot(x, y, "-o", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if curves:
        ax.legend()
    ax.grid(alpha=0.3)
    return fig
