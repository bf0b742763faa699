"""Greedy layer-wise pretraining of stacked denoising autoencoders (Bengio et al. 2007,
Vincent et al. 2010), for the ``stacked`` experiment.

Each autoencoder n_in-n_hidden-n_in (sigmoid units, untied weights, binary cross-entropy,
Adam) learns to rebuild its input from a copy with a fraction ``noise`` of the entries
set to 0 (masking noise); the next one learns the codes of the one below.
"""

from __future__ import annotations

import numpy as np

from ..nn import layers, models, optimizers
from ..nn.batching import epoch_batches


def masked(x, noise, rng):
    """x with each pixel set to 0 with probability ``noise`` (masking noise)."""
    if noise == 0:
        return x
    return x * (rng.random(x.shape, dtype=np.float32) >= noise)


def pretrain_layer(code, n_hidden, noise, epochs, rate, seed, batch_size=100):
    """One denoising autoencoder n_in-n_hidden-n_in (sigmoid, cross-entropy) on ``code``.

    Returns the trained net and its clean reconstruction cost before and after training.
    """
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(n_hidden, activation="sigmoid", input_shape=(code.shape[1],)))
    net.add(layers.Dense(code.shape[1], activation="sigmoid"))
    net.compile(loss="binary_crossentropy", optimizer=optimizers.Adam(rate))
    probe = code[:2000]
    before = net.evaluate(probe, probe, batch_size=500)
    rng = np.random.default_rng(seed + 1000)
    for _ in range(epochs):
        for idx in epoch_batches(len(code), batch_size, rng):
            net.train_on_batch(masked(code[idx], noise, rng), code[idx])
    return net, before, net.evaluate(probe, probe, batch_size=500)


def pretrain(x, hidden, noise, epochs, rate, seed, bar=None):
    """Greedy layer-wise pretraining: each autoencoder rebuilds the code below it.

    Returns the encoder weights [[w1, b1], [w2, b2], ...], the autoencoders, and per
    layer the reconstruction cost (binary cross-entropy) before and after its training.
    """
    encoders, nets, costs, code = [], [], [], x
    for depth, n_hidden in enumerate(hidden):
        net, before, after = pretrain_layer(
            code, n_hidden, noise, epochs, rate, seed + depth
        )
        encoders.append(net.layers[0].get_weights())
        nets.append(net)
        costs.append({"before": before, "after": after})
        code = net.layers[0].forward(code)  # the next autoencoder's input
        if bar is not None:
            bar.update()
    return encoders, nets, costs
