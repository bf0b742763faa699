"""Neural-network quantum state for the 1D transverse-field Ising chain (lecture: "represent
quantum wave functions"; Carleo & Troyer 2017).

H = -J sum s^z_i s^z_{i+1} - h sum s^x_i, periodic, J = 1. A real RBM wave function
(alpha = M / N hidden units per site) is optimized by variational Monte Carlo with
stochastic reconfiguration, beside a mean-field product state and a two-body Jastrow state
with the same optimizer. Each trained state's energy is then computed exactly by enumerating
the basis and compared with exact diagonalization: relative error |E - E0| / |E0|.
At the critical point h = 1 all RBM sizes are trained; at the other fields only alpha = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..physics.quantum import (
    Jastrow,
    MeanField,
    RBMWaveFunction,
    TransverseFieldIsing,
    ground_state,
)
from ..plots import quantum as plots
from ._nqs import optimize, relative_error
from .base import Result

NAME = "nqs-tfim"
DESCRIPTION = (
    "RBM wave function for the transverse-field Ising chain vs exact diagonalization"
)
HEADLINES = {  # what `ml4phys run` prints at the end
    "n_sites": "spins N in the periodic chain",
    "h=*/exact_energy_per_site": "exact E0/N (Lanczos)",
    "h=*/*/relative_error": "|E - E0| / |E0| of this wave function",
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    n_sites: int = 16
    fields: tuple = (1.0, 0.5, 2.0)  # h / J; the first gets every model
    alphas: tuple = (1, 2, 4)  # RBM hidden-unit densities
    baselines: bool = True  # mean field and Jastrow at the first field
    n_iter: int = 300  # SR iterations
    n_samples: int = 1000  # Metropolis samples per iteration
    n_chains: int = 100
    learning_rate: float = 0.1
    diag_shift: float = 0.01
    seed: int = 0
    quick: bool = False  # N = 8, h = 1, alpha = 1, 100 iterations


def _quick(config):
    return Config(
        n_sites=8,
        fields=(1.0,),
        alphas=(1,),
        baselines=config.baselines,
        n_iter=100,
        n_samples=500,
        n_chains=50,
        learning_rate=config.learning_rate,
        diag_shift=config.diag_shift,
        seed=config.seed,
    )


def _mean_field(n_sites, seed):
    """Product state started tilted up (a_i = 0.1 + noise): the best product state breaks
    the Z2 symmetry (E/N = -1.25 at h = J = 1), and from a_i of random signs the
    optimization freezes domain walls between up- and down-tilted sites.
    """
    wf = MeanField(n_sites, seed=seed)
    wf.params["a"] += 0.1
    return wf


def run(config: Config, progress=None) -> Result:
    config = _quick(config) if config.quick else config  # results.json records it
    n = config.n_sites
    numbers, lines, hlines = {"n_sites": n}, {}, {}
    for index, h in enumerate(config.fields):
        hamiltonian = TransverseFieldIsing(n, h=h)
        e0 = ground_state(hamiltonian)[0]
        models = {
            f"RBM alpha={a}": (lambda a=a: RBMWaveFunction(n, a, seed=config.seed))
            for a in (config.alphas if index == 0 else config.alphas[:1])
        }
        if index == 0 and config.baselines:
            models = {
                "mean field": lambda: _mean_field(n, config.seed),
                "Jastrow": lambda: Jastrow(n, seed=config.seed),
                **models,
            }
        record = {"exact_energy_per_site": e0 / n}
        for label, make in models.items():
            out = optimize(
                hamiltonian, make(), config, progress=progress, desc=f"h={h} {label}"
            )
            energy = np.array(out["history"]["energy"])
            record[label] = {
                "relative_error": relative_error(out["energy"], e0),
                "energy_per_site": out["energy"] / n,
                "sampled_energy_per_site_last10": float(
                    energy[-max(1, len(energy) // 10) :].mean() / n
                ),
                "seconds": out["seconds"],
            }
            if index == 0:
                lines[label] = (np.arange(1, len(energy) + 1), energy / n)
        if index == 0:
            hlines[f"exact E0/N = {e0 / n:.6f}"] = e0 / n
        numbers[f"h={h}"] = record
    first = numbers[f"h={config.fields[0]}"]
    errors = {
        label: r["relative_error"] for label, r in first.items() if isinstance(r, dict)
    }
    figures = {
        "energy": plots.curves(
            lines,
            ylabel="sampled energy per site",
            title=f"TFIM N={n}, h/J={config.fields[0]}",
            hlines=hlines,
        ),
        "relative_error": plots.by_name(
            errors,
            xlabel="wave function",
            ylabel="relative error |E - E0| / |E0|",
            logy=True,
            title=f"TFIM N={n}, h/J={config.fields[0]}: error of each model",
        ),
    }
    if len(config.fields) > 1:
        label = f"RBM alpha={config.alphas[0]}"
        per_field = sorted(
            (h, numbers[f"h={h}"][label]["relative_error"]) for h in config.fields
        )
        figures["fields"] = plots.curves(
            {label: tuple(zip(*per_field))},
            xlabel="h / J",
            ylabel="relative error |E - E0| / |E0|",
            logy=True,
            title=f"TFIM N={n}: error against the transverse field",
        )
    return Result(numbers=numbers, figures=figures, config=config)
