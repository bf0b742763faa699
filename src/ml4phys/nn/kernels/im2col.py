"""Windows as rows (im2col) and back (col2im): the data movement of a convolution.

For images x (B, H, W, C), padded by (top, bottom) and (left, right) zeros to x_pad, and a
kh x kw kernel moved by strides (sh, sw), row (b, p, q) of the column matrix holds the
window x_pad[b, p sh + i, q sw + j, c] in the order (i, j, c) of the kernel's axes, so
that a convolution is one matrix product:

    z[(b, p, q), o] = sum_{(i, j, c)} cols[(b, p, q), (i, j, c)] w[(i, j, c), o]

``im2col_reference`` and ``col2im_reference`` are plain NumPy (strided views of x_pad).
The fast paths:

* ``im2col`` writes into a buffer given by the caller, by NumPy's strided copy; with
  one channel it fills the transposed matrix instead, a row per kernel offset (i, j)
  with runs of wo contiguous numbers (twice as fast), and returns its transpose, a
  Fortran-ordered view that the matrix products take as it is. (Compiled loops were
  slower here: 1.1 against 0.5 ms for W10's second layer, one thread.)
* ``col2im`` is a compiled loop (numba) over the samples: each window row
  added back where it came from, straight into the unpadded dx (what fell on the
  padding is dropped); 0.4 against 4.2 ms for NumPy's reference on W10's second layer.

* In a training step on two batch halves (``threads``), each half of a layer with
  several input channels fills its columns chunk by chunk into a buffer of its own,
  small enough to stay in the core's cache, by a compiled loop (``_fill_windows``), and
  multiplies each chunk at once (numba's BLAS calls, on one thread):
  ``columns_product_halves``, ``kernel_gradient_halves`` (the columns made again) and
  ``input_gradient_halves`` (each chunk's dcols added back by col2im).

For kernels with one or two output channels, ``correlate_direct`` and
``kernel_gradient_direct`` sum directly, without a column matrix.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import threads
from ._jit import njit, prange

__all__ = [
    "col2im",
    "col2im_reference",
    "columns_product_halves",
    "compiled",
    "im2col",
    "im2col_reference",
    "input_gradient_halves",
    "kernel_gradient_halves",
    "output_size",
    "padded",
]


def output_size(x_shape, kernel, strides):
    """(ho, wo) of a valid correlation: floor((n - k) / s) + 1 per axis."""
    return tuple((n - k) // s + 1 for n, k, s in zip(x_shape[1:3], kernel, strides))


def im2col_reference(x_pad, kh, kw, strides=(1, 1)):
    """cols (B Ho Wo, kh kw C), rows (b, p, q), columns (i, j, c): a strided-view copy."""
    sh, sw = strides
    windows = sliding_window_view(x_pad, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    batchsize, ho, wo = windows.shape[:3]
    # (B, Ho, Wo, C, kh, kw) -> (B, Ho, Wo, kh, kw, C): the kernel's (i, j, c) order
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(batchsize * ho * wo, -1)


def col2im_reference(dcols, padded_shape, kh, kw, strides=(1, 1)):
    """Adjoint of im2col: each window row added back where it came from."""
    sh, sw = strides
    batchsize, _hp, _wp, channels = padded_shape
    ho, wo = output_size(padded_shape, (kh, kw), strides)
    dcols = dcols.reshape(batchsize, ho, wo, kh, kw, channels)
    dx_pad = np.zeros(padded_shape, dcols.dtype)
    for i in range(kh):
        for j in range(kw):  # dx[p s + i, q s + j] += dcols[p, q, i, j]
            dx_pad[
                :, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw
            ] += dcols[:, :, :, i, j]
    return dx_pad


def padded(x, pads):
    """x (B, H, W, C) with ``pads`` ((top, bottom), (left, right)) zeros around each image."""
    if not any(pads[0]) and not any(pads[1]):
        return x
    return np.pad(x, ((0, 0), *pads, (0, 0)))


def compiled():
    """True where the compiled loops exist (numba is installed)."""
    return _add_window_rows is not None


def im2col(x, kernel, strides, pads, out):
    """The column matrix of x padded by ``pads``, written into ``out`` (a flat buffer of
    at least B Ho Wo kh kw C numbers); returns it as (B Ho Wo, kh kw C), Fortran-ordered
    for one channel.
    """
    (kh, kw), (sh, sw), ((top, bottom), (left, right)) = kernel, strides, pads
    batchsize, height, width, channels = x.shape
    ho, wo = output_size(
        (batchsize, height + top + bottom, width + left + right), kernel, strides
    )
    size = batchsize * ho * wo * kh * kw * channels
    x_pad = padded(x, pads)
    if channels == 1:
        cols_t = out[:size].reshape(kh * kw, batchsize * ho * wo)
        _window_columns(x_pad, kernel, strides, ho, wo, cols_t)
        return cols_t.T
    windows = sliding_window_view(x_pad, kernel, axis=(1, 2))[:, ::sh, ::sw]
    cols = out[:size].reshape(batchsize, ho, wo, kh, kw, channels)
    np.copyto(cols, windows.transpose(0, 1, 2, 4, 5, 3))  # runs of C numbers
    return cols.reshape(batchsize * ho * wo, kh * kw * channels)


def col2im(dcols, kernel, strides, pads, dx):
    """dx (B, H, W, C), unpadded: the sum of the window rows dcols where they came from
    (what fell on the padding is dropped); returns dx.
    """
    (kh, kw), (sh, sw), ((top, _), (left, _)) = kernel, strides, pads
    height, width = dx.shape[1:3]
    ho, wo = output_size(
        (0, height + sum(pads[0]), width + sum(pads[1])), kernel, strides
    )
    kernel = _add_window_rows_halves if threads.halves() else _add_window_rows
    kernel(np.ascontiguousarray(dcols), kh, kw, sh, sw, top, left, ho, wo, dx)
    return dx


def _window_columns(x_pad, kernel, strides, ho, wo, cols_t):
    """One channel: cols_t[(i, j), (b, p, q)] = x_pad[b, p sh + i, q sw + j, 0].

    A NumPy copy per kernel offset of runs of wo pixels (faster than numba's loop here,
    whose row slices of a few pixels each cost more than their copies).
    """
    (kh, kw), (sh, sw) = kernel, strides
    image = x_pad[..., 0]
    offsets = cols_t.reshape(kh, kw, len(x_pad), ho, wo)
    for i in range(kh):
        for j in range(kw):
            offsets[i, j] = image[
                :, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw
            ]


@njit()
def _add_window_rows(dcols, kh, kw, sh, sw, top, left, ho, wo, dx):
    """dx[b, p sh + i - top, q sw + j - left, c] += dcols[(b, p, q), (i, j, c)], inside."""
    batchsize, height, width, channels = dx.shape
    image_rows = dx.reshape(batchsize, height, width * channels)
    run = kw * channels
    for b in range(batchsize):
        image_rows[b] = 0
        for p in range(ho):
            for q in range(wo):
                r = (b * ho + p) * wo + q
                v = q * sw - left
                j_lo, j_hi = max(0, -v), min(kw, width - v)
                for i in range(kh):
                    u = p * sh + i - top
                    if u < 0 or u >= height or j_lo >= j_hi:
                        continue
                    source = dcols[r, i * run + j_lo * channels :]
                    target = image_rows[b, u, (v + j_lo) * channels :]
                    for t in range((j_hi - j_lo) * channels):
                        target[t] += source[t]


@njit(parallel=True)
def _add_window_rows_halves(dcols, kh, kw, sh, sw, top, left, ho, wo, dx):
    """``_add_window_rows`` on the two halves of the batch at once (``threads``)."""
    half, rows = (len(dx) + 1) // 2, ho * wo  # rows of dcols per sample
    for k in prange(2):
        start, stop = k * half, min(len(dx), (k + 1) * half)
        part = dcols[start * rows : stop * rows]
        _add_window_rows(part, kh, kw, sh, sw, top, left, ho, wo, dx[start:stop])


@njit()
def _fill_windows(x, kh, kw, sh, sw, top, left, ho, wo, cols):
    """cols[(b, p, q), (i, j, c)] = x[b, p sh + i - top, q sw + j - left, c], 0 outside
    x: the column matrix (C-ordered), by a compiled loop (``columns_product_halves``).
    """
    batchsize, height, width, channels = x.shape
    image_rows = x.reshape(batchsize, height, width * channels)
    run = kw * channels
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                r = (b * ho + p) * wo + q
                v = q * sw - left
                j_lo, j_hi = max(0, -v), max(0, min(kw, width - v))
                for i in range(kh):
                    u = p * sh + i - top
                    row = cols[r, i * run : (i + 1) * run]
                    if u < 0 or u >= height or j_lo >= j_hi:
                        row[:] = 0
                        continue
                    row[: j_lo * channels] = 0
                    row[j_hi * channels :] = 0
                    source = image_rows[b, u, (v + j_lo) * channels :]
                    target = row[j_lo * channels :]
                    for t in range((j_hi - j_lo) * channels):
                        target[t] = source[t]


# -- the two halves of a batch at once (``threads``), each half in chunks of samples whose
# columns fit a buffer of its own: written and read while they are in the core's cache


@njit()
def _half_chunks(batchsize, k, step):
    """(start, stop) of the chunks of ``step`` samples that make up half k of the batch."""
    half = (batchsize + 1) // 2
    start, stop = k * half, min(batchsize, (k + 1) * half)
    return [(s, min(stop, s + step)) for s in range(start, stop, step)]


@njit(parallel=True)
def columns_product_halves(
    x, kh, kw, sh, sw, top, left, ho, wo, w_flat, buffers, z_flat
):
    """z_flat = cols @ w_flat, cols the column matrix of x, chunk by chunk on each half of
    the batch (``buffers`` (2, rows, kh kw C): one per half, whole samples' rows).
    """
    rows = ho * wo  # rows of cols per sample
    for k in prange(2):
        for s, e in _half_chunks(len(x), k, buffers.shape[1] // rows):
            cols = buffers[k, : (e - s) * rows]
            _fill_windows(x[s:e], kh, kw, sh, sw, top, left, ho, wo, cols)
            np.dot(cols, w_flat, z_flat[s * rows : e * rows])


@njit(parallel=True)
def kernel_gradient_halves(x, kh, kw, sh, sw, top, left, ho, wo, dz_flat, buffers, dw):
    """dw[k] = cols^T dz_flat over the samples of half k, the columns made again chunk by
    chunk (``buffers`` as in ``columns_product_halves``); the kernel gradient is
    dw[0] + dw[1].
    """
    rows = ho * wo
    for k in prange(2):
        term = np.empty(dw.shape[1:], dw.dtype)
        dw[k] = 0
        for s, e in _half_chunks(len(x), k, buffers.shape[1] // rows):
            cols = buffers[k, : (e - s) * rows]
            _fill_windows(x[s:e], kh, kw, sh, sw, top, left, ho, wo, cols)
            np.dot(cols.T, dz_flat[s * rows : e * rows], term)
            dw[k] += term


@njit(parallel=True)
def input_gradient_halves(dz_flat, w_t, kh, kw, sh, sw, top, left, ho, wo, buffers, dx):
    """dcols = dz_flat @ w_t and its window rows added back into dx (col2im), chunk by
    chunk on each half of the batch (``buffers`` (2, rows, kh kw C)).
    """
    rows = ho * wo
    for k in prange(2):
        for s, e in _half_chunks(len(dx), k, buffers.shape[1] // rows):
            dcols = buffers[k, : (e - s) * rows]
            np.dot(dz_flat[s * rows : e * rows], w_t, dcols)
            _add_window_rows(dcols, kh, kw, sh, sw, top, left, ho, wo, dx[s:e])


# -- few output channels: the sums directly, no column matrix --------------------------


@njit(fastmath=True)
def correlate_direct(x, w_rows, sh, sw, top, left, z):
    """z[b, p, q, o] = sum_{i, (j c)} x[b, p sh + i - top, q sw + j - left, c]
    w_rows[o, i, (j c)], 0 outside x; w_rows is w (kh, kw, C, c_out) as (c_out, kh, kw C).
    """
    batchsize, height, width, channels = x.shape
    _, kh, run = w_rows.shape
    kw = run // channels
    _, ho, wo, c_out = z.shape
    image_rows = x.reshape(batchsize, height, width * channels)
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                v = q * sw - left
                j_lo, j_hi = max(0, -v), min(kw, width - v)
                for o in range(c_out):
                    total = 0.0
                    for i in range(kh):
                        u = p * sh + i - top
                        if u < 0 or u >= height:
                            continue
                        pixels = image_rows[b, u, (v + j_lo) * channels :]
                        weights = w_rows[o, i, j_lo * channels :]
                        for t in range((j_hi - j_lo) * channels):
                            total += pixels[t] * weights[t]
                    z[b, p, q, o] = total


@njit()
def kernel_gradient_direct(x, dz, sh, sw, top, left, dw_rows):
    """dw_rows[o, i, (j c)] = sum_{b, p, q} x[b, p sh + i - top, q sw + j - left, c]
    dz[b, p, q, o], 0 outside x: the kernel gradient as (c_out, kh, kw C), summed into.
    """
    batchsize, height, width, channels = x.shape
    _, kh, run = dw_rows.shape
    kw = run // channels
    _, ho, wo, c_out = dz.shape
    image_rows = x.reshape(batchsize, height, width * channels)
    for b in range(batchsize):
        for p in range(ho):
            for q in range(wo):
                v = q * sw - left
                j_lo, j_hi = max(0, -v), min(kw, width - v)
                for o in range(c_out):
                    delta = dz[b, p, q, o]
                    for i in range(kh):
                        u = p * sh + i - top
                        if u < 0 or u >= height:
                            continue
                        pixels = image_rows[b, u, (v + j_lo) * channels :]
                        target = dw_rows[o, i, j_lo * channels :]
                        for t in range((j_hi - j_lo) * channels):
                            target[t] += delta * pixels[t]
