"""Convolution kernels: the fast path equals the im2col reference and PyTorch."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn.kernels import conv, im2col
from ml4phys.nn.kernels.im2col import compiled

TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}

CASES = [  # (batch, (Hp, Wp), c_in, c_out, kernel, strides)
    (3, (7, 6), 1, 5, (3, 3), (1, 1)),
    (3, (7, 6), 6, 2, (2, 4), (1, 1)),
    (2, (9, 9), 8, 8, (5, 5), (1, 1)),
    (4, (8, 9), 3, 4, (3, 2), (2, 1)),
    (5, (12, 12), 32, 16, (3, 3), (1, 1)),
    (3, (9, 8), 16, 1, (3, 3), (1, 1)),  # few outputs: the direct loops
    (3, (9, 8), 4, 2, (3, 2), (2, 1)),
    (3, (9, 11), 1, 6, (5, 4), (1, 1)),  # one channel: summed on the image plane
    (3, (9, 9), 1, 4, (3, 3), (2, 2)),  # one channel, stride 2: im2col
    # one channel, more outputs than kernel offsets: im2col
    (2, (8, 8), 1, 16, (3, 3), (1, 1)),
]


def _arrays(case, dtype, seed=0):
    batch, (hp, wp), c_in, c_out, (kh, kw), strides = case
    rng = np.random.default_rng(seed)
    x_pad = rng.normal(size=(batch, hp, wp, c_in)).astype(dtype)
    w = rng.normal(size=(kh, kw, c_in, c_out)).astype(dtype)
    b = rng.normal(size=c_out).astype(dtype)
    ho, wo = im2col.output_size(x_pad.shape, (kh, kw), strides)
    dz = rng.normal(size=(batch, ho, wo, c_out)).astype(dtype)
    return x_pad, w, b, dz, strides


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("buffer_bytes", [None, 2000])  # 2000: a chunk per image
@pytest.mark.parametrize("kept", [True, False])  # columns kept from forward, or rebuilt
def test_fast_equals_reference(case, dtype, buffer_bytes, kept, both, monkeypatch):
    if buffer_bytes:
        monkeypatch.setattr(conv, "BUFFER_BYTES", buffer_bytes)
    if not kept:
        monkeypatch.setattr(conv, "KEEP_BYTES", 0)
    x_pad, w, b, dz, strides = _arrays(case, dtype)
    pads = ((1, 0), (0, 1))
    tol = TOLERANCE[dtype] * np.sqrt(w[..., 0].size)  # sums of kh kw c_in terms
    fast, reference = both(lambda: conv.correlate(x_pad, w, b, strides))
    assert fast.dtype == dtype
    assert_allclose(fast, reference, rtol=tol, atol=tol)
    windows = conv.Windows(x_pad, w.shape[:2], strides)  # one, used twice
    (dw, db), (dw_ref, db_ref) = both(
        lambda: conv.kernel_gradient(windows, dz, w.shape, strides)
    )
    plane = conv._on_plane(windows, w.shape)
    columns = w.shape[3] > conv.DIRECT_MAX_OUT and not plane and compiled()
    assert (windows.matrix is not None) == (kept and columns)  # else no matrix
    scale = np.abs(dw_ref).max()
    assert_allclose(dw, dw_ref, rtol=tol, atol=tol * scale)
    assert_allclose(db, db_ref, rtol=tol, atol=tol * np.abs(db_ref).max())
    dx, dx_ref = both(lambda: conv.input_gradient(dz, w, strides, x_pad.shape, pads))
    assert dx.shape == (len(x_pad), x_pad.shape[1] - 1, x_pad.shape[2] - 1, w.shape[2])
    assert_allclose(dx, dx_ref, rtol=tol, atol=tol * np.abs(dx_ref).max())


PADS = [((0, 0), (0, 0)), ((1, 2), (2, 1)), ((2, 2), (0, 3))]


@pytest.mark.skipif(not im2col.compiled(), reason="numba is not installed")
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("pads", PADS)
def test_compiled_im2col_and_col2im_equal_references(case, pads):
    """The compiled loops read the unpadded x (zeros where a window hangs over the edge)
    and drop what col2im adds onto the padding; one channel takes the transposed layout.
    """
    x, w, *_, strides = _arrays(case, np.float64)
    kernel = w.shape[:2]
    x_pad = np.pad(x, ((0, 0), *pads, (0, 0)))
    reference = im2col.im2col_reference(x_pad, *kernel, strides)
    out = np.full(reference.size + 3, np.nan)
    cols = im2col.im2col(x, kernel, strides, pads, out)
    assert_allclose(cols, reference, rtol=0, atol=0)
    dcols = np.random.default_rng(2).normal(size=reference.shape)
    (top, bottom), (left, right) = pads
    back = im2col.col2im_reference(dcols, x_pad.shape, *kernel, strides)
    back = back[:, top : x_pad.shape[1] - bottom, left : x_pad.shape[2] - right]
    dx = np.full(x.shape, np.nan)
    dx = im2col.col2im(dcols, kernel, strides, pads, dx)
    assert_allclose(dx, back, rtol=1e-12, atol=1e-12 * np.abs(back).max())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pads", PADS)
@pytest.mark.parametrize("c_out", [1, 2])
def test_few_outputs_summed_by_rows_equal_the_reference(c_out, pads, dtype, both):
    """Stride 1 and at most DIRECT_MAX_OUT outputs: whole output rows (``kernels.rows``),
    the padding skipped rather than stored; forward pass and kernel gradient.
    """
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 8, 9, 5)).astype(dtype)
    w = rng.normal(size=(3, 4, 5, c_out)).astype(dtype)
    b = rng.normal(size=c_out).astype(dtype)
    assert conv._by_rows(conv.Windows(x, (3, 4), (1, 1), pads), c_out)
    tol = TOLERANCE[dtype] * np.sqrt(w[..., 0].size)
    fast, reference = both(
        lambda: conv.correlate(conv.Windows(x, (3, 4), (1, 1), pads), w, b)
    )
    assert fast.dtype == dtype
    assert_allclose(fast, reference, rtol=tol, atol=tol)
    dz = rng.normal(size=(*fast.shape[:3], c_out)).astype(dtype)
    (dw, db), (dw_ref, db_ref) = both(
        lambda: conv.kernel_gradient(conv.Windows(x, (3, 4), (1, 1), pads), dz, w.shape)
    )
    assert dw.shape == w.shape and dw.dtype == dtype
    assert_allclose(dw, dw_ref, rtol=tol, atol=tol * np.abs(dw_ref).max())
    assert_allclose(db, db_ref, rtol=tol, atol=tol * np.abs(db_ref).max())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_padded_windows_equal_the_padded_input(dtype, both):
    """Windows(x, pads) (the fast path pads nothing) equals the correlation of x_pad."""
    x, w, b, _, strides = _arrays(CASES[1], dtype)
    pads = ((2, 1), (1, 2))
    x_pad = np.pad(x, ((0, 0), *pads, (0, 0)))
    fast, reference = both(
        lambda: conv.correlate(conv.Windows(x, w.shape[:2], strides, pads), w, b)
    )
    assert_allclose(fast, reference, rtol=TOLERANCE[dtype] * 10, atol=1e-5)
    assert_allclose(reference, conv.correlate_reference(x_pad, w, b, strides))


def test_col2im_is_the_adjoint_of_im2col():
    """<im2col(x), c> = <x, col2im(c)> for every x and c."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 7, 8, 3))
    cols = im2col.im2col_reference(x, 3, 2, (2, 1))
    c = rng.normal(size=cols.shape)
    back = im2col.col2im_reference(c, x.shape, 3, 2, (2, 1))
    assert np.sum(cols * c) == pytest.approx(np.sum(x * back), rel=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_kernels_match_torch(case):
    torch = pytest.importorskip("torch")
    x_pad, w, b, dz, strides = _arrays(case, np.float64)
    z = conv.correlate(x_pad, w, b, strides)
    dw, db = conv.kernel_gradient(x_pad, dz, w.shape, strides)
    dx = conv.input_gradient(dz, w, strides, x_pad.shape, ((0, 0), (0, 0)))
    x_t = torch.tensor(x_pad.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    w_t = torch.tensor(w.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    b_t = torch.tensor(b, requires_grad=True)
    z_t = torch.nn.functional.conv2d(x_t, w_t, b_t, stride=strides)
    z_t.backward(torch.tensor(dz.transpose(0, 3, 1, 2).copy()))
    assert_allclose(z, z_t.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10)
    assert_allclose(dw, w_t.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10)
    assert_allclose(db, b_t.grad.numpy(), rtol=1e-10)
    assert_allclose(dx, x_t.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pads", PADS)
def test_one_channel_plane_equals_reference(dtype, pads, both):
    """One input channel, stride 1: the plane sums (``kernels.plane``) equal im2col's
    products, padding included (the flat rows run over each row's padded end).
    """
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 10, 7, 1)).astype(dtype)
    w = rng.normal(size=(4, 3, 1, 5)).astype(dtype)
    windows = conv.Windows(x, (4, 3), (1, 1), pads)
    assert conv._on_plane(windows, w.shape)
    tol = TOLERANCE[dtype] * np.sqrt(w[..., 0].size)
    z, z_ref = both(lambda: conv.correlate(windows, w))
    assert z.dtype == dtype and z.shape == z_ref.shape
    assert_allclose(z, z_ref, rtol=tol, atol=tol * np.abs(z_ref).max())
    dz = rng.normal(size=z.shape).astype(dtype)
    (dw, db), (dw_ref, db_ref) = both(
        lambda: conv.kernel_gradient(windows, dz, w.shape)
    )
    assert windows.matrix is None  # no column matrix was made
    assert windows.flat.shape == (4, np.prod(windows.padded_shape[1:3]))  # kept
    assert_allclose(dw, dw_ref, rtol=tol, atol=tol * np.abs(dw_ref).max())
    assert_allclose(db, db_ref, rtol=tol, atol=tol * np.abs(db_ref).max())
