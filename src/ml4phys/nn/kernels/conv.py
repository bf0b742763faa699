"""Convolution kernels: forward, kernel gradient and input gradient of a valid correlation.

    z[b, p, q, o]  = sum_{i, j, c} x_pad[b, p sh + i, q sw + j, c] w[i, j, c, o] + b[o]
    dw[i, j, c, o] = sum_{b, p, q} x_pad[b, p sh + i, q sw + j, c] dz[b, p, q, o]
    dx_pad[b, u, v, c] = sum_{i, j, o: u = p sh + i, v = q sw + j} dz[b, p, q, o] w[i, j, c, o]

With the windows of x_pad as the rows of a matrix (``Windows``, im2col) the three are
the products of a Dense layer: z = cols @ w + b, dw = cols^T @ dz, dcols = dz @ w^T, and
dx is dcols added back where each window came from (col2im).

The references build the whole column matrix with NumPy and do one product each. The fast
path keeps the forward pass's column matrix for the kernel gradient when it fits
``KEEP_BYTES``, and otherwise works on batch chunks whose columns fit ``BUFFER_BYTES``
(one buffer, reused: memory stays bounded whatever the batch). The input gradient is
computed chunk by chunk as dz @ w^T and a compiled col2im, or, where the kernel has fewer
output than input channels (stride 1), as the correlation of the padded dz with the
kernel turned by 180 degrees (c_in and c_out swapped), whose column matrix is the
smaller one. In a training step on two batch halves (``threads``) a layer with several
input channels keeps no columns: each half makes them chunk by chunk (``CHUNK_BYTES``)
for each of the three products. A kernel with at most ``DIRECT_MAX_OUT`` output channels
is summed directly by compiled loops, without a column matrix: along whole output rows
with stride 1 (``rows``), pixel by pixel otherwise. Without numba the fast path is the
reference. Gradients are batch sums; the layer divides by the batch size.
"""

from __future__ import annotations

import numpy as np

from . import fast, threads
from .im2col import (
    col2im,
    col2im_reference,
    columns_product_halves,
    compiled,
    correlate_direct,
    im2col,
    im2col_reference,
    input_gradient_halves,
    kernel_gradient_direct,
    kernel_gradient_halves,
    output_size,
    padded,
)
from .plane import (
    correlate_plane,
    correlate_plane_halves,
    kernel_gradient_plane,
    kernel_gradient_plane_halves,
)
from .rows import correlate_rows, correlate_rows_halves, kernel_gradient_rows, tiled

__all__ = [
    "BUFFER_BYTES",
    "CHUNK_BYTES",
    "KEEP_BYTES",
    "Windows",
    "correlate",
    "correlate_reference",
    "input_gradient",
    "input_gradient_reference",
    "kernel_gradient",
    "kernel_gradient_reference",
    "product_size",
]

BUFFER_BYTES = 16 * 2**20  # bound on one column buffer of the fast path
# column matrices up to this size are kept for the backward pass; W11's largest (63 MiB
# at batch 100) is rebuilt instead: kept, it took W11's peak memory to 1.44x PyTorch's
KEEP_BYTES = 32 * 2**20
# the columns of one chunk of samples on each batch half (``threads``): kept this small,
# they are read back from the core's cache (W11's 32 -> 32 layer, 0.6 MiB a sample)
CHUNK_BYTES = 2**20
# up to this many output channels the fast path sums directly, without columns: a column
# matrix kh kw times the input's size would feed a product with only these few columns
DIRECT_MAX_OUT = 2

NO_PADS = ((0, 0), (0, 0))


