"""Shared by the nqs-* experiments: one VMC optimization, timed, with its exact energy."""

from __future__ import annotations

import time

from ..physics.quantum import VMC, MetropolisSampler
from .base import progress_bar


def optimize(
    hamiltonian,
    wavefunction,
    config,
    *,
    move="flip",
    sector=None,
    progress=None,
    desc="VMC",
    callback=None,
):
    """SR with ``config``'s samples, chains, rate and shift; returns a dict of the history,
    the wall time, and the trained state's energy by exact enumeration (no noise).
    """
    n = hamiltonian.n_sites
    sampler = MetropolisSampler(n, config.n_chains, move, seed=config.seed)
    vmc = VMC(
        hamiltonian,
        wavefunction,
        sampler,
        n_samples=config.n_samples,
        learning_rate=config.learning_rate,
        diag_shift=config.diag_shift,
    )
    start = time.perf_counter()
    with progress_bar(progress, config.n_iter, desc) as bar:
        history = vmc.run(config.n_iter, progress=bar, callback=callback)
    seconds = time.perf_counter() - start
    exact = VMC(hamiltonian, wavefunction, sector=sector).estimate()
    return {
        "history": history,
        "seconds": seconds,
        "energy": exact["energy"],
        "exact_estimate": exact,
    }


def relative_error(energy, exact):
    return abs(energy - exact) / abs(exact)
