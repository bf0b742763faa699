"""One end-to-end t-SNE run of MNIST, for benchmarks/tsne.py (run in a fresh process, so
that its peak memory is its own). Writes one JSON object to the file OUT.

    python _tsne_end_to_end.py ml4phys|sklearn N_IMAGES N_JOBS OUT FIGURE.png

ml4phys: the ``tsne`` experiment's own code path (``ml4phys.lab.tsne.run`` without the
hidden-layer map: load, PCA to 50, ``ml4phys.analysis.tsne``, 10-NN accuracy, figure).
sklearn: the same images, the same 50 PCA components (``ml4phys.analysis.pca``), then
scikit-learn's Barnes-Hut TSNE (its defaults: perplexity 30, PCA initialization, learning
rate 'auto', 1,000 iterations), the same 10-NN accuracy and figure.
"""

import json
import resource
import sys
import time


def _ml4phys(n_images, n_jobs):
    from ml4phys.lab import tsne as experiment

    result = experiment.run(
        experiment.Config(n_images=n_images, hidden_map=False, n_jobs=n_jobs)
    )
    numbers = result.numbers["pixels"]
    return (
        result.figures["map_pixels"],
        numbers["knn10_accuracy"],
        numbers["kl_divergence"],
    )


def _sklearn(n_images, n_jobs):
    import numpy as np
    from sklearn.manifold import TSNE

    from ml4phys.analysis.pca import pca
    from ml4phys.analysis.tsne import embedding_knn_accuracy
    from ml4phys.data import mnist
    from ml4phys.plots.embedding import scatter_by_label

    (x_train, y_train), (x_test, y_test) = mnist.load_data(progress=False)
    x_all = np.concatenate([x_train, x_test])
    labels_all = np.concatenate([y_train, y_test])
    keep = np.random.default_rng(0).permutation(len(x_all))[
        :n_images
    ]  # as the lab does
    x, labels = mnist.as_float(x_all[keep]), labels_all[keep].astype(np.intp)
    inputs = pca(x, 50).transform(x)
    model = TSNE(n_components=2, method="barnes_hut", n_jobs=n_jobs, random_state=0)
    embedding = model.fit_transform(inputs)
    accuracy = embedding_knn_accuracy(embedding, labels, k=10)
    figure = scatter_by_label(
        embedding, labels, title=f"scikit-learn t-SNE, 10-NN accuracy {accuracy:.3f}"
    )
    return figure, accuracy, float(model.kl_divergence_)


def main(peer, n_images, n_jobs, out, png):
    start = time.perf_counter()
    figure, accuracy, kl = {"ml4phys": _ml4phys, "sklearn": _sklearn}[peer](
        int(n_images), int(n_jobs)
    )
    figure.savefig(png, dpi=100)
    seconds = time.perf_counter() - start
    with open(out, "w") as file:
        json.dump(
            {
                "seconds_after_start": seconds,
                "knn10_accuracy": accuracy,
                "kl_divergence": kl,
                "peak_rss_mib": _peak_rss_mib(),
            },
            file,
        )


def _peak_rss_mib():
    """The peak resident memory of this process since its exec: VmHWM.

    Not ru_maxrss: Linux carries the forking parent's peak over into the child's
    ru_maxrss, so a big parent would inflate it.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB -> MiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


if __name__ == "__main__":
    main(*sys.argv[1:])
