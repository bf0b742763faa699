"""What the Ising experiments share: their data and a small classifier.

Configurations come from ``ml4phys.physics.sampling`` (cached, unless quick). A global spin
flip is an exact symmetry of the model, so each configuration's sign is flipped with
probability 1/2: the cold-started chains below T_c would otherwise all have m > 0.
"""

from __future__ import annotations

import numpy as np

from ..nn import layers, models, optimizers, regularizers
from ..physics import ising, sampling

T_C = ising.T_C


def configurations(
    L, temperatures, n_samples, seed, cache=True, progress=None, **kwargs
):
    """(spins (n, L, L) int8, temperature of each (n,), IsingSamples), signs symmetrized."""
    if cache:
        samples, _ = sampling.dataset(
            L, temperatures, n_samples, seed=seed, progress=progress, **kwargs
        )
    else:
        samples = sampling.sample(
            L, temperatures, n_samples, seed=seed, progress=progress, **kwargs
        )
    spins, temps = samples.flat()
    signs = np.random.default_rng(seed + 1).choice(
        np.array([-1, 1], np.int8), len(spins)
    )
    return spins * signs[:, None, None], temps, samples


def experiment_configurations(config, progress=None, **kwargs):
    """``configurations`` at an Ising experiment's Config: ``config.temperatures``
    temperatures from ``t_min`` to ``t_max``, its L, n_samples, seed and equilibration
    (which also sets the pilot run), cached unless ``quick``.
    """
    return configurations(
        config.L,
        np.linspace(config.t_min, config.t_max, config.temperatures),
        config.n_samples,
        config.seed,
        cache=config.cache and not config.quick,
        progress=progress,
        equilibration=config.equilibration,
        pilot=config.equilibration,
        **kwargs,
    )


def split(n, test_fraction, rng):
    """Random train and test indices."""
    order = rng.permutation(n)
    n_test = round(n * test_fraction)
    return order[n_test:], order[:n_test]


def dense_classifier(n_in, hidden, l2, learning_rate, seed, activation="sigmoid"):
    """n_in -> hidden (sigmoid, L2 on the weights) -> 2 softmax outputs, Adam."""
    net = models.Sequential(seed=seed)
    return _add_head(net, hidden, l2, learning_rate, activation, input_shape=(n_in,))


def conv_classifier(L, hidden, l2, learning_rate, seed, filters=16):
    """L x L x 1 spins -> Conv2D(filters, 2x2, relu) -> Flatten -> hidden (sigmoid, L2)
    -> 2 softmax outputs, Adam: the convolutional variant of Carrasquilla & Melko.
    """
    net = models.Sequential(seed=seed)
    net.add(layers.Conv2D(filters, 2, activation="relu", input_shape=(L, L, 1)))
    net.add(layers.Flatten())
    return _add_head(net, hidden, l2, learning_rate, "sigmoid")


def _add_head(net, hidden, l2, learning_rate, activation, **first_layer):
    """The classifier both nets share: hidden units and 2 softmax outputs, each with L2
    on its weights, compiled with Adam and cross-entropy.
    """
    net.add(
        layers.Dense(
            hidden,
            activation=activation,
            **first_layer,
            kernel_regularizer=regularizers.L2(l2) if l2 else None,
        )
    )
    net.add(
        layers.Dense(
            2,
            activation="softmax",
            kernel_regularizer=regularizers.L2(l2) if l2 else None,
        )
    )
    net.compile(
        optimizer=optimizers.Adam(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return net


def one_hot(labels):
    """Class 0/1 -> one-hot rows, shape (n, 2)."""
    return np.eye(2, dtype=np.float32)[labels.astype(int)]


def per_temperature(values, temps, temperatures):
    """Mean of ``values`` (n, ...) over the samples at each temperature."""
    return np.array([values[np.isclose(temps, t)].mean(axis=0) for t in temperatures])


def crossing(temperatures, curve, level=0.5, band=(0.1, 0.9)):
    """T where ``curve`` (decreasing from 1 to 0) first crosses ``level``.

    A straight line through logit(curve) = ln(y / (1 - y)) against T, fitted to the
    crossover only: the two points that bracket the crossing and, contiguous with them,
    every point with band[0] < y < band[1]. Averaging over the crossover tames the noise
    of single temperatures, and the plateaus stay out of the fit (an ordered plateau at
    y = 0.96 would otherwise tilt the line and move the crossing far away). Bracketing
    points outside (0.001, 0.999) are clipped there; two points give logit interpolation
    (and are the fallback when the fitted line does not fall).
    """
    temperatures, curve = np.asarray(temperatures, float), np.asarray(curve, float)
    below = np.flatnonzero(curve < level)
    if below.size == 0 or below[0] == 0:
        return float("nan")
    low, high = below[0] - 1, below[0]  # curve[low] >= level > curve[high]
    inside = (curve > band[0]) & (curve < band[1])
    while low > 0 and inside[low - 1]:
        low -= 1
    while high < len(curve) - 1 and inside[high + 1]:
        high += 1
    y = np.clip(curve[low : high + 1], 1e-3, 1 - 1e-3)
    slope, intercept = np.polyfit(temperatures[low : high + 1], np.log(y / (1 - y)), 1)
    if slope >= 0:  # a noisy crossover that does not fall: the two bracketing points
        return crossing(
            temperatures[below[0] - 1 : below[0] + 1],
            curve[below[0] - 1 : below[0] + 1],
            level,
            band=(1, 0),
        )
    return float((np.log(level / (1 - level)) - intercept) / slope)
