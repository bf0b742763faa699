"""Windows as rows (im2col) and back (col2im): the data movement of a convolution.

For images x_pad (B, Hp, Wp, C) and a kh x kw kernel moved by strides (sh, sw), row
(b, p, q) of the column matrix holds the window x_pad[b, p sh + i, q sw + j, c] in the
order (i, j, c) of the kernel's axes, so that a convolution is one matrix product:

    z[(b, p, q), o] = sum_{(i, j, c)} cols[(b, p, q), (i, j, c)] w[(i, j, c), o]

``im2col_reference`` and ``col2im_reference`` are plain NumPy (strided views); ``im2col``
writes the same numbers into a buffer given by the caller (a numba loop over the samples
was tried: NumPy's strided copy was as fast, and numba's threads then contended with the
BLAS threads of the product that follows).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["col2im_reference", "im2col", "im2col_reference", "output_size"]


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


def im2col(x_pad, kh, kw, strides, out):
    """Write the column matrix of x_pad into ``out`` (B Ho Wo, kh kw C); returns out."""
    batchsize, _, _, channels = x_pad.shape
    ho, wo = output_size(x_pad.shape, (kh, kw), strides)
    cols = out.reshape(batchsize, ho, wo, kh, kw, channels)
    sh, sw = strides
    windows = sliding_window_view(x_pad, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    np.copyto(cols, windows.transpose(0, 1, 2, 4, 5, 3))
    return out
