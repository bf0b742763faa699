"""Keras' output sizes and 'same' padding of convolutions and pools (shape arithmetic only;
the array work is in ``ml4phys.nn.kernels``).
"""

from __future__ import annotations

__all__ = ["output_length", "padding_amounts"]


def output_length(length, kernel, stride, padding):
    """Keras' output size: ceil(n / s) for 'same', floor((n - k) / s) + 1 for 'valid'."""
    if padding == "same":
        return -(-length // stride)
    return (length - kernel) // stride + 1


def padding_amounts(length, kernel, stride, padding):
    """(before, after) zeros for 'same', as TensorFlow: the odd one goes after."""
    if padding != "same":
        return 0, 0
    total = max(
        (output_length(length, kernel, stride, "same") - 1) * stride + kernel - length,
        0,
    )
    return total // 2, total - total // 2
