"""LSTM, long short-term memory (Hochreiter & Schmidhuber 1997), as Keras and torch define it.

Forward, for each step t (s: recurrent_activation, sigmoid; f_a: activation, tanh):

    z_t = x_t W + h_{t-1} U + b,  split into the gate pre-activations z_i, z_f, z_c, z_o
    i = s(z_i),  f = s(z_f),  g = f_a(z_c),  o = s(z_o)
    c_t = f c_{t-1} + i g                                   the memory cell
    h_t = o f_a(c_t)                                        the output

Backward through time, for t = T ... 1, with dh = dC/dh_t and dc = dC/dc_t:

    dh_t = dy_t + dz_{t+1} U^T          from the output at t and from step t+1
    dz_o = dh_t f_a(c_t) o'
    dc_t = dc_{t+1} f_{t+1} + dh_t o f_a'(c_t)    (with f = 1 the cell carries dC/dc
    dz_i = dc_t g i',   dz_f = dc_t c_{t-1} f',   dz_c = dc_t i g'      back unchanged)

and then dC/dW = sum_t x_t^T dz_t, dC/dU = sum_t h_{t-1}^T dz_t, dC/db = sum_t dz_t,
dC/dx_t = dz_t W^T (as batch means or per sample). The products dh_t -> dz and the carry
dc_t f_{t+1} are all the per-step work: the factors o' f_a(c), o f_a'(c), g i', c_{t-1} f',
i g' do not depend on dC and are computed for all steps at once before the loop.

Layouts, buffers and ``return_state``: see ``recurrent.py``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations
from .recurrent import _f_df, _Recurrent

__all__ = ["LSTM"]


class LSTM(_Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber 1997), as Keras and torch define it.

        z_t = x_t W + h_{t-1} U + b,  split into the gate pre-activations z_i, z_f, z_c, z_o
        i = s(z_i),  f = s(z_f),  g = f_a(z_c),  o = s(z_o)     s: recurrent_activation
        c_t = f c_{t-1} + i g                                   the memory cell
        h_t = o f_a(c_t)                                        the output

    Parameters
    ----------
    units : int
    activation : str or Activation
        f_a, default ``'tanh'``.
    recurrent_activation : str or Activation
        s, default ``'sigmoid'``. The defaults run a fused fast path; other choices run the
        general loop, which calls the activation objects step by step.
    use_bias, kernel_initializer, recurrent_initializer, bias_initializer
        As SimpleRNN.
    unit_forget_bias : bool
        Start the forget gate's bias at 1 (Keras' default; Jozefowicz et al. 2015).
    kernel_regularizer, recurrent_regularizer, bias_regularizer, return_sequences,
    return_state, stateful, input_shape
        As SimpleRNN; ``return_state`` gives [output, h_T, c_T].
    """

    n_gates, n_states = 4, 2

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(units, activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        # internal gate order (o, i, f, g): the sigmoid gates o, i, f are one block (one
        # affine map after the tanh), and [i, f] * [g, c_{t-1}] is one product
        u = self.units
        self._columns = np.concatenate(
            [np.arange(k * u, (k + 1) * u) for k in (3, 0, 1, 2)]
        )

    def _initial_bias(self, width, rng, dtype):
        b = self.bias_initializer((width,), rng, dtype)
        if self.unit_forget_bias:
            b[self.units : 2 * self.units] = (
                1.0  # Keras' order i, f, c, o: f is the second
            )
        return b

    @property
    def _fused(self):
        return (
            type(self.activation) is activations.Tanh
            and type(self.recurrent_activation) is activations.Sigmoid
        )

    def _allocate(self, timesteps, batchsize, dtype, hx):
        n, steps = self.units, range(timesteps)
        column = (n, batchsize)
        buf = SimpleNamespace(
            # z_t^T, then the gates o, i, f, g, and in a fifth block c_{t-1}, so that
            # [i, f] * [g, c_{t-1}] is one operation; step T holds only c_T
            z=np.empty((timesteps + 1, 5 * n, batchsize), dtype),
            # the general loop's o', i', f', g'; before the backward loop, the factors
            # that turn dC/dh_t and dC/dc_t into dC/dz: o' f_a(c), i' g, f' c_{t-1}, g' i
            dgates=np.empty((timesteps, 4 * n, batchsize), dtype),
            pairs=np.empty(
                (timesteps, 2 * n, batchsize), dtype
            ),  # fused: [i g, f c_{t-1}]
            tanh_c=np.empty((timesteps, *column), dtype),  # f_a(c_t)
            dtanh_c=np.empty(
                (timesteps, *column), dtype
            ),  # f_a'(c_t), then o f_a'(c_t)
            dz=np.empty((timesteps, 4 * n, batchsize), dtype),
            dy=np.empty((timesteps, *column), dtype) if self.return_sequences else None,
            tmp1=np.empty(column, dtype),
            dh=np.empty(column, dtype),
            dc=np.empty(column, dtype),
        )
        z, tanh_c, fac, dz = buf.z, buf.tanh_c, buf.dgates, buf.dz
        h = hx[:, :n]
        buf.states = [h, z[:, 4 * n :]]  # h_0 .. h_T and c_0 .. c_T
        # per-step views, made once per buffer: the loops then slice nothing
        pairs = buf.pairs
        buf.forward_views = [
            (
                z[t, : 4 * n],
                z[t, : 3 * n],
                z[t, :n],
                z[t, n : 3 * n],
                z[t, 3 * n :],
                pairs[t],
                pairs[t, :n],
                pairs[t, n:],
                z[t + 1, 4 * n :],
                tanh_c[t],
                hx[t],
                h[t + 1],
            )
            for t in steps
        ]
        buf.backward_views = [
            (
                dz[t + 1] if t + 1 < timesteps else None,
                None if buf.dy is None else buf.dy[t],
                buf.dtanh_c[t],
                *(fac[t, k * n : (k + 1) * n] for k in range(4)),
                *(dz[t, k * n : (k + 1) * n] for k in range(4)),
                z[t, 2 * n : 3 * n],
            )
            for t in reversed(steps)
        ]
        return buf

    def _forward_steps(self, buf, uwb, u):
        n = self.units
        buf.fused = self._fused
        if not buf.fused:
            return self._forward_general(buf, uwb)
        # s(z) = (1 + tanh(z/2)) / 2: halve the o, i, f rows, and one tanh does all gates
        a = uwb.T.copy()  # (4 units, units + features + 1)
        a[: 3 * n] *= 0.5
        for z, sig, o, i_f, g_c, pair, i_g, f_c, c, tanh_c, hx, h in buf.forward_views:
            np.dot(a, hx, out=z)  # z_t = x_t W + h_{t-1} U + b  (o, i, f halved)
            np.tanh(z, out=z)  # g = tanh(z_c);  tanh(z/2) for o, i, f
            sig *= 0.5
            sig += 0.5  # o, i, f = s(z) = (1 + tanh(z/2)) / 2
            np.multiply(i_f, g_c, out=pair)  # [i g, f c_{t-1}]
            np.add(i_g, f_c, out=c)  # c_t = f c_{t-1} + i g
            np.tanh(c, out=tanh_c)
            np.multiply(o, tanh_c, out=h)  # h_t = o tanh(c_t)

    def _forward_general(self, buf, uwb):
        """The same recursion with any activations, step by step: the readable reference."""
        n, steps = self.units, len(buf.dz)
        h, c = buf.states
        for t in range(steps):
            z = buf.z[t, : 4 * n]  # (4 units, batchsize)
            z[...] = uwb.T @ buf.hx[t]  # z_t = x_t W + h_{t-1} U + b
            z[: 3 * n], buf.dgates[t, : 3 * n] = _f_df(
                self.recurrent_activation, z[: 3 * n]
            )
            z[3 * n :], buf.dgates[t, 3 * n :] = _f_df(self.activation, z[3 * n :])
            o, i, f, g = (z[k * n : (k + 1) * n] for k in range(4))
            c[t + 1] = f * c[t] + i * g  # c_t
            buf.tanh_c[t], buf.dtanh_c[t] = _f_df(self.activation, c[t + 1])
            h[t + 1] = o * buf.tanh_c[t]  # h_t = o f_a(c_t)

    def _factors_from_derivatives(self, buf):
        """The loop's factors for all steps at once, from the derivatives of the gates."""
        n, fac = self.units, buf.dgates
        gates = buf.z[: len(fac)]
        o, i, g = gates[:, :n], gates[:, n : 2 * n], gates[:, 3 * n : 4 * n]
        fac[:, :n] *= buf.tanh_c  # dz_o = dh o' f_a(c)
        fac[:, n : 2 * n] *= g  # dz_i = dc i' g
        fac[:, 2 * n : 3 * n] *= gates[:, 4 * n :]  # dz_f = dc f' c_{t-1}
        fac[:, 3 * n :] *= i  # dz_c = dc g' i
        buf.dtanh_c *= o  # dc  += dh o f_a'(c)

    def _factors_from_values(self, buf):
        """The same factors for sigmoid and tanh, from values the forward pass kept.

        With s' = s (1 - s), tanh' = 1 - tanh^2, h = o tanh(c) and [i g, f c_{t-1}] kept:
        7 operations over all steps, and no derivatives computed in the forward pass.
        """
        n, fac = self.units, buf.dgates
        gates = buf.z[: len(fac)]
        o, i, g = gates[:, :n], gates[:, n : 2 * n], gates[:, 3 * n : 4 * n]
        h, i_g = buf.states[0][1:], buf.pairs[:, :n]
        np.subtract(1.0, gates[:, : 3 * n], out=fac[:, : 3 * n])  # 1 - o, 1 - i, 1 - f
        fac[:, :n] *= h  # o' tanh(c) = (1 - o) h
        fac[:, n : 3 * n] *= (
            buf.pairs
        )  # i' g = (1 - i) i g,  f' c_{t-1} = (1 - f) f c_{t-1}
        np.multiply(i_g, g, out=fac[:, 3 * n :])
        np.subtract(i, fac[:, 3 * n :], out=fac[:, 3 * n :])  # g' i = i - (i g) g
        np.multiply(h, buf.tanh_c, out=buf.dtanh_c)
        np.subtract(o, buf.dtanh_c, out=buf.dtanh_c)  # o tanh'(c) = o - h tanh(c)

    def _backward_steps(self, buf, dy, last, u):
        if not buf.factors_ready:
            (
                self._factors_from_values
                if buf.fused
                else self._factors_from_derivatives
            )(buf)
            buf.factors_ready = True
        dh, dc, tmp1 = buf.dh, buf.dc, buf.tmp1
        dh[...], dc[...] = last
        for (
            dz_next,
            dy_t,
            o_dtanh_c,
            fac_o,
            fac_i,
            fac_f,
            fac_g,
            dz_o,
            dz_i,
            dz_f,
            dz_g,
            f,
        ) in buf.backward_views:
            if dz_next is not None:
                np.dot(u, dz_next, out=dh)  # dC/dh_t = U dz_{t+1} (+ the output's)
            if dy_t is not None:
                dh += dy_t
            np.multiply(dh, fac_o, out=dz_o)  # dz_o = dh tanh(c_t) o'
            np.multiply(dh, o_dtanh_c, out=tmp1)
            dc += tmp1  # dc_t = dc_{t+1} f_{t+1} + dh o tanh'(c_t)
            np.multiply(dc, fac_i, out=dz_i)  # dz_i = dc_t g i'
            np.multiply(dc, fac_f, out=dz_f)  # dz_f = dc_t c_{t-1} f'
            np.multiply(dc, fac_g, out=dz_g)  # dz_c = dc_t i g'
            dc *= f  # carried to step t-1: dc_t f_t
        return [u @ buf.dz[0], dc]  # dC/dh_0, dC/dc_0

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation.get_config(),
            "unit_forget_bias": self.unit_forget_bias,
        }
