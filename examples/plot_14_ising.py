r"""
Phases of the 2D Ising model
============================

The Ising model, :math:`H = -J \sum_{\langle ij \rangle} s_i s_j` with spins
:math:`s_i = \pm 1` on a square lattice, orders below Onsager's
:math:`T_c = 2 / \ln(1 + \sqrt 2) = 2.269` (J = k_B = 1). Networks can learn to tell the
phases apart from raw configurations (Carrasquilla & Melko 2017), and even PCA finds the
order parameter (Wang 2016). First Monte Carlo samples from ``ml4phys.physics.ising``
(checkerboard Metropolis: every site of one colour updated at once, flipped with
probability :math:`\min(1, e^{-\beta \Delta E})`, :math:`\Delta E = 2 s_i h_i`), then the
``ising-pca`` experiment in its quick form.

The formulas and the code behind it: :doc:`/topics/phases`.
"""

# %%
# Monte Carlo: 64 chains at 16 temperatures, all updated together
# ----------------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.physics import exact, ising

rng = np.random.default_rng(0)
temperatures = np.repeat(np.linspace(1.5, 3.5, 16), 4)  # 4 chains per temperature
chains = ising.IsingChains(32, temperatures, rng, start="cold")
chains.sweep(300)  # equilibrate
m = []
for _ in range(100):
    chains.sweep(5)
    m.append(np.abs(chains.magnetization()))
m = np.mean(m, axis=0).reshape(16, 4).mean(axis=1)

t_fine = np.linspace(1.5, 3.5, 300)
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(
    t_fine, exact.onsager_magnetization(t_fine), "k", label="Onsager, infinite lattice"
)
ax.plot(temperatures[::4], m, "o", label="Monte Carlo, L = 32")
ax.axvline(exact.T_C, color="gray", ls=":")
ax.set(xlabel="temperature T", ylabel="<|m|>")
ax.legend()
# sphinx_gallery_thumbnail_number = 2

# %%
# Configurations below, near and above T_c:
spins = chains.spins
fig, axes = plt.subplots(1, 3, figsize=(8, 2.9), layout="constrained")
for ax, index in zip(axes, (4, 24, 60)):
    ax.imshow(spins[index], cmap="gray", vmin=-1, vmax=1)
    ax.set_title(f"T = {temperatures[index]:.2f}")
    ax.axis("off")

# %%
# PCA finds the magnetization
# ---------------------------
# The first principal component of configurations at all temperatures is uniform (all
# spins alike), so the projection on it is sqrt(N) times the magnetization.
from ml4phys.lab import ising_pca

result = ising_pca.run(ising_pca.Config(quick=True, cache=False))
print(result.numbers)
result.figures["pc1_vs_temperature"]
