"""Monte Carlo of the 2D Ising model: many chains at many temperatures at once.

H = -J sum_<ij> s_i s_j on an L x L periodic square lattice, J = 1, k_B = 1, spins int8 +-1.
Configurations are arrays of shape (..., L, L). Two updates, both batched over chains:

- checkerboard Metropolis: the lattice splits into two sublattices whose sites only touch
  the other one, so each half-sweep flips every site of one colour at once with probability
  min(1, exp(-beta dE)), dE = 2 s h, h = the sum of the four neighbours;
- Wolff cluster updates (for temperatures near T_c, where Metropolis slows down): a cluster
  grows from a random seed by adding aligned neighbours with p = 1 - exp(-2 beta), one
  breadth-first layer at a time for all chains together, and is flipped.

``sampling.sample`` and ``sampling.dataset`` turn this into data sets; ``exact`` has
Onsager's results.
"""

from __future__ import annotations

import numpy as np

from ..common import checks

__all__ = ["T_C", "IsingChains", "energy", "magnetization", "wolff_step"]

T_C = 2.0 / np.log(1.0 + np.sqrt(2.0))  # Onsager's critical temperature, 2.269...


def energy(spins):
    """Energy per spin, E/N = -(1/N) sum_<ij> s_i s_j; spins (..., L, L) -> (...)."""
    s = spins.astype(np.int32)
    bonds = s * (
        np.roll(s, 1, axis=-1) + np.roll(s, 1, axis=-2)
    )  # right and down bonds
    return -bonds.sum(axis=(-1, -2)) / (s.shape[-1] * s.shape[-2])


def magnetization(spins):
    """Magnetization per spin m = (1/N) sum_i s_i; spins (..., L, L) -> (...)."""
    return spins.sum(axis=(-1, -2), dtype=np.int64) / (
        spins.shape[-1] * spins.shape[-2]
    )


