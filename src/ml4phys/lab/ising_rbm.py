"""Restricted Boltzmann machines learn the thermodynamics of the Ising model (Torlai &
Melko, PRB 94, 165134, 2016; lecture: "Learning a probability distribution").

One binary RBM per temperature and hidden size learns L x L Monte Carlo configurations
(spins s = +-1 as visible units v = (s + 1) / 2; each configuration's sign flipped with
probability 1/2, so the data have the model's Z2 symmetry). Many Gibbs chains of each
trained RBM, run in parallel from random states, give samples whose energy, |m| and
specific heat C = N beta^2 var(E/N) are compared with the Monte Carlo values; error bars
by the jackknife over groups of whole chains. Below T_c a chain settles in one of the two
ordered states and stays: E and |m| do not care which. Recipe (ours, for minutes on two
cores): CD-k with the centered gradient, SGD with momentum, learning rate decaying
linearly to 2 % over the epochs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..generative.rbm import RBM
from ..nn import optimizers
from ..physics import ising
from ..physics.observables import thermodynamics
from ..plots import ising as ising_plots
from . import _ising
from .base import Result, progress_bar

NAME = "ising-rbm"
DESCRIPTION = (
    "RBMs learn Ising thermodynamics: E, |m|, C of their samples vs Monte Carlo"
)

OBSERVABLES = ("energy", "abs_magnetization", "specific_heat")


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    L: int = 8
    temperatures: int = 11
    t_min: float = 1.0
    t_max: float = 3.54
    hidden: tuple = (4, 16, 64)
    n_samples: int = 20000  # Monte Carlo configurations per temperature (training)
    equilibration: int = 500
    epochs: int = 80
    batch_size: int = 100
    k: int = 2  # CD-k
    learning_rate: float = 0.05  # decays linearly to 2 % of this
    momentum: float = 0.9
    centering: bool = True
    chains: int = 500  # Gibbs chains per RBM, in parallel
    burn_in: int = 500  # Gibbs sweeps discarded
    records: int = 100  # samples kept per chain ...
    spacing: int = 10  # ... every this many sweeps
    seed: int = 0
    cache: bool = True
    quick: bool = False  # 3 temperatures, 2 hidden sizes, 2000 samples: seconds


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(
            config,
            temperatures=3,
            hidden=(4, 64),
            n_samples=2000,
            equilibration=200,
            epochs=50,
            batch_size=50,
            chains=200,
            burn_in=100,
            records=20,
        )
    spins, _, samples = _ising.experiment_configurations(config, progress, chains=200)
    temperatures = samples.temperatures
    n_spins = config.L**2
    visible = ((spins.reshape(len(temperatures), -1, n_spins) + 1) // 2).astype(
        np.float32
    )
    monte_carlo = {key: samples.observables[key] for key in OBSERVABLES}
    monte_carlo.update(
        {key + "_err": samples.observables[key + "_err"] for key in OBSERVABLES}
    )
    numbers = {
        "temperatures": temperatures.tolist(),
        "monte_carlo": {**_lists(monte_carlo), **_peak(temperatures, monte_carlo)},
    }
    machines = {}
    bar = progress_bar(progress, len(config.hidden) * len(temperatures), "RBMs")
    try:
        for n_hidden in config.hidden:
            rows = []
            for i, temperature in enumerate(temperatures):
                rbm = train(visible[i], n_hidden, config, seed=config.seed + 1000 * i)
                rows.append(observables(rbm, config, temperature))
                bar.update(1)
            machines[n_hidden] = {
                key: np.array([row[key] for row in rows]) for key in rows[0]
            }
            numbers[f"hidden_{n_hidden}"] = _compare(
                temperatures, machines[n_hidden], monte_carlo
            )
    finally:
        bar.close()
    figures = _figures(temperatures, monte_carlo, machines, config.L)
    return Result(numbers=numbers, figures=figures, config=config)


def train(x, n_hidden, config, seed):
    """An RBM trained on ``x`` (n, n_visible) in {0, 1} by CD-k, learning rate decaying."""
    rbm = RBM(x.shape[1], n_hidden, seed=seed)
    optimizer = optimizers.SGD(config.learning_rate, momentum=config.momentum)
    for epoch in range(config.epochs):
        # eta_epoch = eta (1 - epoch / epochs), but no less than 2 % of eta
        optimizer.learning_rate = config.learning_rate * max(
            1 - epoch / config.epochs, 0.02
        )
        rbm.fit(
            x,
            epochs=1,
            batch_size=config.batch_size,
            k=config.k,
            optimizer=optimizer,
            centering=config.centering,
        )
    return rbm


def observables(rbm, config, temperature):
    """E/N, |m| and C of the RBM's samples, with jackknife errors and the positive-m share.

    ``config.chains`` chains from random states, ``config.burn_in`` sweeps discarded, then
    ``config.records`` samples per chain every ``config.spacing`` sweeps.
    """
    L = config.L
    v = rbm.sample(config.chains, gibbs_steps=config.burn_in)
    energy = np.empty((config.chains, config.records))
    magnetization = np.empty((config.chains, config.records))
    for record in range(config.records):
        v = rbm.sample(0, gibbs_steps=config.spacing, init=v)
        spins = (2 * v - 1).astype(np.int8).reshape(-1, L, L)  # {0, 1} -> -+1
        energy[:, record] = ising.energy(spins)
        magnetization[:, record] = ising.magnetization(spins)
    values = thermodynamics(energy, magnetization, temperature, L * L)
    values["positive_fraction"] = float(np.mean(magnetization[:, -1] > 0))
    return values


def _compare(temperatures, machine, monte_carlo):
    """Differences to Monte Carlo, their maxima, and the specific-heat peaks."""
    d_energy = machine["energy"] - monte_carlo["energy"]
    d_magnetization = machine["abs_magnetization"] - monte_carlo["abs_magnetization"]
    near = np.abs(temperatures - _ising.T_C) < 0.3
    peak = _peak(temperatures, machine)
    mc_peak = _peak(temperatures, monte_carlo)
    return {
        **_lists(machine),
        "dE": d_energy.tolist(),
        "dm": d_magnetization.tolist(),
        "max_abs_dE": float(np.max(np.abs(d_energy))),
        "max_abs_dm": float(np.max(np.abs(d_magnetization))),
        "T_of_max_abs_dE": float(temperatures[np.argmax(np.abs(d_energy))]),
        "max_abs_dE_near_T_c": (
            float(np.max(np.abs(d_energy[near]))) if near.any() else float("nan")
        ),
        **peak,
        "specific_heat_peak_ratio": peak["specific_heat_peak_height"]
        / mc_peak["specific_heat_peak_height"],
    }


def _peak(temperatures, values):
    """Where the specific heat is largest on the temperature grid, and its value."""
    i = int(np.argmax(values["specific_heat"]))
    return {
        "specific_heat_peak_T": float(temperatures[i]),
        "specific_heat_peak_height": float(values["specific_heat"][i]),
    }


def _lists(values):
    return {key: np.asarray(value).tolist() for key, value in values.items()}


def _figures(temperatures, monte_carlo, machines, L):
    labels = {
        "energy": "energy per spin E/N",
        "abs_magnetization": "<|m|> per spin",
        "specific_heat": "specific heat C per spin",
    }
    figures = {}
    for key, ylabel in labels.items():
        curves = {
            "Monte Carlo": (temperatures, monte_carlo[key], monte_carlo[key + "_err"])
        }
        for n_hidden, machine in machines.items():
            curves[f"RBM, {n_hidden} hidden"] = (
                temperatures,
                machine[key],
                machine[key + "_err"],
            )
        figures[key] = ising_plots.vs_temperature(
            curves, ylabel, t_c=_ising.T_C, title=f"L = {L}: RBM samples vs Monte Carlo"
        )
    panels = {}
    for key, ylabel in (
        ("energy", "E/N: RBM - Monte Carlo"),
        ("abs_magnetization", "<|m|>: RBM - Monte Carlo"),
    ):
        panels[ylabel] = {
            f"{n_hidden} hidden": (
                temperatures,
                machine[key] - monte_carlo[key],
                np.hypot(machine[key + "_err"], monte_carlo[key + "_err"]),
            )
            for n_hidden, machine in machines.items()
        }
    figures["errors"] = ising_plots.panels_vs_temperature(panels, t_c=_ising.T_C)
    return figures
