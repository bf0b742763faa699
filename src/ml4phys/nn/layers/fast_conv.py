"""The fast stride-1 convolution (lecture: "Convolutional Networks"), tested equal to im2col.

Flatten the padded batch x_pad (B, Hp, Wp, C) to rows r = (b Hp + p) Wp + q. Then pixel
(p + i, q + j) is row r + i Wp + j: every kernel offset (i, j) is a *contiguous* block of
rows, so nothing is gathered. Outputs are computed on the whole padded grid and the
wrap-around rows (q >= Wo or p >= Ho) are dropped:

    z[r] = sum_{i, j} x[r + i Wp + j] @ w[i, j]          (c_in -> c_out per offset)

Per layer, the cheapest way to sum the kh*kw offsets:

* "columns" (few input channels): copy the kh*kw shifted views of the images into a
  column matrix (kh*kw*C, B*Ho*Wo), one product; kept for the kernel gradient;
* "outputs" (few output channels): ``P = x @ [w_00 ... w_kk]`` once, then add shifted blocks;
* "products": kh*kw shifted products ``x[block] @ w[i, j]``, accumulated.

Matrix products run on stacks of 1024-row blocks (OpenBLAS is slow on one tall, thin
product), the batch is split into chunks that keep buffers under ``BUFFER_BYTES``; with
``ML4PHYS_NUM_THREADS=n`` the chunks run on n threads (NumPy releases the GIL; each chunk
writes its own rows).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = [
    "BUFFER_BYTES",
    "num_threads",
    "correlate",
    "kernel_gradient",
    "input_gradient",
]

BUFFER_BYTES = 64 * 2**20  # bound on the column / product buffers of all chunks at once
_FEW_CHANNELS = 8  # below this many channels, columns or one product beat shifted sums
# (products of k = c_in < 8 columns are slow in BLAS: LeNet's 6 -> 16 filters 5x5
# trained 2.3x faster per batch with columns than with 25 shifted products)
_BLOCK_ROWS = 1024  # rows per product in a stack of matrix products
_MIN_CHUNK = 8  # samples: smaller chunks cost more in overhead than threads gain
_pool = None  # (threads, ThreadPoolExecutor), made on first use


def num_threads():
    """Threads for the batch chunks: $ML4PHYS_NUM_THREADS, else 1.

    Opt-in: on the 2-core development machine, two threads did not pay off at batch 100
    (the chunks are small and many operations are memory-bound), so the default is one.
    """
    value = os.environ.get("ML4PHYS_NUM_THREADS", "")
    return max(1, int(value)) if value.isdigit() else 1


def _map(function, items):
    """[function(item) ...], on the thread pool when there are several items."""
    global _pool
    threads = num_threads()
    if threads == 1 or len(items) == 1:
        return [function(item) for item in items]
    if _pool is None or _pool[0] != threads:
        _pool = (
            threads,
            ThreadPoolExecutor(threads, thread_name_prefix="ml4phys-conv"),
        )
    return list(_pool[1].map(function, items))


def _chunks(batchsize, bytes_per_sample):
    """Batch slices: one per thread, more if the buffers would pass BUFFER_BYTES."""
    threads = min(num_threads(), max(1, batchsize // _MIN_CHUNK))
    step = min(
        -(-batchsize // threads),
        max(1, int(BUFFER_BYTES // max(bytes_per_sample * threads, 1))),
    )
    return [slice(start, start + step) for start in range(0, batchsize, step)]


def _offsets(kh, kw, wp):
    return [i * wp + j for i in range(kh) for j in range(kw)]


def _strategy(c_in, c_out):
    if c_in < _FEW_CHANNELS and c_in <= c_out:
        return "columns"
    if c_out < _FEW_CHANNELS:
        return "outputs"
    return "products"


def _row_blocks(a, rows=_BLOCK_ROWS):
    """View (m // rows, rows, k) of the first m = rows * (n // rows) rows of a 2-D a."""
    m = len(a) - len(a) % rows
    return as_strided(
        a,
        (m // rows, rows, a.shape[1]),
        (rows * a.strides[0], a.strides[0], a.strides[1]),
        writeable=False,
    )


def _matmul(a, b, out):
    """out = a @ b for a (n, k), as a stack of products of _BLOCK_ROWS rows each."""
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
    ``keep_columns`` and few input channels, the column matrices of the batch chunks,
    ``[(slice, (kh*kw*C, n) array), ...]``, come back for the kernel gradient (if they
    fit in ``BUFFER_BYTES``; otherwise None and the kernel gradient does without).
    """
    batchsize, hp, wp, channels = x_pad.shape
    kh, kw, _, c_out = w.shape
    ho, wo = hp - kh + 1, wp - kw + 1
    strategy = _strategy(channels, c_out)
    dtype = np.result_type(x_pad, w)
    if strategy == "columns":  # only the valid output pixels
        z = np.empty((batchsize, ho, wo, c_out), dtype)
        per_pixel = kh * kw * channels * ho * wo / (hp * wp)
    else:  # the whole padded grid, wrap-around rows dropped at the end
        z = np.empty((batchsize, hp, wp, c_out), dtype)
        per_pixel = kh * kw * c_out if strategy == "outputs" else channels + c_out
    bias_row = None if b is None else np.tile(b, z.shape[2])

    def chunk(part):
        z_flat = z[part].reshape(-1, c_out)
        columns = None
        if strategy == "columns":
            columns = _columns(x_pad[part], kh, kw)
            # z_r = sum_{ijc} x[r + i Wp + j, c] w[i, j, c]: one product
            _matmul(columns.T, w.reshape(-1, c_out), z_flat)
        else:
            x_flat = np.ascontiguousarray(x_pad[part]).reshape(-1, channels)
            shifted_sum = (
                _shifted_sum_of_products
                if strategy == "products"
                else _shifted_sum_of_outputs
            )
            shifted_sum(x_flat, w, z_flat, wp)
        if bias_row is not None:  # z += b, as rows of pixels: a long inner loop
            z_flat.reshape(-1, len(bias_row))[...] += bias_row
        return part, (columns if keep else None)

    sample_bytes = x_pad.itemsize * hp * wp * per_pixel
    # keep the columns for the kernel gradient only while all of them fit the budget
    keep = (
        keep_columns
        and strategy == "columns"
        and (batchsize * sample_bytes <= BUFFER_BYTES)
    )
    kept = _map(chunk, _chunks(batchsize, sample_bytes))
    columns = kept if keep else None
    return z[:, :ho, :wo], columns


def _columns(x_pad, kh, kw):
    """Column matrix (kh*kw*C, n*Ho*Wo): block k = i kw + j holds x_pad shifted by (i, j).

    A loop over the kh*kw kernel offsets, each copying one shifted view of whole images
    (channels first): the windows are never gathered pixel by pixel.
    """
    n, hp, wp, channels = x_pad.shape
    ho, wo = hp - kh + 1, wp - kw + 1
    x_t = np.moveaxis(x_pad, 3, 0)  # (C, n, Hp, Wp), a view
    columns = np.empty((kh * kw * channels, n, ho, wo), x_pad.dtype)
    for i in range(kh):
        for j in range(kw):
            k = (i * kw + j) * channels
            columns[k : k + channels] = x_t[:, :, i : i + ho, j : j + wo]
    return columns.reshape(kh * kw * channels, -1)


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
        out += _matmul(x_flat[offset : offset + length], w[k // kw, k % kw], term)


def _shifted_sum_of_outputs(x_flat, w, z_flat, wp):
    """P = [w_0 ... w_K]^T x^T once, then z[r] = sum_k P[k, r + offset_k] (few outputs).

    P is kept channels-first, (kh*kw, c_out, N), so the shifted adds read whole rows.
    """
    kh, kw, channels, c_out = w.shape
    offsets = _offsets(kh, kw, wp)
    n = len(x_flat)
    length = n - offsets[-1]
    w_all = w.transpose(0, 1, 3, 2).reshape(kh * kw * c_out, channels)  # rows (i, j, o)
    products = (w_all @ x_flat.T).reshape(kh * kw, c_out, n)
    total = products[0, :, :length].copy()  # (c_out, L)
    for k, offset in enumerate(offsets[1:], start=1):
        total += products[k, :, offset : offset + length]
    z_flat[:length] = total.T
    z_flat[length:] = 0  # rows past the last output pixel: wrap-around, dropped


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
    offsets = _offsets(kh, kw, wp)
    strategy = _strategy(channels, c_out)

    def chunk(item):
        part, chunk_columns = item
        if chunk_columns is not None:  # dw = columns @ dz: one (blocked) product
            dz_flat = np.ascontiguousarray(dz[part]).reshape(-1, c_out)
            db = np.ones(len(dz_flat), dtype) @ dz_flat
            return _matmul_tn(chunk_columns.T, dz_flat).reshape(kernel_shape), db
        # dz on the padded grid, zero on the dropped wrap-around rows: (n, c_out)
        dz_grid = np.zeros((len(range(batchsize)[part]), hp, wp, c_out), dtype)
        dz_grid[:, :ho, :wo] = dz[part]
        db = (
            dz_grid.reshape(len(dz_grid), -1).sum(axis=0).reshape(-1, c_out).sum(axis=0)
        )
        dz_flat = dz_grid.reshape(-1, c_out)
        x_flat = np.ascontiguousarray(x_pad[part]).reshape(-1, channels)
        n = len(x_flat)
        if strategy == "outputs":  # D[k, u] = dz[u - offset_k], then dw = D x at once
            dz_t = (
                dz_flat.T
            )  # (c_out, n): rows, so that the shifted copies are whole rows
            shifted = np.zeros((kh * kw, c_out, n), dtype)
            for k, offset in enumerate(offsets):
                shifted[k, :, offset:] = dz_t[:, : n - offset]
            dw = _matmul_tn(shifted.reshape(-1, n).T, x_flat)  # (kh kw c_out, C)
            return dw.reshape(kh, kw, c_out, channels).transpose(0, 1, 3, 2), db
        length = n - offsets[-1]  # dw_k = x[r + offset_k]^T @ dz[r]: shifted blocks
        dw = np.stack(
            [
                _matmul_tn(x_flat[offset : offset + length], dz_flat[:length])
                for offset in offsets
            ]
        )
        return dw.reshape(kernel_shape), db

    if columns is None:
        per_pixel = channels + c_out + (kh * kw * c_out if strategy == "outputs" else 0)
        columns = [
            (part, None)
            for part in _chunks(batchsize, x_pad.itemsize * hp * wp * per_pixel)
        ]
    results = _map(chunk, columns)
    return sum(dw for dw, _ in results), sum(db for _, db in results)


def input_gradient(dz, w, pads=((0, 0), (0, 0))):
    """dx = dz correlated (full) with the flipped kernel (stride 1), padding cropped.

    dx_pad[b, u, v, c] = sum_{i, j, o} dz[b, u - i, v - j, o] w[i, j, c, o]: a valid
    correlation of dz, zero-padded by kh - 1 rows on each side, with the kernel turned by
    180 degrees and c_in <-> c_out swapped. Padding dz by kh - 1 - top and kh - 1 - bottom
    instead skips the rows of x_pad that were padding: returns dx (B, H, W, C).
    """
    kh, kw = w.shape[:2]
    (top, bottom), (left, right) = pads
    dz_pad = np.pad(
        dz,
        (
            (0, 0),
            (kh - 1 - top, kh - 1 - bottom),
            (kw - 1 - left, kw - 1 - right),
            (0, 0),
        ),
    )
    w_flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    return correlate(dz_pad, w_flipped)[0]
