"""Pooling and upsampling kernels: the fast path equals the reference and PyTorch."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn.kernels import pool


def _blocks(dtype, ph=2, pw=3, seed=0, ties=False, channels=6):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 4 * ph, 5 * pw, channels)).astype(dtype)
    if ties:  # whole pools of equal values: the first one takes the gradient
        x = np.round(x)
    return x, x.reshape(3, 4, ph, 5, pw, channels)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("channels", [6, 9])
def test_max_pool_fast_equals_reference(dtype, ties, channels, both):
    _x, blocks = _blocks(dtype, ties=ties, channels=channels)
    y, y_ref = both(lambda: pool.max_of_blocks(blocks))
    assert_allclose(y, y_ref, rtol=0)
    delta = np.random.default_rng(1).normal(size=y.shape).astype(dtype)
    dx, dx_ref = both(lambda: pool.max_blocks_backward(blocks, y, delta))
    assert_allclose(dx, dx_ref, rtol=0)
    assert np.count_nonzero(dx) <= y.size  # one per pool


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sum_and_repeat_fast_equal_reference(dtype, both):
    x, blocks = _blocks(dtype)
    tol = {np.float64: 1e-12, np.float32: 1e-5}[dtype]
    total, total_ref = both(lambda: pool.sum_of_blocks(blocks))
    assert_allclose(total, total_ref, rtol=tol, atol=tol)
    wide, wide_ref = both(lambda: pool.repeat_blocks(x, 2, 3))
    assert_allclose(wide, wide_ref, rtol=0)


def test_max_pool_matches_torch():
    torch = pytest.importorskip("torch")
    x, blocks = _blocks(np.float64)
    y = pool.max_of_blocks(blocks)
    delta = np.random.default_rng(2).normal(size=y.shape)
    dx = pool.max_blocks_backward(blocks, y, delta)
    x_t = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    y_t = torch.nn.functional.max_pool2d(x_t, (2, 3))
    y_t.backward(torch.tensor(delta.transpose(0, 3, 1, 2).copy()))
    assert_allclose(y, y_t.detach().numpy().transpose(0, 2, 3, 1), rtol=0)
    assert_allclose(dx.reshape(x.shape), x_t.grad.numpy().transpose(0, 2, 3, 1), rtol=0)
