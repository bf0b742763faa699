"""Exact diagonalization: the ground state by Lanczos (scipy.sparse.linalg.eigsh).

Up to N = 20 spins (2^20 ~ 10^6 states); the total-S^z = 0 sector (``sector="sz0"``)
shrinks the Heisenberg chain by about a factor 4 at N = 20. Before building the matrix
the memory it would need is estimated and a clear error is raised above ``max_memory``.
"""

from __future__ import annotations

from math import comb

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

from ...common import checks

__all__ = ["configurations", "ground_state", "hilbert_basis"]

_BYTES_PER_ELEMENT = 70  # peak while assembling (COO + CSR): 1.4 GB for TFIM N = 20


def configurations(index, n_sites):
    """Spins of basis numbers: s_i = 1 - 2 * bit (n_sites - 1 - i) of k, (len(index), n_sites)."""
    shifts = np.arange(n_sites - 1, -1, -1)
    bits = (np.asarray(index)[:, None] >> shifts[None, :]) & 1
    return (1 - 2 * bits).astype(np.int8)


def check_configurations(owner, s, dtype=None):
    """s as an array of shape (batchsize, owner.n_sites), of +-1 unless owner.spins_trusted."""
    s = np.asarray(s, dtype=dtype)
    if s.ndim != 2 or s.shape[1] != owner.n_sites:
        raise ValueError(
            f"{type(owner).__name__}: expected configurations of shape "
            f"(batchsize, {owner.n_sites}), received {s.shape}"
        )
    if not owner.spins_trusted:
        checks.spins("s", s, where=type(owner).__name__)
    return s


def hilbert_basis(n_sites, sector=None):
    """Sorted basis numbers: all 2^n (``sector=None``) or total S^z = 0 (``"sz0"``)."""
    index = np.arange(2**n_sites, dtype=np.int64)
    if sector is None:
        return index
    if sector != "sz0":
        raise ValueError(f"sector must be None or 'sz0', received {sector!r}")
    if n_sites % 2:
        raise ValueError(
            f"the S^z = 0 sector needs an even number of sites, received {n_sites}"
        )
    ups = configurations(index, n_sites).sum(axis=1)
    return index[ups == 0]


def ground_state(hamiltonian, sector=None, *, max_memory=4e9):
    """Ground-state energy and vector.

    Parameters
    ----------
    hamiltonian : TransverseFieldIsing or Heisenberg
    sector : None or "sz0"
    max_memory : float, bytes the sparse matrix may take

    Returns
    -------
    energy : float
    vector : ndarray, shape (dim,), normalized, sign fixed so that its largest entry is > 0
    basis : ndarray, shape (dim,), the basis numbers of the entries of ``vector``

    Raises
    ------
    MemoryError
        If the estimated size of the sparse matrix exceeds ``max_memory``.
    """
    n = hamiltonian.n_sites
    dim = 2**n if sector is None else comb(n, n // 2)
    estimate = dim * (len(hamiltonian.flips) + 1) * _BYTES_PER_ELEMENT
    if estimate > max_memory:
        raise MemoryError(
            f"exact diagonalization of {n} sites (dimension {dim}) needs about "
            f"{estimate / 1e9:.1f} GB, above max_memory={max_memory / 1e9:.1f} GB"
        )
    basis = hilbert_basis(n, sector)
    matrix = hamiltonian.to_sparse(None if sector is None else basis)
    if dim <= 256:
        energies, vectors = scipy.linalg.eigh(matrix.toarray())
    else:
        v0 = np.random.default_rng(0).normal(size=dim)
        energies, vectors = scipy.sparse.linalg.eigsh(matrix, k=1, which="SA", v0=v0)
    vector = vectors[:, np.argmin(energies)]
    vector = vector * np.sign(vector[np.argmax(np.abs(vector))])
    return float(np.min(energies)), vector, basis
