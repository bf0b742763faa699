"""Neural-network quantum states (lecture: "represent quantum wave functions"; Carleo &
Troyer, Science 355, 602 (2017)): spin-1/2 Hamiltonians in the S^z basis, exact
diagonalization, variational wave functions with log-amplitudes (mean field, Jastrow, RBM)
and variational Monte Carlo with stochastic reconfiguration.

Conventions: a configuration is a row of spins s_i = +1 (up) or -1 (down), batch first,
shape (batchsize, n_sites). Basis state number k has s_i = 1 - 2 * bit_i(k) with site 0 the
most significant bit, so dense matrices match kron(op_0, op_1, ...) with up = (1, 0).
"""

from .ed import ground_state, hilbert_basis
from .hamiltonians import Heisenberg, TransverseFieldIsing, chain, square_lattice
from .vmc import VMC, MetropolisSampler, local_energy, sr_direction
from .wavefunctions import Jastrow, MeanField, RBMWaveFunction

__all__ = [
    "VMC",
    "Heisenberg",
    "Jastrow",
    "MeanField",
    "MetropolisSampler",
    "RBMWaveFunction",
    "TransverseFieldIsing",
    "chain",
    "ground_state",
    "hilbert_basis",
    "local_energy",
    "square_lattice",
    "sr_direction",
]
