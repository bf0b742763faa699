"""Images as functions (x0, x1) -> brightness (lecture: "Example: Learning a 2D image").

An image is a 2D float32 array in [0, 1], indexed [row, column]. Pixel (i, j) of an
H x W image sits at the point x0 = (i + 1/2)/H - 1/2, x1 = (j + 1/2)/W - 1/2 of the square
[-0.5, 0.5]^2, as in the lecture's notebook MultiLayer_ImageCompression. The default
image is the portrait of Grace Hopper that ships with matplotlib, so everything runs
offline; ``load_image(path)`` reads any file matplotlib can (PNG natively; JPEG and more
through Pillow) and turns it to grayscale.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_IMAGE", "load_image", "pixel_points", "pixel_batch", "psnr"]

DEFAULT_IMAGE = "grace_hopper.jpg"  # in matplotlib's sample data
_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 grayscale weights


def load_image(path=None, size=0):
    """A grayscale image with values in [0, 1].

    Parameters
    ----------
    path : str or Path, optional
        Any image file; default: matplotlib's sample portrait of Grace Hopper.
    size : int
        If > 0, shrink by averaging k x k blocks (k an integer) until both sides are at
        most ``size`` pixels.

    Returns
    -------
    image : ndarray, shape (height, width), float32
    """
    import matplotlib.image

    if not path:
        from matplotlib import cbook

        path = cbook.get_sample_data(DEFAULT_IMAGE, asfileobj=False)
    pixels = np.asarray(matplotlib.image.imread(path))
    if pixels.dtype.kind in "ui":  # 8 or 16 bit integers -> [0, 1]
        pixels = pixels / np.iinfo(pixels.dtype).max
    pixels = pixels.astype(np.float64)
    if pixels.ndim == 3:  # drop alpha; colors -> luma, gray + alpha -> gray
        pixels = pixels[..., :3] @ _LUMA if pixels.shape[-1] >= 3 else pixels[..., 0]
    if pixels.ndim != 2:
        raise ValueError(f"{path}: expected a 2D image, received shape {pixels.shape}")
    if size and max(pixels.shape) > size:
        k = -(-max(pixels.shape) // size)  # block size: ceil(longest side / size)
        height, width = pixels.shape[0] // k, pixels.shape[1] // k
        pixels = (
            pixels[: height * k, : width * k].reshape(height, k, width, k).mean((1, 3))
        )
    return np.clip(pixels, 0.0, 1.0).astype(np.float32)


def pixel_points(shape, step=1, dtype=np.float32):
    """Every ``step``-th pixel of an image of ``shape`` as one batch of points.

    Returns ``points`` of shape (n_rows * n_cols, 2), rows first (so
    ``output.reshape(n_rows, n_cols)`` is the image), and the (rows, cols) index arrays.
    """
    height, width = shape
    rows, cols = np.arange(0, height, step), np.arange(0, width, step)
    x0 = (rows + 0.5) / height - 0.5
    x1 = (cols + 0.5) / width - 0.5
    points = np.stack(np.meshgrid(x0, x1, indexing="ij"), axis=-1).reshape(-1, 2)
    return points.astype(dtype), (rows, cols)


def pixel_batch(image, batchsize, rng, points=None):
    """``batchsize`` random pixels: inputs (batchsize, 2) and brightness (batchsize, 1).

    ``points`` (from ``pixel_points(image.shape)``) may be passed to save recomputing it.
    """
    if points is None:
        points, _ = pixel_points(image.shape)
    index = rng.integers(0, image.size, size=batchsize)  # uniform over the pixels
    return points[index], image.reshape(-1, 1)[index]


def psnr(output, target, peak=1.0):
    """Peak signal-to-noise ratio in dB: 10 log10(peak^2 / mean((output - target)^2))."""
    mse = float(np.mean((np.asarray(output, np.float64) - target) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(peak**2 / mse)
