"""What a neural-network quantum state learns (lecture: "represent quantum wave functions").

An RBM wave function is trained by VMC + stochastic reconfiguration on the periodic
transverse-field Ising chain. Along the way its overlap |<psi_RBM|psi_exact>| with the exact
ground state (both normalized; enumeration of all 2^N states, N <= 16) is followed. After
training, the weights W_ji of each hidden unit j are shown as a filter on the chain: the
Hamiltonian is translation invariant, and the filters become shifted copies of a few
patterns, which the figure shows by rolling each filter to its largest weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..physics.quantum import RBMWaveFunction, TransverseFieldIsing, ground_state
from ..physics.quantum.ed import configurations
from ..plots import quantum as plots
from ._nqs import optimize, relative_error
from .base import Result

NAME = "nqs-anatomy"
DESCRIPTION = (
    "RBM quantum state: hidden-unit filters and overlap with the exact ground state"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    n_sites: int = 12
    field: float = 1.0  # h / J
    alpha: int = 2
    n_iter: int = 200
    overlap_every: int = 5  # iterations between overlaps
    n_samples: int = 1000
    n_chains: int = 100
    learning_rate: float = 0.1
    diag_shift: float = 0.01
    seed: int = 0
    quick: bool = False  # N = 6, 60 iterations


def overlap(wavefunction, vector, states):
    """|<psi|psi_exact>| with psi normalized over ``states`` (configurations, all of them)."""
    log_psi = wavefunction.log_psi(states)
    psi = np.exp(log_psi - log_psi.real.max())
    return float(abs(np.vdot(psi, vector)) / np.linalg.norm(psi))


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = Config(
            n_sites=6,
            field=config.field,
            alpha=config.alpha,
            n_iter=60,
            overlap_every=2,
            n_samples=500,
            n_chains=50,
            learning_rate=config.learning_rate,
            diag_shift=config.diag_shift,
            seed=config.seed,
        )
    n = config.n_sites
    if n > 16:
        raise ValueError(
            f"nqs-anatomy enumerates all 2^N states: N <= 16, received {n}"
        )
    hamiltonian = TransverseFieldIsing(n, h=config.field)
    e0, vector, basis = ground_state(hamiltonian)
    states = configurations(basis, n).astype(np.float64)
    wf = RBMWaveFunction(n, config.alpha, seed=config.seed)
    steps, overlaps = [0], [overlap(wf, vector, states)]

    def follow(i, vmc):
        if (i + 1) % config.overlap_every == 0:
            steps.append(i + 1)
            overlaps.append(overlap(vmc.wavefunction, vector, states))

    out = optimize(
        hamiltonian, wf, config, progress=progress, desc="RBM", callback=follow
    )
    weights = wf.params["W"]
    # translation-likeness: |cosine| of each filter with the best cyclic shift of filter 0
    rows = weights / np.linalg.norm(weights, axis=1, keepdims=True)
    numbers = {
        "n_sites": n,
        "field": config.field,
        "alpha": config.alpha,
        "relative_error": relative_error(out["energy"], e0),
        "overlap_initial": overlaps[0],
        "overlap_final": overlaps[-1],
        "infidelity_final": 1.0 - overlaps[-1],
        "filter_shift_similarity": _shift_similarity(rows),
        "weight_max_abs": float(np.abs(weights).max()),
    }
    figures = {
        "filters": plots.filters(
            weights, title=f"RBM filters, TFIM N={n}, h/J={config.field}"
        ),
        "overlap": plots.curves(
            {"1 - |<psi_RBM|psi_exact>|": (steps, 1.0 - np.array(overlaps))},
            ylabel="infidelity",
            logy=True,
            title="distance to the exact ground state",
        ),
    }
    return Result(numbers=numbers, figures=figures, config=config)


def _shift_similarity(rows):
    """Mean over filters of the largest |cosine| with a cyclic shift of filter 0."""
    n_sites = rows.shape[1]
    reference = rows[0]
    shifted = np.array([np.roll(reference, k) for k in range(n_sites)])  # (N, N)
    return float(np.mean(np.abs(rows @ shifted.T).max(axis=1)))
