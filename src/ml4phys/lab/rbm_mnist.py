"""A restricted Boltzmann machine on binarized MNIST (the course's homework): CD-1 vs PCD.

Shows the learned filters (columns of W as images), samples from long Gibbs chains,
mean-field reconstructions, and the test log-likelihood in nats from annealed importance
sampling, beside the published values for 500 hidden units (Salakhutdinov & Murray 2008,
Table 2: -125.53 nats for CD1(500) and -86.34 for CD25(500), both trained far longer than
the default here; ``numbers['epochs']`` says how far this run got). Here a pixel is 1
above 127; their binarization and training schedule (weight decay, CD-k annealed from 1
to 25) may differ, so the comparison is indicative, not exact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..generative.rbm import RBM
from ..plots import rbm as rbm_plots
from ._rbm_data import fit_by_method, load_binary_digits
from .base import Result

NAME = "rbm-mnist"
DESCRIPTION = (
    "RBM on binarized MNIST: filters, samples, AIS log-likelihood, CD-1 vs PCD"
)

PUBLISHED = {
    "CD-1": -125.53,
    "CD-25": -86.34,
}  # Salakhutdinov & Murray 2008, 500 hidden


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    n_hidden: int = 500
    methods: tuple = ("CD-1", "PCD-1")
    epochs: int = 10
    batch_size: int = 100
    learning_rate: float = 0.05
    momentum: float = 0.5
    weight_decay: float = 1e-4
    n_train: int = 60000
    ais_chains: int = 100
    ais_betas: int = 10000
    sample_chains: int = 20  # Gibbs chains shown as samples
    sample_steps: int = 1000  # sweeps per chain
    seed: int = 0
    quick: bool = False  # 64 hidden, 2000 images, 5 epochs of batch 20


def settings(config):
    """The config, with ``quick``'s small sizes applied."""
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        n_hidden=64,
        epochs=5,
        n_train=2000,
        batch_size=20,
        ais_chains=20,
        ais_betas=500,
        sample_steps=50,
    )


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    data = load_binary_digits(config.quick, n_train=config.n_train, seed=config.seed)
    x, x_test = data.x_train, data.x_test[:1000] if config.quick else data.x_test
    numbers = {
        "data": data.source,
        "n_train": len(x),
        "n_test": len(x_test),
        "n_hidden": config.n_hidden,
        "epochs": config.epochs,
        "published_test_log_likelihood_500_hidden": PUBLISHED,
        "base_rate_test_log_likelihood": _base_rate_log_likelihood(x, x_test),
    }
    figures, training = {}, {}
    originals = x_test[:10]
    reconstructions = [originals]
    for method in config.methods:
        rbm, training[method], numbers[method] = train(
            method, x, x_test, config, progress
        )
        figures.update(_method_figures(rbm, method, data.image_shape, config))
        reconstructions.append(rbm.reconstruct(originals))
    figures["reconstructions"] = rbm_plots.image_grid(
        np.concatenate(reconstructions),
        data.image_shape,
        row_labels=["test images", *config.methods],
        title="mean-field reconstructions",
    )
    figures["training"] = rbm_plots.curves(
        {m: (h["step"], h["reconstruction_error"]) for m, h in training.items()},
        xlabel="training batch",
        ylabel="test reconstruction error (per pixel)",
    )
    figures["log_likelihood"] = _likelihood_figure(
        numbers, config.methods, config.epochs
    )
    return Result(numbers=numbers, figures=figures)


def train(method, x, x_test, config, progress=None):
    """One RBM trained by ``method`` ('CD-1', 'PCD-1', ...): (rbm, history, numbers)."""
    rbm = RBM(x.shape[1], config.n_hidden, seed=config.seed)
    rbm.params["a"][...] = _base_rate_bias(x)  # Hinton's guide: log(p / (1 - p))
    error_initial = float(
        np.mean((x_test[:1000] - rbm.reconstruct(x_test[:1000])) ** 2)
    )
    history = fit_by_method(
        rbm, x, method, config.epochs, config, progress, monitor_data=x_test[:1000]
    )
    log_z, log_z_std = rbm.log_partition_ais(
        config.ais_chains, config.ais_betas, data=x, seed=config.seed
    )
    numbers = {
        "test_log_likelihood": rbm.log_likelihood(x_test, log_z=log_z),
        "train_log_likelihood": rbm.log_likelihood(x[:10000], log_z=log_z),
        "log_z": log_z,
        "log_z_std": log_z_std,  # AIS standard error; the bound is about log_z +- 3 std
        "test_reconstruction_error_initial": error_initial,
        "test_reconstruction_error": history["reconstruction_error"][-1],
        "test_pseudo_log_likelihood": rbm.pseudo_log_likelihood(x_test),
        "samples_seen": config.epochs * len(x),
    }
    return rbm, history, numbers


def _method_figures(rbm, method, image_shape, config):
    """The first 100 filters, and samples of Gibbs chains started from noise."""
    tag = method.lower().replace("-", "")
    v = rbm.sample(config.sample_chains, gibbs_steps=config.sample_steps)
    means = rbm.prob_v_given_h(rbm.sample_h_given_v(v))  # p(v|h) of the last sweep
    return {
        f"filters_{tag}": rbm_plots.image_grid(
            rbm.params["W"].T[:100],
            image_shape,
            symmetric=True,
            title=f"{method}: weights of the first 100 hidden units",
        ),
        f"samples_{tag}": rbm_plots.image_grid(
            means,
            image_shape,
            title=f"{method}: chains from noise after {config.sample_steps} Gibbs sweeps",
        ),
    }


def _base_rate_bias(x):
    p = (x.mean(axis=0) * len(x) + 0.05) / (len(x) + 0.1)
    return np.log(p) - np.log1p(-p)


def _base_rate_log_likelihood(x, x_test):
    """Exact test log-likelihood of independent pixels with the training marginals."""
    log_p1 = -np.logaddexp(0.0, -_base_rate_bias(x))  # log sigmoid(bias)
    log_p0 = -np.logaddexp(0.0, _base_rate_bias(x))
    return float(np.mean(x_test @ log_p1 + (1 - x_test) @ log_p0))


def _likelihood_figure(numbers, methods, epochs):
    lines = {
        f"{m} (ours, {epochs} epochs)": (
            [i],
            [numbers[m]["test_log_likelihood"]],
            [3 * numbers[m]["log_z_std"]],
        )
        for i, m in enumerate(methods)
    }
    hlines = {"independent pixels (exact)": numbers["base_rate_test_log_likelihood"]}
    if numbers["data"] == "mnist":  # the published values are for MNIST only
        hlines.update({f"published {m}, 500 hidden": v for m, v in PUBLISHED.items()})
    fig = rbm_plots.curves(
        lines, xlabel="method", ylabel="AIS test log-likelihood (nats)", hlines=hlines
    )
    ax = fig.axes[0]
    ax.set_xticks(range(len(methods)), methods)
    ax.set_xlim(-0.5, len(methods) - 0.5)
    return fig
