"""Principal components of Ising configurations (Wang, PRB 94, 195105, 2016).

PCA of the configurations at all temperatures together: the first principal component is
uniform (all spins alike), so the projection on it is sqrt(N) times the magnetization and
separates the ordered from the disordered phase; the leading explained-variance ratio of
the configurations at one temperature drops at the transition. T_c is estimated where
<|p_1|> falls fastest. PCA from ``ml4phys.analysis.pca`` (eigenvectors of the covariance).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..analysis.pca import pca
from ..plots import ising as ising_plots
from . import _ising
from .base import Result

NAME = "ising-pca"
DESCRIPTION = (
    "PCA of Ising configurations: the first component is the magnetization (Wang)"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    L: int = 20
    temperatures: int = 40
    t_min: float = 1.0
    t_max: float = 3.5
    n_samples: int = 200  # configurations per temperature
    equilibration: int = 200
    seed: int = 0
    cache: bool = True
    quick: bool = False  # L = 10, 20 T x 60: seconds


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(
            config, L=10, temperatures=20, n_samples=60, equilibration=100
        )
    spins, temps, samples = _ising.experiment_configurations(config, progress)
    temperatures = samples.temperatures
    n_spins = config.L**2
    x = spins.reshape(len(spins), n_spins).astype(float)
    fit = pca(x)
    components, ratio = fit.components, fit.explained_variance_ratio
    projection = fit.transform(x)[:, :2]  # (n, 2)
    p1 = _ising.per_temperature(np.abs(projection[:, 0]), temps, temperatures)
    p1 /= np.sqrt(n_spins)  # = <|m|> for uniform w1
    leading = np.array(
        [
            pca(x[np.isclose(temps, t)], 1).explained_variance_ratio[0]
            for t in temperatures
        ]
    )
    slope = np.diff(p1) / np.diff(temperatures)
    steepest = int(np.argmin(slope))
    t_c = float((temperatures[steepest] + temperatures[steepest + 1]) / 2)
    uniformity = float(abs(components[0].sum()) / np.sqrt(n_spins))  # cos(w1, uniform)
    numbers = {
        "explained_variance_ratio": ratio[:5].tolist(),
        "pc1_uniformity": uniformity,
        "T_c_pca": t_c,
        "T_c_exact": float(_ising.T_C),
        "error": float(abs(t_c - _ising.T_C)),
    }
    curves = {
        "<|p1|> / sqrt(N)": (temperatures, p1),
        "Monte Carlo <|m|>": (temperatures, samples.observables["abs_magnetization"]),
        "leading variance ratio at T": (temperatures, leading),
    }
    figures = {
        "pc1_vs_temperature": ising_plots.vs_temperature(
            curves, "value", t_c=_ising.T_C
        ),
        "projection": ising_plots.scatter_vs_temperature(
            projection[:, 0],
            projection[:, 1],
            temps,
            "p1",
            "p2",
            title=f"L={config.L}: first two principal components",
        ),
        "explained_variance": _ratio_bars(ratio[:10]),
    }
    return Result(numbers=numbers, figures=figures, config=config)


def _ratio_bars(ratio):
    fig = Figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(np.arange(1, len(ratio) + 1), ratio)
    ax.set_xlabel("principal component")
    ax.set_ylabel("explained variance ratio")
    return fig
