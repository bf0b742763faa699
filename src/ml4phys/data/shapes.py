"""Algorithmically generated images: "circle" vs "square", and randomly placed circles.

Lecture: the homework "Apply image recognition to some algorithmically generated images"
("circle", "square"), and the autoencoder's training images ("for example: randomly
placed circle"; with noise on the input, the denoising autoencoder). Shapes are drawn
from their signed distance d to the outline (negative inside), anti-aliased over one
pixel: filled value ``clip(1/2 - d, 0, 1)``, outline ``clip((thickness + 1)/2 - |d|, 0, 1)``.
Images are float32 (n, size, size) with background 0 and ink 1, plus Gaussian noise of
standard deviation ``noise`` (not clipped). Pixel (i, j) sits at row i, column j.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "LABELS",
    "draw",
    "circles_and_squares",
    "random_circles",
    "shape_batches",
    "circle_batches",
]

LABELS = ("circle", "square")  # label 0, label 1


def draw(kinds, centres, radii, size=28, filled=True, thickness=1.5):
    """Draw one shape per image.

    Parameters
    ----------
    kinds : ndarray of int, shape (n,)
        0 for a circle of radius r, 1 for an axis-aligned square of half side r.
    centres : ndarray, shape (n, 2)
        (row, column) of each centre, in pixels.
    radii : ndarray, shape (n,)
        Radius of the circle or half the side of the square.
    size : int
        Images are size x size.
    filled : bool
        Filled shapes, or outlines ``thickness`` pixels wide.

    Returns
    -------
    ndarray of float32, shape (n, size, size)
    """
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float32)
    centres = np.asarray(centres, np.float32)
    d_row = rows - centres[:, :1, None]  # (n, size, size)
    d_col = cols - centres[:, 1:, None]
    radii = np.asarray(radii, np.float32)[:, None, None]
    circle = np.sqrt(d_row**2 + d_col**2) - radii  # signed distance
    square = np.maximum(np.abs(d_row), np.abs(d_col)) - radii
    distance = np.where(np.asarray(kinds)[:, None, None] == 1, square, circle)
    if filled:
        return np.clip(0.5 - distance, 0.0, 1.0)
    return np.clip((thickness + 1) / 2 - np.abs(distance), 0.0, 1.0)


def _placements(rng, n, size, min_radius, max_radius):
    """Random radii and centres that keep each shape (and its edge) inside the image."""
    if not 0 < min_radius <= max_radius or 2 * max_radius + 4 > size:
        raise ValueError(
            "shapes: need 0 < min_radius <= max_radius <= (size - 4) / 2, "
            f"received {min_radius}, {max_radius} for size {size}"
        )
    radii = rng.uniform(min_radius, max_radius, n)
    low = radii[:, None] + 1.5  # 1.5 px margin
    centres = low + rng.random((n, 2)) * (size - 1 - 2 * low)
    return centres, radii


def circles_and_squares(
    n,
    size=28,
    noise=0.0,
    min_radius=3.0,
    max_radius=10.0,
    filled=False,
    thickness=1.5,
    seed=0,
    return_params=False,
):
    """Images of circles and squares at random positions and sizes, with labels.

    Parameters
    ----------
    n : int
        Number of images; the labels are balanced (n // 2 of one kind at least).
    size : int
        Images are size x size pixels.
    noise : float
        Standard deviation of the Gaussian noise added to every pixel.
    min_radius, max_radius : float
        Range of the circle's radius and of the square's half side (uniform).
    filled : bool
        Filled shapes, or outlines (default) ``thickness`` pixels wide.
    seed : int or np.random.Generator
    return_params : bool
        Also return the centres (n, 2) and radii (n,).

    Returns
    -------
    x : ndarray of float32, shape (n, size, size)
    y : ndarray of uint8, shape (n,)
        0 = circle, 1 = square (``LABELS``).
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 2).astype(np.uint8)
    centres, radii = _placements(rng, n, size, min_radius, max_radius)
    x = draw(labels, centres, radii, size, filled, thickness)
    if noise:
        x += rng.normal(0.0, noise, x.shape).astype(np.float32)
    return (x, labels, centres, radii) if return_params else (x, labels)


def random_circles(
    n, size=28, noise=0.0, min_radius=2.0, max_radius=8.0, seed=0, return_params=False
):
    """Filled circles at random positions and radii (the lecture's autoencoder images).

    Returns
    -------
    x : ndarray of float32, shape (n, size, size)
        With ``return_params`` also the centres (n, 2) and radii (n,).
    """
    rng = np.random.default_rng(seed)
    centres, radii = _placements(rng, n, size, min_radius, max_radius)
    x = draw(np.zeros(n, int), centres, radii, size, filled=True)
    if noise:
        x += rng.normal(0.0, noise, x.shape).astype(np.float32)
    return (x, centres, radii) if return_params else x


def _layout(x, shape):
    """(n, size, size) -> (n, size, size, 1) for "image", (n, size*size) for "flat"."""
    if shape == "image":
        return x[..., None]
    if shape == "flat":
        return x.reshape(len(x), -1)
    raise ValueError(f"shapes: shape must be 'image' or 'flat', received {shape!r}")


def shape_batches(batch_size=100, shape="image", seed=0, **options):
    """Endless generator of fresh labelled batches ``(x, y_one_hot)`` for ``fit``.

    x of shape (batch_size, size, size, 1) or (batch_size, size*size); y one-hot float32
    (batch_size, 2). ``options`` are those of ``circles_and_squares``.
    """
    rng = np.random.default_rng(seed)
    while True:
        x, y = circles_and_squares(batch_size, seed=rng, **options)
        yield _layout(x, shape), np.eye(2, dtype=np.float32)[y]


def circle_batches(batch_size=100, shape="image", noise=0.0, seed=0, **options):
    """Endless generator of autoencoder batches ``(x_input, x_target)`` for ``fit``.

    The target is a batch of clean random circles; the input is the same batch plus
    Gaussian noise of standard deviation ``noise`` (``noise=0``: input is target; else
    the denoising autoencoder). ``options`` are those of ``random_circles``.
    """
    rng = np.random.default_rng(seed)
    while True:
        clean = random_circles(batch_size, seed=rng, **options)
        noisy = clean
        if noise:
            noisy = clean + rng.normal(0.0, noise, clean.shape).astype(np.float32)
        yield _layout(noisy, shape), _layout(clean, shape)
