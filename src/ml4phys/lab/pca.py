"""Principal component analysis of MNIST (lecture: "An aside: PCA", "Application to the
MNIST database").

Subtract the mean image, diagonalize the 784 x 784 covariance rho = psi^T psi / n, and look
at the eigenvectors by decreasing eigenvalue: the first 6 as images, the spectrum and how
many components hold 90% of the variance (the lecture: about the first 100), the digits
rebuilt from M components, and the data projected on the first two. Then the lecture's
claim that a linear autoencoder 784-M-784 learns the same thing: the principal angles
between the span of its decoder weights and the top-M PCA subspace.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..analysis.pca import pca, principal_angles
from ..data import mnist
from ..nn import layers, models, optimizers
from ..plots import classification as image_plots
from ..plots import embedding as embedding_plots
from .base import Result, progress_bar

NAME = "pca"
DESCRIPTION = "PCA of MNIST, and the linear autoencoder that learns the same subspace"


@dataclass
class Config:
    n_images: int = 60_000  # MNIST training images used
    reconstruct_with: tuple = (1, 10, 50, 100, 300)
    autoencoder_m: int = 10  # hidden neurons of the linear autoencoder
    autoencoder_epochs: int = 20
    data_dir: str = ""  # default: ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # 5,000 images, 5 epochs: for tests


def train_linear_autoencoder(x, m, epochs, seed, progress=None):
    """784 -> m -> 784, linear, mean squared error, Adam; returns the trained net."""
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(m, input_shape=(x.shape[1],)))
    net.add(layers.Dense(x.shape[1]))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam(0.002))
    with progress_bar(progress, epochs, "linear autoencoder") as bar:
        for _ in range(epochs):
            net.fit(x, x, batch_size=100, epochs=1, verbose=0)
            bar.update()
    return net


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(config, n_images=5_000, autoencoder_epochs=5)
    (x_all, labels_all), _ = mnist.load_data(
        config.data_dir or None, progress=progress is not None
    )
    keep = np.random.default_rng(config.seed).permutation(len(x_all))[: config.n_images]
    x, labels = mnist.as_float(x_all[keep]), labels_all[keep]
    result = pca(x)
    cumulative = np.cumsum(result.explained_variance_ratio)
    numbers = {
        "n_images": int(config.n_images),
        "components_for_90_percent": int(np.searchsorted(cumulative, 0.9) + 1),
        "variance_share_of_first_100": float(cumulative[99]),
        "variance_share_of_first_10": float(cumulative[9]),
        "leading_ratios": result.explained_variance_ratio[:6].round(5).tolist(),
        "reconstruction_mse": {
            str(m): float(np.mean((result.reconstruct(x[:1000], m) - x[:1000]) ** 2))
            for m in config.reconstruct_with
        },
        "autoencoder": compare_autoencoder(x, result, config, progress),
    }
    return Result(numbers=numbers, figures=figures(x, labels, result, config))


def compare_autoencoder(x, result, config, progress=None):
    """A linear autoencoder with m hidden neurons against PCA's first m components:
    its cost, PCA's, and the principal angles between the two subspaces.
    """
    m = config.autoencoder_m
    net = train_linear_autoencoder(
        x, m, config.autoencoder_epochs, config.seed, progress
    )
    decoder = net.layers[1].params["w"]  # (m, 784): its rows span the learned subspace
    angles = principal_angles(decoder, result.components[:m])
    return {
        "m": m,
        "epochs": config.autoencoder_epochs,
        "mse": float(net.evaluate(x, x, batch_size=1000)),
        "pca_mse_same_m": float(np.mean((result.reconstruct(x, m) - x) ** 2)),
        "largest_principal_angle_deg": float(np.degrees(angles.max())),
        "mean_principal_angle_deg": float(np.degrees(angles.mean())),
    }


def figures(x, labels, result, config):
    """Leading components, the spectrum, reconstructions with M components, the map."""
    sample = x[:8]
    rows = [sample] + [result.reconstruct(sample, m) for m in config.reconstruct_with]
    titles = ["original" if j == 0 else "" for j in range(8)]
    for m in config.reconstruct_with:
        titles += [f"M={m}" if j == 0 else "" for j in range(8)]
    return {
        "components": image_plots.image_grid(
            result.components[:6].reshape(-1, 28, 28),
            [f"component {i + 1}" for i in range(6)],
            ncols=6,
            cmap="RdBu_r",
            signed=True,
        ),
        "spectrum": embedding_plots.spectrum(result.eigenvalues),
        "reconstructions": image_plots.image_grid(
            np.concatenate(rows).reshape(-1, 28, 28), titles, ncols=8
        ),
        "projection": embedding_plots.scatter_by_label(
            result.transform(x)[:, :2],
            labels,
            title="MNIST on the first two components",
        ),
    }
