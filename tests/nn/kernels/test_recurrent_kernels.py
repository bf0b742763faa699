"""The fused recurrent time loops equal the layers' step-by-step reference loops.

The reference is the layer's own loop over ``forward_step`` and ``backward_step`` (the
equations, one gate per line), selected with ``kernels.use("numpy")``. PyTorch agrees
with both: tests/nn/test_recurrent.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import layers

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
    from ml4phys.nn.kernels import lstm

    if lstm._backward_step is None:
        pytest.skip("numba is not installed: the reference loops run everywhere")
    small = np.zeros((10, 4 * 20, 32), np.float32)  # (T, 4 units, batchsize)
    large = np.zeros((10, 4 * 128, 64), np.float32)
    assert lstm.available(small, small)
    assert lstm.available(large, large)
    assert not lstm.available(large, large.astype(np.float64))
    assert not lstm.available(large, large[:, ::2])
