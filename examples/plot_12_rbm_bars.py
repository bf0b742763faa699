r"""
A restricted Boltzmann machine learns bars
==========================================

A Boltzmann machine is a probability distribution: binary visible units v and hidden
units h with energy

.. math::

   E(v, h) = -a \cdot v - b \cdot h - v W h, \qquad p(v, h) = e^{-E(v, h)} / Z.

Summing out h gives :math:`p(v) = e^{-F(v)} / Z` with the free energy
:math:`F(v) = -a \cdot v - \sum_j \log(1 + e^{b_j + (v W)_j})`. Training climbs the
log-likelihood, whose gradient is a difference of two averages,

.. math::

   \frac{\partial \log L}{\partial W} = \langle v h \rangle_{\text{data}}
     - \langle v h \rangle_{\text{model}},

with the model average estimated by a short Gibbs chain v -> h -> v' -> ... (contrastive
divergence, CD-k) or by chains kept from step to step (persistent, PCD). Here an RBM
learns rows of 12 pixels with one bar of 4 ones at a random place: small enough that
log Z, and so the exact log-likelihood, can be computed by enumeration. The ``rbm-bars``
experiment (``ml4phys run rbm-bars``) does the same with CD-1, CD-10 and PCD-1.

The formulas and the code behind it: :doc:`/topics/boltzmann`.
"""

# %%
# The data: 9 equally likely patterns
# -----------------------------------
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.generative.rbm import RBM
from ml4phys.lab.rbm_bars import bar_patterns

patterns = bar_patterns(12, 4)  # (9, 12)
rng = np.random.default_rng(0)
x = patterns[rng.integers(0, len(patterns), 150_000)]
print("best possible log-likelihood: log(1/9) =", round(np.log(1 / 9), 4))
# sphinx_gallery_thumbnail_number = 2

# %%
# CD-1 and PCD-1, the exact log-likelihood every 50 batches
# ---------------------------------------------------------
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
machines = {}
for method, persistent in (("CD-1", False), ("PCD-1", True)):
    rbm = RBM(12, 8, seed=0, dtype=np.float64)
    history = rbm.fit(
        x,
        epochs=1,
        batch_size=50,
        k=1,
        persistent=persistent,
        learning_rate=0.1,
        log_likelihood="exact",
        monitor_data=patterns,
        eval_every=50,
    )
    ax.plot(history["step"], history["log_likelihood"], label=method)
    print(f"{method}: final log-likelihood {history['log_likelihood'][-1]:.4f}")
    machines[method] = rbm
ax.axhline(np.log(1 / 9), color="k", ls="--", label="log(1/9)")
ax.set(xlabel="batch", ylabel="<log p(v)> over the patterns (nats)")
ax.legend()

# %%
# What the machine has learned
# ----------------------------
# Left: the machines are small enough to normalize exactly, so p(v) = exp(-F(v)) / Z of
# each of the 9 bars can be compared with the data's 1/9. After 3000 batches both put
# about two thirds of their probability on the bars, unevenly. Right: a Gibbs chain
# started from random noise (each column one state of the visible units) falls onto
# bars within a step or two and then wanders mostly between neighbouring ones, which
# differ in two pixels: Gibbs chains mix slowly.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
for offset, (method, rbm) in zip((-0.2, 0.2), machines.items()):
    p = np.exp(-rbm.free_energy(patterns) - rbm.log_partition_exact())
    axes[0].bar(
        np.arange(9) + offset, p, width=0.4, label=f"{method}: {p.sum():.2f} on bars"
    )
axes[0].axhline(1 / 9, color="k", ls="--", label="data: 1/9 each")
axes[0].set(xlabel="bar position", ylabel="p(v)", title="probability of each bar")
axes[0].legend(fontsize=8)
rbm = machines["CD-1"]
v = (rng.random((1, 12)) < 0.5).astype(float)
states = [v[0]]
for _ in range(59):
    v = rbm.gibbs_step(v)
    states.append(v[0])
axes[1].imshow(np.array(states).T, cmap="gray_r", aspect="auto")
axes[1].set(
    xlabel="Gibbs step", ylabel="visible unit", title="a chain from noise (CD-1)"
)
