"""Hidden units of an MNIST RBM as features for a softmax classifier (lecture: "Learning a
probability distribution"; the unsupervised-pretraining idea of the autoencoder part,
done the Boltzmann way).

An RBM learns from all training images without their labels; then a softmax layer is
trained on p(h | v) of only ``n`` labelled images, and the same layer on the raw pixels.
The figure shows test accuracy against the number of labels used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..generative.rbm import RBM, load_rbm
from ..nn import layers, models, optimizers, utils
from ..plots import rbm as rbm_plots
from ._rbm_data import fit_by_method, load_binary_digits
from .base import Result, progress_bar

NAME = "rbm-features"
DESCRIPTION = "RBM hidden units as features for a softmax classifier vs raw pixels"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    n_hidden: int = 500
    method: str = "CD-1"
    rbm_epochs: int = 5
    batch_size: int = 100
    learning_rate: float = 0.05
    momentum: float = 0.5
    weight_decay: float = 1e-4
    rbm_file: str = ""  # an RBM saved by RBM.save: skip its training
    labels: tuple = (100, 300, 1000, 3000, 10000, 60000)
    classifier_steps: int = 3000  # Adam steps of batch 100 per classifier
    classifier_learning_rate: float = 0.003
    seed: int = 0
    quick: bool = False  # small RBM, 2000 images, 3 label counts


def settings(config):
    """The config, with ``quick``'s small sizes applied."""
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        n_hidden=64,
        rbm_epochs=5,
        batch_size=20,
        labels=(50, 200, 1000),
        classifier_steps=300,
    )


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    config = settings(config)
    n_train = 2000 if config.quick else None
    data = load_binary_digits(config.quick, n_train=n_train, seed=config.seed)
    x, y, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    rbm = feature_rbm(x, config, progress)
    features = (rbm.prob_h_given_v(x), rbm.prob_h_given_v(x_test))
    order = np.random.default_rng(config.seed).permutation(len(x))
    counts = [n for n in config.labels if n <= len(x)]
    accuracy = {"rbm features": [], "raw pixels": []}
    with progress_bar(progress, 2 * len(counts), "classifiers") as bar:
        for n in counts:
            for name, (train, test) in (
                ("rbm features", features),
                ("raw pixels", (x, x_test)),
            ):
                accuracy[name].append(
                    _softmax_accuracy(
                        train[order[:n]],
                        y[order[:n]],
                        test,
                        y_test,
                        config.classifier_steps,
                        config.classifier_learning_rate,
                        config.seed,
                    )
                )
                bar.update()
    numbers = {
        "data": data.source,
        "n_hidden": rbm.n_hidden,
        "labels": counts,
        "test_accuracy_rbm_features": accuracy["rbm features"],
        "test_accuracy_raw_pixels": accuracy["raw pixels"],
        "rbm_test_reconstruction_error": float(
            np.mean((x_test - rbm.reconstruct(x_test)) ** 2)
        ),
    }
    figure = rbm_plots.curves(
        {name: (counts, values) for name, values in accuracy.items()},
        xlabel="labelled training images",
        ylabel="test accuracy",
        title=f"softmax on {rbm.n_hidden} RBM features vs {x.shape[1]} pixels",
        logx=True,
    )
    return Result(numbers=numbers, figures={"accuracy": figure})


def feature_rbm(x, config, progress=None):
    """The RBM in ``config.rbm_file``, or one trained on ``x`` by ``config.method``."""
    if config.rbm_file:
        rbm = load_rbm(config.rbm_file)
        if rbm.n_visible != x.shape[1]:
            raise ValueError(
                f"{config.rbm_file}: an RBM with {rbm.n_visible} visible units "
                f"does not fit images of {x.shape[1]} pixels"
            )
        return rbm
    rbm = RBM(x.shape[1], config.n_hidden, seed=config.seed)
    fit_by_method(rbm, x, config.method, config.rbm_epochs, config, progress)
    return rbm


def _softmax_accuracy(x, y, x_test, y_test, steps, learning_rate, seed):
    """Test accuracy of one softmax layer trained by Adam for ``steps`` batches of 100."""
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(10, activation="softmax", input_shape=(x.shape[1],)))
    net.compile(
        optimizer=optimizers.Adam(learning_rate), loss="categorical_crossentropy"
    )
    batch_size = min(100, len(x))
    epochs = max(1, int(np.ceil(steps * batch_size / len(x))))
    net.fit(
        x, utils.to_categorical(y, 10), batch_size=batch_size, epochs=epochs, verbose=0
    )
    predicted = net.predict(x_test, batch_size=1000).argmax(axis=1)
    return float(np.mean(predicted == y_test))
