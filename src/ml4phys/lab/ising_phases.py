"""Phases of the 2D Ising model learned by a network (Carrasquilla & Melko, Nat. Phys. 2017).

Monte Carlo configurations at temperatures from 1.0 to 3.5 are labelled ordered (T < T_c)
or disordered; a dense network with 100 sigmoid hidden units and L2 regularization learns
the labels. On test configurations, the two softmax outputs averaged per temperature cross
at T*(L); fitting T*(L) = T_c + a / L over the sizes extrapolates to the infinite lattice.
(Softmax over two outputs instead of the paper's two sigmoids: the same decision.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..plots import ising as ising_plots
from . import _ising
from .base import Result, progress_bar

NAME = "ising-phases"
DESCRIPTION = "ordered vs disordered Ising configurations: T_c from a network (Carrasquilla)"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    sizes: tuple = (10, 20, 30)     # lattice sizes L
    temperatures: int = 40          # evenly spaced from t_min to t_max
    t_min: float = 1.0
    t_max: float = 3.5
    n_samples: int = 1000           # configurations per temperature (train + test)
    test_fraction: float = 0.2
    model: str = "dense"            # or 'conv': a 2x2 convolution before the hidden layer
    hidden: int = 100
    l2: float = 1e-4                # Keras' L2: l2 * sum w^2 added to the cost
    epochs: int = 15
    batchsize: int = 32
    learning_rate: float = 3e-3     # Adam
    equilibration: int = 200        # Monte Carlo updates (and as many for tau)
    seed: int = 0
    cache: bool = True              # keep the configurations in the data folder
    quick: bool = False             # L = 8, 12; 16 T x 60; batch 16, lr 0.01: seconds


def run(config: Config, progress=None) -> Result:
    if config.model not in ("dense", "conv"):
        raise ValueError(f"--model must be 'dense' or 'conv', received {config.model!r}")
    sizes, n_t, n_samples = config.sizes, config.temperatures, config.n_samples
    if config.quick:
        sizes, n_t, n_samples = (8, 12), 16, 60
        config = dataclasses.replace(config, epochs=10, batchsize=16, learning_rate=0.01)
    temperatures = np.linspace(config.t_min, config.t_max, n_t)
    numbers, outputs, accuracies = {"T_c_exact": float(_ising.T_C)}, {}, {}
    t_star = []
    with progress_bar(progress, len(sizes), NAME) as bar:
        for L in sizes:
            per_l = _one_size(config, L, temperatures, n_samples, progress)
            outputs[L], accuracies[L] = per_l.pop("ordered_output"), per_l.pop("accuracy_T")
            t_star.append(per_l["T_star"])
            numbers[f"L{L}"] = per_l
            bar.update()
    t_star = np.array(t_star)
    t_c_fit, slope = float("nan"), float("nan")
    if len(sizes) >= 2 and np.all(np.isfinite(t_star)):
        slope, t_c_fit = (float(v) for v in np.polyfit(1.0 / np.array(sizes), t_star, 1))
    numbers.update(T_star=t_star.tolist(), T_c_extrapolated=t_c_fit, slope_a=slope)
    curves = {}
    for L in sizes:
        curves[f"L={L}: ordered"] = (temperatures, outputs[L])
        curves[f"L={L}: disordered"] = (temperatures, 1 - outputs[L])
    styles = {f"L={L}: disordered": {"ls": ":"} for L in sizes}
    figures = {
        "outputs": ising_plots.vs_temperature(curves, "output neuron (test mean)",
                                              t_c=_ising.T_C, styles=styles),
        "accuracy": ising_plots.vs_temperature(
            {f"L={L}": (temperatures, accuracies[L]) for L in sizes}, "test accuracy",
            t_c=_ising.T_C),
        "crossing": ising_plots.crossing_fit(sizes, t_star, t_c_fit, slope, _ising.T_C),
    }
    return Result(numbers=numbers, figures=figures)


def _one_size(config, L, temperatures, n_samples, progress):
    """Data, training and test of one lattice size."""
    equilibration = 100 if config.quick else config.equilibration
    spins, temps, samples = _ising.configurations(
        L, temperatures, n_samples, config.seed, cache=config.cache and not config.quick,
        progress=progress, equilibration=equilibration, pilot=equilibration)
    shape = (L * L,) if config.model == "dense" else (L, L, 1)
    x = spins.reshape(len(spins), *shape).astype(np.float32)
    labels = (temps >= _ising.T_C).astype(int)          # 0: ordered, 1: disordered
    rng = np.random.default_rng(config.seed)
    train, test = _ising.split(len(x), config.test_fraction, rng)
    if config.model == "dense":
        net = _ising.dense_classifier(L * L, config.hidden, config.l2,
                                      config.learning_rate, seed=config.seed + L)
    else:
        net = _ising.conv_classifier(L, config.hidden, config.l2, config.learning_rate,
                                     seed=config.seed + L)
    net.fit(x[train], _ising.one_hot(labels[train]), batch_size=config.batchsize,
            epochs=config.epochs, verbose=0)
    y = net.predict(x[test], batch_size=1024)
    correct = (y.argmax(axis=1) == labels[test]).astype(float)
    far = np.abs(temps[test] - _ising.T_C) > 0.4
    ordered = _ising.per_temperature(y[:, 0], temps[test], temperatures)
    return {
        "test_accuracy": float(correct.mean()),
        "accuracy_far_from_T_c": float(correct[far].mean()),
        "T_star": _ising.crossing(temperatures, ordered),
        "max_tau": float(np.nanmax(samples.tau)),
        "ordered_output": ordered,
        "accuracy_T": _ising.per_temperature(correct, temps[test], temperatures),
    }
