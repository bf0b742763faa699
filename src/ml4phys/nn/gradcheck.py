"""Finite-difference gradients, to check hand-written backward passes.

The tests use it on every layer, activation, loss and regularizer; use it on your own
layers the same way: build in float64, probe with L = sum(y * r) for a fixed random r, so
that dL/dy = r, and compare ``backward(r)`` with the numerical dL/dx.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "check_layer"]


def numerical_gradient(f, x, h=1e-6):
    """Central differences, error O(h^2): df/dx_i = (f(x + h e_i) - f(x - h e_i)) / 2h.

    ``f()`` reads ``x``, which is perturbed in place and restored: one helper for inputs
    and parameters alike.
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f()
        x[i] = saved - h
        f_minus = f()
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_layer(layer, input_shape, batchsize=3, seed=0, rtol=1e-5, atol=1e-7, x=None):
    """Compare a layer's backward pass with finite differences; raise AssertionError if off.

    Returns the largest absolute difference found.
    """
    rng = np.random.default_rng(seed)
    output_shape = layer.build(tuple(input_shape), rng, dtype=np.float64)
    if x is None:
        x = rng.normal(size=(batchsize, *input_shape))
    r = rng.normal(size=(len(x), *output_shape))  # probe L = sum(y * r): dL/dy = r

    def probe():
        return float(np.sum(layer.forward(x, training=True) * r))

    layer.forward(x, training=True)
    layer.propagate_delta = True
    dx = layer.backward(r.copy())
    analytic = {"input": dx}
    analytic.update({name: g * len(x) for name, g in layer.grads.items()})  # batch means
    numeric = {"input": numerical_gradient(probe, x)}
    numeric.update({name: numerical_gradient(probe, p) for name, p in layer.params.items()})
    worst = 0.0
    for name in numeric:
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=rtol, atol=atol,
                                   err_msg=f"{layer.describe()}: dL/d{name}")
        worst = max(worst, float(np.max(np.abs(analytic[name] - numeric[name]), initial=0)))
    return worst
