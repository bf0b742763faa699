"""The LSTM's time loops, fused: forward and backward through time in one compiled loop.

Same equations as ``layers/lstm.py`` (sigmoid gates, tanh), in the layer's time-major
layout, one sample per column; the gates in Keras' order (i, f, g, o):

    z_t = A [h_{t-1}; x_t; 1]          A = [U; W; b]^T, (4 units, units + features + 1)
    i, f, o = s(z_i), s(z_f), s(z_o);  g = tanh(z_g)
    c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)

and back, for t = T ... 1 (dh = dC/dh_t, dc = dC/dc_t):

    dz_o = dh tanh(c_t) o (1 - o);  dc += dh o (1 - tanh(c_t)^2)
    dz_i = dc g i (1 - i);  dz_f = dc c_{t-1} f (1 - f);  dz_g = dc i (1 - g^2)
    dC/dc_{t-1} = dc f;  dC/dh_{t-1} = U dz_t (+ the output's delta at t - 1)

The reference is the layer's own loop over ``LSTM.forward_step`` and ``backward_step``
(any activations); the tests hold these loops equal to it and to torch. A Python loop
costs about ten NumPy calls per step; here a step is one BLAS product and one pass over
the gates, which is what pays on long sequences of small arrays (W6: 300 steps). The
forward pass keeps NumPy's vectorized tanh, with one compiled pass per step for the rest.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit

__all__ = ["available", "backward", "forward"]

TINY = 1e-30  # dC/dc below this is flushed to 0 (see _backward_step)


def available(*arrays):
    """True if the compiled loops can run on these arrays (numba, one float dtype).

    They pay at every size measured (training steps/s, 2 threads, T = 100, 32 features,
    fused against the layer's loop): 128 units x batch 64: 34.0 / 25.1; 256 x 64:
    13.5 / 10.3; 256 x 256: 3.5 / 2.7.
    """
    return (
        _backward_step is not None
        and arrays[0].dtype in (np.float32, np.float64)
        and all(a.dtype == arrays[0].dtype and a.flags.c_contiguous for a in arrays)
    )


@njit()
def _backward_step(gates, c_prev, tanh_c, dh, dc, dz):
    """One step back, in place: dz (the four gates) from dh = dC/dh_t and dc = dC/dc_t,
    and dc becomes dC/dc_{t-1}.
    """
    width, batchsize = gates.shape
    n = width // 4
    for k in range(n):
        for b in range(batchsize):
            i, f = gates[k, b], gates[n + k, b]
            g, o = gates[2 * n + k, b], gates[3 * n + k, b]
            dh_t, tanh_c_t = dh[k, b], tanh_c[k, b]
            dz[3 * n + k, b] = dh_t * tanh_c_t * o * (1.0 - o)
            dc_t = dc[k, b] + dh_t * o * (1.0 - tanh_c_t * tanh_c_t)
            dz[k, b] = dc_t * g * i * (1.0 - i)
            dz[n + k, b] = dc_t * c_prev[k, b] * f * (1.0 - f)
            dz[2 * n + k, b] = dc_t * i * (1.0 - g * g)
            dc_t *= f  # dC/dc_{t-1}
            # a carry below TINY is 0 at float precision; left alone it decays into
            # subnormal numbers over long sequences, each operation on which costs
            # about a hundred times a normal one
            dc[k, b] = dc_t if abs(dc_t) > TINY else 0.0


@njit()
def _cell(gates, c_prev, c):
    """From tanh of the gate rows (i, f, o halved before): the sigmoids, and c_t."""
    width, batchsize = gates.shape
    n = width // 4
    for k in range(n):
        for b in range(batchsize):
            i = 0.5 + 0.5 * gates[k, b]  # s(z) = (1 + tanh(z / 2)) / 2
            f = 0.5 + 0.5 * gates[n + k, b]
            gates[k, b], gates[n + k, b] = i, f
            gates[3 * n + k, b] = 0.5 + 0.5 * gates[3 * n + k, b]
            c[k, b] = f * c_prev[k, b] + i * gates[2 * n + k, b]  # c_t = f c + i g


def forward(a, hx, gates, c, tanh_c):
    """Run the sequence: fills gates (T, 4 units, B), c[1:], tanh_c and hx[1:, :units].

    A Python loop over NumPy's SIMD tanh and one compiled pass for the rest: five calls
    per step. (A fully compiled loop was six times slower: numba's exp and tanh are scalar
    libm calls, 17 ns each against NumPy's 3 ns.)
    """
    n = c.shape[1]
    a_half = a.copy()  # s(z) = (1 + tanh(z / 2)) / 2: halve the rows of i, f and o
    a_half[: 2 * n] *= 0.5
    a_half[3 * n :] *= 0.5
    for t in range(len(gates)):
        np.dot(a_half, hx[t], out=gates[t])
        np.tanh(gates[t], out=gates[t])  # g = tanh(z_g); tanh(z / 2) for i, f, o
        _cell(gates[t], c[t], c[t + 1])
        np.tanh(c[t + 1], out=tanh_c[t])
        np.multiply(
            gates[t, 3 * n :], tanh_c[t], out=hx[t + 1, :n]
        )  # h_t = o tanh(c_t)


def backward(u, gates, c, tanh_c, dy, dh_last, dc_last, dz):
    """Fill dz (T, 4 units, B); return [dC/dh_0, dC/dc_0]. dy: (T, units, B) or None.

    A Python loop over NumPy's product (dC/dh_t = U dz_{t+1} + dy_t) and one compiled
    pass per step for the gates. (The product inside the compiled loop ran on numba's
    BLAS, scipy's OpenBLAS: a second thread pool, which with two threads made W7 2.3
    times slower.)
    """
    dc = np.array(dc_last, order="C")
    dh = np.array(dh_last, order="C")
    for t in range(len(gates) - 1, -1, -1):
        if t < len(gates) - 1:
            np.dot(u, dz[t + 1], out=dh)  # dC/dh_t = U dz_{t+1}
        if dy is not None:
            dh += dy[t]
        _backward_step(gates[t], c[t], tanh_c[t], dh, dc, dz[t])
    return [u @ dz[0], dc]  # dC/dh_0, dC/dc_0