class Windows:
    """The kh x kw x C windows of an image batch x padded by ``pads`` zeros, as the rows
    of a column matrix: cols[(b, p, q), (i, j, c)] = x_pad[b, p sh + i, q sw + j, c].

    A Conv2D's forward pass makes one and keeps it for its backward pass. The fast path
    fills the matrix once, on first use, and keeps it while it fits ``KEEP_BYTES`` (the
    kernel gradient then reuses the forward pass's columns); a larger one is rebuilt on
    batch chunks each time it is used. One-channel images summed on their plane keep
    their flat padded copy instead (``flat``).
    """

    def __init__(self, x, kernel_size, strides=(1, 1), pads=NO_PADS):
        self.x, self.kernel_size, self.strides = x, tuple(kernel_size), tuple(strides)
        self.pads = tuple(tuple(p) for p in pads)
        batchsize, height, width, channels = x.shape
        (top, bottom), (left, right) = self.pads
        height, width = height + top + bottom, width + left + right
        self.padded_shape = (batchsize, height, width, channels)
        self.ho, self.wo = output_size(self.padded_shape, self.kernel_size, strides)
        self.matrix = None  # the fast path's kept columns
        self.flat = None  # or its kept flat one-channel images (``plane``)

    def reference(self):
        """The whole column matrix, by NumPy (``im2col_reference``)."""
        x_pad = padded(self.x, self.pads)
        return im2col_reference(x_pad, *self.kernel_size, self.strides)

    def chunks(self, dtype):
        """(batch slice, columns of that slice) over the batch, fast path."""
        batchsize = len(self.x)
        per_sample = (
            self.ho * self.wo * int(np.prod(self.kernel_size)) * self.x.shape[3]
        )
        nbytes = batchsize * per_sample * np.dtype(dtype).itemsize
        if self.matrix is not None:
            yield slice(0, batchsize), self.matrix
            return
        if nbytes <= KEEP_BYTES:
            self.matrix = self._fill(self.x, np.empty(batchsize * per_sample, dtype))
            yield slice(0, batchsize), self.matrix
            return
        step = _samples_per_chunk(batchsize, per_sample, dtype)
        buffer = np.empty(step * per_sample, dtype)
        for start in range(0, batchsize, step):
            part = slice(start, min(start + step, batchsize))
            yield part, self._fill(self.x[part], buffer)

    def _fill(self, x, out):
        x = x.astype(out.dtype, copy=False)
        return im2col(x, self.kernel_size, self.strides, self.pads, out)


def _windows(x, kernel_size, strides):
    return x if isinstance(x, Windows) else Windows(x, kernel_size, strides)


def _samples_per_chunk(batchsize, per_sample, dtype, nbytes=BUFFER_BYTES):
    """How many samples' columns (per_sample numbers each) fit ``nbytes``, at least one."""
    fitting = nbytes // (per_sample * np.dtype(dtype).itemsize)
    return int(max(1, min(batchsize, fitting)))


def _fast():
    return fast() and compiled()


def _on_plane(windows, kernel_shape):
    """One input channel, stride 1, and at least as many kernel offsets as outputs: then
    the fast path sums on the flat image plane (``plane``), as the column matrix, kh kw
    times the image, would feed a product of only c_out columns. (One thread, a batch of
    100, ``benchmarks/kernels_ab.py``: W10's first layer, 5x5 to 6 channels, forward and
    kernel gradient 4.2 ms against 5.7 ms by im2col; W5's, 3x3 to 16 channels, about
    even alone, but 8% slower on the plane in W5's training.)
    """
    return _plane_shape(kernel_shape, windows.strides)


def _plane_shape(kernel_shape, strides):
    kh, kw, channels, c_out = kernel_shape
    return channels == 1 and tuple(strides) == (1, 1) and kh * kw >= c_out


def product_size(kernel_shape, strides, output_shape):
    """Multiply-adds per sample of a conv layer's forward product that a step on two batch
    halves (``threads``) leaves whole, on one BLAS thread (``kernel_shape`` (kh, kw, C,
    c_out), ``output_shape`` (ho, wo, c_out)): the im2col product of a one-channel image
    not summed on its plane; 0 otherwise (several input channels: products by halves;
    the plane and one or two output channels: sums without a product).
    """
    kh, kw, channels, c_out = kernel_shape
    if channels > 1 or _plane_shape(kernel_shape, strides) or c_out <= DIRECT_MAX_OUT:
        return 0
    return output_shape[0] * output_shape[1] * kh * kw * channels * c_out


