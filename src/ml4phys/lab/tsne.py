"""t-SNE maps of MNIST (lecture: "Visualizing high-dimensional data", "Choices made for
t-SNE").

The lecture's recipe: the images' first 50 PCA components as input, perplexity 30, a map
colored by digit ("t-SNE takes about 10 min"). Here openTSNE does the optimization (see
``ml4phys.analysis.tsne`` for the method: p_ij, q_ij, the KL cost and its force). A
second map shows what a trained classifier sees: the activations of its hidden layer.
Each map's quality is the 10-nearest-neighbour accuracy of the digits in 2D, beside its
KL divergence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.pca import pca
from ..analysis.tsne import embedding_knn_accuracy, tsne
from ..data import mnist
from ..nn import layers, models, optimizers
from ..plots import embedding as embedding_plots
from .base import Result

NAME = "tsne"
DESCRIPTION = (
    "t-SNE maps of MNIST: pixels (via 50 PCA components) and a net's hidden layer"
)


@dataclass
class Config:
    n_images: int = 70_000  # all of MNIST: training and test images
    pca_components: int = 50
    perplexity: float = 30.0
    iterations: int = 250  # after 250 of early exaggeration (see tsne())
    hidden_map: bool = True  # also map a trained classifier's hidden layer
    hidden_units: int = 100
    n_jobs: int = 0  # threads for t-SNE; 0: every core
    data_dir: str = ""
    seed: int = 0
    quick: bool = False  # 2,000 images: for tests


def hidden_representation(x, labels, units, seed):
    """Train 784-units-10 (relu, softmax) for 3 epochs; return the hidden activations."""
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(units, activation="relu", input_shape=(x.shape[1],)))
    net.add(layers.Dense(10, activation="softmax"))
    net.compile(
        loss="sparse_categorical_crossentropy", optimizer=optimizers.Adam(0.002)
    )
    net.fit(x, labels, batch_size=100, epochs=3, verbose=0)
    return net.layers[0].forward(x)


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    n_images = 2_000 if config.quick else config.n_images
    (x_train, y_train), (x_test, y_test) = mnist.load_data(
        config.data_dir or None, progress=progress is not None
    )
    x_all, labels_all = (
        np.concatenate([x_train, x_test]),
        np.concatenate([y_train, y_test]),
    )
    keep = np.random.default_rng(config.seed).permutation(len(x_all))[:n_images]
    x, labels = mnist.as_float(x_all[keep]), labels_all[keep].astype(np.intp)

    inputs = {"pixels": pca(x, config.pca_components).transform(x)}
    if config.hidden_map:
        inputs["hidden"] = hidden_representation(
            x, labels, config.hidden_units, config.seed
        )
    numbers, figures = {"n_images": int(n_images)}, {}
    for name, data in inputs.items():
        result = tsne(
            data,
            perplexity=config.perplexity,
            n_iter=config.iterations,
            seed=config.seed,
            n_jobs=config.n_jobs or None,
            progress=progress,
        )
        accuracy = embedding_knn_accuracy(result.embedding, labels, k=10)
        numbers[name] = {
            "knn10_accuracy": accuracy,
            "kl_divergence": result.kl_divergence,
        }
        source = (
            f"{config.pca_components} PCA components"
            if name == "pixels"
            else f"hidden layer of a 784-{config.hidden_units}-10 classifier"
        )
        figures[f"map_{name}"] = embedding_plots.scatter_by_label(
            result.embedding,
            labels,
            title=f"t-SNE of {n_images:,} digits from the {source}\n"
            f"10-NN accuracy {accuracy:.3f}, KL {result.kl_divergence:.2f}",
        )
    return Result(numbers=numbers, figures=figures)
