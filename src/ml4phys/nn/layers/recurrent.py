"""Recurrent layers, SimpleRNN and LSTM, trained by backpropagation through time (BPTT).

Lecture: "Recurrent networks" (LSTM, memory, the oscillator homework). Inputs are
(batchsize, timesteps, features), batch first as in Keras; ``timesteps`` may be None (any
length). Weights carry Keras' names and layouts: ``kernel`` (features, n_gates*units),
``recurrent_kernel`` (units, n_gates*units), ``bias`` (n_gates*units), the LSTM's gates in
Keras' order (i, f, c, o), which is torch's (i, f, g, o), so ``set_weights`` takes Keras'
arrays unchanged. ``delta`` is per sample, as everywhere: (batchsize, timesteps, units)
with ``return_sequences``, else (batchsize, units) for the last step.

Inside, time runs along the first axis, (timesteps, batchsize, ...), so that a step is one
contiguous block. The input projections of all steps are one matrix product before the
time loop and the weight gradients one product after it; the gate derivatives, which do
not feed the recursion, are computed for all steps at once; the loops do a few in-place
operations on buffers that are reused from batch to batch.

``return_state``: Keras' ``LSTM(..., return_state=True)(x)`` returns [output, h, c]; so does
calling a layer here (``layer(x)``). A Sequential passes one array from layer to layer, so
there ``forward`` returns the output alone and the final states are in
``layer.final_states`` (after every forward, whatever return_state says).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import activations, initializers
from .. import regularizers as _regularizers
from .base import Layer

__all__ = ["SimpleRNN", "LSTM"]


class _Recurrent(Layer):
    """What SimpleRNN and LSTM share: arguments, shapes, states, the products around BPTT.

    A subclass sets ``n_gates`` and ``n_states`` and writes ``_allocate``,
    ``_forward_steps`` and ``_backward_steps``; they work on the pre-activations
    z_t = x_t W + h_{t-1} U + b, shape (timesteps, batchsize, n_gates*units), in the
    subclass's internal column order ``_columns`` (None: Keras' order).
    """

    n_gates, n_states, _columns = 1, 1, None

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, return_sequences=False,
                 return_state=False, stateful=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive int, "
                             f"received units={units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = _regularizers.get(recurrent_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.stateful = bool(stateful)
        self.states = None  # stateful: the initial states of the next call (None: zeros)
        self.final_states = self.initial_state_deltas = None
        self.x_time = self.trained = None
        self._buffers = {}

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"{self.describe()}: expected input of shape (batchsize, "
                             f"timesteps, features), received input shape (batchsize, "
                             f"{', '.join(map(str, input_shape))})")
        timesteps, features = input_shape
        width = self.n_gates * self.units
        self.params = {"kernel": self.kernel_initializer((features, width), rng, dtype),
                       "recurrent_kernel": self.recurrent_initializer(
                           (self.units, width), rng, dtype)}
        if self.use_bias:
            self.params["bias"] = self._initial_bias(width, rng, dtype)
        pairs = (("kernel", self.kernel_regularizer),
                 ("recurrent_kernel", self.recurrent_regularizer),
                 ("bias", self.bias_regularizer))
        self.regularizers = {k: r for k, r in pairs if r is not None and k in self.params}
        self._zero_grads()
        self._buffers = {}
        self.output_shape = ((timesteps, self.units) if self.return_sequences
                             else (self.units,))
        return self.output_shape

    def _initial_bias(self, width, rng, dtype):
        return self.bias_initializer((width,), rng, dtype)

    # -- forward -------------------------------------------------------------------------

    def __call__(self, x, training=False, initial_state=None):
        """``forward``; with ``return_state`` the Keras list [output, *final_states]."""
        y = self.forward(x, training, initial_state)
        return [y, *self.final_states] if self.return_state else y

    def forward(self, x, training=False, initial_state=None):
        """Run the sequence; ``initial_state`` is a list of (batchsize, units) arrays.

        Returns (batchsize, timesteps, units) with ``return_sequences``, else h at the
        last step, (batchsize, units). Training keeps ``x_time`` and the step buffers.
        """
        x = self._check_input(x)
        batchsize, timesteps, _ = x.shape
        x_time = np.ascontiguousarray(x.transpose(1, 0, 2))  # (timesteps, batchsize, features)
        buf = self._get_buffers(training, timesteps, batchsize, x.dtype)
        self._set_initial_states(buf, initial_state, batchsize)
        self._forward_steps(x_time, buf, *self._internal_weights())
        buf.factors_ready = False  # LSTM: backward turns derivatives into factors once
        states = [s[timesteps] for s in buf.states]  # h (and c) after the last step
        self.final_states = [s.copy() for s in states]
        if self.stateful:
            self.states = [s.copy() for s in states]
        if training:
            self.x_time, self.trained = x_time, buf
        h = buf.states[0]  # (timesteps + 1, batchsize, units); h[0] is the initial state
        if self.return_sequences:
            y = np.ascontiguousarray(h[1:].transpose(1, 0, 2))  # (batchsize, timesteps, units)
        else:
            y = h[timesteps].copy()
        self._keep_activity(y, training)
        return y

    def _check_input(self, x):
        x = np.asarray(x)
        features = self.params["kernel"].shape[0]
        if x.ndim != 3 or x.shape[2] != features:
            raise ValueError(f"{self.describe()}: expected input of shape (batchsize, "
                             f"timesteps, {features}), received {x.shape}")
        if x.shape[1] == 0:
            raise ValueError(f"{self.describe()}: received a sequence of 0 time steps")
        dtype = self.params["kernel"].dtype
        return x if x.dtype == dtype else x.astype(dtype)

    def _get_buffers(self, training, timesteps, batchsize, dtype):
        """Step buffers, reused while the shapes stay; training and inference keep apart."""
        buf = self._buffers.get(training)
        if buf is None or buf.shape != (timesteps, batchsize) or buf.dtype != dtype:
            buf = self._allocate(timesteps, batchsize, dtype)
            buf.shape, buf.dtype = (timesteps, batchsize), dtype
            self._buffers[training] = buf
        return buf

    def _set_initial_states(self, buf, initial_state, batchsize):
        if initial_state is None and self.stateful and self.states is not None:
            if len(self.states[0]) != batchsize:
                raise ValueError(f"{self.describe()}: stateful layer got a batch of "
                                 f"{batchsize} after one of {len(self.states[0])}; keep the "
                                 "batch size or call reset_states()")
            initial_state = self.states
        if initial_state is None:
            for s in buf.states:
                s[0] = 0.0
            return
        if len(initial_state) != self.n_states:
            raise ValueError(f"{self.describe()}: expected {self.n_states} initial state "
                             f"arrays, received {len(initial_state)}")
        for s, s0 in zip(buf.states, initial_state):
            if np.shape(s0) != s[0].shape:
                raise ValueError(f"{self.describe()}: expected initial states of shape "
                                 f"{s[0].shape}, received {np.shape(s0)}")
            s[0] = s0

    def reset_states(self):
        """Forget the carried states of a stateful layer (Keras 2's name)."""
        self.states = None

    reset_state = reset_states  # Keras 3's name

    def _internal_weights(self):
        """kernel, recurrent kernel and bias with columns in the internal order."""
        w, u = self.params["kernel"], self.params["recurrent_kernel"]
        b = self.params.get("bias")
        if b is None:
            b = np.zeros(w.shape[1], w.dtype)
        if self._columns is None:
            return w, u, b
        cols = self._columns
        return w[:, cols], u[:, cols], b[cols]

    # -- backward ------------------------------------------------------------------------

    def backward(self, delta, state_deltas=None):
        """BPTT from the per-sample delta of the output (and of the final states).

        ``state_deltas``: optional dC_n/dh_T (and dC_n/dc_T), (batchsize, units) each.
        Afterwards ``initial_state_deltas`` holds dC_n/dh_0 (and dC_n/dc_0).
        """
        self._check_trained_forward("trained")
        delta = self._activity_delta(delta)
        buf, (timesteps, batchsize) = self.trained, self.trained.shape
        last = [np.zeros((batchsize, self.units), buf.dtype) for _ in range(self.n_states)]
        for s, d in zip(last, state_deltas or []):
            s += d
        if self.return_sequences:
            np.copyto(buf.dy, delta.transpose(1, 0, 2))  # (timesteps, batchsize, units)
            dy = buf.dy
        else:
            last[0] += delta  # only h_T reaches the output
            dy = None
        w, u, _ = self._internal_weights()
        u_t = np.ascontiguousarray(u.T)  # (n_gates*units, units)
        self.initial_state_deltas = self._backward_steps(buf, dy, last, u_t)
        return self._gradients_after_loop(buf, w, batchsize)

    def _gradients_after_loop(self, buf, w, batchsize):
        """Weight gradients as single products over all steps, and the delta for below."""
        width = w.shape[1]
        dz = buf.dz.reshape(-1, width)  # (timesteps*batchsize, width): dC_n/dz_t
        x = self.x_time.reshape(-1, w.shape[0])
        h_prev = buf.states[0][:-1].reshape(-1, self.units)  # h_{t-1} for every t
        grads = {"kernel": x.T @ dz,                # dC/dW = < sum_t x_t^T dz_t >
                 "recurrent_kernel": h_prev.T @ dz}  # dC/dU = < sum_t h_{t-1}^T dz_t >
        if self.use_bias:
            grads["bias"] = dz.sum(axis=0)          # dC/db = < sum_t dz_t >
        for name, g in grads.items():
            g *= 1.0 / batchsize  # batch means
            if self._columns is None:
                self.grads[name][...] = g
            else:
                self.grads[name][..., self._columns] = g  # back to Keras' order
        if self.regularizers:
            self._add_regularization_gradients()
        if not self.propagate_delta:
            return None
        dx = (dz @ w.T).reshape(*buf.shape, w.shape[0])  # dC_n/dx_t = dz_t W^T
        return np.ascontiguousarray(dx.transpose(1, 0, 2))  # (batchsize, timesteps, features)

    def get_config(self):
        def config_or_none(item):
            return None if item is None else item.get_config()

        return {**super().get_config(), "units": self.units,
                "activation": self.activation.get_config(), "use_bias": self.use_bias,
                "kernel_initializer": initializers.get_config(self.kernel_initializer),
                "recurrent_initializer": initializers.get_config(self.recurrent_initializer),
                "bias_initializer": initializers.get_config(self.bias_initializer),
                "kernel_regularizer": config_or_none(self.kernel_regularizer),
                "recurrent_regularizer": config_or_none(self.recurrent_regularizer),
                "bias_regularizer": config_or_none(self.bias_regularizer),
                "return_sequences": self.return_sequences,
                "return_state": self.return_state, "stateful": self.stateful}


def _f_df(activation, z):
    """(f(z), f'(z)) with f' = 1 spelled out for the linear activation."""
    y, df = activation.f_df(z)
    return y, (np.ones_like(z) if df is None else df)


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
        ``layer(x)`` returns [output, h_T]; see the module docstring.
    stateful : bool
        The last state of one batch is the initial state of the next (same batch size).
    input_shape : tuple, optional
        ``(timesteps, features)``; timesteps may be None.
    """

    def _allocate(self, timesteps, batchsize, dtype):
        u = self.units
        buf = SimpleNamespace(
            z=np.empty((timesteps, batchsize, u), dtype),  # pre-activations z_t
            df=np.empty((timesteps, batchsize, u), dtype),  # f'(z_t)
            dz=np.empty((timesteps, batchsize, u), dtype),  # dC_n/dz_t
            dy=np.empty((timesteps, batchsize, u), dtype) if self.return_sequences else None,
            tmp=np.empty((batchsize, u), dtype), dh=np.empty((batchsize, u), dtype))
        buf.states = [np.empty((timesteps + 1, batchsize, u), dtype)]  # h_0 .. h_T
        return buf

    def _forward_steps(self, x_time, buf, w, u, b):
        np.matmul(x_time, w, out=buf.z)  # x_t W for all steps in one product
        buf.z += b
        h, tmp = buf.states[0], buf.tmp
        fused = type(self.activation) is activations.Tanh
        for t in range(len(buf.z)):
            np.matmul(h[t], u, out=tmp)
            buf.z[t] += tmp  # z_t = x_t W + b + h_{t-1} U
            if fused:
                np.tanh(buf.z[t], out=h[t + 1])  # h_t = tanh(z_t)
            else:
                h[t + 1], buf.df[t] = _f_df(self.activation, buf.z[t])
        if fused:  # f'(z) = 1 - tanh(z)^2, for all steps at once
            np.multiply(h[1:], h[1:], out=buf.df)
            np.subtract(1.0, buf.df, out=buf.df)

    def _backward_steps(self, buf, dy, last, u_t):
        dz, df, dh = buf.dz, buf.df, buf.dh
        dh[...] = last[0]
        for t in range(len(dz) - 1, -1, -1):
            if t < len(dz) - 1:
                np.matmul(dz[t + 1], u_t, out=dh)  # dC/dh_t = dz_{t+1} U^T (+ output's)
                if dy is not None:
                    dh += dy[t]
            elif dy is not None:
                dh += dy[t]
            np.multiply(dh, df[t], out=dz[t])  # dz_t = dC/dh_t f'(z_t)
        return [dz[0] @ u_t]  # dC/dh_0


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

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        # internal gate order (o, i, f, g): the sigmoid gates o, i, f are one block for the
        # forward pass, and i, f, g, which all take dC/dc, one block for the backward pass
        u = self.units
        self._columns = np.concatenate([np.arange(k * u, (k + 1) * u) for k in (3, 0, 1, 2)])

    def _initial_bias(self, width, rng, dtype):
        b = self.bias_initializer((width,), rng, dtype)
        if self.unit_forget_bias:
            b[self.units:2 * self.units] = 1.0  # Keras' order i, f, c, o: f is the second
        return b

    @property
    def _fused(self):
        return (type(self.activation) is activations.Tanh
                and type(self.recurrent_activation) is activations.Sigmoid)

    def _allocate(self, timesteps, batchsize, dtype):
        u, steps = self.units, range(timesteps)
        buf = SimpleNamespace(
            z=np.empty((timesteps, batchsize, 4 * u), dtype),  # z_t, then the gates o,i,f,g
            # gate derivatives; before the backward loop, the factors that turn dC/dc and
            # dC/dh into dC/dz: o' tanh(c), i' g, f' c_{t-1}, g' i
            dgates=np.empty((timesteps, batchsize, 4 * u), dtype),
            tanh_c=np.empty((timesteps, batchsize, u), dtype),   # f_a(c_t)
            dtanh_c=np.empty((timesteps, batchsize, u), dtype),  # f_a'(c_t), then o f_a'(c_t)
            dz=np.empty((timesteps, batchsize, 4 * u), dtype),
            dy=np.empty((timesteps, batchsize, u), dtype) if self.return_sequences else None,
            tmp=np.empty((batchsize, 4 * u), dtype), tmp1=np.empty((batchsize, u), dtype),
            dh=np.empty((batchsize, u), dtype), dc=np.empty((batchsize, u), dtype))
        h, c = (np.empty((timesteps + 1, batchsize, u), dtype) for _ in range(2))
        buf.states = [h, c]
        z, tanh_c = buf.z, buf.tanh_c
        # per-step views, made once per buffer: the loops then slice nothing
        buf.forward_views = [(z[t], z[t, :, :3 * u], z[t, :, :u], z[t, :, u:2 * u],
                              z[t, :, 2 * u:3 * u], z[t, :, 3 * u:], c[t], c[t + 1],
                              tanh_c[t], h[t], h[t + 1]) for t in steps]
        dz4, fac4 = (a.reshape(timesteps, batchsize, 4, u) for a in (buf.dz, buf.dgates))
        buf.backward_views = [(buf.dz[t + 1] if t + 1 < timesteps else None, dz4[t, :, 0],
                               dz4[t, :, 1:], fac4[t, :, 0], fac4[t, :, 1:],
                               buf.dtanh_c[t], z[t, :, 2 * u:3 * u],
                               None if buf.dy is None else buf.dy[t])
                              for t in reversed(steps)]
        return buf

    def _forward_steps(self, x_time, buf, w, u, b):
        if not self._fused:
            return self._forward_general(x_time, buf, w, u, b)
        n = self.units
        # s(z) = (1 + tanh(z/2)) / 2: halve the o, i, f columns, and one tanh does all gates
        scale = np.ones(4 * n, w.dtype)
        scale[:3 * n] = 0.5
        u = u * scale
        np.matmul(x_time, w * scale, out=buf.z)  # x_t W for all steps in one product
        buf.z += b * scale
        tmp, tmp1 = buf.tmp, buf.tmp1
        for z, sig, o, i, f, g, c_prev, c, tanh_c, h_prev, h in buf.forward_views:
            np.matmul(h_prev, u, out=tmp)
            z += tmp                     # z_t = x_t W + b + h_{t-1} U   (o, i, f halved)
            np.tanh(z, out=z)            # g = tanh(z_c);  tanh(z/2) for o, i, f
            sig *= 0.5
            sig += 0.5                   # o, i, f = s(z) = (1 + tanh(z/2)) / 2
            np.multiply(f, c_prev, out=c)
            np.multiply(i, g, out=tmp1)
            c += tmp1                    # c_t = f c_{t-1} + i g
            np.tanh(c, out=tanh_c)
            np.multiply(o, tanh_c, out=h)  # h_t = o tanh(c_t)
        # derivatives for all steps at once: s' = s (1 - s), tanh' = 1 - tanh^2
        sig, g = buf.z[..., :3 * n], buf.z[..., 3 * n:]
        dsig, dg = buf.dgates[..., :3 * n], buf.dgates[..., 3 * n:]
        np.subtract(1.0, sig, out=dsig)
        dsig *= sig
        np.multiply(g, g, out=dg)
        np.subtract(1.0, dg, out=dg)
        np.multiply(buf.tanh_c, buf.tanh_c, out=buf.dtanh_c)
        np.subtract(1.0, buf.dtanh_c, out=buf.dtanh_c)

    def _forward_general(self, x_time, buf, w, u, b):
        """The same recursion with any activations, step by step: the readable reference."""
        n = self.units
        h, c = buf.states
        np.matmul(x_time, w, out=buf.z)
        buf.z += b
        for t in range(len(buf.z)):
            z = buf.z[t]
            z += h[t] @ u  # z_t = x_t W + b + h_{t-1} U
            z[:, :3 * n], buf.dgates[t, :, :3 * n] = _f_df(self.recurrent_activation,
                                                           z[:, :3 * n])  # o, i, f
            z[:, 3 * n:], buf.dgates[t, :, 3 * n:] = _f_df(self.activation, z[:, 3 * n:])
            o, i, f, g = (z[:, k * n:(k + 1) * n] for k in range(4))
            c[t + 1] = f * c[t] + i * g                              # c_t
            buf.tanh_c[t], buf.dtanh_c[t] = _f_df(self.activation, c[t + 1])
            h[t + 1] = o * buf.tanh_c[t]                            # h_t = o f_a(c_t)

    def _backward_steps(self, buf, dy, last, u_t):
        n = self.units
        o, i, g = buf.z[..., :n], buf.z[..., n:2 * n], buf.z[..., 3 * n:]
        c_prev = buf.states[1][:-1]
        fac = buf.dgates
        if not buf.factors_ready:
            # derivatives -> the factors of the loop below, for all steps at once
            fac[..., :n] *= buf.tanh_c       # dz_o = dh o' f_a(c)
            fac[..., n:2 * n] *= g           # dz_i = dc i' g
            fac[..., 2 * n:3 * n] *= c_prev  # dz_f = dc f' c_{t-1}
            fac[..., 3 * n:] *= i            # dz_c = dc g' i
            buf.dtanh_c *= o                 # dc  += dh o f_a'(c)
            buf.factors_ready = True
        dh, dc, tmp1 = buf.dh, buf.dc, buf.tmp1
        dh[...], dc[...] = last
        for dz_next, dz_o, dz_ifg, fac_o, fac_ifg, o_dtanh_c, f, dy_t in buf.backward_views:
            if dz_next is not None:
                np.matmul(dz_next, u_t, out=dh)  # dC/dh_t = dz_{t+1} U^T (+ output's)
                if dy_t is not None:
                    dh += dy_t
            elif dy_t is not None:
                dh += dy_t
            np.multiply(dh, fac_o, out=dz_o)      # dz_o = dh tanh(c_t) o'
            np.multiply(dh, o_dtanh_c, out=tmp1)
            dc += tmp1                            # dc_t = dc_{t+1} f_{t+1} + dh o tanh'(c_t)
            np.multiply(dc[:, None, :], fac_ifg, out=dz_ifg)  # dz_i, dz_f, dz_c from dc_t
            dc *= f                               # carried to step t-1: dc_t f_t
        return [buf.dz[0] @ u_t, dc.copy()]       # dC/dh_0, dC/dc_0

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": self.recurrent_activation.get_config(),
                "unit_forget_bias": self.unit_forget_bias}
