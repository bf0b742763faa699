"""The machinery the recurrent layers share (SimpleRNN in ``recurrent.py``, the LSTM in
``lstm.py``, the GRU in ``gru.py``): backpropagation through time (BPTT).

Lecture: "Recurrent networks" (LSTM, memory, the oscillator homework). Inputs are
(batchsize, timesteps, features), batch first as in Keras; ``timesteps`` may be None (any
length). Weights carry Keras' names and layouts: ``kernel`` (features, n_gates*units),
``recurrent_kernel`` (units, n_gates*units), ``bias`` (n_gates*units), the LSTM's gates in
Keras' order (i, f, c, o), which is torch's (i, f, g, o), so ``set_weights`` takes Keras'
arrays unchanged. ``delta`` is per sample, as everywhere: (batchsize, timesteps, units)
with ``return_sequences``, else (batchsize, units) for the last step.

Inside, the layers run time-major with one sample per column: a step's arrays are
(units, batchsize), so that every gate is one contiguous block and each elementwise
operation runs over one contiguous array (on the small arrays of a recurrent net numpy's
cost is the number of operations, and strided views cost several times more). One column
buffer per step holds [h_{t-1}; x_t; 1], so that a single product per step,
z_t^T = [U; W; b]^T [h_{t-1}; x_t; 1], gives the pre-activations (a separate input
projection would cost one more operation per step, and a transposition of all of them);
the weight gradients are one product over all steps after the loop. The gate derivatives,
which do not feed the recursion, are computed for all steps at once; the loops do a few
in-place operations on buffers that are reused from batch to batch.

``return_state``: Keras' ``LSTM(..., return_state=True)(x)`` returns [output, h, c]; so does
calling a layer here (``layer(x)``). A Sequential passes one array from layer to layer, so
there ``forward`` returns the output alone and the final states are in
``layer.final_states`` (after every forward, whatever return_state says).
"""

from __future__ import annotations

import numpy as np

from .. import activations, initializers
from .. import regularizers as _regularizers
from .base import Layer

__all__: list[str] = []  # the base of SimpleRNN, LSTM and GRU; nothing public


