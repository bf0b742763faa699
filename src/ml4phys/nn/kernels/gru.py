"""The GRU's time loops (Keras' reset_after form, sigmoid and tanh), fused beneath the layer.

The layer's time-major layout, one sample per column; one product per step gives the
blocks [x W_h + b_in,h;  z's and r's pre-activations;  h U_h + b_rec,h]:

    z, r = s(.), s(.);  g = tanh(x W_h + b_in,h + r (h U_h + b_rec,h))
    h_t = z h_{t-1} + (1 - z) g

and back, for t = T ... 1 (dh = dC/dh_t):

    dz_z = dh (h_{t-1} - g) z (1 - z);   da = dh (1 - z) (1 - g^2)
    dz_xh = da;  dz_rh = da r;  dz_r = da (h U_h + b_rec,h) r (1 - r)
    dC/dh_{t-1} = dh z + U [dz_z; dz_r; dz_rh]  (+ the output's delta at t - 1)

The reference is the layer's loop over ``GRU.forward_step`` and ``backward_step``. As
for the LSTM (``_recurrent``): a small net runs each whole time loop as one compiled call
(float32 forward: the rational tanh); a larger one loops in Python, the forward pass over
NumPy's products and SIMD tanh, the backward pass over NumPy's product and one compiled
pass over the gates per step. W6 with a GRU(20) in place of its LSTM trains at 190 steps/s
instead of 82 (one thread, ``benchmarks/kernels_ab.py recurrent-training``).
"""

from __future__ import annotations

import numpy as np

from ._jit import njit
from ._recurrent import tanh_rational, whole_loop

__all__ = ["available", "backward", "forward"]

TINY = 1e-30  # dC/dh below this is flushed to 0: subnormal numbers are very slow


def available(*arrays):
    """True if the compiled loop can run on these arrays (numba, one float dtype)."""
    return (
        _backward_step is not None
        and arrays[0].dtype in (np.float32, np.float64)
        and all(a.dtype == arrays[0].dtype and a.flags.c_contiguous for a in arrays)
    )


@njit(divisions="numpy")
def _forward_loop(a_half, hx, gates, g):
    """The whole forward pass of a small float32 GRU, the product on numba's BLAS."""
    steps, width, batchsize = gates.shape
    n = width // 4
    for t in range(steps):
        blocks = gates[t]
        np.dot(a_half, hx[t], blocks)
        for k in range(n):
            for b in range(batchsize):
                # z, r = s(.) = (1 + tanh(. / 2)) / 2, kept as float32 for the backward
                blocks[n + k, b] = 0.5 + 0.5 * tanh_rational(blocks[n + k, b])
                blocks[2 * n + k, b] = 0.5 + 0.5 * tanh_rational(blocks[2 * n + k, b])
                z, r = blocks[n + k, b], blocks[2 * n + k, b]
                g[t, k, b] = tanh_rational(blocks[k, b] + r * blocks[3 * n + k, b])
                g_t = g[t, k, b]  # as stored, as the backward reads it
                hx[t + 1, k, b] = g_t + z * (
                    hx[t, k, b] - g_t
                )  # h = g + z (h_prev - g)


def forward(a, hx, gates, g):
    """Fill gates (T, 4 units, B) = [xh, z, r, rh], g (T, units, B) and hx[1:, :units]."""
    n = g.shape[1]
    a_half = a.copy()  # s(x) = (1 + tanh(x / 2)) / 2 for z and r
    a_half[n : 3 * n] *= 0.5
    if whole_loop(a_half, gates.shape[2], a.dtype):
        _forward_loop(a_half, hx, gates, g)
        return
    arg = np.empty_like(g[0])
    for t in range(len(gates)):
        xh, zr, z, r, rh = (
            gates[t, :n],
            gates[t, n : 3 * n],
            *np.split(gates[t, n:], 3),
        )
        h_prev, h = hx[t, :n], hx[t + 1, :n]
        np.dot(a_half, hx[t], out=gates[t])
        np.tanh(zr, out=zr)
        zr *= 0.5
        zr += 0.5  # z, r = s(...)
        np.multiply(r, rh, out=arg)
        arg += xh  # x W_h + b_in,h + r (h U_h + b_rec,h)
        np.tanh(arg, out=g[t])
        np.subtract(h_prev, g[t], out=h)
        h *= z
        h += g[t]  # h_t = g + z (h_{t-1} - g)


@njit()
def _backward_step(gates, g, h_prev, dh, dz):
    """One step back, in place: dz (T's four blocks) from dh = dC/dh_t (flushed)."""
    width, batchsize = gates.shape
    n = width // 4
    for k in range(n):
        for b in range(batchsize):
            dh_t = dh[k, b] if abs(dh[k, b]) > TINY else 0.0
            z, r = gates[n + k, b], gates[2 * n + k, b]
            rh, g_t = gates[3 * n + k, b], g[k, b]
            da = dh_t * (1.0 - z) * (1.0 - g_t * g_t)
            dz[k, b] = da
            dz[n + k, b] = dh_t * (h_prev[k, b] - g_t) * z * (1.0 - z)
            dz[2 * n + k, b] = da * rh * r * (1.0 - r)
            dz[3 * n + k, b] = da * r
            dh[k, b] = dh_t


@njit()
def _backward_loop(u, gates, g, hx, dy, dh, dz, dh_recurrent):
    """The whole backward pass of a small GRU, the product on numba's BLAS."""
    steps, width, _ = gates.shape
    n = width // 4
    for t in range(steps - 1, -1, -1):
        if t < steps - 1:
            # dC/dh_t = dh_{t+1} z_{t+1} + U [dz_z; dz_r; dz_rh]_{t+1}
            dh *= gates[t + 1, n : 2 * n]
            np.dot(u, dz[t + 1, n:], dh_recurrent)
            dh += dh_recurrent
        if dy is not None:
            dh += dy[t]
        _backward_step(gates[t], g[t], hx[t, :n], dh, dz[t])


def backward(u, gates, g, hx, dy, dh_last, dz):
    """Fill dz (T, 4 units, B); return [dC/dh_0]. dy: (T, units, B) or None.

    Small nets: one compiled loop (``_backward_loop``). Otherwise a Python loop over
    NumPy's product and one compiled pass per step.
    """
    n = g.shape[1]
    dh = np.array(dh_last, order="C")
    if whole_loop(u, gates.shape[2]):
        _backward_loop(u, gates, g, hx, dy, dh, dz, np.empty_like(dh))
        dh *= gates[0, n : 2 * n]
        dh += u @ dz[0, n:]
        return [dh]  # dC/dh_0
    for t in range(len(gates) - 1, -1, -1):
        if t < len(gates) - 1:
            # dC/dh_t = dh_{t+1} z_{t+1} + U [dz_z; dz_r; dz_rh]_{t+1}
            dh *= gates[t + 1, n : 2 * n]
            dh += u @ dz[t + 1, n:]
        if dy is not None:
            dh += dy[t]
        _backward_step(gates[t], g[t], hx[t, :n], dh, dz[t])
    dh *= gates[0, n : 2 * n]
    dh += u @ dz[0, n:]
    return [dh]  # dC/dh_0
