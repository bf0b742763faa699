"""Weight initializers: ``initializer(shape, rng, dtype) -> array``.

Fan-in and fan-out follow Keras: for a Dense kernel (n_in, n_out) they are n_in and n_out;
for a conv kernel (kh, kw, c_in, c_out) they are kh*kw*c_in and kh*kw*c_out. Every draw comes
from the ``np.random.Generator`` passed in, never from global state.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Initializer",
    "GlorotUniform",
    "HeNormal",
    "RandomUniform",
    "RandomNormal",
    "Zeros",
    "Ones",
    "Orthogonal",
    "get",
    "glorot_uniform",
    "he_normal",
    "random_uniform",
    "zeros",
]


def _fans(shape):
    if len(shape) < 2:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: ``initializer(shape, rng, dtype)`` returns a new array of that shape."""

    name = "initializer"

    def __call__(self, shape, rng, dtype=np.float32):
        raise NotImplementedError

    def get_config(self):
        return {"class_name": self.name, **vars(self)}


class GlorotUniform(Initializer):
    """uniform(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))  (Keras' default)."""

    name = "glorot_uniform"

    def __call__(self, shape, rng, dtype=np.float32):
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


class HeNormal(Initializer):
    """Normal of stddev sqrt(2 / fan_in), truncated at 2 stddev (as Keras), for ReLU nets."""

    name = "he_normal"

    def __call__(self, shape, rng, dtype=np.float32):
        fan_in, _ = _fans(shape)
        return _truncated_normal(rng, shape, np.sqrt(2.0 / fan_in)).astype(dtype)


class RandomUniform(Initializer):
    """uniform(minval, maxval); the lecture's notebooks use RandomUniform(-1, 1)."""

    name = "random_uniform"

    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, rng, dtype=np.float32):
        return rng.uniform(self.minval, self.maxval, size=shape).astype(dtype)


class RandomNormal(Initializer):
    """Normal values with ``mean`` and ``stddev`` (Keras' defaults)."""

    name = "random_normal"

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, rng, dtype=np.float32):
        return rng.normal(self.mean, self.stddev, size=shape).astype(dtype)


class Zeros(Initializer):
    """All zeros (Keras' bias default)."""

    name = "zeros"

    def __call__(self, shape, rng=None, dtype=np.float32):
        return np.zeros(shape, dtype)


class Ones(Initializer):
    """All ones."""

    name = "ones"

    def __call__(self, shape, rng=None, dtype=np.float32):
        return np.ones(shape, dtype)


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain`` (Keras' default for recurrent kernels).

    As Keras: the shape is flattened to (prod(shape[:-1]), shape[-1]); a normal matrix of
    the taller orientation is QR-decomposed, Q's columns get the signs of R's diagonal
    (so Q is uniformly distributed), and a wide matrix is the transpose of a tall one.
    """

    name = "orthogonal"

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, rng, dtype=np.float32):
        n_rows, n_cols = int(np.prod(shape[:-1])), shape[-1]
        a = rng.normal(size=(max(n_rows, n_cols), min(n_rows, n_cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # column signs from R: a uniform (Haar) draw
        if n_rows < n_cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)


def _truncated_normal(rng, shape, stddev):
    """Normal(0, stddev) redrawn until inside [-2 stddev, 2 stddev]."""
    x = rng.normal(0.0, stddev, size=shape)
    outside = np.abs(x) > 2 * stddev
    while outside.any():
        x[outside] = rng.normal(0.0, stddev, size=int(outside.sum()))
        outside = np.abs(x) > 2 * stddev
    return x


glorot_uniform, he_normal, random_uniform, zeros = (
    GlorotUniform(),
    HeNormal(),
    RandomUniform(),
    Zeros(),
)

_BY_NAME = {
    cls.name: cls
    for cls in (
        GlorotUniform,
        HeNormal,
        RandomUniform,
        RandomNormal,
        Zeros,
        Ones,
        Orthogonal,
    )
}


def get(identifier) -> Initializer:
    """Initializer from a name, a config dict, an instance, or a function(shape, rng, dtype)."""
    if isinstance(identifier, Initializer) or (
        callable(identifier) and not isinstance(identifier, type)
    ):
        return identifier
    if isinstance(identifier, dict):
        config = dict(identifier)
        return _BY_NAME[config.pop("class_name")](**config)
    if identifier not in _BY_NAME:
        raise ValueError(
            f"unknown initializer {identifier!r}; known: {', '.join(_BY_NAME)}"
        )
    return _BY_NAME[identifier]()


def get_config(initializer):
    """A JSON-able description, or an error for a plain function."""
    if isinstance(initializer, Initializer):
        return initializer.get_config()
    raise TypeError(
        f"the initializer {initializer!r} is a plain function and cannot be saved"
    )
