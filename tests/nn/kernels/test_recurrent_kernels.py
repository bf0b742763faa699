"""The fused recurrent time loops equal the layers' step-by-step reference loops.

The reference is the layer's own loop over ``forward_step`` and ``backward_step`` (the
equations, one gate per line), selected with ``kernels.use("numpy")``. PyTorch agrees
with both: tests/nn/test_recurrent.py.
"""

import functools
from unittest import mock

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import layers
from ml4phys.nn.kernels import _recurrent, gru, lstm

TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}


def _run(layer_class, return_sequences, dtype, timesteps=7):
    rng = np.random.default_rng(5)
    layer = layer_class(5, return_sequences=return_sequences)
    layer.build((timesteps, 3), np.random.default_rng(0), dtype=dtype)
    if "bias" in layer.params:
        layer.params["bias"][...] = rng.normal(size=layer.params["bias"].shape)
    x = rng.normal(size=(4, timesteps, 3)).astype(dtype)
    r = rng.normal(size=(4, *layer.output_shape)).astype(dtype)
    y = layer.forward(x, training=True)
    dx = layer.backward(r)
    return y, dx, dict(layer.grads), layer.initial_state_deltas


@pytest.mark.parametrize("layer_class", [layers.LSTM, layers.GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_loops_equal_step_loops(layer_class, return_sequences, dtype, both):
    fast, reference = both(lambda: _run(layer_class, return_sequences, dtype))
    tol = TOLERANCE[dtype]
    (y, dx, grads, states), (y_ref, dx_ref, grads_ref, states_ref) = fast, reference
    assert y.dtype == dtype
    assert_allclose(y, y_ref, rtol=tol, atol=tol)
    assert_allclose(dx, dx_ref, rtol=tol, atol=tol)
    for name in grads:
        assert_allclose(grads[name], grads_ref[name], rtol=tol, atol=tol, err_msg=name)
    for d, d_ref in zip(states, states_ref):
        assert_allclose(d, d_ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("layer_class", [layers.LSTM, layers.GRU])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_the_per_step_loops_equal_the_reference(
    layer_class, return_sequences, dtype, both
):
    """With the whole-loop kernels switched off (every product counts as large), the
    Python loop over NumPy's products and one compiled pass a step: the path of W7.
    """
    with mock.patch.object(_recurrent, "ONE_THREAD", 0):
        fast, reference = both(lambda: _run(layer_class, return_sequences, dtype))
    tol = TOLERANCE[dtype]
    for got, expected in zip(fast[:2], reference[:2]):
        assert_allclose(got, expected, rtol=tol, atol=tol)
    for name in fast[2]:
        assert_allclose(fast[2][name], reference[2][name], rtol=tol, atol=tol)


def _tanh_rational(x):
    """The compiled kernels' rational tanh, evaluated by NumPy in float64."""
    r = _recurrent
    x = np.clip(x.astype(np.float64), -r.CLAMP, r.CLAMP)
    s = x * x
    p = r.P0 + s * (r.P1 + s * (r.P2 + s * (r.P3 + s * r.P4)))
    q = 1.0 + s * (r.Q1 + s * (r.Q2 + s * (r.Q3 + s * r.Q4)))
    return x * p / q


def test_the_rational_tanh_is_within_an_ulp_and_a_bit_of_float32():
    """Every float32 in [0.25, 1) and in [4, 16), a fine grid of [-20, 20] and tiny
    values: at most 1.1 units in the last place of the float32 result (the fit's 1.07).
    """
    every = np.arange(
        np.float32(0.25).view(np.int32), np.float32(1.0).view(np.int32), dtype=np.int32
    ).view(np.float32)
    far = np.arange(
        np.float32(4.0).view(np.int32), np.float32(16.0).view(np.int32), dtype=np.int32
    ).view(np.float32)
    grid = np.linspace(-20, 20, 400_001, dtype=np.float32)
    tiny = np.geomspace(1e-30, 0.25, 10_001).astype(np.float32)
    x = np.concatenate([every, far, grid, tiny, -tiny])
    exact = np.tanh(x.astype(np.float64))
    got = _tanh_rational(x).astype(np.float32).astype(np.float64)
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got - exact) / ulp) < 1.1
    beyond = np.array([9.5, 100, np.inf, -9.5, -np.inf], np.float32)
    assert list(_tanh_rational(beyond).astype(np.float32)) == [1, 1, 1, -1, -1]


def test_the_compiled_rational_tanh_is_the_formula():
    if _recurrent.tanh_rational is None:
        pytest.skip("numba is not installed")
    x = np.linspace(-12, 12, 2001, dtype=np.float32)
    compiled = np.array([_recurrent.tanh_rational(v) for v in x])
    assert_allclose(compiled, _tanh_rational(x), rtol=1e-15, atol=0)
    assert np.isnan(_recurrent.tanh_rational(np.float32(np.nan)))  # a divergence shows


@pytest.mark.parametrize("kernels", [lstm, gru])
def test_small_nets_run_the_whole_loop_compiled_large_ones_per_step(kernels, both):
    """The product per step decides (W6: 80 x 22 x 32 multiply-adds, whole loop; W7:
    512 x 161 x 64, a Python loop), and the forward whole loop is float32's only.
    """
    if kernels._forward_loop is None:
        pytest.skip("numba is not installed: the reference loops run everywhere")
    w6, w7 = np.zeros((80, 22), np.float32), np.zeros((512, 161), np.float32)
    assert _recurrent.whole_loop(w6, 32)
    assert not _recurrent.whole_loop(w7, 64)
    assert not _recurrent.whole_loop(np.zeros((22, 80), np.float32).T, 32)
    layer_class = layers.LSTM if kernels is lstm else layers.GRU
    calls, real = [], kernels._forward_loop
    with mock.patch.object(
        kernels, "_forward_loop", lambda *a: (calls.append(a[2].dtype), real(*a))
    ):
        for dtype in (np.float32, np.float64):
            both(functools.partial(_run, layer_class, True, dtype))  # fast, reference
    assert calls == [np.float32]


def test_the_fused_loop_runs_when_fast():
    """The switch really selects: fast keeps no per-step values, numpy keeps them."""
    from ml4phys.nn import kernels

    before = kernels.active()
    try:
        for name, expect_steps in (("fast", False), ("numpy", True)):
            kernels.use(name)
            layer = layers.LSTM(3)
            layer.build((4, 2), np.random.default_rng(0), dtype=np.float64)
            layer.forward(np.zeros((2, 4, 2)), training=True)
            assert (layer.trained.steps is not None) == expect_steps
    finally:
        kernels.use(before)


def test_the_lstm_loops_are_fused_at_every_size():
    """Small and large gate arrays (W7: 128 units x batch 64) run fused; a mixed dtype
    or a non-contiguous array runs the layer's loop.
    """
    if lstm._backward_step is None:
        pytest.skip("numba is not installed: the reference loops run everywhere")
    small = np.zeros((10, 4 * 20, 32), np.float32)  # (T, 4 units, batchsize)
    large = np.zeros((10, 4 * 128, 64), np.float32)
    assert lstm.available(small, small)
    assert lstm.available(large, large)
    assert not lstm.available(large, large.astype(np.float64))
    assert not lstm.available(large, large[:, ::2])


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_the_whole_float32_loops_match_torch(kind):
    """A small float32 LSTM or GRU (the whole compiled loops, the rational tanh) against
    torch's float32 layer over 50 steps: outputs, the delta below, weight gradients.
    """
    torch = pytest.importorskip("torch")
    from tests.nn.test_recurrent import _torch_grads, _torch_pair

    rng = np.random.default_rng(3)
    batchsize, timesteps, features, units = 8, 50, 2, 6
    layer = getattr(layers, kind)(units, return_sequences=True)
    layer.build((timesteps, features), rng, dtype=np.float32)
    layer.params["bias"][...] = rng.normal(size=layer.params["bias"].shape)
    layer.propagate_delta = True
    assert _recurrent.whole_loop(np.zeros((4 * units, units + features + 1)), batchsize)
    x = rng.normal(size=(batchsize, timesteps, features)).astype(np.float32)
    r = rng.normal(size=(batchsize, timesteps, units)).astype(np.float32)
    y = layer.forward(x, training=True)
    dx = layer.backward(r)

    module = _torch_pair(torch, kind, layer, features).float()
    x_t = torch.tensor(x, requires_grad=True)
    out, _ = module(x_t)
    (out * torch.tensor(r)).sum().backward()
    close = {"rtol": 1e-4, "atol": 1e-5}
    assert y.dtype == np.float32
    assert_allclose(y, out.detach().numpy(), **close)
    assert_allclose(dx, x_t.grad.numpy(), **close)
    for name, expected in _torch_grads(module, kind, units).items():  # ours: means
        assert_allclose(layer.grads[name] * batchsize, expected, **close, err_msg=name)
