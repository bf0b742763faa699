"""One-channel images (the first layer of an image net): the convolution summed directly
over the flattened image plane, without a column matrix.

With stride 1, the padded image x_pad (Hp, Wp) read as one flat run of numbers x_flat
makes the correlation one-dimensional: output pixel (p, q) sits at r = p Wp + q, and

    z_flat[o, r]  = sum_{i, j} w[i, j, o] x_flat[r + i Wp + j]        (r < (ho - 1) Wp + wo)
    dw[i, j, o]   = sum_{b, r} x_flat[b, r + i Wp + j] dz_flat[b, o, r]

where the positions r with q = r mod Wp >= wo (past the row's last output) are computed
and dropped (forward), or hold 0 (dz_flat). Each (i, j) term is one multiply-add over a
run of about Hp Wp numbers that stays in the core's first cache, a loop the compiler
vectorizes; the im2col product of a one-channel image instead has only kh kw columns
and writes a matrix kh kw times the image's size. ``correlate_plane`` and
``kernel_gradient_plane`` are compiled loops over the batch (numba; one thread, as every
kernel here: ``_jit``); their ``_halves`` run the two halves of a batch at once
(``threads``), the kernel gradient adding each sample's sums (``sample_sums``) in the
same order as on one thread. ``kernels.conv`` uses them for one input channel and stride 1
where the kernel has at least as many offsets as output channels; the tests hold them
equal to its im2col references and to PyTorch.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, prange

__all__ = [
    "correlate_plane",
    "correlate_plane_halves",
    "kernel_gradient_plane",
    "kernel_gradient_plane_halves",
    "sample_sums",
]


@njit(fastmath=True)
def correlate_plane(x_flat, w, bias, wp, z):
    """z[b, p, q, o] = sum_{i, j} x_flat[b, (p + i) wp + q + j] w[i, j, o] + bias[o], for
    x_flat (B, Hp wp) the padded images, w (kh, kw, c_out), z (B, ho, wo, c_out).
    """
    batchsize, ho, wo, c_out = z.shape
    kh, kw, _ = w.shape
    n = (ho - 1) * wp + wo  # the flat positions r of the output pixels, and between
    z_flat = np.empty((c_out, n), z.dtype)
    for b in range(batchsize):
        plane = x_flat[b]
        for o in range(c_out):
            line = z_flat[o]
            for r in range(n):
                line[r] = 0.0
            for i in range(kh):
                for j in range(kw):
                    # z_flat[o, r] += w[i, j, o] x_flat[r + i wp + j]
                    weight = w[i, j, o]
                    source = plane[i * wp + j : i * wp + j + n]
                    for r in range(n):
                        line[r] += weight * source[r]
        for p in range(ho):
            for q in range(wo):
                for o in range(c_out):
                    z[b, p, q, o] = z_flat[o, p * wp + q] + bias[o]


@njit()
def kernel_gradient_plane(x_flat, dz, wp, dw):
    """dw[i, j, o] += sum_{b, p, q} x_flat[b, (p + i) wp + q + j] dz[b, p, q, o], for
    x_flat (B, Hp wp) the padded images, dz (B, ho, wo, c_out), dw (kh, kw, c_out): each
    sample's sums (``sample_sums``), added to dw sample by sample.
    """
    kh, kw, c_out = dw.shape
    sums = np.empty((len(dz), kh, kw, c_out))
    sample_sums(x_flat, dz, wp, sums)
    for b in range(len(dz)):
        dw += sums[b]


@njit(fastmath=True)
def sample_sums(x_flat, dz, wp, sums):
    """sums[b, i, j, o] = sum_{p, q} x_flat[b, (p + i) wp + q + j] dz[b, p, q, o], each
    sample's sum in float64.
    """
    batchsize, ho, wo, c_out = dz.shape
    _, kh, kw, _ = sums.shape
    n = (ho - 1) * wp + wo
    dz_flat = np.zeros((c_out, n), dz.dtype)  # 0 where q >= wo, never written
    for b in range(batchsize):
        plane = x_flat[b]
        for p in range(ho):
            for q in range(wo):
                for o in range(c_out):
                    dz_flat[o, p * wp + q] = dz[b, p, q, o]
        for i in range(kh):
            for j in range(kw):
                source = plane[i * wp + j : i * wp + j + n]
                for o in range(c_out):
                    line = dz_flat[o]
                    total = 0.0
                    for r in range(n):  # sum_r x_flat[r + i wp + j] dz_flat[o, r]
                        total += source[r] * line[r]
                    sums[b, i, j, o] = total


# -- the two halves of a batch at once (``threads``) -----------------------------------


@njit(parallel=True)
def correlate_plane_halves(x_flat, w, bias, wp, z):
    """``correlate_plane`` on the two halves of the batch, each on a thread of its own."""
    half = (len(z) + 1) // 2
    for k in prange(2):
        part = slice(k * half, min(len(z), (k + 1) * half))
        correlate_plane(x_flat[part], w, bias, wp, z[part])


@njit(parallel=True)
def kernel_gradient_plane_halves(x_flat, dz, wp, dw):
    """``kernel_gradient_plane`` with the samples' sums on the two halves of the batch at
    once, then added to dw in the same order.
    """
    kh, kw, c_out = dw.shape
    sums = np.empty((len(dz), kh, kw, c_out))
    half = (len(dz) + 1) // 2
    for k in prange(2):
        part = slice(k * half, min(len(dz), (k + 1) * half))
        sample_sums(x_flat[part], dz[part], wp, sums[part])
    for b in range(len(dz)):
        dw += sums[b]
