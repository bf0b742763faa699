"""Phases of the 2D Ising model learned by a network (Carrasquilla & Melko, Nat. Phys. 2017).

Monte Carlo configurations at temperatures from 1.0 to 3.5 are labelled ordered (T < T_c)
or disordered; a dense network with 100 sigmoid hidden units and L2 regularization learns
the labels. On test configurations, the two softmax outputs averaged per temperature cross
at T*(L); fitting T*(L) = T_c + a / L over the sizes extrapolates to the infinite lattice.
(Softmax over two outputs instead of the paper's two sigmoids: the same decision.)

The crossing is read on probe temperatures, a fine grid around T_c (step 0.01) with
configurations of their own that the network never trains on. The training grid alone
(step 0.064) has no temperature between 2.218 and 2.282, so there the crossing would
only be interpolated between two points; on the probe grid the output's fall is
measured where it happens. ``T_star_grid`` keeps the training grid's estimate.

The outputs are those of an ensemble: ``networks`` nets trained on the same data from
different initial weights, their outputs averaged (5 by default; 1 for ``--model conv``,
whose nets take minutes each). A single net's T*(L) scatters by about 0.02 from one
initialization to the next (``T_star_each_network``), which the fit over 1/L would
amplify; ``--networks 1`` is the paper's single network.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..plots import ising as ising_plots
from . import _ising
from .base import Result, progress_bar

NAME = "ising-phases"
DESCRIPTION = (
    "ordered vs disordered Ising configurations: T_c from a network (Carrasquilla)"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    sizes: tuple = (10, 20, 30)  # lattice sizes L
    temperatures: int = 40  # evenly spaced from t_min to t_max
    t_min: float = 1.0
    t_max: float = 3.5
    n_samples: int = 1000  # configurations per temperature (train + test)
    test_fraction: float = 0.2
    model: str = "dense"  # or 'conv': a 2x2 convolution before the hidden layer
    hidden: int = 100
    networks: int = 0  # averaged, from different initial weights; 0: 5 dense
    # nets, or 1 conv net (a conv run: ~8 minutes here)
    l2: float = 1e-4  # Keras' L2: l2 * sum w^2 added to the cost
    epochs: int = 15
    batchsize: int = 32
    learning_rate: float = 3e-3  # Adam
    equilibration: int = 200  # Monte Carlo updates (and as many for tau)
    probes: int = 36  # test-only temperatures for T*(L) (0: none)
    probe_range: tuple = (2.1, 2.45)
    probe_samples: int = 200  # configurations per probe temperature
    seed: int = 0
    cache: bool = True  # keep the configurations in the data folder
    quick: bool = False  # L = 8, 12; 16 T x 60; batch 16, lr 0.01: seconds


def settings(config):
    """The config checked, with the model's default ensemble and ``quick`` applied."""
    if config.model not in ("dense", "conv"):
        raise ValueError(
            f"--model must be 'dense' or 'conv', received {config.model!r}"
        )
    if config.networks < 0:
        raise ValueError(
            f"--networks must be 1 or more (0: the model's default), "
            f"received {config.networks}"
        )
    if not config.networks:
        config = dataclasses.replace(
            config, networks=5 if config.model == "dense" else 1
        )
    if config.quick:
        config = dataclasses.replace(
            config,
            sizes=(8, 12),
            temperatures=16,
            n_samples=60,
            equilibration=100,
            epochs=10,
            batchsize=16,
            learning_rate=0.01,
            probes=min(config.probes, 9),
            probe_range=(1.9, 2.7),
            probe_samples=40,
            networks=min(config.networks, 2),
        )
    return config


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    sizes = config.sizes
    temperatures = np.linspace(config.t_min, config.t_max, config.temperatures)
    numbers, outputs, accuracies = {"T_c_exact": float(_ising.T_C)}, {}, {}
    t_star, probe_outputs = [], {}
    with progress_bar(progress, len(sizes), NAME) as bar:
        for L in sizes:
            per_l = _one_size(config, L, temperatures, progress)
            outputs[L], accuracies[L] = (
                per_l.pop("ordered_output"),
                per_l.pop("accuracy_T"),
            )
            probe_outputs[L] = per_l.pop("probe_output")
            t_star.append(per_l["T_star"])
            numbers[f"L{L}"] = per_l
            bar.update()
    t_star = np.array(t_star)
    t_c_fit, slope = float("nan"), float("nan")
    if len(sizes) >= 2 and np.all(np.isfinite(t_star)):
        slope, t_c_fit = (
            float(v) for v in np.polyfit(1.0 / np.array(sizes), t_star, 1)
        )
    numbers.update(T_star=t_star.tolist(), T_c_extrapolated=t_c_fit, slope_a=slope)
    figures = {
        "outputs": _outputs_figure(sizes, temperatures, outputs, probe_outputs),
        "accuracy": ising_plots.vs_temperature(
            {f"L={L}": (temperatures, accuracies[L]) for L in sizes},
            "test accuracy",
            t_c=_ising.T_C,
        ),
        "crossing": ising_plots.crossing_fit(sizes, t_star, t_c_fit, slope, _ising.T_C),
    }
    return Result(numbers=numbers, figures=figures)


