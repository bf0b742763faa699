"""Nets of the MNIST table's rows (``mnist-table``): dense nets, conv nets, the real
LeNet-1 and a committee that averages the outputs of several nets.
"""

from __future__ import annotations

import numpy as np

from ..nn import layers as L
from ..nn import models

__all__ = ["COMMITTEE", "Committee", "conv_large", "dense", "lenet1"]


def dense(hidden, dropout=0.0, input_dropout=0.0):
    """Dense ReLU layers of sizes ``hidden``, each followed by Dropout(dropout), then
    Dense(10) softmax; Dropout(input_dropout) on the pixels first if nonzero (Hinton et
    al. 2012: 20% of the inputs, 50% of the hidden units).
    """

    def build(seed):
        net = models.Sequential(seed=seed)
        if input_dropout:
            net.add(L.Dropout(input_dropout, input_shape=(784,)))
        for units in hidden:
            net.add(
                L.Dense(
                    units, activation="relu", input_shape=None if net.layers else (784,)
                )
            )
            if dropout:
                net.add(L.Dropout(dropout))
        net.add(
            L.Dense(
                10, activation="softmax", input_shape=None if net.layers else (784,)
            )
        )
        return net

    return build


COMMITTEE = 5  # nets in the "committee" row (the lecture's: 35)


def conv_large(seed):
    """32 and 64 filters 3x3 twice, max pooling, Dense(128), dropout 0.5."""
    net = models.Sequential(seed=seed)
    net.add(L.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    net.add(L.Conv2D(32, (3, 3), activation="relu"))
    net.add(L.MaxPooling2D(2))  # (12, 12, 32)
    net.add(L.Conv2D(64, (3, 3), activation="relu"))
    net.add(L.Conv2D(64, (3, 3), activation="relu"))
    net.add(L.MaxPooling2D(2))  # (4, 4, 64)
    net.add(L.Flatten())
    net.add(L.Dense(128, activation="relu"))
    net.add(L.Dropout(0.5))
    net.add(L.Dense(10, activation="softmax"))
    return net


def lenet1(seed):
    """LeNet-1 (LeCun et al. 1989; 1998, fig. 9's table): 4 feature maps of 5 x 5,
    average pooling 2 x 2, 12 feature maps of 5 x 5, average pooling, Dense(10).

    Departure: LeNet-1 connects each of the 12 maps to only some of the 4 below and
    squashes with a scaled tanh; here every map sees all 4 (3,246 weights instead of
    ~2,600), tanh, and softmax outputs with cross-entropy.
    """
    net = models.Sequential(seed=seed)
    net.add(L.Conv2D(4, (5, 5), activation="tanh", input_shape=(28, 28, 1)))
    net.add(L.AveragePooling2D(2))  # (12, 12, 4)
    net.add(L.Conv2D(12, (5, 5), activation="tanh"))  # (8, 8, 12)
    net.add(L.AveragePooling2D(2))  # (4, 4, 12)
    net.add(L.Flatten())
    net.add(L.Dense(10, activation="softmax"))
    return net


class Committee:
    """The average output of trained nets: p(class) = mean_k p_k(class).

    Ciresan et al. (2011/12) average 35 conv nets; the lecture's table row is theirs.
    """

    def __init__(self, nets):
        self.nets = list(nets)

    def predict(self, x, batch_size=500):
        return np.mean([net.predict(x, batch_size=batch_size) for net in self.nets], 0)

    def count_params(self):
        return sum(net.count_params() for net in self.nets)
