"""The array work behind the convolutional layers (lecture: "Convolutional Networks").

All arrays are channels-last: images (batchsize, height, width, channels) and kernels
(kh, kw, c_in, c_out), as in Keras. A "valid" cross-correlation with stride 1 is

    z[b, p, q, o] = sum_{i, j, c} x_pad[b, p + i, q + j, c] w[i, j, c, o].

Two implementations, tested equal:

* the reference, ``im2col`` / ``col2im`` here: gather every kh x kw window into a row of a
  column matrix (strided views, any stride), one matrix product, and a scatter-add over the
  kh*kw kernel offsets for the input gradient; used for strides > 1;
* the fast stride-1 path in ``fast_conv`` (``correlate``, ``kernel_gradient``,
  ``input_gradient``), which gathers nothing.

Plus the block helpers of pooling and upsampling.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .fast_conv import correlate, input_gradient, kernel_gradient

__all__ = [
    "output_length",
    "padding_amounts",
    "im2col",
    "col2im",
    "reduce_blocks",
    "repeat_blocks",
    "conv_forward",
    "conv_kernel_gradient",
    "conv_input_gradient",
]


def output_length(length, kernel, stride, padding):
    """Keras' output size: ceil(n / s) for 'same', floor((n - k) / s) + 1 for 'valid'."""
    if padding == "same":
        return -(-length // stride)
    return (length - kernel) // stride + 1


def padding_amounts(length, kernel, stride, padding):
    """(before, after) zeros for 'same', as TensorFlow: the odd one goes after."""
    if padding != "same":
        return 0, 0
    total = max(
        (output_length(length, kernel, stride, "same") - 1) * stride + kernel - length,
        0,
    )
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
            dx_pad[
                :, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw
            ] += dcols[:, :, :, i, j]
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
    wide = np.repeat(x, sw, axis=2).reshape(
        batchsize, height, 1, -1
    )  # (B, H, 1, W sw C)
    out = np.empty((batchsize, height, sh, wide.shape[3]), x.dtype)
    out[...] = wide  # copies of whole image rows: a long inner loop
    return out.reshape(batchsize, height * sh, width * sw, channels)


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
    if (
        tuple(strides) == (1, 1)
        and padded_shape[1] - w.shape[0] + 1 == dz.shape[1]
        and padded_shape[2] - w.shape[1] + 1 == dz.shape[2]
    ):
        return input_gradient(dz, w, pads)
    kh, kw, _, c_out = w.shape
    dcols = dz.reshape(-1, c_out) @ w.reshape(-1, c_out).T  # dC/dcols = dz w^T
    dx_pad = col2im(dcols, padded_shape, kh, kw, strides)
    return dx_pad[:, top : padded_shape[1] - bottom, left : padded_shape[2] - right]
