"""SimpleRNN, the fully connected recurrent layer, trained by backpropagation through time.

Lecture: "Recurrent networks". Shapes, weight names and the time-major buffers it loops
over are those of the shared base, ``_recurrent_base.py`` (its docstring says them once).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations
from ._recurrent_base import _f_df, _Recurrent

__all__ = ["SimpleRNN"]


class SimpleRNN(_Recurrent):
    """Fully connected recurrence: h_t = f(z_t), z_t = x_t W + h_{t-1} U + b.

    Parameters
    ----------
    units : int
    activation : str or Activation
        f; default ``'tanh'`` (fused fast path; any other runs the general loop).
    use_bias : bool
    kernel_initializer, recurrent_initializer, bias_initializer
        Keras' defaults: ``'glorot_uniform'``, ``'orthogonal'``, ``'zeros'``.
    kernel_regularizer, recurrent_regularizer, bias_regularizer : Regularizer, optional
    return_sequences : bool
        Output h_t at every step, (batchsize, timesteps, units), else only h_T.
    return_state : bool
        ``layer(x)`` returns [output, h_T]; see the docstring of ``_recurrent_base``.
    stateful : bool
        The last state of one batch is the initial state of the next (same batch size).
    input_shape : tuple, optional
        ``(timesteps, features)``; timesteps may be None.
    """

    def _allocate(self, timesteps, batchsize, dtype, hx):
        shape = (timesteps, self.units, batchsize)
        buf = SimpleNamespace(
            z=np.empty(shape, dtype),  # pre-activations z_t^T
            df=np.empty(shape, dtype),  # f'(z_t)
            dz=np.empty(shape, dtype),  # dC_n/dz_t
            dy=np.empty(shape, dtype) if self.return_sequences else None,
            dh=np.empty(shape[1:], dtype),
        )
        h = hx[:, : self.units]  # h_0 .. h_T, (timesteps + 1, units, batchsize)
        buf.states = [h]
        buf.forward_views = [(buf.z[t], hx[t], h[t + 1]) for t in range(timesteps)]
        return buf

    def _forward_steps(self, buf, uwb, u):
        a = np.ascontiguousarray(uwb.T)  # (units, units + features + 1)
        if type(self.activation) is activations.Tanh:
            for z, hx, h in buf.forward_views:
                np.dot(a, hx, out=z)  # z_t = x_t W + h_{t-1} U + b
                np.tanh(z, out=h)  # h_t = tanh(z_t)
            h = buf.states[0][1:]  # tanh'(z) = 1 - tanh(z)^2, for all steps at once
            np.multiply(h, h, out=buf.df)
            np.subtract(1.0, buf.df, out=buf.df)
            return
        for t, (z, hx, h) in enumerate(buf.forward_views):  # any activation
            np.dot(a, hx, out=z)
            h[...], buf.df[t] = _f_df(self.activation, z)

    def _backward_steps(self, buf, dy, last, u):
        dz, df, dh = buf.dz, buf.df, buf.dh
        dh[...] = last[0]
        for t in range(len(dz) - 1, -1, -1):
            if t < len(dz) - 1:
                np.dot(u, dz[t + 1], out=dh)  # dC/dh_t = U dz_{t+1} (+ the output's)
            if dy is not None:
                dh += dy[t]
            np.multiply(dh, df[t], out=dz[t])  # dz_t = dC/dh_t f'(z_t)
        return [u @ dz[0]]  # dC/dh_0
