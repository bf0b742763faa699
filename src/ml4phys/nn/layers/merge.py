"""Merge layers of the functional API: several tensors in, one out (Keras' names).

They take and return lists: ``forward([x_1, ..., x_k]) -> y`` and
``backward(delta) -> [delta_1, ..., delta_k]``, the per-sample dC_n/dx_i for each input.
They have no parameters. ``build`` receives the list of the inputs' sample shapes.
"""

from __future__ import annotations

import numpy as np

from .base import Layer

__all__ = ["Add", "Average", "Concatenate", "Multiply", "Subtract"]


class _Merge(Layer):
    """Base of the merge layers: checks the input list, keeps it for backward."""

    min_inputs = 2

    def build(self, input_shape, rng, dtype=np.float32):
        shapes = [tuple(s) for s in input_shape]
        if len(shapes) < self.min_inputs:
            raise ValueError(
                f"{self.describe()}: needs a list of at least {self.min_inputs} "
                f"inputs, received {len(shapes)}"
            )
        self.output_shape = self._output_shape(shapes)
        return self.output_shape

    def _output_shape(self, shapes):
        if any(s != shapes[0] for s in shapes):
            raise ValueError(
                f"{self.describe()}: inputs must have equal shapes, received "
                f"{', '.join(str((None, *s)) for s in shapes)}"
            )
        return shapes[0]

    def forward(self, inputs, training=False):
        if training:
            self.inputs = list(inputs)
        return self.merge(list(inputs))

    def merge(self, inputs):
        raise NotImplementedError


class Add(_Merge):
    """y = x_1 + x_2 + ... ;  dC/dx_i = delta."""

    def merge(self, inputs):
        return sum(inputs[1:], inputs[0])

    def backward(self, delta):
        return [delta for _ in self._trained_inputs()]

    def _trained_inputs(self):
        self._check_trained_forward("inputs")
        return self.inputs


class Subtract(_Merge):
    """y = x_1 - x_2 ;  dC/dx_1 = delta, dC/dx_2 = -delta."""

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) != 2:
            raise ValueError(
                f"{self.describe()}: needs exactly 2 inputs, received {len(input_shape)}"
            )
        return super().build(input_shape, rng, dtype)

    def merge(self, inputs):
        return inputs[0] - inputs[1]

    def backward(self, delta):
        self._check_trained_forward("inputs")
        return [delta, -delta]


class Multiply(_Merge):
    """y = x_1 * x_2 * ... (elementwise) ;  dC/dx_i = delta * prod_{j != i} x_j."""

    def merge(self, inputs):
        y = inputs[0]
        for x in inputs[1:]:
            y = y * x
        return y

    def backward(self, delta):
        self._check_trained_forward("inputs")
        deltas = []
        for i in range(len(self.inputs)):
            others = [x for j, x in enumerate(self.inputs) if j != i]
            deltas.append(self.merge([delta, *others]))
        return deltas


class Average(_Merge):
    """y = (x_1 + ... + x_k) / k ;  dC/dx_i = delta / k."""

    def merge(self, inputs):
        return sum(inputs[1:], inputs[0]) / len(inputs)

    def backward(self, delta):
        self._check_trained_forward("inputs")
        return [delta / len(self.inputs) for _ in self.inputs]


class Concatenate(_Merge):
    """y = [x_1, x_2, ...] joined along ``axis`` (default the last, the features).

    Backward cuts delta into the inputs' pieces along the same axis.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or axis == 0:
            raise ValueError(
                f"Concatenate: axis must be a non-batch axis (an int, not 0), "
                f"received {axis!r}"
            )
        self.axis = axis

    def _output_shape(self, shapes):
        rank = len(shapes[0])
        axis = self.axis - 1 if self.axis > 0 else rank + self.axis  # in sample axes
        if not 0 <= axis < rank or any(len(s) != rank for s in shapes):
            raise ValueError(
                f"{self.describe()}: cannot join inputs of shapes "
                f"{', '.join(str((None, *s)) for s in shapes)} along axis {self.axis}"
            )
        rest = {s[:axis] + s[axis + 1 :] for s in shapes}
        if len(rest) > 1:
            raise ValueError(
                f"{self.describe()}: inputs must agree in every axis but {self.axis}, "
                f"received {', '.join(str((None, *s)) for s in shapes)}"
            )
        self.sizes = [s[axis] for s in shapes]
        return (*shapes[0][:axis], sum(self.sizes), *shapes[0][axis + 1 :])

    def merge(self, inputs):
        return np.concatenate(inputs, axis=self.axis)

    def backward(self, delta):
        self._check_trained_forward("inputs")
        cuts = np.cumsum(self.sizes)[:-1]
        return np.split(delta, cuts, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
