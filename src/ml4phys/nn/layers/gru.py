"""GRU, the gated recurrent unit (Cho et al. 2014), in Keras 3's default form (reset_after).

Forward, for each step t (s: recurrent_activation, sigmoid; f_a: activation, tanh), with
Keras' gate order (z, r, h) in ``kernel`` W, ``recurrent_kernel`` U and ``bias`` b, whose
two rows are the input bias b_in and the recurrent bias b_rec (torch's b_ih, b_hh):

    z = s(x W_z + h_{t-1} U_z + b_in,z + b_rec,z)               update gate
    r = s(x W_r + h_{t-1} U_r + b_in,r + b_rec,r)               reset gate
    g = f_a(x W_h + b_in,h + r (h_{t-1} U_h + b_rec,h))         candidate
    h_t = z h_{t-1} + (1 - z) g

(torch.nn.GRU is the same with gates ordered r, z, n.) The reset gate multiplies only the
recurrent part of the candidate, so one product per step gives four blocks:
[x W_h + b_in,h;  z's and r's pre-activations;  h U_h + b_rec,h] from the column
[h_{t-1}; x_t; 1] of ``recurrent.py``.

Backward through time, for t = T ... 1, with dh = dC/dh_t:

    dh    = dy_t + dh_{t+1} z_{t+1} + [dz_z; dz_r; dz_rh]_{t+1} [U_z U_r U_h]^T
    dz_z  = dh (h_{t-1} - g) s'(z)                     (z's pre-activation)
    da    = dh (1 - z) f_a'(a)                         (a: g's argument)
    dz_xh = da,   dz_rh = da r,   dz_r = da (h U_h + b_rec,h) s'(r)

``forward_step`` and ``backward_step`` below are these equations for one step; with the
default activations the time loops run fused in ``ml4phys.nn.kernels.gru`` (tested equal
to looping the two steps).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations, kernels
from ..kernels import gru as gru_kernels
from ._recurrent_base import _f_df, _Recurrent

__all__ = ["GRU"]


class GRU(_Recurrent):
    """Gated recurrent unit, Keras' ``GRU`` with ``reset_after=True`` (its default).

    Parameters
    ----------
    units : int
    activation : str or Activation
        f_a, default ``'tanh'``.
    recurrent_activation : str or Activation
        s, default ``'sigmoid'``. The defaults run the fused loops of
        ``ml4phys.nn.kernels.gru``; other choices (or ``ML4PHYS_KERNELS=numpy``) loop
        over ``forward_step`` and ``backward_step``.
    use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
    kernel_regularizer, recurrent_regularizer, bias_regularizer, return_sequences,
    return_state, stateful, input_shape
        As SimpleRNN. ``bias`` has shape (2, 3 units): input bias, recurrent bias.
    """

    n_gates = 3

    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", **kwargs
    ):
        super().__init__(units, activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)

    @property
    def _input_rows(self):
        return slice(0, 3 * self.units)  # x_t feeds the blocks xh, z, r

    def _initial_bias(self, width, rng, dtype):
        return self.bias_initializer((2, width), rng, dtype)

    @property
    def _fused(self):
        return (
            type(self.activation) is activations.Tanh
            and type(self.recurrent_activation) is activations.Sigmoid
        )

    def _internal_weights(self):
        """A, (units + features + 1, 4 units), blocks [xh, z, r, rh]; and U (Keras' order)."""
        n, w, u = self.units, self.params["kernel"], self.params["recurrent_kernel"]
        n_in = w.shape[0]
        a = np.zeros((n + n_in + 1, 4 * n), w.dtype)
        a[n : n + n_in, :n] = w[:, 2 * n :]  # x W_h
        a[:n, n : 3 * n] = u[:, : 2 * n]  # h U_z, h U_r
        a[n : n + n_in, n : 3 * n] = w[:, : 2 * n]  # x W_z, x W_r
        a[:n, 3 * n :] = u[:, 2 * n :]  # h U_h
        if self.use_bias:
            b_in, b_rec = self.params["bias"]
            a[-1, :n] = b_in[2 * n :]
            a[-1, n : 3 * n] = b_in[: 2 * n] + b_rec[: 2 * n]
            a[-1, 3 * n :] = b_rec[2 * n :]
        return a, u

    def _store_gradients(self, grad):
        """Gather dC/dW, dC/dU and dC/db from the gradient of A (its blocks share them)."""
        n = self.units
        n_in = grad.shape[0] - n - 1
        xh, zr, rh = grad[:, :n], grad[:, n : 3 * n], grad[:, 3 * n :]
        self.grads["kernel"][...] = np.concatenate(
            [zr[n : n + n_in], xh[n : n + n_in]], axis=1
        )
        self.grads["recurrent_kernel"][...] = np.concatenate([zr[:n], rh[:n]], axis=1)
        if self.use_bias:
            self.grads["bias"][0] = np.concatenate([zr[-1], xh[-1]])
            self.grads["bias"][1] = np.concatenate([zr[-1], rh[-1]])

    def _allocate(self, timesteps, batchsize, dtype, hx):
        n = self.units
        return SimpleNamespace(
            gates=np.empty((timesteps, 4 * n, batchsize), dtype),  # [xh, z, r, rh]
            g=np.empty((timesteps, n, batchsize), dtype),  # the candidate
            dz=np.empty((timesteps, 4 * n, batchsize), dtype),  # dC_n/d[xh, z, r, rh]
            dy=np.empty((timesteps, n, batchsize), dtype)
            if self.return_sequences
            else None,
            states=[hx[:, :n]],  # h_0 .. h_T, in the column blocks
            steps=None,  # the reference loop's per-step values (forward_step)
        )

    def _forward_steps(self, buf, a, u):
        a = np.ascontiguousarray(a.T)  # (4 units, units + features + 1)
        h = buf.states[0]
        arrays = (a, buf.hx, buf.gates, buf.g)
        if kernels.fast() and self._fused and gru_kernels.available(*arrays):
            buf.steps = None
            gru_kernels.forward(*arrays)
            return
        buf.steps = []
        for t in range(len(buf.gates)):
            blocks = a @ buf.hx[t]  # [x W_h + b_in,h, z's, r's, h U_h + b_rec,h]
            h[t + 1], step = self.forward_step(blocks, h[t])
            buf.steps.append(step)

    def forward_step(self, blocks, h_prev):
        """One step: (h_t, what backward needs) from the blocks of A [h_{t-1}; x_t; 1]."""
        s, f_a = self.recurrent_activation, self.activation
        xh, z_pre, r_pre, rh = np.split(blocks, 4)  # (units, batchsize) each
        z, dz = _f_df(s, z_pre)  # update gate z and s'
        r, dr = _f_df(s, r_pre)  # reset gate r and s'
        g, dg = _f_df(f_a, xh + r * rh)  # candidate g = f_a(a), a = xh + r rh
        h = z * h_prev + (1 - z) * g  # h_t = z h_{t-1} + (1 - z) g
        step = SimpleNamespace(z=z, r=r, g=g, rh=rh, h_prev=h_prev, dz=dz, dr=dr, dg=dg)
        return h, step

    def _backward_steps(self, buf, dy, last, u):
        if buf.steps is None:
            return gru_kernels.backward(
                u, buf.gates, buf.g, buf.hx, dy, last[0], buf.dz
            )
        dh_above = last[0]  # dC/dh_T from outside the sequence
        for t in reversed(range(len(buf.dz))):
            dh = dh_above if dy is None else dh_above + dy[t]  # dC/dh_t
            dz_xh, dz_z, dz_r, dz_rh, dh_direct = self.backward_step(dh, buf.steps[t])
            buf.dz[t] = np.concatenate([dz_xh, dz_z, dz_r, dz_rh])
            # dC/dh_{t-1} = dh z + U [dz_z; dz_r; dz_rh]  (columns: samples)
            dh_above = dh_direct + u @ buf.dz[t, self.units :]
        return [dh_above]  # dC/dh_0

    def backward_step(self, dh, step):
        """One step back: dC/d[xh, z, r, rh] and the direct part dh z of dC/dh_{t-1}."""
        dz_z = dh * (step.h_prev - step.g) * step.dz  # dC/dz_z = dh (h_{t-1} - g) s'
        da = dh * (1 - step.z) * step.dg  # dC/da = dh (1 - z) f_a'(a)
        dz_rh = da * step.r  # dC/d(h U_h + b_rec,h) = da r
        dz_r = da * step.rh * step.dr  # dC/dz_r = da (h U_h + b_rec,h) s'
        return da, dz_z, dz_r, dz_rh, dh * step.z  # dz_xh = da

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation.get_config(),
        }
