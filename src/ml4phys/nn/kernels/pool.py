"""Pooling and upsampling kernels over blocks of pixels (non-overlapping ph x pw pools).

Images are (B, H, W, C); ``blocks`` is the view (B, ho, ph, wo, pw, C) of the pools.

    max_of_blocks:        y[b, p, q, c] = max_{i, j} x[b, p ph + i, q pw + j, c]
    max_blocks_backward:  dx = delta at the first maximum of each pool (row-major, as
                          PyTorch and TensorFlow), 0 elsewhere
    sum_of_blocks:        y[b, p, q, c] = sum_{i, j} x[b, p ph + i, q pw + j, c]
    repeat_blocks:        y[b, p sh + i, q sw + j, c] = x[b, p, q, c]

References are NumPy reductions over the block axes; the fast paths are numba loops (one
pass over the pools, one thread: ``parallel=True`` cost 16 s of compile time on a fresh
install and its threads contended with the BLAS threads of the next layer) where numba is
installed, else NumPy loops over the ph + pw block rows and
columns of whole views (NumPy's own reduction over axes (2, 4) runs an inner loop of only
C values and is several times slower).
"""

from __future__ import annotations

import numpy as np

from . import fast
from ._jit import njit

__all__ = [
    "max_blocks_backward",
    "max_blocks_backward_reference",
    "max_of_blocks",
    "max_of_blocks_reference",
    "repeat_blocks",
    "repeat_blocks_reference",
    "sum_of_blocks",
    "sum_of_blocks_reference",
]


# -- references ------------------------------------------------------------------------


def max_of_blocks_reference(blocks):
    return blocks.max(axis=(2, 4))


def sum_of_blocks_reference(blocks):
    return blocks.sum(axis=(2, 4))


def repeat_blocks_reference(x, sh, sw):
    return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)


def max_blocks_backward_reference(blocks, y, delta):
    """dC/dx as blocks (B, ho, ph, wo, pw, C): delta at each pool's first maximum."""
    batchsize, ho, ph, wo, pw, channels = blocks.shape
    flat = blocks.transpose(0, 1, 3, 5, 2, 4).reshape(batchsize, ho, wo, channels, -1)
    first = flat.argmax(axis=-1)  # the first maximum, offsets in row-major order
    onehot = np.arange(ph * pw) == first[..., None]  # (B, ho, wo, C, ph pw)
    dx = onehot * delta[..., None]
    return dx.reshape(batchsize, ho, wo, channels, ph, pw).transpose(0, 1, 4, 2, 5, 3)


# -- fast paths ------------------------------------------------------------------------


@njit()
def _max_numba(blocks, y):
    batchsize, ho, ph, wo, pw, channels = blocks.shape
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                for c in range(channels):
                    y[b, p, q, c] = blocks[b, p, 0, q, 0, c]
                for i in range(ph):
                    for j in range(pw):
                        for c in range(channels):
                            value = blocks[b, p, i, q, j, c]
                            y[b, p, q, c] = max(y[b, p, q, c], value)


@njit()
def _max_backward_numba(blocks, y, delta, dx):
    batchsize, ho, ph, wo, pw, channels = blocks.shape
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                for c in range(channels):
                    found = False
                    for i in range(ph):
                        for j in range(pw):
                            if not found and blocks[b, p, i, q, j, c] == y[b, p, q, c]:
                                dx[b, p, i, q, j, c] = delta[b, p, q, c]
                                found = True
                            else:
                                dx[b, p, i, q, j, c] = 0.0


def _numba_ready(*arrays):
    dtype = arrays[0].dtype
    return _max_numba is not None and all(a.dtype == dtype for a in arrays)


def max_of_blocks(blocks):
    if not fast():
        return max_of_blocks_reference(blocks)
    batchsize, ho, _, wo, _, channels = blocks.shape
    if _numba_ready(blocks):
        y = np.empty((batchsize, ho, wo, channels), blocks.dtype)
        _max_numba(blocks, y)
        return y
    return _reduce_views(blocks, np.maximum)


def max_blocks_backward(blocks, y, delta):
    """dC/dx as blocks (B, ho, ph, wo, pw, C), a fresh contiguous array."""
    if not fast() or not _numba_ready(blocks, y, delta):
        return max_blocks_backward_reference(blocks, y, delta)
    dx = np.empty(blocks.shape, blocks.dtype)
    _max_backward_numba(blocks, y, np.ascontiguousarray(delta), dx)
    return dx


def sum_of_blocks(blocks):
    if not fast():
        return sum_of_blocks_reference(blocks)
    return _reduce_views(blocks, np.add)


def _reduce_views(blocks, ufunc):
    """A loop over ph + pw block rows and columns of whole views."""
    rows = blocks[:, :, 0].copy()  # (B, ho, wo, pw, C)
    for i in range(1, blocks.shape[2]):
        ufunc(rows, blocks[:, :, i], out=rows)
    out = rows[:, :, :, 0].copy()  # (B, ho, wo, C)
    for j in range(1, blocks.shape[4]):
        ufunc(out, rows[:, :, :, j], out=out)
    return out


def repeat_blocks(x, sh, sw):
    """Each pixel as an sh x sw block of copies: (B, H, W, C) -> (B, H sh, W sw, C)."""
    if not fast():
        return repeat_blocks_reference(x, sh, sw)
    batchsize, height, width, channels = x.shape
    wide = np.repeat(x, sw, axis=2).reshape(
        batchsize, height, 1, -1
    )  # (B, H, 1, W sw C)
    out = np.empty((batchsize, height, sh, wide.shape[3]), x.dtype)
    out[...] = wide  # copies of whole image rows: a long inner loop
    return out.reshape(batchsize, height * sh, width * sw, channels)
