"""Ising Monte Carlo throughput (issue 11): Metropolis spin updates/s and Wolff at T_c.

MC1, MC2: checkerboard Metropolis, 64 chains at T_c in one batch (ml4phys.physics.ising),
against a plain single-chain vectorized NumPy checkerboard written here (np.roll, boolean
masks): the "straightforward" baseline. Absolute target for ml4phys: >= 5e7 updates/s.
MC3: Wolff cluster flips at T_c, L = 64: spins flipped per second; the notes give the
integrated autocorrelation time of |m| for Wolff (in cluster flips and in seconds) and
for Metropolis (in sweeps and seconds), from short runs (Metropolis' is a lower bound).
"""

from __future__ import annotations

import time

import numpy as np
from harness import Workload

from ml4phys.physics.ising import T_C, IsingChains
from ml4phys.physics.observables import integrated_autocorrelation_time


def _batched_metropolis(L, chains, sweeps):
    mc = IsingChains(L, np.full(chains, T_C), np.random.default_rng(0))
    mc.sweep(10)

    def run():
        start = time.perf_counter()
        mc.sweep(sweeps)
        return chains * L * L * sweeps / (time.perf_counter() - start)

    return run


def _single_chain_numpy(L, sweeps):
    """The baseline: one chain, full-lattice rolls and a checkerboard mask per colour."""
    rng = np.random.default_rng(0)
    spins = np.ones((L, L), np.int8)
    rows, cols = np.indices((L, L))
    masks = [(rows + cols) % 2 == 0, (rows + cols) % 2 == 1]
    beta = 1 / T_C

    def sweep():
        for mask in masks:
            h = (
                np.roll(spins, 1, 0)
                + np.roll(spins, -1, 0)
                + np.roll(spins, 1, 1)
                + np.roll(spins, -1, 1)
            )
            flip = mask & (rng.random((L, L)) < np.exp(-2 * beta * spins * h))
            spins[flip] *= -1

    def run():
        start = time.perf_counter()
        for _ in range(sweeps):
            sweep()
        return L * L * sweeps / (time.perf_counter() - start)

    return run


def _wolff(L, chains, steps, notes, quick):
    mc = IsingChains(L, np.full(chains, T_C), np.random.default_rng(1))
    for _ in range(20):
        mc.wolff()

    def run():
        start = time.perf_counter()
        flipped = sum(int(mc.wolff().sum()) for _ in range(steps))
        seconds = time.perf_counter() - start
        if not notes:
            notes.update(_autocorrelation_notes(L, chains, quick))
        return flipped / seconds

    return run


def _autocorrelation_notes(L, chains, quick):
    """tau(|m|) of Wolff flips and Metropolis sweeps at T_c, in steps and in seconds."""
    result = {}
    for name, length in (
        ("wolff", 100 if quick else 400),
        ("metropolis", 100 if quick else 2000),
    ):
        mc = IsingChains(L, np.full(chains, T_C), np.random.default_rng(2))
        for _ in range(length // 4):  # equilibrate
            mc.wolff()
        trace = np.empty((chains, length))
        start = time.perf_counter()
        for t in range(length):
            if name == "wolff":
                mc.wolff()
            else:
                mc.sweep()
            trace[:, t] = np.abs(mc.magnetization())
        per_step = (time.perf_counter() - start) / length / chains  # s per chain-step
        tau, reliable = integrated_autocorrelation_time(trace)
        bound = "" if reliable else ">= "
        unit = "cluster flips" if name == "wolff" else "sweeps"
        result[f"tau(|m|) {name}"] = (
            f"{bound}{tau:.1f} {unit} = {bound}{tau * per_step * 1e3:.2f} ms per chain"
        )
    return result


def workloads(quick=False):
    sweeps = 5 if quick else 50
    wolff_notes = {}
    return [
        Workload(
            name="MC1",
            title="Metropolis, 64 chains, L=32, at T_c",
            unit="spin updates/s",
            higher_is_better=True,
            target=None,
            runners={
                "ml4phys": _batched_metropolis(32, 64, sweeps),
                "numpy-1chain": _single_chain_numpy(32, 4 * sweeps),
            },
            notes={"absolute target": ">= 5e7 spin updates/s"},
        ),
        Workload(
            name="MC2",
            title="Metropolis, 64 chains, L=64, at T_c",
            unit="spin updates/s",
            higher_is_better=True,
            target=None,
            runners={
                "ml4phys": _batched_metropolis(64, 64, sweeps // 2 or 1),
                "numpy-1chain": _single_chain_numpy(64, sweeps),
            },
            notes={"absolute target": ">= 5e7 spin updates/s"},
        ),
        Workload(
            name="MC3",
            title="Wolff at T_c, L=64, 16 chains",
            unit="spins flipped/s",
            higher_is_better=True,
            target=None,
            runners={"ml4phys": _wolff(64, 16, 2 if quick else 10, wolff_notes, quick)},
            notes=wolff_notes,
        ),
    ]
