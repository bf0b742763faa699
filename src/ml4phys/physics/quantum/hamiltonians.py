"""Spin-1/2 Hamiltonians in the S^z basis: transverse-field Ising and Heisenberg.

Every Hamiltonian here has the form H = D(s) + sum_m H_m, where D is diagonal and each
off-diagonal term H_m flips a fixed set of sites ``flips[m]`` (one site for s^x, the two
sites of a bond for S^+S^- + S^-S^+). For a batch of configurations s (batchsize, n_sites)
the connected elements are H(s, s) = ``diagonal(s)`` and H(s, s'_m) = ``off_diagonal(s)[:, m]``
with s'_m = s with the sites of ``flips[m]`` reversed: what the local energy of variational
Monte Carlo needs, and what ``to_sparse()`` assembles into a scipy.sparse matrix.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from ...common import checks
from .ed import check_configurations, configurations

__all__ = ["Heisenberg", "TransverseFieldIsing", "chain", "square_lattice"]


def chain(n_sites: int, pbc: bool = True):
    """Bonds (i, i+1) of a 1D chain, (n_bonds, 2); periodic adds (n-1, 0). Sublattice i % 2."""
    bonds = [(i, i + 1) for i in range(n_sites - 1)]
    if pbc and n_sites > 2:
        bonds.append((n_sites - 1, 0))
    return np.array(bonds, dtype=int).reshape(-1, 2), np.arange(n_sites) % 2


def square_lattice(length_x: int, length_y: int, pbc: bool = True):
    """Nearest-neighbour bonds of an Lx x Ly square lattice (site = x * Ly + y) and the
    checkerboard sublattice (x + y) % 2.
    """
    site = np.arange(length_x * length_y).reshape(length_x, length_y)
    bonds = set()
    for x in range(length_x):
        for y in range(length_y):
            for nx, ny in ((x + 1, y), (x, y + 1)):
                if pbc:
                    nx, ny = nx % length_x, ny % length_y
                if nx < length_x and ny < length_y and (nx, ny) != (x, y):
                    bonds.add(tuple(sorted((site[x, y], site[nx, ny]))))
    sublattice = np.add.outer(np.arange(length_x), np.arange(length_y)).ravel() % 2
    return np.array(sorted(bonds), dtype=int).reshape(-1, 2), sublattice


class _SpinHamiltonian:
    """Shared machinery: connected elements, flipped configurations, sparse matrix."""

    n_sites: int
    flips: np.ndarray  # (n_terms, sites per term): the sites each H_m flips
    spins_trusted = False  # True inside loops whose spins are +-1 by construction

    def diagonal(self, s):
        raise NotImplementedError

    def off_diagonal(self, s):
        raise NotImplementedError

    def connected(self, s):
        """s'_m for every term (batchsize, n_terms, n_sites); H(s, s'_m) (batchsize, n_terms)."""
        s = np.asarray(s)
        s_prime = np.repeat(s[:, None, :], len(self.flips), axis=1)
        rows = np.arange(len(self.flips))[:, None]
        s_prime[:, rows, self.flips] *= -1  # reverse the flipped sites
        return s_prime, self.off_diagonal(s)

    def _check(self, s):
        return check_configurations(self, s)

    def to_sparse(self, basis_states=None, *, chunk=1 << 16):
        """H as a scipy.sparse CSR matrix in the S^z basis (or the given sorted subset of
        basis numbers, e.g. a magnetization sector; terms leaving the subset are dropped).
        Assembled ``chunk`` basis states at a time to bound the temporaries.
        """
        n = self.n_sites
        index = np.arange(2**n) if basis_states is None else np.asarray(basis_states)
        masks = np.array([sum(1 << (n - 1 - i) for i in sites) for sites in self.flips])
        diagonal, rows, cols, values = [], [], [], []
        for start in range(0, len(index), chunk):
            block = index[start : start + chunk]
            s = configurations(block, n).astype(np.float64)
            diagonal.append(self.diagonal(s))
            mel = self.off_diagonal(s)  # (chunk, n_terms)
            row, term = np.nonzero(mel)
            target = block[row] ^ masks[term]  # basis number of s'_m
            col = np.minimum(np.searchsorted(index, target), len(index) - 1)
            inside = index[col] == target
            rows.append((row + start)[inside].astype(np.int32))
            cols.append(col[inside].astype(np.int32))
            values.append(mel[row, term][inside])
        dim = len(index)
        off = scipy.sparse.coo_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
            shape=(dim, dim),
        )
        return (scipy.sparse.diags(np.concatenate(diagonal)) + off).tocsr()


class TransverseFieldIsing(_SpinHamiltonian):
    """H = -J sum_<ij> sigma^z_i sigma^z_j - h sum_i sigma^x_i  (Pauli matrices).

    Parameters
    ----------
    n_sites : int
    h : float, transverse field;  J : float, coupling (J > 0 ferromagnetic)
    bonds : ndarray, shape (n_bonds, 2), optional; default ``chain(n_sites, pbc)``
    pbc : bool, periodic boundaries for the default chain

    Examples
    --------
    The critical chain (h = J) of 8 sites, by exact diagonalization:

    >>> from ml4phys.physics.quantum import ground_state
    >>> H = TransverseFieldIsing(8, h=1.0)
    >>> energy, vector, basis = ground_state(H)
    >>> round(energy / 8, 6)                 # E0/N (infinite chain: -4/pi = -1.273240)
    -1.281458
    >>> vector.shape                         # 2^8 amplitudes
    (256,)
    """

    def __init__(self, n_sites, h=1.0, J=1.0, *, bonds=None, pbc=True):
        where = "TransverseFieldIsing"
        self.n_sites = checks.positive_int("n_sites", n_sites, where=where)
        self.h = checks.finite_number("h", h, where=where)
        self.J = checks.finite_number("J", J, where=where)
        self.bonds = chain(n_sites, pbc)[0] if bonds is None else np.asarray(bonds)
        self.flips = np.arange(self.n_sites)[:, None]  # term m flips site m

    def diagonal(self, s):
        s = self._check(s)
        return -self.J * np.sum(s[:, self.bonds[:, 0]] * s[:, self.bonds[:, 1]], axis=1)

    def off_diagonal(self, s):
        s = self._check(s)
        return np.full(s.shape, -self.h)  # <s'_m| -h sigma^x_m |s> = -h


class Heisenberg(_SpinHamiltonian):
    """H = J sum_<ij> S_i . S_j  with S = sigma / 2 (J > 0 antiferromagnetic).

    S_i.S_j = S^z_i S^z_j + (S^+_i S^-_j + S^-_i S^+_j) / 2: diagonal J s_i s_j / 4, and
    J / 2 between s and s with the antiparallel pair (i, j) exchanged. ``marshall_sign``
    rotates sublattice B by pi about z, which multiplies each inter-sublattice exchange by
    -1: the ground state then has positive amplitudes on bipartite lattices.

    Parameters
    ----------
    n_sites : int;  J : float
    bonds : ndarray (n_bonds, 2), optional; sublattice : ndarray (n_sites,), optional
        default: ``chain(n_sites, pbc)``
    marshall_sign : bool
    """

    def __init__(
        self,
        n_sites,
        J=1.0,
        *,
        bonds=None,
        sublattice=None,
        pbc=True,
        marshall_sign=False,
    ):
        self.n_sites = checks.positive_int("n_sites", n_sites, where="Heisenberg")
        self.J = checks.finite_number("J", J, where="Heisenberg")
        self.marshall_sign = marshall_sign
        default_bonds, default_sublattice = chain(n_sites, pbc)
        self.bonds = default_bonds if bonds is None else np.asarray(bonds)
        self.sublattice = (
            default_sublattice if sublattice is None else np.asarray(sublattice)
        )
        self.flips = self.bonds
        sign = np.ones(len(self.bonds))
        if marshall_sign:
            same = (
                self.sublattice[self.bonds[:, 0]] == self.sublattice[self.bonds[:, 1]]
            )
            if same.any():
                raise ValueError(
                    f"Heisenberg: the Marshall sign needs a bipartite lattice, "
                    f"received bonds within a sublattice: "
                    f"{self.bonds[same].tolist()}"
                )
            sign = -sign
        self.exchange = 0.5 * self.J * sign  # (n_bonds,)

    def diagonal(self, s):
        s = self._check(s)
        return (
            0.25
            * self.J
            * np.sum(s[:, self.bonds[:, 0]] * s[:, self.bonds[:, 1]], axis=1)
        )

    def off_diagonal(self, s):
        s = self._check(s)
        antiparallel = s[:, self.bonds[:, 0]] != s[:, self.bonds[:, 1]]
        return antiparallel * self.exchange  # (batchsize, n_bonds)

    def correlations(self, s, weights=None):
        """<S^z_0 S^z_r> for r = 0..n_sites-1 on a chain, (n_sites,); ``weights`` sum to 1."""
        s = np.asarray(s, dtype=float)
        w = np.full(len(s), 1.0 / len(s)) if weights is None else weights
        return np.array(
            [
                0.25 * np.sum(w * np.mean(s * np.roll(s, -r, axis=1), axis=1))
                for r in range(self.n_sites)
            ]
        )
