"""Deskewing of digit images by their moments (LeCun et al. 1998, the MNIST table's
"deskewing" preprocessing).

The intensity of an image is a distribution over pixel positions (row r, column c). Its
skew is alpha = cov(r, c) / var(r): how far the column of the ink moves per row (a
slanted stroke). Deskewing shears each image so that alpha becomes 0, and moves the
centre of mass to the centre of the image:

    source(r, c) = (mu_r + r - r_0,  mu_c + c - c_0 + alpha (r - r_0))

where (mu_r, mu_c) is the centre of mass and (r_0, c_0) the image's centre; the new
pixel (r, c) is read at ``source`` by bilinear interpolation (``augment.bilinear``).
"""

from __future__ import annotations

import numpy as np

from .augment import _as_stack, _restore, bilinear

__all__ = ["deskew", "moments", "skew"]


def moments(x):
    """Centre of mass (n, 2) and covariance (n, 2, 2) of each image's intensity.

    Parameters
    ----------
    x : ndarray, shape (n, h, w), (n, h, w, 1) or (n, h*w); intensities >= 0
    """
    stack = _as_stack(x).astype(np.float64)
    _, height, width = stack.shape
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    total = np.maximum(stack.sum(axis=(1, 2)), 1e-12)
    mu_r = (stack * rows).sum(axis=(1, 2)) / total
    mu_c = (stack * cols).sum(axis=(1, 2)) / total
    dr = rows[None] - mu_r[:, None, None]
    dc = cols[None] - mu_c[:, None, None]
    var_r = (stack * dr**2).sum(axis=(1, 2)) / total
    var_c = (stack * dc**2).sum(axis=(1, 2)) / total
    cov = (stack * dr * dc).sum(axis=(1, 2)) / total
    covariance = np.stack([np.stack([var_r, cov], -1), np.stack([cov, var_c], -1)], 1)
    return np.stack([mu_r, mu_c], axis=1), covariance


def skew(x):
    """alpha = cov(r, c) / var(r) of each image (n,): 0 for an upright stroke."""
    _, covariance = moments(x)
    return covariance[:, 0, 1] / np.maximum(covariance[:, 0, 0], 1e-12)


def deskew(x):
    """Shear every image to zero skew, centred by its centre of mass (layout of x)."""
    stack = _as_stack(x)
    _, height, width = stack.shape
    centre, covariance = moments(stack)
    alpha = covariance[:, 0, 1] / np.maximum(covariance[:, 0, 0], 1e-12)
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    r0, c0 = (height - 1) / 2, (width - 1) / 2
    source_rows = centre[:, 0, None, None] + rows[None] - r0
    source_cols = (
        centre[:, 1, None, None] + cols[None] - c0 + alpha[:, None, None] * (rows - r0)
    )
    return _restore(bilinear(stack, source_rows, source_cols).astype(stack.dtype), x)
