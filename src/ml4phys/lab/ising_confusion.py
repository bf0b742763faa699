"""Learning by confusion (van Nieuwenburg, Liu & Huber, Nat. Phys. 2017): T_c without labels.

For each proposed critical temperature c, the Ising configurations are relabelled by
T < c and a small network is trained on them; its test accuracy P(c) is 1 at the ends of
the range (one class), dips where the proposal is wrong, and peaks again where c is the
true transition: a W. The inner maximum (refined by a parabola through it and its
neighbours) estimates T_c.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..plots import ising as ising_plots
from . import _ising
from .base import Result, progress_bar

NAME = "ising-confusion"
DESCRIPTION = (
    "learning by confusion: the W-shaped accuracy P(c) peaks at T_c (van Nieuwenburg)"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    L: int = 20
    temperatures: int = 40  # evenly spaced from t_min to t_max
    t_min: float = 1.0
    t_max: float = 3.5
    n_samples: int = 200  # configurations per temperature
    proposals: int = 25  # proposed critical temperatures c, inside the range
    test_fraction: float = 0.25
    hidden: int = 32
    epochs: int = 8
    batchsize: int = 32
    learning_rate: float = 3e-3  # Adam
    equilibration: int = 200
    seed: int = 0
    cache: bool = True
    quick: bool = False  # L = 10, 20 T x 60, 9 proposals: seconds


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(
            config,
            L=10,
            temperatures=20,
            n_samples=60,
            proposals=9,
            epochs=10,
            batchsize=16,
            learning_rate=0.01,
            equilibration=100,
        )
    spins, temps, _ = _ising.experiment_configurations(config, progress)
    x = spins.reshape(len(spins), -1).astype(np.float32)
    train, test = _ising.split(
        len(x), config.test_fraction, np.random.default_rng(config.seed)
    )
    proposals = np.linspace(config.t_min, config.t_max, config.proposals + 2)[1:-1]
    accuracy = np.zeros(len(proposals))
    with progress_bar(progress, len(proposals), NAME) as bar:
        for i, c in enumerate(proposals):
            labels = (temps >= c).astype(int)
            accuracy[i] = _test_accuracy(
                x, labels, train, test, config, config.seed + i
            )
            bar.update()
    t_c = inner_maximum(proposals, accuracy)
    numbers = {
        "proposals": proposals.tolist(),
        "accuracy": accuracy.tolist(),
        "T_c_confusion": t_c,
        "T_c_exact": float(_ising.T_C),
        "error": float(abs(t_c - _ising.T_C)),
    }
    figure = ising_plots.vs_temperature(
        {f"L={config.L}": (proposals, accuracy)}, "test accuracy P(c)", t_c=_ising.T_C
    )
    figure.axes[0].set_xlabel("proposed critical temperature c")
    return Result(numbers=numbers, figures={"confusion": figure}, config=config)


def _test_accuracy(x, labels, train, test, config, seed):
    """Test accuracy of a classifier trained on ``labels`` (T >= c) of the training set."""
    net = _ising.dense_classifier(
        x.shape[1], config.hidden, 0.0, config.learning_rate, seed=seed
    )
    net.fit(
        x[train],
        _ising.one_hot(labels[train]),
        batch_size=config.batchsize,
        epochs=config.epochs,
        verbose=0,
    )
    predicted = net.predict(x[test], batch_size=1024).argmax(axis=1)
    return np.mean(predicted == labels[test])


def inner_maximum(proposals, accuracy):
    """The highest local maximum of P(c) away from the two ends (the middle of the W).

    Refined between grid points by the vertex of the parabola through the maximum and its
    two neighbours (the proposals are evenly spaced).
    """
    inner = [
        i
        for i in range(1, len(accuracy) - 1)
        if accuracy[i] >= accuracy[i - 1] and accuracy[i] >= accuracy[i + 1]
    ]
    if not inner:
        return float("nan")
    i = max(inner, key=lambda j: accuracy[j])
    left, middle, right = accuracy[i - 1], accuracy[i], accuracy[i + 1]
    curvature = left - 2 * middle + right
    shift = 0.0 if curvature == 0 else 0.5 * (left - right) / curvature  # in grid steps
    return float(proposals[i] + shift * (proposals[i + 1] - proposals[i]))
