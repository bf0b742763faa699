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
    # a stochastic layer (dropout) must draw the same numbers in every probe
    rng_state = layer.rng.bit_generator.state if hasattr(layer, "rng") else None

    def probe():
        """L = B C with C = <y_n . r_n> + R(params) + <R(y_n)>: what backward differentiates."""
        if rng_state is not None:
            layer.rng.bit_generator.state = rng_state
        y = layer.forward(x, training=True)
        penalties = layer.regularization_loss() + layer.activity_loss
        return float(np.sum(y * r)) + len(x) * penalties

    probe()
    layer.propagate_delta = True
    dx = layer.backward(r.copy())
    analytic = {"input": dx}
    analytic.update(
        {name: g * len(x) for name, g in layer.grads.items()}
    )  # batch means
    numeric = {"input": numerical_gradient(probe, x)}
    numeric.update(
        {name: numerical_gradient(probe, p) for name, p in layer.params.items()}
    )
    worst = 0.0
    for name in numeric:
        np.testing.assert_allclose(
            analytic[name],
            numeric[name],
            rtol=rtol,
            atol=atol,
            err_msg=f"{layer.describe()}: dL/d{name}",
        )
        worst = max(
            worst, float(np.max(np.abs(analytic[name] - numeric[name]), initial=0))
        )
    return worst