def _outputs_figure(sizes, temperatures, outputs, probe_outputs):
    """The ordered and disordered outputs against T, one colour per L."""
    curves, styles = {}, {}
    for k, L in enumerate(sizes):
        curves[f"L={L}: ordered"] = (temperatures, outputs[L])
        curves[f"L={L}: disordered"] = (temperatures, 1 - outputs[L])
        styles[f"L={L}: ordered"] = {"color": f"C{k}"}
        styles[f"L={L}: disordered"] = {"color": f"C{k}", "ls": ":"}
        if probe_outputs[L] is not None:
            curves[f"L={L}: ordered, probes"] = probe_outputs[L]
            styles[f"L={L}: ordered, probes"] = {
                "color": f"C{k}",
                "ls": "",
                "marker": "x",
                "ms": 3,
            }
    return ising_plots.vs_temperature(
        curves, "output neuron (test mean)", t_c=_ising.T_C, styles=styles
    )


def _data(config, L, temperatures, n_samples, seed, progress):
    """Configurations at ``temperatures`` shaped for the model, and their temperatures."""
    spins, temps, samples = _ising.configurations(
        L,
        temperatures,
        n_samples,
        seed,
        cache=config.cache and not config.quick,
        progress=progress,
        equilibration=config.equilibration,
        pilot=config.equilibration,
    )
    shape = (L * L,) if config.model == "dense" else (L, L, 1)
    return spins.reshape(len(spins), *shape).astype(np.float32), temps, samples


def _one_size(config, L, temperatures, progress):
    """Data, training and test of one lattice size."""
    x, temps, samples = _data(
        config, L, temperatures, config.n_samples, config.seed, progress
    )
    labels = (temps >= _ising.T_C).astype(int)  # 0: ordered, 1: disordered
    rng = np.random.default_rng(config.seed)
    train, test = _ising.split(len(x), config.test_fraction, rng)
    probes = None
    if config.probes:  # their own chains (seed + 1), never trained on
        probe_temperatures = np.linspace(*config.probe_range, config.probes)
        x_probe, probe_temps, _ = _data(
            config,
            L,
            probe_temperatures,
            config.probe_samples,
            config.seed + 1,
            progress,
        )
        probes = (x_probe, probe_temps, probe_temperatures)
    y, probe, t_star_each = _ensemble(
        config, L, x[train], labels[train], x[test], probes
    )
    correct = (y.argmax(axis=1) == labels[test]).astype(float)
    far = np.abs(temps[test] - _ising.T_C) > 0.4
    ordered = _ising.per_temperature(y[:, 0], temps[test], temperatures)
    t_star_grid = _ising.crossing(temperatures, ordered)
    return {
        "test_accuracy": float(correct.mean()),
        "accuracy_far_from_T_c": float(correct[far].mean()),
        "errors_far_from_T_c_at": np.round(
            temps[test][far & (correct == 0)], 3
        ).tolist(),
        "T_star": t_star_grid if probe is None else _ising.crossing(*probe),
        "T_star_grid": t_star_grid,
        "T_star_each_network": t_star_each,
        "max_tau": float(np.nanmax(samples.tau)),
        "ordered_output": ordered,
        "probe_output": probe,
        "accuracy_T": _ising.per_temperature(correct, temps[test], temperatures),
    }


def _ensemble(config, L, x, labels, x_test, probes):
    """The mean output of ``config.networks`` nets on ``x_test``; on the probes, if any,
    the mean ordered output per probe temperature and each net's own T*.
    """
    y, y_probe, t_star_each = 0.0, 0.0, []
    for k in range(config.networks):
        net = _trained(config, L, x, labels, seed=config.seed + L + 1000 * k)
        y = y + net.predict(x_test, batch_size=1024) / config.networks
        if probes is not None:
            x_probe, probe_temps, probe_temperatures = probes
            y_probe_k = net.predict(x_probe, batch_size=1024)
            y_probe = y_probe + y_probe_k / config.networks
            t_star_each.append(
                _ising.crossing(
                    probe_temperatures,
                    _ising.per_temperature(
                        y_probe_k[:, 0], probe_temps, probe_temperatures
                    ),
                )
            )
    if probes is None:
        return y, None, t_star_each
    probe = (
        probes[2],
        _ising.per_temperature(y_probe[:, 0], probes[1], probes[2]),
    )
    return y, probe, t_star_each


def _trained(config, L, x, labels, seed):
    """One classifier of the configured model, trained on (x, labels)."""
    if config.model == "dense":
        net = _ising.dense_classifier(
            L * L, config.hidden, config.l2, config.learning_rate, seed=seed
        )
    else:
        net = _ising.conv_classifier(
            L, config.hidden, config.l2, config.learning_rate, seed=seed
        )
    net.fit(
        x,
        _ising.one_hot(labels),
        batch_size=config.batchsize,
        epochs=config.epochs,
        verbose=0,
    )
    return net
