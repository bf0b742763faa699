"""Pooling and upsampling kernels over blocks of pixels (non-overlapping ph x pw pools).

Images are (B, H, W, C); ``blocks`` is the view (B, ho, ph, wo, pw, C) of the pools::

    max_of_blocks:        y[b, p, q, c] = max_{i, j} x[b, p ph + i, q pw + j, c]
    max_blocks_backward:  dx = delta at the first maximum of each pool (row-major, as
                          PyTorch and TensorFlow), 0 elsewhere
    sum_of_blocks:        y[b, p, q, c] = sum_{i, j} x[b, p ph + i, q pw + j, c]
    repeat_blocks:        y[b, p sh + i, q sw + j, c] = x[b, p, q, c]

References are NumPy reductions over the block axes (and argmax for the backward pass);
the fast paths loop over the ph + pw block rows and columns of whole views (NumPy's own
reduction over axes (2, 4) runs an inner loop of only C values and is several times
slower). The max pool's two passes are compiled loops over the samples where numba is
installed (the convolutions load numba anyway); the backward pass is one row-major pass
that gives each pool's delta to its first maximum and writes every element of dx once
(one thread, a batch of 100, ``benchmarks/kernels_ab.py``: W5's first pool, C = 16,
0.70 ms against 3.1 ms for the view loop's NumPy passes; W10's, C = 6, 0.81 against
0.99 ms, and 9% less time per batch in W10's training).
"""

from __future__ import annotations

import numpy as np

from . import fast, threads
from ._jit import njit, prange

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
    """The maximum of each pool: blocks (B, ho, ph, wo, pw, C) -> (B, ho, wo, C)."""
    return blocks.max(axis=(2, 4))


def sum_of_blocks_reference(blocks):
    """The sum of each pool: blocks (B, ho, ph, wo, pw, C) -> (B, ho, wo, C)."""
    return blocks.sum(axis=(2, 4))


def repeat_blocks_reference(x, sh, sw):
    """Each pixel repeated sh x sw times (upsampling; the average pool's backward)."""
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


def max_of_blocks(blocks):
    """The maximum of each pool (``max_of_blocks_reference``, fast)."""
    if not fast():
        return max_of_blocks_reference(blocks)
    if _max_compiled is not None and blocks.dtype.kind == "f":
        batchsize, ho, _, wo, _, channels = blocks.shape
        y = np.empty((batchsize, ho, wo, channels), blocks.dtype)
        (_max_halves if threads.halves() else _max_compiled)(blocks, y)
        return y
    return _reduce_views(blocks, np.maximum)


def max_blocks_backward(blocks, y, delta):
    """dC/dx as blocks (B, ho, ph, wo, pw, C), a fresh contiguous array.

    A loop over the ph*pw offsets of whole views: the first offset whose value equals the
    pool's maximum takes the delta, the others get 0.
    """
    if not fast():
        return max_blocks_backward_reference(blocks, y, delta)
    dx = np.empty(blocks.shape, np.result_type(blocks, delta))
    if _max_backward_compiled is not None and dx.dtype.kind == "f":
        kernel = _max_backward_halves if threads.halves() else _max_backward_compiled
        kernel(blocks, y, delta.astype(dx.dtype, copy=False), dx)
        return dx
    taken = np.zeros(y.shape, bool)  # pools whose maximum is found already
    mine = np.empty(y.shape, bool)
    for i in range(blocks.shape[2]):
        for j in range(blocks.shape[4]):
            np.equal(blocks[:, :, i, :, j], y, out=mine)
            np.greater(mine, taken, out=mine)  # the maximum, and none before it
            taken |= mine
            np.multiply(delta, mine, out=dx[:, :, i, :, j])
    return dx


def sum_of_blocks(blocks):
    """The sum of each pool (``sum_of_blocks_reference``, fast)."""
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


@njit()
def _max_compiled(blocks, y):
    """y[b, p, q, c] = max_{i, j} blocks[b, p, i, q, j, c]."""
    batchsize, ho, ph, wo, pw, channels = blocks.shape
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                for c in range(channels):
                    y[b, p, q, c] = blocks[b, p, 0, q, 0, c]
            for i in range(ph):
                for q in range(wo):
                    for j in range(pw):
                        for c in range(channels):
                            y[b, p, q, c] = max(y[b, p, q, c], blocks[b, p, i, q, j, c])


@njit()
def _max_backward_compiled(blocks, y, delta, dx):
    """dx = delta at the first (row-major) maximum of each pool, 0 elsewhere: one pass
    in row-major order, ``free`` 1 for the pools whose maximum is not found yet.
    """
    batchsize, ho, ph, wo, pw, channels = blocks.shape
    free = np.empty((wo, channels), dx.dtype)
    for b in range(batchsize):
        for p in range(ho):
            free[:] = 1.0
            for i in range(ph):
                for q in range(wo):
                    for j in range(pw):
                        for c in range(channels):
                            top = blocks[b, p, i, q, j, c] == y[b, p, q, c]
                            hit = top * free[q, c]
                            free[q, c] -= hit
                            dx[b, p, i, q, j, c] = delta[b, p, q, c] * hit


@njit(parallel=True)
def _max_halves(blocks, y):
    """``_max_compiled`` on the two halves of the batch at once (``threads``)."""
    half = (len(y) + 1) // 2
    for k in prange(2):
        part = slice(k * half, min(len(y), (k + 1) * half))
        _max_compiled(blocks[part], y[part])


@njit(parallel=True)
def _max_backward_halves(blocks, y, delta, dx):
    """``_max_backward_compiled`` on the two halves of the batch at once."""
    half = (len(y) + 1) // 2
    for k in prange(2):
        part = slice(k * half, min(len(y), (k + 1) * half))
        _max_backward_compiled(blocks[part], y[part], delta[part], dx[part])