def _on_halves(windows):
    """Inside a step on batch halves (``threads``), for several input channels (one
    channel's columns are made transposed, ``im2col``).
    """
    return threads.halves() and windows.x.shape[3] > 1


def _chunk_buffers(batchsize, rows, columns, dtype):
    """One buffer per batch half for the columns (``rows`` x ``columns`` a sample) of as
    many whole samples as fit ``CHUNK_BYTES``, at least one: (2, step rows, columns).
    """
    step = _samples_per_chunk(batchsize, rows * columns, dtype, CHUNK_BYTES)
    return np.empty((2, step * rows, columns), dtype)


def _halves_inputs(windows, dtype):
    """What the im2col halves take of the windows: x (contiguous, ``dtype``), the
    geometry (kh, kw, sh, sw, top, left, ho, wo) and the two chunk buffers.
    """
    x = np.ascontiguousarray(windows.x, dtype)
    geometry = (*windows.kernel_size, *_geometry(windows), windows.ho, windows.wo)
    columns = int(np.prod(windows.kernel_size)) * x.shape[3]
    buffers = _chunk_buffers(len(x), windows.ho * windows.wo, columns, dtype)
    return x, geometry, buffers


def _by_rows(windows, c_out):
    """Few output channels and stride 1: the forward pass and the kernel gradient sum
    whole output rows (``rows``), not pixel by pixel (``correlate_direct``). One thread,
    ``benchmarks/kernels_ab.py rows rows-training``: W5's last layer (3x3, 16 -> 1, a
    batch of 100) 2.73 ms against 4.26, the autoencoder's (5x5, 20 -> 1, 50) 4.00 against
    4.67, its 7 x 7 bottleneck of 2 channels 0.78 against 0.66 (too small an image to
    gain); W5's training 24.96 against 26.94 ms a batch.
    """
    return c_out <= DIRECT_MAX_OUT and windows.strides == (1, 1)


def _flat_images(windows, dtype):
    """The padded one-channel images, each as one flat row (B, Hp Wp): made on first
    use and kept with the windows for the kernel gradient.
    """
    if windows.flat is None or windows.flat.dtype != dtype:
        x_pad = padded(windows.x, windows.pads)[..., 0]
        windows.flat = np.ascontiguousarray(x_pad, dtype).reshape(len(x_pad), -1)
    return windows.flat


def _bias(b, c_out, dtype):
    """The bias for kernels that add it in their own pass: zeros where there is none."""
    return np.zeros(c_out, dtype) if b is None else np.asarray(b, dtype)


def _geometry(windows):
    """(sh, sw, top, left): what the direct loops need of the windows."""
    (top, _), (left, _) = windows.pads
    return (*windows.strides, top, left)


# -- references: one column matrix, one product ---------------------------------------


def correlate_reference(x, w, b=None, strides=(1, 1)):
    """z = cols(x_pad) @ w (+ b): the correlation as one im2col product, (B, Ho, Wo, C_out).

    x: the padded input x_pad (B, Hp, Wp, C) or its ``Windows``.
    """
    kh, kw, _, c_out = w.shape
    windows = _windows(x, (kh, kw), strides)
    cols = windows.reference()  # (B Ho Wo, kh kw C)
    z = (cols @ w.reshape(-1, c_out)).reshape(
        len(windows.x), windows.ho, windows.wo, -1
    )
    return z if b is None else z + b


def kernel_gradient_reference(x, dz, kernel_shape, strides=(1, 1)):
    """dC/dw = cols^T @ dz and dC/db = sum of dz, unnormalized: one product."""
    cols = _windows(x, kernel_shape[:2], strides).reference()
    dz_flat = dz.reshape(-1, kernel_shape[3])
    return (cols.T @ dz_flat).reshape(kernel_shape), dz_flat.sum(axis=0)


