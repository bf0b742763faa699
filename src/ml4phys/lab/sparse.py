"""A sparse autoencoder (lecture: "Autoencoder", "What are autoencoders good for?").

An autoencoder whose hidden layer is wider than its input can simply copy the input. An
activity penalty changes that: every sample's cost gets lambda sum_j |y_j| of its hidden
activations y_j (an L1 activity regularizer), so each neuron must stay near zero unless
it is really needed, and the hidden layer learns a sparse code of parts of digits.
Shown side by side with the same net without the penalty: the features (each hidden
neuron's incoming weights as an image) and the mean activation of every neuron.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..data import mnist
from ..nn import layers, models, optimizers, regularizers
from ..plots import classification as image_plots
from .base import Result, progress_bar

NAME = "sparse"
DESCRIPTION = (
    "a sparse autoencoder (L1 activity penalty) against the same net without it"
)


@dataclass
class Config:
    hidden: int = 1000  # wider than the 784 inputs
    penalty: float = 1e-4  # lambda of the L1 activity regularizer
    epochs: int = 10
    n_train: int = 20_000
    data_dir: str = ""
    seed: int = 0
    quick: bool = False  # 2,000 images, 300 neurons, 10 epochs, 1e-3


def autoencoder(n_in, hidden, penalty, seed):
    """n_in -> hidden (sigmoid, with the penalty) -> n_in (sigmoid), MSE, Adam."""
    net = models.Sequential(seed=seed)
    net.add(
        layers.Dense(
            hidden,
            activation="sigmoid",
            input_shape=(n_in,),
            activity_regularizer=regularizers.L1(penalty) if penalty else None,
        )
    )
    net.add(layers.Dense(n_in, activation="sigmoid"))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam(0.002))
    return net


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    # quick: fewer steps, so a stronger penalty to show the effect in them
    n_train, hidden, epochs, penalty = (
        (2_000, 300, 10, 1e-3)
        if config.quick
        else (config.n_train, config.hidden, config.epochs, config.penalty)
    )
    (x, _), _, (x_test, _) = mnist.lecture_split(
        config.seed,
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=n_train,
        n_validation=0,
    )
    x_test = x_test[:2000]
    numbers, features, activity = {}, {}, {}
    with progress_bar(progress, 2 * epochs, NAME) as bar:
        for name, lam in (("sparse", penalty), ("plain", 0.0)):
            net = autoencoder(x.shape[1], hidden, lam, config.seed)
            for _ in range(epochs):
                net.fit(x, x, batch_size=100, epochs=1, verbose=0)
                bar.update()
            code = net.layers[0].forward(x_test)  # hidden activations, (n, hidden)
            per_neuron = code.mean(axis=0)
            numbers[name] = {
                "penalty": lam,
                "mean_activation": float(code.mean()),
                "active_fraction": float(
                    np.mean(code > 0.5)
                ),  # neurons "on" per sample
                "reconstruction_mse": float(
                    np.mean((net.predict(x_test) - x_test) ** 2)
                ),
                "neurons_mostly_off": int(np.sum(per_neuron < 0.05)),
            }
            activity[name] = per_neuron
            w = net.layers[0].params[
                "w"
            ]  # (784, hidden): column j is neuron j's feature
            busiest = np.argsort(per_neuron)[::-1][:32]
            features[name] = w[:, busiest].T.reshape(-1, 28, 28)
    numbers["hidden"], numbers["n_train"] = hidden, n_train
    figures = {
        f"features_{name}": image_plots.image_grid(
            images,
            ncols=8,
            cmap="RdBu_r",
            signed=True,
            title=f"{name}: input weights of the 32 most active hidden neurons",
        )
        for name, images in features.items()
    }
    figures["activation"] = _activation_figure(activity)
    return Result(numbers=numbers, figures=figures)


def _activation_figure(activity):
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    bins = np.linspace(0, 1, 41)
    for name, per_neuron in activity.items():
        ax.hist(
            per_neuron,
            bins=bins,
            alpha=0.6,
            label=f"{name} (mean {per_neuron.mean():.3f})",
        )
    ax.set_xlabel("mean activation of a hidden neuron over test images")
    ax.set_ylabel("neurons")
    ax.set_yscale("log")
    ax.legend()
    return fig
