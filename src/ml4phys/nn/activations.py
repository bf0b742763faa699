"""Activation functions f(z), each with its derivative f'(z) (lecture: ``net_f_df``).

An activation computes ``y, df = f_df(z)`` in the forward pass; the layer keeps ``df``
and, going backward, turns the per-sample delta dC/dy into dC/dz with
``backward(delta, df)``. For element-wise functions that is ``delta * f'(z)``; softmax,
whose Jacobian is not diagonal, keeps ``y`` in ``df`` and overrides ``backward``.

Names follow Keras (``'relu'``, ``'sigmoid'``, ...). Your own f works too: pass a function
that returns ``(f(z), f'(z))``, as the lecture's ``net_f_df`` does, or use ``custom(f, df)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Activation",
    "Linear",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Softmax",
    "Softplus",
    "ELU",
    "custom",
    "get",
    "linear",
    "sigmoid",
    "tanh",
    "relu",
    "softmax",
    "softplus",
    "elu",
]


class Activation:
    """Base class: subclasses define ``f_df(z) -> (f(z), df)``."""

    name = "activation"

    def f_df(self, z):
        raise NotImplementedError

    def f(self, z):
        """f(z) alone, for forward passes that keep nothing (prediction)."""
        return self.f_df(z)[0]

    def backward(self, delta, df):
        """dC/dz from dC/dy: Delta_j = (dC/dy_j) f'(z_j)."""
        return delta * df

    def __call__(self, z):
        return self.f(np.asarray(z))

    def get_config(self):
        return self.name

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(Activation):
    """f(z) = z, f'(z) = 1 (the homework's linear output layer)."""

    name = "linear"

    def f_df(self, z):
        return z, None

    def f(self, z):
        return z

    def backward(self, delta, df):
        return delta


class Sigmoid(Activation):
    """f(z) = 1 / (1 + exp(-z)),   f'(z) = f(z) (1 - f(z)).

    Examples
    --------
    >>> import numpy as np
    >>> y, df = get("sigmoid").f_df(np.array([0.0, 2.0]))
    >>> y.round(4), df.round(4)
    (array([0.5   , 0.8808]), array([0.25 , 0.105]))
    """

    name = "sigmoid"

    def f_df(self, z):
        y = self.f(z)
        return y, y * (1.0 - y)  # f' from f: no second exp

    def f(self, z):
        return 0.5 + 0.5 * np.tanh(0.5 * z)  # the same f, and exp never overflows


class Tanh(Activation):
    """f(z) = tanh(z),   f'(z) = 1 - f(z)^2."""

    name = "tanh"

    def f_df(self, z):
        y = np.tanh(z)
        return y, 1.0 - y * y

    def f(self, z):
        return np.tanh(z)


class ReLU(Activation):
    """f(z) = max(z, 0),   f'(z) = 1 for z > 0, else 0 (kept as a boolean mask)."""

    name = "relu"

    def f_df(self, z):
        df = z > 0
        return np.maximum(z, 0), df

    def f(self, z):
        return np.maximum(z, 0)

    def backward(self, delta, df):
        # the mask is boolean: naming the float loop skips a slower mixed-type path
        return np.multiply(delta, df, dtype=delta.dtype)


class Softplus(Activation):
    """f(z) = log(1 + exp(z)),   f'(z) = sigmoid(z)."""

    name = "softplus"

    def f_df(self, z):
        y = np.logaddexp(0, z)  # stable for large |z|
        return y.astype(z.dtype, copy=False), Sigmoid().f_df(z)[0]


class ELU(Activation):
    """f(z) = z for z > 0, alpha (exp(z) - 1) else;  f'(z) = 1, or f(z) + alpha."""

    name = "elu"

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def f_df(self, z):
        negative = self.alpha * np.expm1(np.minimum(z, 0))
        y = np.where(z > 0, z, negative).astype(z.dtype, copy=False)
        return y, np.where(z > 0, 1.0, negative + self.alpha).astype(
            z.dtype, copy=False
        )


class Softmax(Activation):
    """f_i(z) = exp(z_i) / sum_j exp(z_j) over the last axis.

    The Jacobian is not diagonal, so backward is its own: (J^T delta)_i =
    y_i (delta_i - sum_j delta_j y_j). With categorical cross-entropy the model skips
    this and uses the fused, stable dC/dz = y - y_target.
    """

    name = "softmax"

    def f_df(self, z):
        y = self.f(z)
        return y, y  # backward needs only y

    def f(self, z):
        # exp(z - max z) / sum: the shift leaves f unchanged and avoids overflow; the
        # ufuncs' own reductions skip the Python layer of z.max() and e.sum()
        e = np.exp(z - np.maximum.reduce(z, axis=-1, keepdims=True))
        e /= np.add.reduce(e, axis=-1, keepdims=True)
        return e

    def backward(self, delta, y):
        return y * (delta - (delta * y).sum(axis=-1, keepdims=True))


class Custom(Activation):
    """Wraps a user function ``f_df(z) -> (f(z), f'(z))`` (lecture: ``net_f_df``)."""

    def __init__(self, f_df, name=None):
        self._f_df = f_df
        self.name = name or getattr(f_df, "__name__", "custom")

    def f_df(self, z):
        result = self._f_df(z)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(
                f"activation {self.name!r} must return the pair (f(z), f'(z)), like the "
                "lecture's net_f_df; ml4phys has no automatic differentiation, so it "
                f"needs f' too. It returned {type(result).__name__}"
            )
        y, df = result
        return np.asarray(y, z.dtype), np.asarray(df, z.dtype)

    def get_config(self):
        raise TypeError(
            f"the custom activation {self.name!r} cannot be saved by name; pass it "
            "again with custom_objects={...} when loading"
        )


def custom(f, df, name=None):
    """An activation from two functions: ``f(z)`` and its derivative ``df(z)``."""
    return Custom(
        lambda z: (f(z), df(z)), name=name or getattr(f, "__name__", "custom")
    )


linear, sigmoid, tanh, relu = Linear(), Sigmoid(), Tanh(), ReLU()
softmax, softplus, elu = Softmax(), Softplus(), ELU()

_BY_NAME = {
    "linear": Linear,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "softmax": Softmax,
    "softplus": Softplus,
    "elu": ELU,
}


def get(identifier, custom_objects=None) -> Activation:
    """Activation from a name, an instance, or a function returning ``(f, f')``."""
    if identifier is None:
        return Linear()
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return get(custom_objects[identifier])
        if identifier not in _BY_NAME:
            raise ValueError(
                f"unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}, "
                "or pass a function returning (f(z), f'(z))"
            )
        return _BY_NAME[identifier]()
    if callable(identifier):
        return Custom(identifier)
    raise TypeError(
        f"activation must be a name, an Activation or a function; got {identifier!r}"
    )
