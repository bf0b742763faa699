"""Finite-difference gradients, to check hand-written backward passes.

The tests use it on every layer, activation, loss and regularizer; use it on your own
layers the same way: build in float64, probe with L = sum(y * r) for a fixed random r, so
that dL/dy = r, and compare ``backward(r)`` with the numerical dL/dx.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_layer", "numerical_gradient"]


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
    """Check a layer's hand-written backward pass against finite differences, in one call.

    The layer is built in float64 for ``input_shape`` (a list of shapes for a merge
    layer, which reads a list of inputs), and probed with L = sum(y * r) for a fixed
    random r, so dL/dy = r: ``backward(r)`` must give dL/dx, and ``grads[k]`` times the
    batch size (grads are batch means) must give dL/dparams[k].

    Parameters
    ----------
    layer : Layer
        A fresh, unbuilt layer, e.g. one of your own (see ``ml4phys.nn.layers.Layer``).
    input_shape : tuple of int, or list of tuples
        Shape of one sample, without the batch axis.
    x : ndarray or list of ndarray, optional
        The batch to probe at (default: standard normal numbers, ``batchsize`` samples).

    Returns
    -------
    float
        The largest absolute difference found.

    Raises
    ------
    AssertionError
        Naming the layer and the input or parameter whose derivative is off.

    Examples
    --------
    >>> from ml4phys.nn.layers import Dense
    >>> worst = check_layer(Dense(3, activation="tanh"), (4,))
    >>> worst < 1e-7
    True
    """
    rng = np.random.default_rng(seed)
    merges = isinstance(input_shape, list)
    shapes = [tuple(s) for s in input_shape] if merges else [tuple(input_shape)]
    output_shape = layer.build(input_shape if merges else shapes[0], rng, np.float64)
    if x is None:
        inputs = [rng.normal(size=(batchsize, *shape)) for shape in shapes]
    else:
        inputs = list(x) if merges else [x]
    r = rng.normal(size=(len(inputs[0]), *output_shape))  # L = sum(y * r): dL/dy = r
    probe = _probe(layer, inputs if merges else inputs[0], r)
    probe()
    layer.propagate_delta = True
    dx = layer.backward(r.copy())
    analytic = {f"input {i}": d for i, d in enumerate(dx if merges else [dx])}
    analytic.update({name: g * len(r) for name, g in layer.grads.items()})
    numeric = {f"input {i}": numerical_gradient(probe, a) for i, a in enumerate(inputs)}
    numeric.update(
        {name: numerical_gradient(probe, p) for name, p in layer.params.items()}
    )
    return _compare(layer, analytic, numeric, rtol, atol)


def _probe(layer, x, r):
    """L = B C with C = <y_n . r_n> + R(params) + <R(y_n)>: what backward differentiates."""
    # a stochastic layer (dropout) must draw the same numbers in every probe
    rng_state = layer.rng.bit_generator.state if hasattr(layer, "rng") else None

    def probe():
        if rng_state is not None:
            layer.rng.bit_generator.state = rng_state
        y = layer.forward(x, training=True)
        penalties = layer.regularization_loss() + layer.activity_loss
        return float(np.sum(y * r)) + len(r) * penalties

    return probe


def _compare(layer, analytic, numeric, rtol, atol):
    """assert_allclose for each derivative, naming it; returns the worst difference."""
    worst = 0.0
    for name in numeric:
        np.testing.assert_allclose(
            analytic[name],
            numeric[name],
            rtol=rtol,
            atol=atol,
            err_msg=f"{layer.describe()}: dL/d{name}",
        )
        difference = np.abs(analytic[name] - numeric[name])
        worst = max(worst, float(np.max(difference, initial=0)))
    return worst
