"""Few output channels, stride 1: the correlation summed along whole image rows.

With c_out = 1 or 2 (an autoencoder's last layer) a column matrix would feed a product
only c_out columns wide, so ``kernels.conv`` sums such layers directly. Summed pixel by
pixel (``im2col.correlate_direct``) each output is a dot product of kw C numbers per
kernel row, whose vector lanes must be added up again for every pixel. Here, with stride
1, a whole output row p is built at once: with the image row x[p + i] read as one run of
W C numbers (pixel-major, channels inside), kernel offset (i, j) adds

    acc[q C + c] += x[p + i, q + j - left, c] w[i, j, c, o]      for all q, c at once

a multiply-add of two runs of wo C numbers (the kernel row's C weights repeated wo times,
``tiled``) that the compiler vectorizes; after the kh kw offsets each output pixel sums
its C lanes once: z[p, q, o] = b[o] + sum_c acc[q C + c]. Padding is skipped, not stored
(rows outside the image add nothing; the ends of a row are cut from the run).
``benchmarks/kernels_ab.py rows`` measures it against the pixel-by-pixel sums.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange

__all__ = ["correlate_rows", "correlate_rows_halves", "kernel_gradient_rows", "tiled"]


def tiled(w, wo):
    """w (kh, kw, C, c_out) as (kh, kw, c_out, wo C): each kernel row's C weights wo times."""
    by_output = np.ascontiguousarray(w.transpose(0, 1, 3, 2))  # (kh, kw, c_out, C)
    return np.ascontiguousarray(np.tile(by_output, (1, 1, 1, wo)))


@njit(fastmath=True)
def correlate_rows(x, w_tiled, bias, top, left, z):
    """z[b, p, q, o] = b[o] + sum_{i, j, c} x[b, p + i - top, q + j - left, c] w[i, j, c, o]
    (0 outside x), for w_tiled = ``tiled(w, wo)``; stride 1.
    """
    batchsize, height, width, channels = x.shape
    _, ho, wo, c_out = z.shape
    kh, kw, _, n = w_tiled.shape  # n = wo C
    rows = x.reshape(batchsize, height, width * channels)
    acc = np.empty(n, z.dtype)
    for b in range(batchsize):
        for p in range(ho):
            for o in range(c_out):
                acc[:] = 0.0
                for i in range(kh):
                    u = p + i - top
                    if u < 0 or u >= height:
                        continue  # a padding row
                    row = rows[b, u]
                    for j in range(kw):
                        shift = (j - left) * channels  # acc[t] meets row[t + shift]
                        lo, hi = max(0, -shift), min(n, width * channels - shift)
                        # views from lo on: indices that cannot be negative vectorize
                        target, weights = acc[lo:hi], w_tiled[i, j, o, lo:hi]
                        source = row[lo + shift : hi + shift]
                        for t in range(hi - lo):
                            target[t] += source[t] * weights[t]
                for q in range(wo):
                    total = bias[o]
                    for c in range(channels):
                        total += acc[q * channels + c]
                    z[b, p, q, o] = total


@njit(parallel=True)
def correlate_rows_halves(x, w_tiled, bias, top, left, z):
    """``correlate_rows`` on the two halves of the batch at once (``threads``)."""
    half = (len(z) + 1) // 2
    for k in prange(2):
        part = slice(k * half, min(len(z), (k + 1) * half))
        correlate_rows(x[part], w_tiled, bias, top, left, z[part])


@njit(fastmath=True)
def _kernel_gradient_sums(x, dz, top, left, acc):
    """acc[i, j, o, q C + c] += sum_{b, p} x[b, p + i - top, q + j - left, c] dz[b, p, q, o]
    (0 outside x); then dw[i, j, c, o] = sum_q acc[i, j, o, q C + c] (``kernel_gradient_rows``).
    """
    batchsize, height, width, channels = x.shape
    _, ho, wo, c_out = dz.shape
    kh, kw, _, n = acc.shape  # n = wo C
    rows = x.reshape(batchsize, height, width * channels)
    spread = np.empty(n, acc.dtype)  # the output row's deltas, each repeated C times
    for b in range(batchsize):
        for p in range(ho):
            for o in range(c_out):
                for q in range(wo):
                    for c in range(channels):
                        spread[q * channels + c] = dz[b, p, q, o]
                for i in range(kh):
                    u = p + i - top
                    if u < 0 or u >= height:
                        continue
                    row = rows[b, u]
                    for j in range(kw):
                        shift = (j - left) * channels
                        lo, hi = max(0, -shift), min(n, width * channels - shift)
                        target, deltas = acc[i, j, o, lo:hi], spread[lo:hi]
                        source = row[lo + shift : hi + shift]
                        for t in range(hi - lo):
                            target[t] += source[t] * deltas[t]


def kernel_gradient_rows(x, dz, kernel_shape, top, left):
    """dw (kh, kw, C, c_out), summed over the batch, stride 1: the rows' partial sums
    (``_kernel_gradient_sums``), then each (i, j, c, o) adds up its wo lanes.
    """
    kh, kw, channels, c_out = kernel_shape
    wo = dz.shape[2]
    acc = np.zeros((kh, kw, c_out, wo * channels), dz.dtype)
    _kernel_gradient_sums(x, dz, top, left, acc)
    dw = acc.reshape(kh, kw, c_out, wo, channels).sum(axis=3)  # sum over q
    return np.ascontiguousarray(dw.transpose(0, 1, 3, 2))
