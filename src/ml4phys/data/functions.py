"""Target functions of two variables for the lecture's "Learning a 2D function".

Each function maps arrays x0, x1 (any shape) to an array of the same shape. ``FUNCTIONS``
lists them by name; ``sample_batch`` draws the lecture's batches: random points in the
square [-0.5, 0.5]^2 and the function's value there (notebook MultiLayerBackProp).
"""

from __future__ import annotations

import numpy as np

__all__ = ["FUNCTIONS", "bump", "ring", "waves", "step", "sample_batch", "grid"]


def bump(x0, x1):
    """The lecture's example: ``exp(-5 r^2) |x0 + x1|``, a bump cut by a valley along x1 = -x0."""
    r2 = x0**2 + x1**2
    return np.exp(-5.0 * r2) * np.abs(x1 + x0)


def ring(x0, x1):
    """A ring of radius 0.3: exp(-(r - 0.3)^2 / 0.01)."""
    r = np.sqrt(x0**2 + x1**2)
    return np.exp(-((r - 0.3) ** 2) / 0.01)


def waves(x0, x1):
    """Smooth plane waves: 0.5 + 0.25 (sin 8 x0 + cos 6 x1)."""
    return 0.5 + 0.25 * (np.sin(8.0 * x0) + np.cos(6.0 * x1))


def step(x0, x1):
    """The quarter plane x0 > 0, x1 > 0 (a step: hard for smooth networks)."""
    return ((x0 > 0) & (x1 > 0)).astype(float)


FUNCTIONS = {"bump": bump, "ring": ring, "waves": waves, "step": step}


def sample_batch(function, batchsize, rng, dtype=np.float32):
    """(inputs, targets) of shapes (batchsize, 2) and (batchsize, 1) from the square."""
    inputs = rng.uniform(-0.5, 0.5, size=(batchsize, 2)).astype(dtype)
    targets = function(inputs[:, 0], inputs[:, 1])[:, None].astype(dtype)
    return inputs, targets


def grid(n, dtype=np.float32):
    """The n x n grid of the square as one batch: (n*n, 2) points, and the axis values."""
    axis = np.linspace(-0.5, 0.5, n, dtype=dtype)
    x0, x1 = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([x0.ravel(), x1.ravel()], axis=1), axis
