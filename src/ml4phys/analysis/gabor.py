"""Gabor functions, and least-squares fits of them to filters (lecture: what the first
layer of a vision network learns looks like Gabor filters, as in the visual cortex).

A 2D Gabor function on pixel coordinates (x, y) (x: column, y: row, both centred):

    G(x, y) = a exp(-(u^2 + (gamma v)^2) / (2 sigma^2)) cos(2 pi u / lambda + psi) + c
    u = (x - x0) cos theta + (y - y0) sin theta,   v = -(x - x0) sin theta + (y - y0) cos theta

``fit`` starts scipy's ``least_squares`` from a few guesses read off the kernel (its
centroid and the peak of its Fourier transform), keeps the best, and reports
R^2 = 1 - sum (k - G)^2 / sum (k - <k>)^2.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PARAMETERS", "fit", "fit_all", "gabor"]

PARAMETERS = ("a", "x0", "y0", "sigma", "gamma", "theta", "wavelength", "psi", "c")


def _grid(shape):
    rows, cols = shape
    y, x = np.mgrid[0:rows, 0:cols].astype(float)
    return x - (cols - 1) / 2, y - (rows - 1) / 2


def gabor(params, shape):
    """The Gabor function of ``params`` (in the order of ``PARAMETERS``) on ``shape``."""
    a, x0, y0, sigma, gamma, theta, wavelength, psi, c = params
    x, y = _grid(shape)
    u = (x - x0) * np.cos(theta) + (y - y0) * np.sin(theta)
    v = -(x - x0) * np.sin(theta) + (y - y0) * np.cos(theta)
    envelope = np.exp(-(u**2 + (gamma * v) ** 2) / (2 * sigma**2))
    return a * envelope * np.cos(2 * np.pi * u / wavelength + psi) + c


def _starts(kernel):
    """Initial guesses from the kernel itself: the centroid of |k - <k>| and the peak of
    its Fourier transform (orientation and wavelength), at phases 0 and pi/2 (a may turn
    negative: that covers the other two); then the same with a wavelength twice as long.
    """
    size = max(kernel.shape)
    centred = kernel - kernel.mean()
    weight = np.abs(centred) / np.abs(centred).sum()
    x, y = _grid(kernel.shape)
    x0, y0 = float((weight * x).sum()), float((weight * y).sum())
    spread = np.sqrt(float((weight * ((x - x0) ** 2 + (y - y0) ** 2)).sum()))
    n = 4 * size  # zero-padded FFT: frequencies in steps of 1 / n
    power = np.abs(np.fft.fft2(centred, (n, n))) ** 2
    power[0, 0] = 0.0
    fy, fx = np.unravel_index(np.argmax(power), power.shape)
    fy, fx = (np.array([fy, fx]) + n // 2) % n - n // 2  # signed frequencies
    theta = float(np.arctan2(fy, fx))
    wavelength = float(np.clip(n / max(np.hypot(fx, fy), 1e-9), 2.0, 4 * size))
    amplitude = float(np.abs(centred).max())
    for stretch, psi in ((1, 0.0), (1, np.pi / 2), (2, 0.0), (2, np.pi / 2)):
        sigma = max(spread, 0.5)
        yield [amplitude, x0, y0, sigma, 1.0, theta, stretch * wavelength, psi, 0.0]


def fit(kernel):
    """Least-squares Gabor fit of a 2D ``kernel``: (params, R^2).

    Parameters
    ----------
    kernel : ndarray, shape (rows, cols)

    Returns
    -------
    params : ndarray, shape (9,), in the order of ``PARAMETERS``
    r2 : float, 1 - residual / total sum of squares (0 for a constant kernel)
    """
    from scipy.optimize import least_squares

    kernel = np.asarray(kernel, float)
    total = float(((kernel - kernel.mean()) ** 2).sum())
    if total == 0.0:
        return np.array([0, 0, 0, 1, 1, 0, 1, 0, kernel.mean()]), 0.0
    size = max(kernel.shape)
    lower = [-np.inf, -size, -size, 0.3, 0.2, -np.inf, 2.0, -np.inf, -np.inf]
    upper = [np.inf, size, size, 2 * size, 5.0, np.inf, 4 * size, np.inf, np.inf]
    best, best_cost = None, np.inf
    for start in _starts(kernel):
        found = least_squares(
            lambda p: (gabor(p, kernel.shape) - kernel).ravel(),
            start,
            bounds=(lower, upper),
            max_nfev=400,
        )
        if found.cost < best_cost:
            best, best_cost = found.x, found.cost
    return best, 1.0 - 2 * best_cost / total  # cost = sum of squares / 2


def fit_all(kernels):
    """Fits of every filter of a conv kernel (kh, kw, c_in, c_out), channel-summed.

    Returns (params (c_out, 9), r2 (c_out,)).
    """
    filters = np.asarray(kernels).sum(axis=2)  # (kh, kw, c_out)
    results = [fit(filters[..., k]) for k in range(filters.shape[-1])]
    return np.array([p for p, _ in results]), np.array([r for _, r in results])
