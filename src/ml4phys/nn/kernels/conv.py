"""Convolution kernels: forward, kernel gradient and input gradient of a valid correlation.

    z[b, p, q, o]  = sum_{i, j, c} x_pad[b, p sh + i, q sw + j, c] w[i, j, c, o] + b[o]
    dw[i, j, c, o] = sum_{b, p, q} x_pad[b, p sh + i, q sw + j, c] dz[b, p, q, o]
    dx_pad[b, u, v, c] = sum_{i, j, o: u = p sh + i, v = q sw + j} dz[b, p, q, o] w[i, j, c, o]

The references build the whole column matrix (im2col) and do one product. The fast path
does the same products on batch chunks whose column matrix fits ``BUFFER_BYTES`` (one
buffer, reused: memory stays bounded whatever the batch), fills it with numba, and for
stride 1 computes the input gradient as the correlation of the zero-padded dz with the
kernel turned by 180 degrees (c_in and c_out swapped), so no scatter-add is needed.
Gradients are batch sums; the layer divides by the batch size.
"""

from __future__ import annotations

import numpy as np

from . import fast
from .im2col import col2im_reference, im2col, im2col_reference, output_size

__all__ = [
    "BUFFER_BYTES",
    "correlate",
    "correlate_reference",
    "input_gradient",
    "input_gradient_reference",
    "kernel_gradient",
    "kernel_gradient_reference",
]

BUFFER_BYTES = 16 * 2**20  # bound on one column buffer of the fast path


# -- references: one column matrix, one product ---------------------------------------


def correlate_reference(x_pad, w, b=None, strides=(1, 1)):
    """z = cols(x_pad) @ w (+ b): the correlation as one im2col product, (B, Ho, Wo, C_out)."""
    kh, kw, _, c_out = w.shape
    ho, wo = output_size(x_pad.shape, (kh, kw), strides)
    cols = im2col_reference(x_pad, kh, kw, strides)  # (B Ho Wo, kh kw C)
    z = (cols @ w.reshape(-1, c_out)).reshape(len(x_pad), ho, wo, c_out)
    return z if b is None else z + b


def kernel_gradient_reference(x_pad, dz, kernel_shape, strides=(1, 1)):
    """dC/dw = cols^T @ dz and dC/db = sum of dz, unnormalized: one product."""
    kh, kw, _, c_out = kernel_shape
    cols = im2col_reference(x_pad, kh, kw, strides)
    dz_flat = dz.reshape(-1, c_out)
    return (cols.T @ dz_flat).reshape(kernel_shape), dz_flat.sum(axis=0)


def input_gradient_reference(dz, w, strides, padded_shape, pads):
    """dC/dx = col2im(dz @ w^T), cropped to the unpadded input."""
    kh, kw, _, c_out = w.shape
    dcols = dz.reshape(-1, c_out) @ w.reshape(-1, c_out).T  # dC/dcols = dz w^T
    dx_pad = col2im_reference(dcols, padded_shape, kh, kw, strides)
    return _crop(dx_pad, pads)


def _crop(x_pad, pads):
    (top, bottom), (left, right) = pads
    return x_pad[:, top : x_pad.shape[1] - bottom, left : x_pad.shape[2] - right]


# -- fast: the same products on batch chunks, columns made by numba ----------------------


def _chunks(x_pad, kh, kw, strides, dtype):
    """(batch slice, columns of that slice) over the batch, in one reused buffer."""
    batchsize, _, _, channels = x_pad.shape
    ho, wo = output_size(x_pad.shape, (kh, kw), strides)
    per_sample = ho * wo * kh * kw * channels
    step = int(max(1, min(batchsize, BUFFER_BYTES // (per_sample * dtype.itemsize))))
    buffer = np.empty(step * per_sample, dtype)
    for start in range(0, batchsize, step):
        part = slice(start, min(start + step, batchsize))
        n = part.stop - part.start
        cols = buffer[: n * per_sample].reshape(n * ho * wo, kh * kw * channels)
        yield part, im2col(x_pad[part], kh, kw, strides, cols)


def correlate(x_pad, w, b=None, strides=(1, 1)):
    """z (B, Ho, Wo, c_out) for x_pad (B, Hp, Wp, C), w (kh, kw, C, c_out), b (c_out,)."""
    if not fast():
        return correlate_reference(x_pad, w, b, strides)
    kh, kw, _, c_out = w.shape
    ho, wo = output_size(x_pad.shape, (kh, kw), strides)
    dtype = np.result_type(x_pad, w)
    z = np.empty((len(x_pad), ho, wo, c_out), dtype)
    w_flat = w.reshape(-1, c_out)
    for part, cols in _chunks(x_pad, kh, kw, strides, dtype):
        np.matmul(cols, w_flat, out=z[part].reshape(-1, c_out))
    if b is not None:
        z += b
    return z


def kernel_gradient(x_pad, dz, kernel_shape, strides=(1, 1)):
    """Batch sums dw (kh, kw, C, c_out) and db (c_out,)."""
    if not fast():
        return kernel_gradient_reference(x_pad, dz, kernel_shape, strides)
    kh, kw, _, c_out = kernel_shape
    dtype = np.result_type(x_pad, dz)
    dz = np.ascontiguousarray(dz)
    dw = np.zeros((kh * kw * kernel_shape[2], c_out), dtype)
    for part, cols in _chunks(x_pad, kh, kw, strides, dtype):
        dw += cols.T @ dz[part].reshape(-1, c_out)
    dz_flat = dz.reshape(-1, c_out)
    db = np.ones(len(dz_flat), dtype) @ dz_flat  # a product: faster than sum(axis=0)
    return dw.reshape(kernel_shape), db


def input_gradient(dz, w, strides, padded_shape, pads):
    """dC/dx (B, H, W, C): dz spread back through the kernel, the padding cropped."""
    kh, kw = w.shape[:2]
    full = output_size(padded_shape, (kh, kw), strides) == dz.shape[1:3]
    if not fast() or tuple(strides) != (1, 1) or not full:
        return input_gradient_reference(dz, w, strides, padded_shape, pads)
    (top, bottom), (left, right) = pads
    # dx[u, v] = sum_{i, j} dz[u - i, v - j] w[i, j]^T: a valid correlation of dz padded
    # by k - 1 (less what was padding of x) with the kernel turned by 180 degrees
    dz_pad = np.pad(
        dz,
        (
            (0, 0),
            (kh - 1 - top, kh - 1 - bottom),
            (kw - 1 - left, kw - 1 - right),
            (0, 0),
        ),
    )
    w_turned = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    return correlate(dz_pad, w_turned)
