"""Weight and activity penalties R added to the cost C.

A kernel regularizer adds R(w) to the cost and dR/dw to the weight gradient. An activity
regularizer adds R(y_n) to each sample's cost C_n (so <R(y_n)> to C) and dR/dy_n to that
sample's delta, which is how a sparse autoencoder keeps its hidden neurons quiet.
Keras' forms: L1: ``R = l1 sum |w|``;  L2: R = l2 sum w^2;  L1L2: both.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Regularizer",
    "L1",
    "L2",
    "L1L2",
    "l1",
    "l2",
    "l1_l2",
    "get",
    "get_config",
]


class Regularizer:
    """Subclasses define ``value(x) -> float`` and ``gradient(x) -> dR/dx``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def value(self, x):
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.abs(x).sum())
        if self.l2:
            total += self.l2 * float(np.square(x).sum())
        return total

    def gradient(self, x):
        grad = np.zeros_like(x)
        if self.l1:
            grad += self.l1 * np.sign(x)  # subgradient 0 at x = 0
        if self.l2:
            grad += 2.0 * self.l2 * x
        return grad

    def per_sample_value(self, y):
        """R(y_n) for each sample n: shape (batchsize,)."""
        flat = y.reshape(len(y), -1)
        total = np.zeros(len(y))
        if self.l1:
            total += self.l1 * np.abs(flat).sum(axis=1)
        if self.l2:
            total += self.l2 * np.square(flat).sum(axis=1)
        return total

    def __call__(self, x):
        return self.value(x)

    def get_config(self):
        return {"class_name": type(self).__name__, "l1": self.l1, "l2": self.l2}

    def __repr__(self):
        return f"{type(self).__name__}(l1={self.l1}, l2={self.l2})"


class L1(Regularizer):
    """Penalty l1 * sum |w|."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(Regularizer):
    """Penalty l2 * sum w^2."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


class L1L2(Regularizer):
    """Penalty l1 * sum |w| + l2 * sum w^2."""

    def __init__(self, l1=0.0, l2=0.0):
        super().__init__(l1=l1, l2=l2)


l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier):
    """Regularizer from None, an instance, a name ('l1', 'l2', 'l1_l2') or a config dict."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return Regularizer(l1=identifier.get("l1", 0.0), l2=identifier.get("l2", 0.0))
    names = {"l1": L1, "l2": L2, "l1_l2": L1L2}
    if identifier not in names:
        raise ValueError(
            f"unknown regularizer {identifier!r}; known: {', '.join(names)}"
        )
    return names[identifier]()


def get_config(regularizer):
    """A JSON-able description of a regularizer (for saving), or None for none."""
    return None if regularizer is None else regularizer.get_config()
