"""The array work behind the convolutional layers (lecture: "Convolutional Networks").

All arrays are channels-last: images (batchsize, height, width, channels) and kernels
(kh, kw, c_in, c_out), as in Keras. A "valid" cross-correlation with stride 1 is

    z[b, p, q, o] = sum_{i, j, c} x_pad[b, p + i, q + j, c] w[i, j, c, o].

Two implementations, tested equal:

* the reference, ``im2col`` / ``col2im``: gather every kh x kw window into a row of a
  column matrix (strided views, any stride), one matrix product, and a scatter-add over the
  kh*kw kernel offsets for the input gradient;
* the fast stride-1 path (``correlate``, ``kernel_gradient``): flatten the padded batch to
  rows r = (b * Hp + p) * Wp + q. Then pixel (p + i, q + j) is row r + i * Wp + j, so every
  kernel offset is a *contiguous* block of rows and needs no gathering; outputs are
  computed on the whole padded grid and the wrap-around rows (q >= Wo or p >= Ho) dropped.
  Per layer it picks the cheapest way to sum the kh*kw offsets: columns when c_in is small,
  one product with all offsets' weights and shifted adds when c_out is small, otherwise a
  sum of kh*kw shifted matrix products. Large batches are done in chunks, so the buffers
  stay under ``BUFFER_BYTES``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

__all__ = ["reduce_blocks", "repeat_blocks", "BUFFER_BYTES", "output_length", "padding_amounts", "im2col", "col2im",
           "correlate", "kernel_gradient", "input_gradient", "conv_forward",
           "conv_kernel_gradient", "conv_input_gradient"]

BUFFER_BYTES = 64 * 2**20  # bound on a column / product buffer; larger batches are chunked
_FEW_CHANNELS = 4  # below this many channels, columns or one product beat shifted sums
_BLOCK_ROWS = 1024  # rows per product in a stack of matrix products


def output_length(length, kernel, stride, padding):
    """Keras' output size: ceil(n / s) for 'same', floor((n - k) / s) + 1 for 'valid'."""
    if padding == "same":
        return -(-length // stride)
    return (length - kernel) // stride + 1


def padding_amounts(length, kernel, stride, padding):
    """(before, after) zeros for 'same', as TensorFlow: the odd one goes after."""
    if padding != "same":
        return 0, 0
    total = max((output_length(length, kernel, stride, "same") - 1) * stride + kernel
                - length, 0)
    return total // 2, total - total // 2


# -- reference: im2col / col2im, any stride -------------------------------------------


def im2col(x_pad, kh, kw, strides=(1, 1)):
    """Windows as rows: (B, Hp, Wp, C) -> cols (B * Ho * Wo, kh * kw * C), order (i, j, c)."""
    sh, sw = strides
    windows = sliding_window_view(x_pad, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    batchsize, ho, wo, channels = windows.shape[:4]
    # (B, Ho, Wo, C, kh, kw) -> (B, Ho, Wo, kh, kw, C): the kernel's (i, j, c) order
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(batchsize * ho * wo, -1)


def col2im(dcols, padded_shape, kh, kw, strides=(1, 1)):
    """Adjoint of im2col: scatter-add each window row back; a loop over kh*kw offsets."""
    sh, sw = strides
    batchsize, hp, wp, channels = padded_shape
    ho, wo = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    dcols = dcols.reshape(batchsize, ho, wo, kh, kw, channels)
    dx_pad = np.zeros(padded_shape, dcols.dtype)
    for i in range(kh):
        for j in range(kw):  # dx[p s + i, q s + j] += dcols[p, q, i, j]
            dx_pad[:, i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw] += dcols[
                :, :, :, i, j]
    return dx_pad


# -- blocks of pixels: pooling and upsampling ---------------------------------------------


def reduce_blocks(blocks, ufunc=np.add):
    """(B, ho, ph, wo, pw, C) -> (B, ho, wo, C), reducing each block with ``ufunc``.

    A loop over ph + pw block rows and columns of whole views: numpy's own reduction over
    axes (2, 4) runs an inner loop of only C values and is several times slower.
    """
    rows = blocks[:, :, 0].copy()  # (B, ho, wo, pw, C)
    for i in range(1, blocks.shape[2]):
        ufunc(rows, blocks[:, :, i], out=rows)
    out = rows[:, :, :, 0].copy()  # (B, ho, wo, C)
    for j in range(1, blocks.shape[4]):
        ufunc(out, rows[:, :, :, j], out=out)
    return out


def repeat_blocks(x, sh, sw):
    """Each pixel as an sh x sw block of copies: (B, H, W, C) -> (B, H sh, W sw, C)."""
    batchsize, height, width, channels = x.shape
    wide = np.repeat(x, sw, axis=2).reshape(batchsize, height, 1, -1)  # (B, H, 1, W sw C)
    out = np.empty((batchsize, height, sh, wide.shape[3]), x.dtype)
    out[...] = wide  # copies of whole image rows: a long inner loop
    return out.reshape(batchsize, height * sh, width * sw, channels)


# -- fast stride-1 path on the flattened padded grid ------------------------------------


def _offsets(kh, kw, wp):
    return [i * wp + j for i in range(kh) for j in range(kw)]


def _chunks(batchsize, bytes_per_sample):
    """Batch slices whose buffers stay under BUFFER_BYTES."""
    step = max(1, int(BUFFER_BYTES // max(bytes_per_sample, 1)))
    return [slice(start, start + step) for start in range(0, batchsize, step)]


def _row_blocks(a, rows=_BLOCK_ROWS):
    """View (m // rows, rows, k) of the first m = rows * (n // rows) rows of a 2-D a."""
    m = len(a) - len(a) % rows
    return as_strided(a, (m // rows, rows, a.shape[1]),
                      (rows * a.strides[0], a.strides[0], a.strides[1]), writeable=False)


def _matmul(a, b, out):
    """out = a @ b, a (n, k), as a stack of products of _BLOCK_ROWS rows each.

    OpenBLAS is slow on one tall product with few columns (and erratic when its threads
    share busy cores); blocks of rows keep each product small and in cache.
    """
    blocks = _row_blocks(a)
    m = blocks.shape[0] * blocks.shape[1]
    if m:
        np.matmul(blocks, b, out=out[:m].reshape(blocks.shape[0], blocks.shape[1], -1))
    if m < len(a):
        np.matmul(a[m:], b, out=out[m:])
    return out


def _matmul_tn(a, b):
    """a^T @ b for a (n, k), b (n, p): a long sum over n, done block by block."""
    blocks_a, blocks_b = _row_blocks(a), _row_blocks(b)
    m = blocks_a.shape[0] * blocks_a.shape[1]
    total = a[m:].T @ b[m:]
    if m:
        total += np.matmul(blocks_a.transpose(0, 2, 1), blocks_b).sum(axis=0)
    return total


def correlate(x_pad, w, b=None, keep_columns=False):
    """Stride-1 valid cross-correlation z = x_pad (*) w + b; returns (z, columns or None).

    x_pad : (B, Hp, Wp, C), w : (kh, kw, C, c_out), b : (c_out,) or None ->
    z : (B, Ho, Wo, c_out), a view into a fresh (B, Hp, Wp, c_out) buffer. With
    ``keep_columns`` and few input channels, the column matrix (kh*kw*C, B*Hp*Wp) comes
    back for the kernel gradient.
    """
    batchsize, hp, wp, channels = x_pad.shape
    kh, kw, _, c_out = w.shape
    z = np.empty((batchsize, hp, wp, c_out), np.result_type(x_pad, w))
    strategy = _strategy(channels, c_out)
    per_pixel = {"columns": kh * kw * channels, "outputs": kh * kw * c_out,
                 "products": channels + c_out}[strategy]
    chunks = _chunks(batchsize, x_pad.itemsize * hp * wp * per_pixel)
    columns = None
    for part in chunks:
        x_flat = np.ascontiguousarray(x_pad[part]).reshape(-1, channels)
        z_flat = z[part].reshape(-1, c_out)
        if strategy == "columns":
            columns = _columns(x_flat, kh, kw, wp)
            # z_r = sum_{ijc} x[r + i Wp + j, c] w[i, j, c]: one product
            _matmul(columns.T, w.reshape(-1, c_out), z_flat)
        elif strategy == "products":
            _shifted_sum_of_products(x_flat, w, z_flat, wp)
        else:
            _shifted_sum_of_outputs(x_flat, w, z_flat, wp)
    if b is not None:  # z += b, as rows of Wp pixels: a long inner loop
        z.reshape(batchsize * hp, wp * c_out)[...] += np.tile(b, wp)
    kept = columns if keep_columns and len(chunks) == 1 else None
    return z[:, :hp - kh + 1, :wp - kw + 1], kept


def _strategy(c_in, c_out):
    if c_in < _FEW_CHANNELS and c_in <= c_out:
        return "columns"
    if c_out < _FEW_CHANNELS:
        return "outputs"
    return "products"


def _columns(x_flat, kh, kw, wp):
    """Row block k = i kw + j holds x shifted by i Wp + j: (kh*kw*C, N), no gathering."""
    n, channels = x_flat.shape
    x_t = x_flat.T  # (C, N), copied below block by block
    columns = np.empty((kh * kw * channels, n), x_flat.dtype)
    for k, offset in enumerate(_offsets(kh, kw, wp)):
        block = columns[k * channels:(k + 1) * channels]
        block[:, :n - offset] = x_t[:, offset:]
        block[:, n - offset:] = 0  # past the last image: only wrap-around outputs use it
    return columns


def _shifted_sum_of_products(x_flat, w, z_flat, wp):
    """z[r] = sum_k x[r + offset_k] @ w_k: kh*kw products of contiguous row blocks."""
    kh, kw, channels, c_out = w.shape
    offsets = _offsets(kh, kw, wp)
    length = len(x_flat) - offsets[-1]
    z_flat[length:] = 0  # rows past the last output pixel: wrap-around, dropped
    out = z_flat[:length]
    _matmul(x_flat[:length], w[0, 0], out)
    term = np.empty_like(out)
    for k, offset in enumerate(offsets[1:], start=1):
        out += _matmul(x_flat[offset:offset + length], w[k // kw, k % kw], term)


def _shifted_sum_of_outputs(x_flat, w, z_flat, wp):
    """P = x @ [w_0 ... w_K] once, then z[r] = sum_k P[r + offset_k, k] (few outputs)."""
    kh, kw, channels, c_out = w.shape
    offsets = _offsets(kh, kw, wp)
    length = len(x_flat) - offsets[-1]
    # (C, kh*kw*c_out): every offset's weights side by side
    w_all = w.transpose(2, 0, 1, 3).reshape(channels, -1)
    products = _matmul(x_flat, w_all, np.empty((len(x_flat), w_all.shape[1]), z_flat.dtype))
    products = products.reshape(len(x_flat), kh * kw, c_out)
    z_flat[length:] = 0  # rows past the last output pixel: wrap-around, dropped
    out = z_flat[:length]
    out[...] = products[:length, 0]
    for k, offset in enumerate(offsets[1:], start=1):
        out += products[offset:offset + length, k]


def kernel_gradient(x_pad, dz, kernel_shape, columns=None):
    """dw[i, j, c, o] = sum_{b, p, q} x_pad[b, p + i, q + j, c] dz[b, p, q, o] (stride 1).

    x_pad : (B, Hp, Wp, C), dz : (B, Ho, Wo, c_out); ``columns`` from ``correlate``.
    Returns the sums over the batch (not the means) of dw, shape ``kernel_shape``, and
    of db = sum_{b, p, q} dz[b, p, q], shape (c_out,).
    """
    kh, kw, channels, c_out = kernel_shape
    batchsize, hp, wp, _ = x_pad.shape
    ho, wo = dz.shape[1:3]
    dtype = np.result_type(x_pad, dz)
    # dz on the padded grid, zero on the dropped wrap-around rows: (B Hp Wp, c_out)
    dz_grid = np.zeros((batchsize, hp, wp, c_out), dtype)
    dz_grid[:, :ho, :wo] = dz
    dz_flat = dz_grid.reshape(-1, c_out)
    db = np.ones(hp * wp, dtype) @ dz_grid.reshape(batchsize, -1, c_out).sum(axis=0)
    if columns is not None:  # dw = columns @ dz: one (blocked) product
        return _matmul_tn(columns.T, dz_flat).reshape(kernel_shape), db
    dw = np.zeros(kernel_shape, dtype)
    dw_flat = dw.reshape(kh * kw, channels, c_out)
    offsets = _offsets(kh, kw, wp)
    strategy = _strategy(channels, c_out)
    per_pixel = channels + (kh * kw * c_out if strategy == "outputs" else 0)
    for part in _chunks(batchsize, x_pad.itemsize * hp * wp * per_pixel):
        x_flat = np.ascontiguousarray(x_pad[part]).reshape(-1, channels)
        n = len(x_flat)
        dz_part = dz_grid[part].reshape(n, c_out)
        length = n - offsets[-1]
        if strategy == "outputs":  # D[u, k] = dz[u - offset_k], then dw = x^T D at once
            shifted = np.zeros((n, kh * kw, c_out), dtype)
            for k, offset in enumerate(offsets):
                shifted[offset:, k] = dz_part[:n - offset]
            dw_flat += _matmul_tn(x_flat, shifted.reshape(n, -1)).reshape(
                channels, kh * kw, c_out).transpose(1, 0, 2)
        else:  # dw_k = x[r + offset_k]^T @ dz[r]: shifted contiguous blocks
            for k, offset in enumerate(offsets):
                dw_flat[k] += _matmul_tn(x_flat[offset:offset + length], dz_part[:length])
    return dw, db


def input_gradient(dz, w, pads=((0, 0), (0, 0))):
    """dx = dz correlated (full) with the flipped kernel (stride 1), padding cropped.

    dx_pad[b, u, v, c] = sum_{i, j, o} dz[b, u - i, v - j, o] w[i, j, c, o]: a valid
    correlation of dz, zero-padded by kh - 1 rows on each side, with the kernel turned by
    180 degrees and c_in <-> c_out swapped. Padding dz by kh - 1 - top and kh - 1 - bottom
    instead skips the rows of x_pad that were padding: returns dx (B, H, W, C).
    """
    kh, kw = w.shape[:2]
    (top, bottom), (left, right) = pads
    dz_pad = np.pad(dz, ((0, 0), (kh - 1 - top, kh - 1 - bottom),
                         (kw - 1 - left, kw - 1 - right), (0, 0)))
    w_flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    return correlate(dz_pad, w_flipped)[0]


# -- any stride: the fast path for stride 1, im2col / col2im otherwise ------------------


def conv_forward(x_pad, w, b, strides, keep_columns=False):
    """Valid correlation with strides: z (B, Ho, Wo, c_out) and columns (or None)."""
    if tuple(strides) == (1, 1):
        return correlate(x_pad, w, b, keep_columns)
    kh, kw, _, c_out = w.shape
    columns = im2col(x_pad, kh, kw, strides)  # (B Ho Wo, kh kw C)
    batchsize = len(x_pad)
    ho, wo = ((n - k) // s + 1 for n, k, s in zip(x_pad.shape[1:3], (kh, kw), strides))
    z = (columns @ w.reshape(-1, c_out)).reshape(batchsize, ho, wo, c_out)
    if b is not None:
        z += b
    return z, (columns if keep_columns else None)


def conv_kernel_gradient(x_pad, dz, kernel_shape, strides, columns=None):
    """Batch sums of dw (kh, kw, C, c_out) and db (c_out,): x_pad windows times dz."""
    if tuple(strides) == (1, 1):
        return kernel_gradient(x_pad, dz, kernel_shape, columns)
    if columns is None:
        columns = im2col(x_pad, *kernel_shape[:2], strides)
    dz_flat = dz.reshape(-1, kernel_shape[3])
    # dw_(ijc),o = sum_rows cols[row, ijc] dz[row, o]
    dw = (columns.T @ dz_flat).reshape(kernel_shape)
    return dw, np.ones(len(dz_flat), dz.dtype) @ dz_flat


def conv_input_gradient(dz, w, strides, padded_shape, pads):
    """dC/dx for x of shape padded_shape minus the pads ((top, bottom), (left, right))."""
    (top, bottom), (left, right) = pads
    if tuple(strides) == (1, 1) and padded_shape[1] - w.shape[0] + 1 == dz.shape[1] \
            and padded_shape[2] - w.shape[1] + 1 == dz.shape[2]:
        return input_gradient(dz, w, pads)
    kh, kw, _, c_out = w.shape
    dcols = dz.reshape(-1, c_out) @ w.reshape(-1, c_out).T  # dC/dcols = dz w^T
    dx_pad = col2im(dcols, padded_shape, kh, kw, strides)
    return dx_pad[:, top:padded_shape[1] - bottom, left:padded_shape[2] - right]
