"""Metropolis sampling of ``|psi(s)|^2`` for variational Monte Carlo (``vmc.VMC``).

Spin configurations s are rows of +-1, (batchsize, n_sites); a move flips one spin or
swaps a pair of antiparallel spins, and is accepted with probability
min(1, |psi(s')/psi(s)|^2).
"""

from __future__ import annotations

import numpy as np

from ...common import checks

__all__ = ["MetropolisSampler"]


class MetropolisSampler:
    """Metropolis chains for ``|psi(s)|^2``, all chains advanced together as one batch.

    A step proposes, in every chain, either one spin flip (``move="flip"``) or the
    exchange of a random up spin with a random down spin (``move="exchange"``: the
    magnetization stays that of the start, S^z = 0), and accepts with probability
    ``min(1, |psi(s')/psi(s)|^2)``. ``sample`` runs ``burn_in`` steps, then records every
    ``thin``-th step; the chains persist between calls.

    Parameters
    ----------
    n_sites : int;  n_chains : int;  move : "flip" or "exchange"
    burn_in : int, steps discarded each call (default 2 n_sites)
    thin : int, steps between recorded samples (default n_sites: one sweep)
    seed : int
    """

    def __init__(
        self, n_sites, n_chains=100, move="flip", *, burn_in=None, thin=None, seed=0
    ):
        if move not in ("flip", "exchange"):
            raise ValueError(f"move must be 'flip' or 'exchange', received {move!r}")
        for name, value in (("n_sites", n_sites), ("n_chains", n_chains)):
            checks.positive_int(name, value, where="MetropolisSampler")
        self.n_sites, self.n_chains, self.move = n_sites, n_chains, move
        self.burn_in = 2 * n_sites if burn_in is None else burn_in
        self.thin = n_sites if thin is None else thin
        self.rng = np.random.default_rng(seed)
        if move == "flip":
            self.state = self.rng.choice([-1.0, 1.0], size=(n_chains, n_sites))
        else:
            half = np.r_[np.ones(n_sites // 2), -np.ones(n_sites - n_sites // 2)]
            self.state = self.rng.permuted(np.tile(half, (n_chains, 1)), axis=1)
        self.acceptance = np.nan

    def _propose(self, s, flip_sites):
        """s with one site reversed per chain (flip_sites: (n_chains,) drawn in advance),
        or a random up and a random down site exchanged.
        """
        proposal, chains = s.copy(), np.arange(len(s))
        if self.move == "flip":
            proposal[chains, flip_sites] *= -1
        else:  # random up and down site: argmax of masked noise
            noise = self.rng.random(s.shape)
            up = np.argmax(np.where(s > 0, noise, -1.0), axis=1)
            down = np.argmax(np.where(s < 0, noise, -1.0), axis=1)
            proposal[chains, up], proposal[chains, down] = -1.0, 1.0
        return proposal

    def sample(self, wavefunction, n_samples):
        """(n_per_chain * n_chains, n_sites), n_per_chain = ceil(n_samples / n_chains);
        row k belongs to chain k % n_chains.

        A step costs one log psi of the chains' proposals; the random numbers of all steps
        are drawn at once. (Updating the RBM's hidden angles incrementally, O(M) instead
        of O(N M) per proposal, measured no faster at N = 16: numpy's per-call overhead,
        not arithmetic, sets the cost of a step of 100 chains.)
        """
        checks.positive_int("n_samples", n_samples, where="MetropolisSampler.sample")
        n_per_chain = -(-n_samples // self.n_chains)
        n_steps = self.burn_in + n_per_chain * self.thin
        flip_sites = (
            self.rng.integers(self.n_sites, size=(n_steps, self.n_chains))
            if self.move == "flip"
            else [None] * n_steps
        )
        log_u = np.log(
            self.rng.random((n_steps, self.n_chains))
        )  # Metropolis' uniforms
        s, log_psi = self.state, wavefunction.log_psi(self.state)  # checks the spins
        records, accepted = [], 0
        with checks.spins_trusted(wavefunction):  # flips keep them +-1
            for step in range(n_steps):
                proposal = self._propose(s, flip_sites[step])
                log_psi_new = wavefunction.log_psi(proposal)
                # accept with probability min(1, |psi'/psi|^2)
                #   = exp(min(0, 2 Re(log psi' - log psi)))
                accept = log_u[step] < 2.0 * np.real(log_psi_new - log_psi)
                s = np.where(accept[:, None], proposal, s)
                log_psi = np.where(accept, log_psi_new, log_psi)
                accepted += np.count_nonzero(accept)
                if step >= self.burn_in and (step - self.burn_in + 1) % self.thin == 0:
                    records.append(s)
        self.state = s
        self.acceptance = accepted / (n_steps * len(s))
        return np.concatenate(records)