class _Recurrent(Layer):
    """What SimpleRNN and LSTM share: arguments, shapes, states, the products around BPTT.

    A subclass sets ``n_gates`` and ``n_states`` and writes ``_allocate``,
    ``_forward_steps`` and ``_backward_steps``; they work on the pre-activations
    z_t^T = [U; W; b]^T [h_{t-1}; x_t; 1], shape (timesteps, n_gates*units, batchsize),
    with the gates in the subclass's internal order ``_columns`` (None: Keras' order).
    ``_backward_steps`` fills ``buf.dz`` with dC_n/dz_t for every step; the weight
    gradients and the delta for the layer below then take one product each.
    """

    n_gates, n_states, _columns = 1, 1, None

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        return_sequences=False,
        return_state=False,
        stateful=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = self._positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = _regularizers.get(recurrent_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.return_sequences, self.return_state = (
            bool(return_sequences),
            bool(return_state),
        )
        self.stateful = bool(stateful)
        self.states = (
            None  # stateful: the initial states of the next call (None: zeros)
        )
        self.final_states = self.initial_state_deltas = None
        self.trained = None
        self._buffers = {}

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                f"{self.describe()}: expected input of shape (batchsize, "
                f"timesteps, features), received input shape (batchsize, "
                f"{', '.join(map(str, input_shape))})"
            )
        timesteps, features = input_shape
        width = self.n_gates * self.units
        self.params = {
            "kernel": self.kernel_initializer((features, width), rng, dtype),
            "recurrent_kernel": self.recurrent_initializer(
                (self.units, width), rng, dtype
            ),
        }
        if self.use_bias:
            self.params["bias"] = self._initial_bias(width, rng, dtype)
        pairs = (
            ("kernel", self.kernel_regularizer),
            ("recurrent_kernel", self.recurrent_regularizer),
            ("bias", self.bias_regularizer),
        )
        self._set_regularizers(pairs)
        self._zero_grads()
        self._buffers = {}
        self.output_shape = (
            (timesteps, self.units) if self.return_sequences else (self.units,)
        )
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
        last step, (batchsize, units). Training keeps the step buffers in ``trained``.
        """
        x = self._check_input(x)
        batchsize, timesteps, features = x.shape
        buf = self._get_buffers(training, timesteps, batchsize, x.dtype)
        n = self.units
        x_time = np.ascontiguousarray(
            x.transpose(1, 0, 2)
        )  # (timesteps, batchsize, ...)
        np.copyto(
            buf.hx[:timesteps, n : n + features], x_time.transpose(0, 2, 1)
        )  # x_t^T
        self._set_initial_states(buf, initial_state, batchsize)
        self._forward_steps(buf, *self._internal_weights())
        self.final_states = [
            s[timesteps].T.copy() for s in buf.states
        ]  # (batchsize, units)
        if self.stateful:
            self.states = [s.copy() for s in self.final_states]
        if training:
            self.trained = buf
        h = buf.states[
            0
        ]  # (timesteps + 1, units, batchsize); h[0] is the initial state
        if self.return_sequences:  # in two copies: one 3D transposition is far slower
            y = np.ascontiguousarray(
                h[1:].transpose(0, 2, 1)
            )  # (timesteps, batchsize, units)
            y = np.ascontiguousarray(
                y.transpose(1, 0, 2)
            )  # (batchsize, timesteps, units)
        else:
            y = h[timesteps].T.copy()
        self._keep_activity(y, training)
        return y

    def _check_input(self, x):
        x = np.asarray(x)
        features = self.params["kernel"].shape[0]
        if x.ndim != 3 or x.shape[2] != features:
            raise ValueError(
                f"{self.describe()}: expected input of shape (batchsize, "
                f"timesteps, {features}), received {x.shape}"
            )
        if x.shape[1] == 0:
            raise ValueError(f"{self.describe()}: received a sequence of 0 time steps")
        dtype = self.params["kernel"].dtype
        return x if x.dtype == dtype else x.astype(dtype)

    def _get_buffers(self, training, timesteps, batchsize, dtype):
        """Step buffers, reused while the shapes stay; training and inference keep apart."""
        buf = self._buffers.get(training)
        if buf is None or buf.shape != (timesteps, batchsize) or buf.dtype != dtype:
            n, features = self.units, self.params["kernel"].shape[0]
            # step t's column block [h_{t-1}; x_t; 1]; the last block holds only h_T
            hx = np.empty((timesteps + 1, n + features + 1, batchsize), dtype)
            hx[:, n + features] = 1.0
            buf = self._allocate(timesteps, batchsize, dtype, hx)
            buf.hx, buf.shape, buf.dtype = hx, (timesteps, batchsize), dtype
            self._buffers[training] = buf
        return buf

    def _set_initial_states(self, buf, initial_state, batchsize):
        if initial_state is None and self.stateful and self.states is not None:
            if len(self.states[0]) != batchsize:
                raise ValueError(
                    f"{self.describe()}: stateful layer got a batch of "
                    f"{batchsize} after one of {len(self.states[0])}; keep the "
                    "batch size or call reset_states()"
                )
            initial_state = self.states
        if initial_state is None:
            for s in buf.states:
                s[0] = 0.0
            return
        if len(initial_state) != self.n_states:
            raise ValueError(
                f"{self.describe()}: expected {self.n_states} initial state "
                f"arrays, received {len(initial_state)}"
            )
        for s, s0 in zip(buf.states, initial_state):
            if np.shape(s0) != (batchsize, self.units):
                raise ValueError(
                    f"{self.describe()}: expected initial states of shape "
                    f"{(batchsize, self.units)}, received {np.shape(s0)}"
                )
            s[0] = np.asarray(s0).T  # (units, batchsize)

    def reset_states(self):
        """Forget the carried states of a stateful layer (Keras 2's name)."""
        self.states = None

    reset_state = reset_states  # Keras 3's name

    def _internal_weights(self):
        """[U; W; b], (units + features + 1, width), and U, columns in the internal order."""
        w, u = self.params["kernel"], self.params["recurrent_kernel"]
        b = self.params["bias"] if self.use_bias else np.zeros(w.shape[1], w.dtype)
        uwb = np.concatenate([u, w, b[None]])
        if self._columns is not None:
            uwb = uwb[:, self._columns]
        return uwb, uwb[: self.units]

    # -- backward ------------------------------------------------------------------------

    def backward(self, delta, state_deltas=None):
        """BPTT from the per-sample delta of the output (and of the final states).

        ``state_deltas``: optional dC_n/dh_T (and dC_n/dc_T), (batchsize, units) each.
        Afterwards ``initial_state_deltas`` holds dC_n/dh_0 (and dC_n/dc_0).
        """
        self._check_trained_forward("trained")
        delta = self._activity_delta(delta)
        buf, batchsize = self.trained, self.trained.shape[1]
        last = [
            np.zeros((self.units, batchsize), buf.dtype) for _ in range(self.n_states)
        ]
        for s, d in zip(last, state_deltas or []):
            s += np.asarray(d).T
        if self.return_sequences:
            np.copyto(buf.dy, delta.transpose(1, 2, 0))  # (timesteps, units, batchsize)
            dy = buf.dy
        else:
            last[0] += delta.T  # only h_T reaches the output
            dy = None
        uwb, u = self._internal_weights()
        self.initial_state_deltas = [
            d.T.copy() for d in self._backward_steps(buf, dy, last, u)
        ]
        return self._gradients_after_loop(buf, uwb, batchsize)

    def _gradients_after_loop(self, buf, uwb, batchsize):
        """Weight gradients as one product over all steps, and the delta for below."""
        n, width = self.units, uwb.shape[1]
        n_in = uwb.shape[0] - n - 1
        # (width, timesteps*batchsize) and (units + features + 1, timesteps*batchsize):
        # every sample of every step is a column (copies that move whole columns of a step)
        dz = buf.dz.transpose(1, 0, 2).reshape(width, -1)
        hx = (
            buf.hx[:-1].transpose(1, 0, 2).reshape(uwb.shape[0], -1)
        )  # [h_{t-1}; x_t; 1]
        # dC/d[U; W; b] = < sum_t [h_{t-1}; x_t; 1] dz_t^T >, a batch mean
        grad = hx @ dz.T
        grad *= 1.0 / batchsize
        self._store_gradients(grad)
        if self.regularizers:
            self._add_regularization_gradients()
        if not self.propagate_delta:
            return None
        rows = self._input_rows  # the blocks of z that x_t feeds
        dx = (uwb[n : n + n_in, rows] @ dz[rows]).reshape(n_in, *buf.shape)  # W dz_t
        return np.ascontiguousarray(
            dx.transpose(2, 1, 0)
        )  # (batchsize, timesteps, n_in)

    _input_rows = slice(None)

    def _store_gradients(self, grad):
        """Write dC/d[U; W; b], (units + features + 1, width), into ``grads``."""
        n = self.units
        n_in = grad.shape[0] - n - 1
        grads = {"recurrent_kernel": grad[:n], "kernel": grad[n : n + n_in]}
        if self.use_bias:
            grads["bias"] = grad[n + n_in]
        for name, g in grads.items():
            if self._columns is None:
                self.grads[name][...] = g
            else:
                self.grads[name][..., self._columns] = g  # back to Keras' order

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            **self._weight_options_config(("kernel", "recurrent", "bias")),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "stateful": self.stateful,
        }


def _f_df(activation, z):
    """(f(z), f'(z)) with f' = 1 spelled out for the linear activation."""
    y, df = activation.f_df(z)
    return y, (np.ones_like(z) if df is None else df)
