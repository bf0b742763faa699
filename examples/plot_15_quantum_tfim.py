r"""
A neural-network quantum state
==============================

Carleo & Troyer (2017) write a many-body wave function as a restricted Boltzmann machine
with its hidden units summed out,

.. math::

   \psi(s) = e^{a \cdot s} \prod_j 2 \cosh \theta_j, \qquad
   \theta_j = b_j + \sum_i W_{ji} s_i,

and minimize the energy :math:`E = \langle\psi|H|\psi\rangle / \langle\psi|\psi\rangle`
by variational Monte Carlo: sample configurations s from :math:`|\psi(s)|^2`, average the
local energy :math:`E_{\text{loc}}(s) = \sum_{s'} H_{ss'} \psi(s') / \psi(s)`, and step
the parameters by stochastic reconfiguration,
:math:`\delta\theta = -\eta\, (S + \epsilon)^{-1} F`, with S the covariance of the
log-derivatives :math:`O_k = \partial \log\psi / \partial\theta_k` and F their covariance
with :math:`E_{\text{loc}}`. Here the transverse-field Ising chain
:math:`H = -J \sum_i \sigma^z_i \sigma^z_{i+1} - h \sum_i \sigma^x_i` at the critical field
h = J, 10 sites, against exact diagonalization (``ml4phys run nqs-tfim`` does 16).

The formulas and the code behind it: :doc:`/topics/quantum`.
"""

# %%
# Exact diagonalization
# ---------------------
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.physics.quantum import (
    VMC,
    MetropolisSampler,
    RBMWaveFunction,
    TransverseFieldIsing,
    ground_state,
)

n_sites = 10
hamiltonian = TransverseFieldIsing(n_sites, h=1.0)
e_exact, vector, basis = ground_state(hamiltonian)
print(f"exact ground-state energy per site: {e_exact / n_sites:.6f}")

# %%
# Variational Monte Carlo with an RBM, alpha = 1 hidden unit per site
# -------------------------------------------------------------------
wavefunction = RBMWaveFunction(n_sites, alpha=1, seed=0)
sampler = MetropolisSampler(n_sites, n_chains=50, seed=0)
vmc = VMC(hamiltonian, wavefunction, sampler, n_samples=500, learning_rate=0.1)
history = vmc.run(100)

# the trained state's energy without sampling noise: sum over all 2^10 configurations
exact_vmc = VMC(hamiltonian, wavefunction, sampler=None)
e_rbm = exact_vmc.estimate()["energy"]
print(
    f"RBM energy per site: {e_rbm / n_sites:.6f}, "
    f"relative error {abs(e_rbm - e_exact) / abs(e_exact):.1e}"
)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.errorbar(
    np.arange(len(history["energy"])),
    np.array(history["energy"]) / n_sites,
    yerr=np.array(history["error"]) / n_sites,
    fmt=".",
    ms=3,
    label="VMC estimate",
)
ax.axhline(e_exact / n_sites, color="k", ls="--", label="exact")
ax.set(
    xlabel="iteration",
    ylabel="energy per site",
    ylim=(e_exact / n_sites - 0.02, e_exact / n_sites + 0.15),
)
ax.legend()

# %%
# Amplitudes: RBM against the exact ground state
# ----------------------------------------------
# Both normalized over the 1024 basis states (ordered by the exact amplitude).
from ml4phys.physics.quantum.ed import configurations

states = configurations(basis, n_sites).astype(float)
psi = np.exp(wavefunction.log_psi(states) - wavefunction.log_psi(states).max())
psi /= np.linalg.norm(psi)
order = np.argsort(vector)[::-1]
print(f"overlap |<psi_RBM|psi_exact>| = {abs(psi @ vector):.5f}")
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.semilogy(vector[order], "k", label="exact")
ax.semilogy(np.abs(psi[order]), ".", ms=2, label="RBM")
ax.set(xlabel="basis state (sorted)", ylabel="|amplitude|")
ax.legend()
