"""One epoch's mini-batches: every sample once, in a fresh random order.

The lecture: "One epoch = training once on all 50000 training images", in batches of
``batch_size`` (the last one may be smaller). ``Sequential.fit`` and ``RBM.fit`` draw
their batches here, so both consume the seeded generator in the same way.
"""

from __future__ import annotations

import numpy as np

__all__ = ["epoch_batches"]


def epoch_batches(n_samples, batch_size, rng, shuffle=True):
    """Index arrays of one epoch's batches: ``x[idx]`` is one batch.

    Parameters
    ----------
    n_samples, batch_size : int
    rng : numpy.random.Generator
        Draws the order (one ``permutation`` per epoch) when ``shuffle``.
    shuffle : bool
        False: the samples in their order.

    Yields
    ------
    idx : ndarray of int, shape (batch_size,) (the last may be shorter)
    """
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start : start + batch_size]
