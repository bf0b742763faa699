"""Fresh training images from distorted ones (lecture: "Generating new training images
by transformations", the cure for overfitting behind the 0.7% and 0.35% rows of the
MNIST table).

Random shifts, rotations, scalings and elastic distortions (Simard, Steinkraus & Platt
2003: a random displacement field, smoothed by a Gaussian of width sigma, times alpha),
applied to a whole batch at once: every output pixel of every image is sampled at its
source position by bilinear interpolation (background 0 outside, as
``scipy.ndimage.map_coordinates(order=1, mode="grid-constant")``, but gathered in
NumPy for the whole batch, about 3x faster), and the displacement fields are smoothed
by matrix products with the Gaussian filter's matrix (equal to
``scipy.ndimage.gaussian_filter`` with mode "constant", about 2x faster).
Images may be (n, h, w), (n, h, w, 1) or flat (n, h*w) with square h = w; the output has
the input's shape and dtype. ``augmented_batches`` is an endless generator of
``(x_batch, y_batch)`` for ``model.fit(generator, steps_per_epoch=...)``.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["transform", "distort", "augmented_batches", "fit", "bilinear", "smooth"]


def _as_stack(x):
    """(n, h, w) floats of any layout (float64 for float64 input, else float32)."""
    x = np.asarray(x)
    dtype = np.float64 if x.dtype == np.float64 else np.float32
    if x.ndim == 4 and x.shape[-1] == 1:
        return x[..., 0].astype(dtype)
    if x.ndim == 3:
        return x.astype(dtype)
    if x.ndim == 2:
        side = int(round(np.sqrt(x.shape[1])))
        if side * side == x.shape[1]:
            return x.reshape(len(x), side, side).astype(dtype)
    raise ValueError(
        f"augment: expected images of shape (n, h, w), (n, h, w, 1) or "
        f"(n, h*w) with square h*w, received {x.shape}"
    )


def _restore(stack, like):
    """Back to the layout and dtype of ``like`` (integers rounded and clipped)."""
    like = np.asarray(like)
    if np.issubdtype(like.dtype, np.integer):
        info = np.iinfo(like.dtype)
        stack = np.clip(np.rint(stack), info.min, info.max)
    return stack.reshape(like.shape).astype(like.dtype, copy=False)


def transform(x, shift=None, angle=None, scale=None, displacement=None):
    """Apply given affine maps and displacement fields to a batch of images.

    Each image is scaled by ``scale`` and rotated by ``angle`` about its centre, then
    shifted by ``shift``; a displacement field moves where each output pixel samples.

    Parameters
    ----------
    x : ndarray, shape (n, h, w), (n, h, w, 1) or (n, h*w)
    shift : ndarray, shape (n, 2), optional
        (down, right) shift in pixels.
    angle : ndarray, shape (n,), optional
        Rotation in degrees, counter-clockwise as the image is shown (as
        ``scipy.ndimage.rotate``).
    scale : ndarray, shape (n,), optional
        Magnification factors (> 0).
    displacement : ndarray, shape (n, 2, h, w), optional
        Added to the source coordinates (rows, columns) of every output pixel.

    Returns
    -------
    ndarray, the shape and dtype of x
    """
    stack = _as_stack(x)
    n, height, width = stack.shape
    dtype = stack.dtype
    shift = np.zeros((n, 2), dtype) if shift is None else np.asarray(shift, dtype)
    angle = np.radians(np.zeros(n) if angle is None else np.asarray(angle, float))
    angle = angle.astype(dtype)
    scale = np.ones(n, dtype) if scale is None else np.asarray(scale, dtype)
    centre = np.array([(height - 1) / 2, (width - 1) / 2], dtype)[:, None, None]
    grid = np.mgrid[0:height, 0:width].astype(dtype)  # (2, h, w)
    # source = centre + R(angle)^-1 (output - centre - shift) / scale, with R acting on
    # (row, col) = (-y, x): the inverse map of a counter-clockwise rotation on screen
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    inverse = np.stack([np.stack([cos, sin], -1), np.stack([-sin, cos], -1)], 1)
    relative = grid[None] - centre[None] - shift[:, :, None, None]  # (n, 2, h, w)
    source = np.einsum("nij,njhw->nihw", inverse, relative) + centre[None]
    if displacement is not None:
        source = source + displacement
    return _restore(bilinear(stack, source[:, 0], source[:, 1]), x)


def bilinear(stack, rows, cols):
    """Sample each image of ``stack`` (n, h, w) at (rows, cols) (n, h', w'); 0 outside.

    Same values as ``scipy.ndimage.map_coordinates(image, [rows, cols], order=1,
    mode="grid-constant")`` for each image, gathered for the whole batch at once.
    """
    n, height, width = stack.shape
    padded = np.zeros((n, height + 2, width + 2), stack.dtype)  # a background frame
    padded[:, 1:-1, 1:-1] = stack
    # padded coordinates; far outside points land on the frame and give 0
    rows = np.clip(rows + 1, 0, height + 1)
    cols = np.clip(cols + 1, 0, width + 1)
    r0 = np.minimum(np.floor(rows), height).astype(np.intp)  # r0 + 1 stays inside
    c0 = np.minimum(np.floor(cols), width).astype(np.intp)
    fr, fc = rows - r0, cols - c0  # weights of far pixels
    base = (np.arange(n)[:, None, None] * (height + 2) + r0) * (width + 2) + c0
    flat = padded.ravel()
    top = flat[base] * (1 - fc) + flat[base + 1] * fc
    bottom = flat[base + width + 2] * (1 - fc) + flat[base + width + 3] * fc
    return top * (1 - fr) + bottom * fr


def distort(
    x,
    rng,
    *,
    shift=2.0,
    rotation=10.0,
    scale=0.1,
    elastic_alpha=34.0,
    elastic_sigma=4.0,
):
    """Randomly shift, rotate, scale and elastically distort each image of a batch.

    Parameters
    ----------
    x : ndarray, shape (n, h, w), (n, h, w, 1) or (n, h*w)
        Images with background 0 (MNIST's convention).
    rng : np.random.Generator
        Source of all random draws.
    shift : float
        Shifts uniform in [-shift, shift] pixels along each axis.
    rotation : float
        Angles uniform in [-rotation, rotation] degrees.
    scale : float
        Magnifications uniform in [1 - scale, 1 + scale].
    elastic_alpha, elastic_sigma : float
        Elastic distortion (Simard et al. 2003; their MNIST values 34 and 4 are the
        defaults): fields uniform in [-1, 1], smoothed by a Gaussian of width
        ``elastic_sigma`` pixels, times ``elastic_alpha``; ``elastic_alpha=0`` turns it
        off. These values move whole strokes by about 1.4 pixels (standard deviation).

    Returns
    -------
    ndarray, the shape and dtype of x
    """
    n = len(x)
    displacement = None
    if elastic_alpha:
        height, width = _as_stack(x[:1]).shape[1:]
        field = rng.uniform(-1.0, 1.0, (n, 2, height, width))
        displacement = elastic_alpha * smooth(field, elastic_sigma)
        if np.asarray(x).dtype != np.float64:
            displacement = displacement.astype(np.float32)
    return transform(
        x,
        shift=rng.uniform(-shift, shift, (n, 2)),
        angle=rng.uniform(-rotation, rotation, n),
        scale=rng.uniform(1 - scale, 1 + scale, n),
        displacement=displacement,
    )


def smooth(field, sigma):
    """Gaussian smoothing of the last two axes by two matrix products, G_h @ f @ G_w^T:
    the same as ``ndimage.gaussian_filter`` with sigma (0, .., sigma, sigma), "constant"
    mode.
    """
    height, width = field.shape[-2:]
    return _gaussian_matrix(height, sigma) @ field @ _gaussian_matrix(width, sigma).T


@functools.lru_cache(maxsize=16)
def _gaussian_matrix(size, sigma):
    """G with G @ v = gaussian_filter1d(v, sigma, mode="constant") (column j: G e_j)."""
    from scipy import ndimage

    matrix = ndimage.gaussian_filter1d(np.eye(size), sigma, axis=0, mode="constant")
    matrix.flags.writeable = False  # shared by the cache
    return matrix


def augmented_batches(x, y, batch_size=100, seed=0, shuffle=True, **distortion):
    """Endless generator of freshly distorted batches for ``fit(steps_per_epoch=...)``.

    Every pass draws a new order (if ``shuffle``) and every image is distorted anew, so
    the network never sees the same sample twice (lecture: "never repeat a sample!").
    One pass over the data is ``steps_per_epoch = ceil(len(x) / batch_size)`` batches.

    Parameters
    ----------
    x : ndarray, shape (n, h, w), (n, h, w, 1) or (n, h*w)
    y : ndarray, shape (n, ...)
        Labels (e.g. one-hot), passed through unchanged.
    batch_size : int
    seed : int
        Seed of the order and of the distortions.
    **distortion
        Keyword arguments of ``distort`` (shift, rotation, scale, elastic_alpha, ...).

    Yields
    ------
    (x_batch, y_batch)
        x_batch of the layout and dtype of x.
    """
    if len(x) != len(y):
        raise ValueError(f"augmented_batches: {len(x)} images but {len(y)} labels")
    if len(x) == 0:
        raise ValueError("augmented_batches: no images")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            yield distort(x[idx], rng, **distortion), y[idx]


def fit(net, x, y, distorted, batch_size, seed=0, **fit_options):
    """``net.fit`` on (x, y), or, if ``distorted``, on freshly distorted copies each epoch
    (one epoch = ceil(len(x) / batch_size) batches of ``augmented_batches``).

    ``fit_options`` go to ``net.fit`` (epochs, validation_data, callbacks, verbose, ...).
    Returns the History.
    """
    if not distorted:
        return net.fit(x, y, batch_size=batch_size, **fit_options)
    batches = augmented_batches(x, y, batch_size, seed=seed)
    return net.fit(batches, steps_per_epoch=-(-len(x) // batch_size), **fit_options)
