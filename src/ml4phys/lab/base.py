"""What every experiment shares: its ``Result``, a progress helper, and config helpers.

An experiment is a module with ``NAME``, ``DESCRIPTION``, a ``Config`` dataclass and
``run(config, progress=None) -> Result``. ``run`` is a function of its config (seed
included): it never prints, shows or saves. The command line saves the figures and the
numbers; in a notebook, ``result.figures['cost']`` displays itself. An experiment may
also define ``HEADLINES`` (pattern of a number's path -> a few words), the numbers the
command line prints at the end of a run, and ``settings(config)``: the config as it
runs (``--quick`` applied), which results.json records.

``TOPICS`` files each experiment under the lecture topic of its docs page
(docs/topics/<topic>.rst), and ``MNIST`` names those that read MNIST.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..common.progress import progress_bar

__all__ = ["MNIST", "TOPICS", "Result", "config_dict", "progress_bar", "topic_of"]

# docs/topics/<key>.rst: (title, the experiments it shows)
TOPICS = {
    "neurons": ("Neurons, layers and batches", ("network-picture",)),
    "universality": ("Universality", ("universality",)),
    "learning-functions": (
        "Learning functions and images",
        ("fit2d", "image", "image-anatomy", "learning-rate", "optimizers"),
    ),
    "mnist": (
        "Handwritten digits (MNIST)",
        (
            "mnist-dense",
            "mnist-overfitting",
            "mnist-robustness",
            "mnist-table",
            "shapes",
        ),
    ),
    "convolutional": ("Convolutional networks", ("mnist-conv",)),
    "unsupervised": (
        "Autoencoders, PCA and t-SNE",
        ("autoencoder", "denoising", "pca", "sparse", "stacked", "tsne"),
    ),
    "recurrent": (
        "Recurrent networks",
        ("memory", "oscillators", "sequence-predict"),
    ),
    "boltzmann": (
        "Boltzmann machines",
        ("rbm-bars", "rbm-features", "rbm-mnist"),
    ),
    "phases": (
        "Phases of matter",
        ("ising-confusion", "ising-pca", "ising-phases", "ising-rbm"),
    ),
    "quantum": (
        "Quantum states",
        ("nqs-anatomy", "nqs-heisenberg", "nqs-tfim"),
    ),
    "reinforcement": (
        "Reinforcement learning",
        ("cartpole", "maze-deep-policy-gradient", "maze-policy-gradient", "q-learning"),
    ),
}

# experiment -> when it reads MNIST ($ML4PHYS_DATA/mnist/, downloaded if missing)
MNIST = {
    "mnist-conv": "yes",
    "mnist-dense": "yes",
    "mnist-overfitting": "yes",
    "mnist-robustness": "yes",
    "mnist-table": "yes",
    "pca": "yes",
    "sparse": "yes",
    "stacked": "yes",
    "tsne": "yes",
    "rbm-mnist": "full run",  # --quick falls back to scikit-learn's 8x8 digits
    "rbm-features": "full run",
}


def topic_of(name):
    """The key of the topic (docs/topics/<key>.rst) that shows experiment ``name``."""
    for key, (_, names) in TOPICS.items():
        if name in names:
            return key
    return None


@dataclass
class Result:
    """The outcome of an experiment.

    numbers : dict
        JSON-able values (floats, ints, lists, nested dicts): what results.json holds.
    figures : dict
        name -> matplotlib Figure; saved as ``<name>.png``.
    config : Config or None
        The config that ran, where it differs from the one asked for (``--quick``
        shrinks it); results.json records it.
    """

    numbers: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    config: object = None


def config_dict(config):
    """The config as a JSON-able dict (tuples become lists)."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in dataclasses.asdict(config).items()
    }
