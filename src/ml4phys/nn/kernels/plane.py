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
kernel here: ``_jit``). ``kernels.conv`` uses them for one input channel and stride 1
where the kernel has at least as many offsets as output channels; the tests hold them
equal to its im2col references and to PyTorch.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["correlate_plane", "kernel_gradient_plane"]


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


@njit(fastmath=True)
def kernel_gradient_plane(x_flat, dz, wp, dw):
    """dw[i, j, o] += sum_{b, p, q} x_flat[b, (p + i) wp + q + j] dz[b, p, q, o], for
    x_flat (B, Hp wp) the padded images, dz (B, ho, wo, c_out), dw (kh, kw, c_out).
    """
    batchsize, ho, wo, c_out = dz.shape
    kh, kw, _ = dw.shape
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
                    dw[i, j, o] += total
