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

    dh_t = dy_t + [U_z U_r U_h] [dz_z; dz_r; dz_rh]_{t+1} + dh_{t+1} z_{t+1}
    dz_z = dh_t (h_{t-1} - g) z'          da = dh_t (1 - z) f_a'     (a: g's argument)
    dz_xh = da,   dz_rh = da r,   dz_r = da (h U_h + b_rec,h) r'

The factors (h_{t-1} - g) z', (1 - z) f_a' and (h U_h + b_rec,h) r' are computed for all
steps at once before the loop.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations
from .recurrent import _f_df, _Recurrent

__all__ = ["GRU"]


class GRU(_Recurrent):
    """Gated recurrent unit, Keras' ``GRU`` with ``reset_after=True`` (its default).

    Parameters
    ----------
    units : int
    activation : str or Activation
        f_a, default ``'tanh'``.
    recurrent_activation : str or Activation
        s, default ``'sigmoid'``. The defaults run a fused fast path; other choices run the
        general loop, which calls the activation objects step by step.
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
        column, steps = (n, batchsize), range(timesteps)
        buf = SimpleNamespace(
            z=np.empty(
                (timesteps, 4 * n, batchsize), dtype
            ),  # [xh, z, r, rh], then gates
            g=np.empty((timesteps, *column), dtype),  # the candidate
            dif=np.empty((timesteps, *column), dtype),  # h_{t-1} - g
            a=np.empty(column, dtype),
            # derivatives z', r', f_a'; before the backward loop the factors
            # (h_{t-1} - g) z', (h U_h + b_rec,h) r', (1 - z) f_a'
            fac=np.empty((timesteps, 3 * n, batchsize), dtype),
            dz=np.empty((timesteps, 4 * n, batchsize), dtype),
            dy=np.empty((timesteps, *column), dtype) if self.return_sequences else None,
            tmp=np.empty(column, dtype),
            dh=np.empty(column, dtype),
        )
        h, z, fac, dz = hx[:, :n], buf.z, buf.fac, buf.dz
        buf.states = [h]
        buf.forward_views = [
            (
                z[t],
                z[t, :n],
                z[t, n : 3 * n],
                z[t, n : 2 * n],
                z[t, 2 * n : 3 * n],
                z[t, 3 * n :],
                buf.g[t],
                buf.dif[t],
                hx[t],
                h[t],
                h[t + 1],
            )
            for t in steps
        ]
        buf.backward_views = [
            (
                dz[t + 1, n:] if t + 1 < timesteps else None,
                z[t + 1, n : 2 * n] if t + 1 < timesteps else None,
                None if buf.dy is None else buf.dy[t],
                fac[t, :n],
                fac[t, n : 2 * n],
                fac[t, 2 * n :],
                z[t, 2 * n : 3 * n],
                dz[t, :n],
                dz[t, n : 2 * n],
                dz[t, 2 * n : 3 * n],
                dz[t, 3 * n :],
            )
            for t in reversed(steps)
        ]
        return buf

    def _forward_steps(self, buf, a, u):
        n = self.units
        buf.fused = self._fused
        if not buf.fused:
            return self._forward_general(buf, a)
        a = a.T.copy()  # (4 units, units + features + 1)
        a[n : 3 * n] *= 0.5  # s(x) = (1 + tanh(x/2)) / 2 for z and r
        arg = buf.a
        for z4, xh, zr, z, r, rh, g, dif, hx, h_prev, h in buf.forward_views:
            np.dot(a, hx, out=z4)  # [x W_h + b_in,h, z/2, r/2, h U_h + b_rec,h]
            np.tanh(zr, out=zr)
            zr *= 0.5
            zr += 0.5  # z, r = s(...)
            np.multiply(r, rh, out=arg)
            arg += xh  # x W_h + b_in,h + r (h U_h + b_rec,h)
            np.tanh(arg, out=g)  # the candidate g
            np.subtract(h_prev, g, out=dif)
            np.multiply(z, dif, out=h)
            h += g  # h_t = z h_{t-1} + (1 - z) g = g + z (h_{t-1} - g)
        # derivatives for all steps at once: s' = s (1 - s), tanh' = 1 - tanh^2
        zr, dzr = buf.z[:, n : 3 * n], buf.fac[:, : 2 * n]
        np.subtract(1.0, zr, out=dzr)
        dzr *= zr
        np.multiply(buf.g, buf.g, out=buf.fac[:, 2 * n :])
        np.subtract(1.0, buf.fac[:, 2 * n :], out=buf.fac[:, 2 * n :])

    def _forward_general(self, buf, a):
        """The same recursion with any activations, step by step: the readable reference."""
        n, h = self.units, buf.states[0]
        for t in range(len(buf.z)):
            z4 = buf.z[t]
            z4[...] = a.T @ buf.hx[t]  # [x W_h + b_in,h, z's, r's, h U_h + b_rec,h]
            z4[n : 3 * n], buf.fac[t, : 2 * n] = _f_df(
                self.recurrent_activation, z4[n : 3 * n]
            )
            xh, z, r, rh = (z4[k * n : (k + 1) * n] for k in range(4))
            buf.g[t], buf.fac[t, 2 * n :] = _f_df(self.activation, xh + r * rh)
            buf.dif[t] = h[t] - buf.g[t]
            h[t + 1] = z * h[t] + (1 - z) * buf.g[t]

    def _backward_steps(self, buf, dy, last, u):
        n = self.units
        if not buf.factors_ready:
            z, rh, fac = buf.z[:, n : 2 * n], buf.z[:, 3 * n :], buf.fac
            fac[:, :n] *= buf.dif  # dz_z = dh (h_{t-1} - g) z'
            fac[:, n : 2 * n] *= rh  # dz_r = da (h U_h + b_rec,h) r'
            fac[:, 2 * n :] *= 1.0 - z  # da = dh (1 - z) f_a'
            buf.factors_ready = True
        dh, tmp = buf.dh, buf.tmp
        dh[...] = last[0]
        for (
            dz_next,
            z_next,
            dy_t,
            fac_z,
            fac_r,
            fac_a,
            r,
            dz_xh,
            dz_z,
            dz_r,
            dz_rh,
        ) in buf.backward_views:
            if dz_next is not None:
                dh *= z_next  # dh_{t+1} z_{t+1}: through h_{t+1} = z h_t + ...
                np.dot(u, dz_next, out=tmp)  # U [dz_z; dz_r; dz_rh]_{t+1}
                dh += tmp
            if dy_t is not None:
                dh += dy_t
            np.multiply(dh, fac_z, out=dz_z)
            np.multiply(dh, fac_a, out=dz_xh)  # da, the candidate's argument
            np.multiply(dz_xh, r, out=dz_rh)
            np.multiply(dz_xh, fac_r, out=dz_r)
        dh *= buf.z[0, n : 2 * n]
        dh += u @ buf.dz[0, n:]
        return [dh]  # dC/dh_0

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation.get_config(),
        }
