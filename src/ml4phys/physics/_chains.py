"""The Monte Carlo schedule behind ``sampling.sample``: one update of every chain, then
equilibration, a pilot run that measures tau, and the recording of configurations.
"""

from __future__ import annotations

import numpy as np

from ..common.progress import progress_bar
from .observables import integrated_autocorrelation_time


def run_chains(mc, update, params, records, progress):
    """Equilibrate, measure tau on the pilot run, then store ``records`` per chain."""
    n_t, L, spacing = len(params["temperatures"]), params["L"], params["spacing"]
    steps = params["equilibration"] + params["pilot"]
    with progress_bar(progress, steps, f"Ising L={L}: equilibrate") as bar:
        tau, reliable = _equilibrate_and_pilot(
            mc, update, params["equilibration"], params["pilot"], n_t, bar
        )
    every = (
        np.maximum(1, np.ceil(2 * tau)).astype(int)
        if spacing is None
        else np.full(n_t, int(spacing))
    )
    steps = records * int(every.max())
    with progress_bar(progress, steps, f"Ising L={L}: sample") as bar:
        stored = _record(
            mc, update, every, records, bar
        )  # (n_t, chains, records, L, L)
    return tau, reliable, every, stored


def updater(mc, algorithm, near_chains):
    """The function doing one update of every chain (see the module docstring)."""
    wolff_chains = {
        "metropolis": np.array([], int),
        "wolff": None,
        "auto": near_chains,
    }[algorithm]

    def update():
        if algorithm != "wolff":
            mc.sweep()
        if wolff_chains is None or wolff_chains.size:
            mc.wolff(wolff_chains)

    return update


def _equilibrate_and_pilot(mc, update, equilibration, pilot, n_t, bar):
    """Discard ``equilibration`` updates, then tau(|m|) per temperature from ``pilot``."""
    for _ in range(equilibration):
        update()
        bar.update()
    trace = np.empty((len(mc.beta), pilot))  # |m| of each chain
    for t in range(pilot):
        update()
        trace[:, t] = np.abs(mc.magnetization())
        bar.update()
    tau, reliable = np.full(n_t, np.nan), np.zeros(n_t, bool)
    if pilot:
        for i, chains_at_t in enumerate(np.split(trace, n_t)):
            tau[i], reliable[i] = integrated_autocorrelation_time(chains_at_t)
    return tau, reliable


def _record(mc, update, every, records, bar):
    """Store ``records`` configurations of each chain, every ``every[T]`` updates."""
    n_t, L = len(every), mc.L
    chains = len(mc.beta) // n_t
    stored = np.empty((n_t, chains, records, L, L), np.int8)
    for t in range(1, records * int(every.max()) + 1):
        update()
        due = np.flatnonzero((t % every == 0) & (t // every <= records))
        if due.size:
            spins = mc.spins.reshape(n_t, chains, L, L)
            stored[due, :, t // every[due] - 1] = spins[due]
        bar.update()
    return stored
