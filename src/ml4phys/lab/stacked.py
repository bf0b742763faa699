"""Stacked autoencoders and greedy layer-wise pretraining (lecture: "Autoencoder", "What
are autoencoders good for?"; Bengio et al. 2007, Vincent et al. 2010).

Greedy, layer by layer and without labels: an autoencoder 784-h1-784 (sigmoid units,
untied weights, cross-entropy reconstruction cost, Adam) learns to rebuild the images
from a copy with a fraction ``noise`` of the pixels set to 0 (masking noise: the
denoising autoencoder of Vincent et al.); a second one h1-h2-h1 learns to rebuild the
first one's codes, and so on. The encoders, stacked and topped with a softmax layer, make
a classifier that is fine-tuned with labels. The same classifier from random weights,
fine-tuned in exactly the same way, is the comparison: test accuracy with 100, 1,000
and all 45,000 labels (pretraining always sees all 45,000 images, no labels).

Fine-tuning (the same for both): first the softmax layer alone on the fixed codes, then
the whole net with a smaller learning rate, each with early stopping on a validation
set of ``n_validation`` labelled images kept apart (checked every ``check_every``
steps, or every epoch if that is longer; the best weights are kept). Note that with 100
labels this validation set holds more labels than the training set, for both nets.
Measured (docs/results/stacked/): pretraining gained 2 and 3 points with 100 and 1,000 labels,
less than 1 with all; with plain autoencoders (``noise=0``) it lost 3 points with 100.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import mnist
from ..nn import layers, models, optimizers
from . import _stacked_figures as stacked_figures
from ._pretraining import pretrain
from .base import Result, progress_bar

NAME = "stacked"
DESCRIPTION = "stacked (denoising) autoencoders: greedy pretraining, then a classifier"


@dataclass
class Config:
    hidden: tuple = (500, 250)  # h1, h2, ...: sigmoid layers
    noise: float = 0.25  # masking noise of the pretraining; 0: plain
    pretrain_epochs: int = 10  # per autoencoder
    pretrain_rate: float = 0.001  # Adam
    head_rate: float = 0.003  # Adam, softmax layer alone on fixed features
    finetune_rate: float = 0.001  # Adam, the whole classifier afterwards
    max_steps: int = 5000  # per fine-tuning phase, batches of <= 100
    check_every: int = 50  # steps between validation checks (or 1 epoch)
    patience: int = 6  # checks without improvement before stopping
    labels_used: tuple = (100, 1000, 0)  # 0: all training labels
    seeds: int = 5  # label draws (and inits) per count; 1 for all
    n_train: int = 45_000
    n_validation: int = 1_000
    data_dir: str = ""
    seed: int = 0
    quick: bool = False  # 3,000 images, a small net: for tests


def classifier(n_in, hidden, seed, encoders=None):
    """The stacked sigmoid encoders plus a softmax layer; pretrained weights if given."""
    net = models.Sequential(seed=seed)
    for i, n_hidden in enumerate(hidden):
        net.add(
            layers.Dense(
                n_hidden, activation="sigmoid", input_shape=(n_in,) if i == 0 else None
            )
        )
    net.add(layers.Dense(10, activation="softmax"))
    net.build((n_in,))
    for layer, weights in zip(net.layers, encoders or []):
        layer.set_weights(weights)
    return net


def _train_early_stopping(net, x, y, val, rate, config, rng):
    """Adam on batches of <= 100 until the validation accuracy stops improving;
    the net ends with its best weights. Returns the number of steps taken.
    """
    net.compile(
        loss="categorical_crossentropy",
        optimizer=optimizers.Adam(rate),
        metrics=["categorical_accuracy"],
    )
    best, best_weights, waited, step = -1.0, net.get_weights(), 0, 0
    batch_size, order = min(100, len(x)), np.zeros(0, np.intp)
    every = max(
        config.check_every, -(-len(x) // batch_size)
    )  # >= 1 epoch between checks
    while step < config.max_steps and waited < config.patience:
        for _ in range(min(every, config.max_steps - step)):
            if len(order) < batch_size:
                order = rng.permutation(len(x))
            batch, order = order[:batch_size], order[batch_size:]
            net.train_on_batch(x[batch], y[batch])
            step += 1
        accuracy = net.evaluate(*val, batch_size=1000)[1]
        waited += 1
        if accuracy > best:
            best, best_weights, waited = accuracy, net.get_weights(), 0
    net.set_weights(best_weights)
    return step


def encode(net, x):
    """The codes of the top hidden layer: every layer of ``net`` but its last."""
    for layer in net.layers[:-1]:
        x = layer.forward(x)
    return x


def finetune(net, x, y, val, config, rng):
    """The softmax layer alone on the fixed codes (a softmax regression, cheap: the
    codes are computed once), then the whole net. Returns the steps of each phase.
    """
    head = models.Sequential(seed=int(rng.integers(2**31)))
    head.add(
        layers.Dense(10, activation="softmax", input_shape=(net.layers[-2].units,))
    )
    head.set_weights(net.layers[-1].get_weights())
    head_steps = _train_early_stopping(
        head,
        encode(net, x),
        y,
        (encode(net, val[0]), val[1]),
        config.head_rate,
        config,
        rng,
    )
    net.layers[-1].set_weights(head.get_weights())
    return head_steps, _train_early_stopping(
        net, x, y, val, config.finetune_rate, config, rng
    )


QUICK = {
    "hidden": (100, 50),
    "pretrain_epochs": 20,
    "pretrain_rate": 0.003,
    "max_steps": 300,
    "check_every": 25,
    "seeds": 1,
    "n_train": 3_000,
    "n_validation": 500,
}


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = dataclasses.replace(config, **QUICK)
    (x_train, y_train), val, test = mnist.lecture_split(
        config.seed,
        data_dir=config.data_dir or None,
        progress=progress is not None,
        n_train=config.n_train,
        n_validation=config.n_validation,
    )
    counts = [
        config.n_train if n == 0 else min(n, config.n_train) for n in config.labels_used
    ]
    runs = [
        (n, s)
        for n in counts
        for s in range(1 if n == config.n_train else config.seeds)
    ]
    with progress_bar(progress, len(config.hidden) + 2 * len(runs), NAME) as bar:
        encoders, autoencoders, costs = pretrain(
            x_train,
            config.hidden,
            config.noise,
            config.pretrain_epochs,
            config.pretrain_rate,
            config.seed,
            bar,
        )
        accuracy = {str(n): {"pretrained": [], "random": []} for n in counts}
        steps = {str(n): {"pretrained": [], "random": []} for n in counts}
        for n, s in runs:
            for name, weights in (("pretrained", encoders), ("random", None)):
                score, done = finetuned_accuracy(
                    weights, (x_train, y_train), val, test, (n, s), config
                )
                accuracy[str(n)][name].append(score)
                steps[str(n)][name].append(list(done))
                bar.update()
    numbers = {
        "reconstruction_cost": costs,
        "n_train": config.n_train,
        "hidden": list(config.hidden),
        "noise": config.noise,
        "test_accuracy": {
            n: {name: _summary(values) for name, values in row.items()}
            for n, row in accuracy.items()
        },
        # pretrained minus random, on the same labelled images (a paired difference)
        "gain": {
            n: _summary(list(np.subtract(row["pretrained"], row["random"])))
            for n, row in accuracy.items()
        },
        "finetune_steps": steps,
    }
    figures = {
        "accuracy": stacked_figures.accuracy_figure(numbers["test_accuracy"]),
        "features": stacked_figures.features_figure(encoders[0][0]),
        "reconstructions": stacked_figures.reconstructions_figure(
            autoencoders, test[0][:8], config.noise, config.seed
        ),
    }
    return Result(numbers=numbers, figures=figures, config=config)


def finetuned_accuracy(encoders, train, val, test, run_id, config):
    """Test accuracy of the classifier (from ``encoders``, or random weights if None)
    fine-tuned on ``n`` labelled images drawn with seed ``s`` (``run_id`` = (n, s)),
    and its fine-tuning steps.
    """
    (x_train, y_train), (n, s) = train, run_id
    chosen = np.random.default_rng([config.seed, n, s]).choice(
        config.n_train, n, replace=False
    )
    net = classifier(x_train.shape[1], config.hidden, config.seed + s, encoders)
    done = finetune(
        net,
        x_train[chosen],
        y_train[chosen],
        val,
        config,
        np.random.default_rng([config.seed, n, s, 1]),
    )
    return float(net.evaluate(*test, batch_size=1000)[1]), done


def _summary(values):
    """Mean, sample standard deviation (0 for a single run) and the runs."""
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return {
        "mean": float(np.mean(values)),
        "std": std,
        "runs": [float(v) for v in values],
    }
