"""Neural-network quantum state for the 1D antiferromagnetic Heisenberg chain (lecture:
"represent quantum wave functions"; Carleo & Troyer 2017).

H = J sum S_i . S_{i+1}, periodic, J = 1, in the total S^z = 0 sector: the Metropolis chains
exchange an up and a down spin, so they never leave it. With the Marshall sign rule the
ground state has positive amplitudes, so a real RBM can represent it. The trained state's
energy and spin-spin correlation function C(r) = <S^z_i S^z_{i+r}> are computed exactly by
enumerating the sector and compared with exact diagonalization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..physics.quantum import Heisenberg, RBMWaveFunction, ground_state
from ..physics.quantum.ed import configurations
from ..plots import quantum as plots
from ._nqs import optimize, relative_error
from .base import Result

NAME = "nqs-heisenberg"
DESCRIPTION = (
    "RBM wave function for the Heisenberg chain (S^z = 0, Marshall sign) vs ED"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    sizes: tuple = (10, 16)  # chain lengths (even)
    alpha: int = 2
    n_iter: int = 300
    n_samples: int = 1000
    n_chains: int = 100
    learning_rate: float = 0.05
    diag_shift: float = 0.01
    seed: int = 0
    quick: bool = False  # N = 8, 150 iterations


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = Config(
            sizes=(8,),
            alpha=config.alpha,
            n_iter=150,
            n_samples=500,
            n_chains=50,
            learning_rate=config.learning_rate,
            diag_shift=config.diag_shift,
            seed=config.seed,
        )
    numbers, energy_lines, correlation_lines, hlines = {}, {}, {}, {}
    for n in config.sizes:
        hamiltonian = Heisenberg(n, marshall_sign=True)
        e0, vector, basis = ground_state(hamiltonian, "sz0")
        exact_c = hamiltonian.correlations(configurations(basis, n), vector**2)
        wf = RBMWaveFunction(n, config.alpha, seed=config.seed)
        out = optimize(
            hamiltonian,
            wf,
            config,
            move="exchange",
            sector="sz0",
            progress=progress,
            desc=f"Heisenberg N={n}",
        )
        est = out["exact_estimate"]
        rbm_c = hamiltonian.correlations(est["s"], est["weights"])
        energy = np.array(out["history"]["energy"])
        numbers[f"N={n}"] = {
            "exact_energy_per_site": e0 / n,
            "energy_per_site": out["energy"] / n,
            "relative_error": relative_error(out["energy"], e0),
            "correlation_max_abs_error": float(np.abs(rbm_c - exact_c).max()),
            "correlation_exact": exact_c.tolist(),
            "correlation_rbm": rbm_c.tolist(),
            "seconds": out["seconds"],
        }
        energy_lines[f"N={n}"] = (np.arange(1, len(energy) + 1), energy / n)
        hlines[f"exact N={n}"] = e0 / n
        distance = np.arange(n // 2 + 1)
        correlation_lines[f"exact N={n}"] = (distance, exact_c[distance])
        correlation_lines[f"RBM N={n}"] = (distance, rbm_c[distance])
    figures = {
        "energy": plots.curves(
            energy_lines,
            ylabel="sampled energy per site",
            title=f"Heisenberg chain, RBM alpha={config.alpha}",
            hlines=hlines,
        ),
        "correlations": plots.curves(
            correlation_lines,
            xlabel="distance r",
            ylabel="<S^z_i S^z_(i+r)>",
            title="spin-spin correlation",
            points=[k for k in correlation_lines if "RBM" in k],
        ),
    }
    return Result(numbers=numbers, figures=figures, config=config)
