"""LSTM, long short-term memory (Hochreiter & Schmidhuber 1997), as Keras and torch define it.

Lecture: "Recurrent networks", the LSTM. Forward, for each step t (s: the recurrent
activation, sigmoid; f_a: the activation, tanh):

    z_t = x_t W + h_{t-1} U + b,  split into the gate pre-activations z_i, z_f, z_c, z_o
    i = s(z_i),  f = s(z_f),  g = f_a(z_c),  o = s(z_o)
    c_t = f c_{t-1} + i g                                   the memory cell
    h_t = o f_a(c_t)                                        the output

Backward through time, for t = T ... 1, with dh = dC/dh_t and dc = dC/dc_t:

    dh   = dy_t + dz_{t+1} U^T             from the output at t and from step t+1
    dz_o = dh f_a(c_t) s'(z_o)
    dc   = dc + dh o f_a'(c_t)             (the cell carries dC/dc back through f)
    dz_i = dc g s'(z_i),   dz_f = dc c_{t-1} s'(z_f),   dz_c = dc i f_a'(z_c)
    dC/dc_{t-1} = dc f

and then dC/dW = < sum_t x_t^T dz_t >, dC/dU = < sum_t h_{t-1}^T dz_t >,
dC/db = < sum_t dz_t >, dC/dx_t = dz_t W^T (per sample). ``forward_step`` and
``backward_step`` below are these equations for one step; with the default activations
the whole time loop runs fused in ``ml4phys.nn.kernels.lstm`` (tested equal to looping
the two steps). Layouts, buffers and ``return_state``: see ``recurrent.py``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations, kernels
from ..kernels import lstm as lstm_kernels
from ._recurrent_base import _f_df, _Recurrent

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
        s, default ``'sigmoid'``. The defaults run the fused time loop of
        ``ml4phys.nn.kernels.lstm``; other choices (or ``ML4PHYS_KERNELS=numpy``) loop
        over ``forward_step`` and ``backward_step``.
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
        n = self.units
        buf = SimpleNamespace(
            gates=np.empty((timesteps, 4 * n, batchsize), dtype),  # i, f, g, o
            tanh_c=np.empty((timesteps, n, batchsize), dtype),  # f_a(c_t)
            dz=np.empty((timesteps, 4 * n, batchsize), dtype),  # dC_n/dz_t
            dy=np.empty((timesteps, n, batchsize), dtype)
            if self.return_sequences
            else None,
            steps=None,  # the reference loop's per-step values (forward_step)
        )
        c = np.empty((timesteps + 1, n, batchsize), dtype)  # c_0 .. c_T
        buf.states = [hx[:, :n], c]  # h_0 .. h_T (in the column blocks) and c
        return buf

    def _fast(self, *arrays):
        return kernels.fast() and self._fused and lstm_kernels.available(*arrays)

    def _forward_steps(self, buf, uwb, u):
        a = np.ascontiguousarray(uwb.T)  # (4 units, units + features + 1)
        h, c = buf.states
        if self._fast(a, buf.hx, buf.gates, c, buf.tanh_c):
            buf.steps = None
            lstm_kernels.forward(a, buf.hx, buf.gates, c, buf.tanh_c)
            return
        buf.steps = []
        for t in range(len(buf.gates)):
            z = a @ buf.hx[t]  # z_t = x_t W + h_{t-1} U + b, (4 units, batchsize)
            h[t + 1], c[t + 1], step = self.forward_step(z, c[t])
            buf.steps.append(step)

    def forward_step(self, z, c_prev):
        """One step: (h_t, c_t, what backward needs) from z_t and c_{t-1}."""
        s, f_a = self.recurrent_activation, self.activation
        z_i, z_f, z_c, z_o = np.split(z, 4)  # (units, batchsize) each
        i, di = _f_df(s, z_i)  # input gate i = s(z_i), and s'(z_i)
        f, df = _f_df(s, z_f)  # forget gate
        g, dg = _f_df(f_a, z_c)  # candidate g = f_a(z_c)
        o, do = _f_df(s, z_o)  # output gate
        c = f * c_prev + i * g  # c_t = f c_{t-1} + i g
        tanh_c, dtanh_c = _f_df(f_a, c)  # f_a(c_t), f_a'(c_t)
        h = o * tanh_c  # h_t = o f_a(c_t)
        step = SimpleNamespace(i=i, f=f, g=g, o=o, di=di, df=df, dg=dg, do=do)
        step.c_prev, step.tanh_c, step.dtanh_c = c_prev, tanh_c, dtanh_c
        return h, c, step

    def _backward_steps(self, buf, dy, last, u):
        c = buf.states[1]
        arrays = (buf.gates, c, buf.tanh_c, buf.dz)
        if buf.steps is None and lstm_kernels.available(*arrays):
            return lstm_kernels.backward(u, buf.gates, c, buf.tanh_c, dy, *last, buf.dz)
        dh_above, dc = last  # dC/dh_T and dC/dc_T from outside the sequence
        for t in reversed(range(len(buf.dz))):
            dh = dh_above if dy is None else dh_above + dy[t]  # dC/dh_t
            dz_i, dz_f, dz_c, dz_o, dc = self.backward_step(dh, dc, buf.steps[t])
            buf.dz[t] = np.concatenate([dz_i, dz_f, dz_c, dz_o])
            dh_above = u @ buf.dz[t]  # dC/dh_{t-1} = U dz_t (columns: samples)
        return [dh_above, dc]  # dC/dh_0, dC/dc_0

    def backward_step(self, dh, dc, step):
        """One step back: dC/dz_t (four gates) and dC/dc_{t-1}, from dh_t and dc_t."""
        dz_o = dh * step.tanh_c * step.do  # dC/dz_o = dh f_a(c_t) s'(z_o)
        dc = dc + dh * step.o * step.dtanh_c  # dC/dc_t += dh o f_a'(c_t)
        dz_i = dc * step.g * step.di  # dC/dz_i = dc g s'(z_i)
        dz_f = dc * step.c_prev * step.df  # dC/dz_f = dc c_{t-1} s'(z_f)
        dz_c = dc * step.i * step.dg  # dC/dz_c = dc i f_a'(z_c)
        return dz_i, dz_f, dz_c, dz_o, dc * step.f  # the last: dC/dc_{t-1}

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation.get_config(),
            "unit_forget_bias": self.unit_forget_bias,
        }