def input_gradient_reference(dz, w, strides, padded_shape, pads):
    """dC/dx = col2im(dz @ w^T), cropped to the unpadded input."""
    kh, kw, _, c_out = w.shape
    dcols = dz.reshape(-1, c_out) @ w.reshape(-1, c_out).T  # dC/dcols = dz w^T
    dx_pad = col2im_reference(dcols, padded_shape, kh, kw, strides)
    (top, bottom), (left, right) = pads
    return dx_pad[:, top : dx_pad.shape[1] - bottom, left : dx_pad.shape[2] - right]


# -- fast: the same products on kept columns or batch chunks ---------------------------


def correlate(x, w, b=None, strides=(1, 1)):
    """z (B, Ho, Wo, c_out) for x_pad (B, Hp, Wp, C) or its ``Windows``, w (kh, kw, C,
    c_out), b (c_out,).
    """
    if not _fast():
        return correlate_reference(x, w, b, strides)
    kh, kw, _, c_out = w.shape
    windows = _windows(x, (kh, kw), strides)
    dtype = np.result_type(windows.x, w)
    z = np.empty((len(windows.x), windows.ho, windows.wo, c_out), dtype)
    if _on_plane(windows, w.shape):
        w_plane = np.ascontiguousarray(w[:, :, 0], dtype)
        wp = windows.padded_shape[2]
        bias = _bias(b, c_out, dtype)
        kernel = correlate_plane_halves if threads.halves() else correlate_plane
        kernel(_flat_images(windows, dtype), w_plane, bias, wp, z)
        return z  # the bias added in the same pass
    if _by_rows(windows, c_out):
        # whole output rows: acc[(q c)] += x row (shifted by j) * w[i, j] tiled along it
        x = np.ascontiguousarray(windows.x, dtype)
        _, _, top, left = _geometry(windows)
        w_tiled = tiled(w.astype(dtype), windows.wo)
        kernel = correlate_rows_halves if threads.halves() else correlate_rows
        kernel(x, w_tiled, _bias(b, c_out, dtype), top, left, z)
        return z  # the bias added in the same pass
    if c_out <= DIRECT_MAX_OUT:
        # z[b, p, q, o] = sum_i (window row i) . (kernel row i of o)
        w_rows = np.ascontiguousarray(w.transpose(3, 0, 1, 2), dtype)
        x = np.ascontiguousarray(windows.x, dtype)
        correlate_direct(x, w_rows.reshape(c_out, kh, -1), *_geometry(windows), z)
        return z if b is None else z + b
    w_flat = w.reshape(-1, c_out).astype(dtype, copy=False)
    if _on_halves(windows):
        # the columns and their product, chunk by chunk on the two halves at once
        x, geometry, buffers = _halves_inputs(windows, dtype)
        columns_product_halves(x, *geometry, w_flat, buffers, z.reshape(-1, c_out))
    else:
        for part, cols in windows.chunks(dtype):
            np.matmul(cols, w_flat, out=z[part].reshape(-1, c_out))
    if b is not None:
        z += b
    return z