def to_sublattices(spins):
    """(n, L, L) -> the two colours (n, L, L/2): site (i, 2j + i%2) and (i, 2j + 1 - i%2)."""
    n, L, _ = spins.shape
    even, odd = np.empty((2, n, L, L // 2), np.int8)
    even[:, 0::2], even[:, 1::2] = spins[:, 0::2, 0::2], spins[:, 1::2, 1::2]
    odd[:, 0::2], odd[:, 1::2] = spins[:, 0::2, 1::2], spins[:, 1::2, 0::2]
    return even, odd


def from_sublattices(even, odd):
    """Inverse of ``to_sublattices``: two (n, L, L/2) colours -> (n, L, L)."""
    n, L, half = even.shape
    spins = np.empty((n, L, 2 * half), np.int8)
    spins[:, 0::2, 0::2], spins[:, 1::2, 1::2] = even[:, 0::2], even[:, 1::2]
    spins[:, 0::2, 1::2], spins[:, 1::2, 0::2] = odd[:, 0::2], odd[:, 1::2]
    return spins


def _neighbour_sum(other, h, colour):
    """h = sum of the four neighbours of colour ``colour``'s sites, all in ``other``.

    In the (L, L/2) layout, site (i, j) of one colour has the other colour's (i +- 1, j),
    (i, j) and (i, j - 1) (even colour on even rows, odd colour on odd rows) or (i, j + 1).
    """
    h[:, 1:] = other[:, :-1]  # row above
    h[:, 0] = other[:, -1]
    h[:, :-1] += other[:, 1:]  # row below
    h[:, -1] += other[:, 0]
    h += other  # same row, same column index
    left, right = (slice(0, None, 2), slice(1, None, 2))
    if colour == 1:
        left, right = right, left
    h[:, left, 1:] += other[:, left, :-1]  # same row, j - 1
    h[:, left, 0] += other[:, left, -1]
    h[:, right, :-1] += other[:, right, 1:]  # same row, j + 1
    h[:, right, -1] += other[:, right, 0]
    return h


class IsingChains:
    """Independent Ising chains, each at its own temperature, updated together.

    Parameters
    ----------
    L : int
        Linear size (even, for the checkerboard).
    temperatures : array_like, shape (n_chains,)
        Temperature of each chain.
    rng : np.random.Generator
    start : {'cold', 'hot'} or ndarray, shape (n_chains, L, L)
        All spins up, random spins, or given spins.
    """

    def __init__(self, L, temperatures, rng, start="cold"):
        if L < 2 or L % 2:
            raise ValueError(f"IsingChains: L must be even and >= 2, received L={L}")
        self.L, self.rng = int(L), rng
        self.temperatures = np.asarray(temperatures, float).reshape(-1)
        if np.any(self.temperatures <= 0):
            raise ValueError("IsingChains: temperatures must be positive")
        n = len(self.temperatures)
        self.beta = 1.0 / self.temperatures
        # Metropolis acceptance exp(-beta dE) for dE = 2 s h = 4 and 8 (sh = 2 and 4)
        self._accept_2 = np.exp(-4 * self.beta).astype(np.float32).reshape(n, 1, 1)
        self._accept_4 = np.exp(-8 * self.beta).astype(np.float32).reshape(n, 1, 1)
        if isinstance(start, str):
            if start not in ("cold", "hot"):
                raise ValueError(
                    f"IsingChains: start must be 'cold', 'hot' or spins, "
                    f"received {start!r}"
                )
            spins = (
                np.ones((n, L, L), np.int8)
                if start == "cold"
                else (2 * rng.integers(0, 2, (n, L, L), dtype=np.int8) - 1).astype(
                    np.int8
                )
            )
        else:
            spins = checks.spins("start", start, where="IsingChains").astype(np.int8)
            if spins.shape != (n, L, L):
                raise ValueError(
                    f"IsingChains: expected start spins of shape {(n, L, L)}, "
                    f"received {spins.shape}"
                )
        self.spins = spins
        self._h = np.empty((n, L, L // 2), np.int8)

    @property
    def spins(self):
        """Configurations, shape (n_chains, L, L), int8 (a copy)."""
        return from_sublattices(*self._colours)

    @spins.setter
    def spins(self, value):
        self._colours = list(to_sublattices(np.asarray(value, np.int8)))

    def magnetization(self):
        """Magnetization per spin of each chain, shape (n_chains,)."""
        total = sum(c.sum(axis=(1, 2), dtype=np.int64) for c in self._colours)
        return total / self.L**2

    def half_sweep(self, colour):
        """Metropolis update of every site of one colour (0 or 1) of every chain."""
        s, other = self._colours[colour], self._colours[1 - colour]
        sh = s * _neighbour_sum(other, self._h, colour)  # dE = 2 s h, sh in {-4..4}
        u = self.rng.random(s.shape, dtype=np.float32)
        # accept with min(1, e^{-beta dE}): always for sh <= 0, u < e^{-4 beta} for sh = 2,
        # u < e^{-8 beta} for sh = 4 (and e^{-8 beta} < e^{-4 beta}, so no test of sh == 4)
        flip = (u < self._accept_4) | (sh <= 0)
        flip |= (sh == 2) & (u < self._accept_2)
        factor = flip.view(np.int8)  # 0 or 1
        factor *= -2
        factor += 1  # 1 - 2 flip: -1 flips, 1 keeps
        s *= factor

    def sweep(self, n=1):
        """``n`` Metropolis sweeps: each one visits every site once (two half-sweeps)."""
        for _ in range(n):
            self.half_sweep(0)
            self.half_sweep(1)

    def wolff(self, chains=None):
        """One Wolff cluster flip in each chain listed in ``chains`` (default all).

        Returns the cluster sizes, shape (len(chains),).
        """
        index = np.arange(len(self.beta)) if chains is None else np.asarray(chains)
        spins = from_sublattices(self._colours[0][index], self._colours[1][index])
        sizes = wolff_step(spins, self.beta[index], self.rng)
        self._colours[0][index], self._colours[1][index] = to_sublattices(spins)
        return sizes


def _neighbour_table(Lx, Ly):
    """Sites (row-major) of the down, up, right and left neighbours: shape (Lx * Ly, 4)."""
    row, col = np.divmod(np.arange(Lx * Ly), Ly)
    return np.stack(
        [
            ((row + 1) % Lx) * Ly + col,
            ((row - 1) % Lx) * Ly + col,
            row * Ly + (col + 1) % Ly,
            row * Ly + (col - 1) % Ly,
        ],
        axis=1,
    )


def wolff_step(spins, beta, rng):
    """Flip one Wolff cluster in each configuration, in place.

    Parameters
    ----------
    spins : ndarray, shape (n, Lx, Ly), int8
    beta : ndarray, shape (n,)
    rng : np.random.Generator

    Returns
    -------
    sizes : ndarray, shape (n,)
        Number of spins flipped in each configuration.

    Every bond from a newly added site to an aligned neighbour outside the cluster is tried
    once with p_add = 1 - exp(-2 beta); the clusters of all chains grow one layer per loop.
    """
    n, Lx, Ly = spins.shape
    N = Lx * Ly
    flat = spins.reshape(-1)  # a view: chain c, site k -> c * N + k
    p_add = 1.0 - np.exp(-2.0 * np.asarray(beta, float))
    neighbour_table = _neighbour_table(Lx, Ly)  # (N, 4) sites
    chain = np.arange(n)
    site = chain * N + rng.integers(0, N, n)  # the seeds, as flat indices
    cluster_spin = flat[site].copy()
    in_cluster = np.zeros(n * N, bool)
    in_cluster[site] = True
    stamp = np.empty(n * N, np.int64)  # scratch: which candidate wrote last
    while site.size:
        # all 4 bonds of every newly added site: (chain, flat index of the neighbour)
        chain = np.repeat(chain, 4)
        site = (neighbour_table[site % N] + (site - site % N)[:, None]).ravel()
        candidate = (flat[site] == cluster_spin[chain]) & ~in_cluster[site]
        site, chain = site[candidate], chain[candidate]
        bond = rng.random(site.size) < p_add[chain]
        site, chain = site[bond], chain[bond]
        # a site reached through two bonds joins once: keep its last writer only
        order = np.arange(site.size)
        stamp[site] = order
        last = stamp[site] == order
        site, chain = site[last], chain[last]
        in_cluster[site] = True
    np.negative(flat, out=flat, where=in_cluster)
    return in_cluster.reshape(n, N).sum(axis=1)
