"""A restricted Boltzmann machine learns random bars (lecture: "Learning a probability
distribution", the course's RBM example).

Training data: rows of ``n_visible`` pixels with one bar of ``width`` ones at a random
position (n_visible - width + 1 equally likely patterns). Because the RBM is small, its
log-likelihood of the training distribution, <log p(v)> over the patterns, is exact
(log Z by enumerating the hidden layer) and can be followed during training for CD-1,
CD-10 and PCD; the best possible value is log(1 / number of patterns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..generative.rbm import RBM
from ..nn import optimizers
from ..plots import rbm as rbm_plots
from .base import Result

NAME = "rbm-bars"
DESCRIPTION = "RBM learns random bars: exact log-likelihood for CD-1, CD-10, PCD"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    n_visible: int = 20
    width: int = 7  # bar width
    n_hidden: int = 10
    batch_size: int = 50
    learning_rate: float = 0.1
    momentum: float = 0.0
    steps: int = 10000  # batches per method
    eval_every: int = 100  # exact log-likelihood every this many batches
    methods: tuple = ("CD-1", "CD-10", "PCD-1")
    chain_steps: int = 40  # Gibbs steps shown from noise
    seed: int = 0
    quick: bool = False  # 400 batches: seconds, for tests


def bar_patterns(n_visible, width):
    """All patterns: one bar of ``width`` ones, (n_visible - width + 1, n_visible)."""
    if not 0 < width <= n_visible:
        raise ValueError(f"bar width must be in 1..{n_visible}, received {width}")
    patterns = np.zeros((n_visible - width + 1, n_visible))
    for start in range(len(patterns)):
        patterns[start, start : start + width] = 1.0
    return patterns


def parse_method(method):
    """'CD-10' -> (k=10, persistent=False); 'PCD-1' -> (1, True)."""
    kind, _, k = method.upper().partition("-")
    if kind not in ("CD", "PCD") or not k.isdigit() or int(k) < 1:
        raise ValueError(
            f"method must look like 'CD-1', 'CD-10' or 'PCD-1', received {method!r}"
        )
    return int(k), kind == "PCD"


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    steps, eval_every = (400, 20) if config.quick else (config.steps, config.eval_every)
    patterns = bar_patterns(config.n_visible, config.width)
    rng = np.random.default_rng(config.seed)
    x = patterns[rng.integers(0, len(patterns), steps * config.batch_size)]
    optimum = float(np.log(1.0 / len(patterns)))
    numbers = {"n_patterns": len(patterns), "log_likelihood_optimum": optimum}
    lines, chains, weights = {}, {}, None
    for method in config.methods:
        k, persistent = parse_method(method)
        rbm = RBM(config.n_visible, config.n_hidden, seed=config.seed, dtype=np.float64)
        initial = rbm.log_likelihood(patterns)
        optimizer = optimizers.SGD(config.learning_rate, momentum=config.momentum)
        history = rbm.fit(
            x,
            epochs=1,
            batch_size=config.batch_size,
            k=k,
            persistent=persistent,
            optimizer=optimizer,
            shuffle=False,
            log_likelihood="exact",
            monitor_data=patterns,
            eval_every=eval_every,
            progress=progress,
        )
        ll = history["log_likelihood"]
        lines[method] = ([0, *history["step"]], [initial, *ll])
        numbers[method] = {
            "log_likelihood_initial": initial,
            "log_likelihood_final": ll[-1],
            "log_likelihood_best": max(ll),
            "reconstruction_error_final": history["reconstruction_error"][-1],
            "valid_bar_fraction": _valid_fraction(rbm, patterns, 1000, 100),
        }
        chains[method] = _chain_from_noise(rbm, config.chain_steps)
        weights = rbm.params["W"] if weights is None else weights
    figures = {
        "log_likelihood": rbm_plots.curves(
            lines,
            xlabel="training batch",
            ylabel="exact log-likelihood per pattern (nats)",
            hlines={f"optimum log(1/{len(patterns)})": optimum},
        ),
        "weights": rbm_plots.matrix(
            weights,
            title=f"W after {config.methods[0]}",
            xlabel="hidden unit",
            ylabel="visible unit",
        ),
        "chains": rbm_plots.image_rows(chains, title="Gibbs chains from noise"),
    }
    return Result(numbers=numbers, figures=figures)


def _chain_from_noise(rbm, n_steps):
    """(n_steps + 1, n_visible): a chain's visible states, one row per Gibbs sweep."""
    v = rbm.sample(1, gibbs_steps=0)
    rows = [v[0]]
    for _ in range(n_steps):
        v = rbm.gibbs_step(v)
        rows.append(v[0])
    return np.array(rows)


def _valid_fraction(rbm, patterns, n_chains, gibbs_steps):
    """Fraction of samples (chains from noise) that are exactly one of the patterns."""
    samples = rbm.sample(n_chains, gibbs_steps=gibbs_steps)
    match = (samples[:, None, :] == patterns[None]).all(axis=2).any(axis=1)
    return float(match.mean())