def kernel_gradient(x, dz, kernel_shape, strides=(1, 1)):
    """Batch sums dw (kh, kw, C, c_out) and db (c_out,); x: x_pad or its ``Windows``."""
    if not _fast():
        return kernel_gradient_reference(x, dz, kernel_shape, strides)
    c_out = kernel_shape[3]
    windows = _windows(x, kernel_shape[:2], strides)
    dtype = np.result_type(windows.x, dz)
    dz_flat = np.ascontiguousarray(dz, dtype).reshape(-1, c_out)
    db = np.ones(len(dz_flat), dtype) @ dz_flat  # a product: faster than sum(axis=0)
    if _on_plane(windows, kernel_shape):
        dw = np.zeros((*kernel_shape[:2], c_out), dtype)
        x_flat, wp = _flat_images(windows, dtype), windows.padded_shape[2]
        kernel = (
            kernel_gradient_plane_halves if threads.halves() else kernel_gradient_plane
        )
        kernel(x_flat, dz_flat.reshape(dz.shape), wp, dw)
        return dw.reshape(kernel_shape), db
    if _by_rows(windows, c_out):
        x = np.ascontiguousarray(windows.x, dtype)
        _, _, top, left = _geometry(windows)
        dz = dz_flat.reshape(dz.shape)
        return kernel_gradient_rows(x, dz, kernel_shape, top, left), db
    if c_out <= DIRECT_MAX_OUT:
        kh, kw, channels = kernel_shape[:3]
        x = np.ascontiguousarray(windows.x, dtype)
        dw = np.zeros((c_out, kh, kw * channels), dtype)
        kernel_gradient_direct(x, dz_flat.reshape(dz.shape), *_geometry(windows), dw)
        dw = dw.reshape(c_out, kh, kw, channels)
        return np.ascontiguousarray(dw.transpose(1, 2, 3, 0)), db
    if _on_halves(windows):
        # dw = cols^T dz as the sum of the two halves' products, the columns made again
        x, geometry, buffers = _halves_inputs(windows, dtype)
        halves = np.empty((2, buffers.shape[2], c_out), dtype)
        kernel_gradient_halves(x, *geometry, dz_flat, buffers, halves)
        return (halves[0] + halves[1]).reshape(kernel_shape), db
    rows = windows.ho * windows.wo  # rows of the column matrix per sample
    dw = None
    for part, cols in windows.chunks(dtype):
        dw_part = cols.T @ dz_flat[part.start * rows : part.stop * rows]
        dw = dw_part if dw is None else dw + dw_part
    return dw.reshape(kernel_shape), db


def input_gradient(dz, w, strides, padded_shape, pads):
    """dC/dx (B, H, W, C): dz spread back through the kernel, the padding dropped."""
    if not _fast():
        return input_gradient_reference(dz, w, strides, padded_shape, pads)
    kh, kw, channels, c_out = w.shape
    (top, bottom), (left, right) = pads
    height, width = padded_shape[1] - top - bottom, padded_shape[2] - left - right
    full = output_size(padded_shape, (kh, kw), strides) == dz.shape[1:3]
    turnable = kh - 1 >= max(top, bottom) and kw - 1 >= max(left, right)
    if c_out < channels and tuple(strides) == (1, 1) and full and turnable:
        # fewer columns this way: dx[u, v] = sum_ij dz[u - i, v - j] w[i, j]^T, a valid
        # correlation of dz padded by k - 1 (less x's padding) with the turned kernel
        turned = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
        dz_pads = ((kh - 1 - top, kh - 1 - bottom), (kw - 1 - left, kw - 1 - right))
        return correlate(Windows(dz, (kh, kw), (1, 1), dz_pads), turned)
    dtype = np.result_type(dz, w)
    batchsize = len(dz)
    dx = np.empty((batchsize, height, width, channels), dtype)
    dz = np.ascontiguousarray(dz, dtype)
    w_t = w.reshape(-1, c_out).T.astype(dtype)  # (c_out, kh kw C), Fortran-ordered
    per_sample = dz.shape[1] * dz.shape[2] * kh * kw * channels
    if threads.halves():
        rows = dz.shape[1] * dz.shape[2]
        buffers = _chunk_buffers(batchsize, rows, w_t.shape[1], dtype)
        geometry = (*strides, top, left, *dz.shape[1:3])
        input_gradient_halves(
            dz.reshape(-1, c_out), w_t, kh, kw, *geometry, buffers, dx
        )
        return dx
    step = _samples_per_chunk(batchsize, per_sample, dtype)
    buffer = np.empty(step * per_sample, dtype)
    for start in range(0, batchsize, step):
        part = slice(start, min(start + step, batchsize))
        dcols = buffer[: (part.stop - start) * per_sample].reshape(-1, w_t.shape[1])
        np.matmul(dz[part].reshape(-1, c_out), w_t, out=dcols)  # dC/dcols = dz w^T
        col2im(dcols, (kh, kw), strides, pads, dx[part])
    return dx
