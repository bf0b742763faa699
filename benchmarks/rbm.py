"""Restricted Boltzmann machines: ml4phys against scikit-learn's BernoulliRBM (issue 9, W8).

W8   RBM 784-500, PCD-1, batch 100, learning rate 0.1, one epoch of 60,000 binarized
     MNIST images: s/epoch (both in float32, same data, same settings)
W8b  the same training for 5 epochs, then the exact pseudo-log-likelihood of 1,000 test
     images, computed by ml4phys for both models (sklearn's parameters copied into an
     ml4phys RBM): -PLL in nats per image, lower is better; each repetition a new seed
W8c  AIS log Z with 100 chains and 10,000 inverse temperatures on the 784-500 RBM after
     one PCD-1 epoch: seconds (issue target: under 60 s; no peer)

scikit-learn implements PCD ("stochastic maximum likelihood") with persistent hidden
samples and no shuffling; ml4phys keeps the persistent chains' visible states and their
p(h|v), and shuffles each epoch. Quick mode uses 6,000 images and 1 epoch for W8b.
"""

from __future__ import annotations

import time

from harness import Workload

from ml4phys.generative import RBM
from ml4phys.lab._rbm_data import load_binary_digits

N_HIDDEN, BATCH, LEARNING_RATE = 500, 100, 0.1


def _data(quick):
    digits = load_binary_digits(quick=False, n_train=6000 if quick else None)
    return digits.x_train, digits.x_test[:1000]


def _train_ml4phys(x, epochs, seed):
    rbm = RBM(x.shape[1], N_HIDDEN, seed=seed)
    rbm.fit(
        x,
        epochs=epochs,
        batch_size=BATCH,
        k=1,
        persistent=True,
        learning_rate=LEARNING_RATE,
    )
    return rbm


def _train_sklearn(x, epochs, seed):
    from sklearn.neural_network import BernoulliRBM

    return BernoulliRBM(
        n_components=N_HIDDEN,
        learning_rate=LEARNING_RATE,
        batch_size=BATCH,
        n_iter=epochs,
        random_state=seed,
    ).fit(x)


def _as_rbm(model):
    """scikit-learn's parameters in an ml4phys RBM (components_ is (n_hidden, n_visible))."""
    rbm = RBM(model.components_.shape[1], model.components_.shape[0])
    rbm.params["W"][...] = model.components_.T
    rbm.params["a"][...] = model.intercept_visible_
    rbm.params["b"][...] = model.intercept_hidden_
    return rbm


def _timed(train):
    def run():
        start = time.perf_counter()
        train()
        return time.perf_counter() - start

    return run


# stays whole: W8 and W8b share the data and the runners built on it, one Workload field per line
def workloads(quick=False):
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("benchmarks/rbm.py: scikit-learn is not installed; W8 skipped")
        return []
    x, x_test = _data(quick)
    epochs = 1 if quick else 5
    seeds = iter(range(1000))

    def nll(train):
        def run():
            model = train(x, epochs, next(seeds))
            rbm = model if isinstance(model, RBM) else _as_rbm(model)
            return -rbm.pseudo_log_likelihood(x_test, exact=True)

        return run

    w8c = _w8c(x, x_test, quick)
    return [
        Workload(
            name="W8",
            title=f"RBM 784-{N_HIDDEN}, PCD-1, batch {BATCH}, one epoch of "
            f"{len(x):,} binarized MNIST",
            unit="s/epoch",
            higher_is_better=False,
            target=1.5,
            runners={
                "ml4phys": _timed(lambda: _train_ml4phys(x, 1, 0)),
                "sklearn": _timed(lambda: _train_sklearn(x, 1, 0)),
            },
        ),
        Workload(
            name="W8b",
            title=f"the same, {epochs} epochs: -pseudo-log-likelihood of "
            "1,000 test images (lower is better)",
            unit="nats",
            higher_is_better=False,
            target=1.0,
            runners={"ml4phys": nll(_train_ml4phys), "sklearn": nll(_train_sklearn)},
        ),
        w8c,
    ]


def _w8c(x, x_test, quick):
    """W8c: AIS estimate of log Z for an RBM trained one epoch (trained once, on first use)."""
    trained = {}

    def ais():
        if "rbm" not in trained:
            trained["rbm"] = _train_ml4phys(x, 1, seed=0)
        start = time.perf_counter()
        log_z, std = trained["rbm"].log_partition_ais(
            100, 1000 if quick else 10000, data=x
        )
        seconds = time.perf_counter() - start
        w8c.notes["log Z (last run)"] = f"{log_z:.2f} +- {std:.2f}"
        w8c.notes["test log-likelihood after 1 epoch (nats)"] = (
            f"{trained['rbm'].log_likelihood(x_test, log_z=log_z):.1f}"
        )
        return seconds

    w8c = Workload(
        name="W8c",
        title=f"AIS log Z, 100 chains x {1000 if quick else 10000} "
        "temperatures, RBM 784-500 (target < 60 s)",
        unit="s",
        higher_is_better=False,
        runners={"ml4phys": ais},
    )
    return w8c
