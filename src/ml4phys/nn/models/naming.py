"""Names and shapes that Sequential and Model check alike."""

from __future__ import annotations

import re

__all__ = ["matches_shape", "snake_case", "unique_name"]


def matches_shape(shape, expected):
    """Equal sample shapes, where None in ``expected`` matches any length."""
    return len(shape) == len(expected) and all(
        e is None or s == e for s, e in zip(shape, expected)
    )


def snake_case(name):
    """Keras' layer names: Dense -> dense, Conv2D -> conv2d, SimpleRNN -> simple_rnn."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base, taken):
    """``base``, or ``base_1``, ``base_2``, ... if taken (as Keras numbers layers)."""
    if base not in taken:
        return base
    k = 1
    while f"{base}_{k}" in taken:
        k += 1
    return f"{base}_{k}"
