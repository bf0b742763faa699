"""t-SNE of all of MNIST, end to end: ml4phys against scikit-learn (issue 7, T1).

T1    70,000 MNIST images (training and test) end to end: load, PCA to 50 components,
      t-SNE to 2D, 10-NN accuracy of the map, the figure saved as PNG: wall time (s) of a
      fresh Python process (its start and imports included). ml4phys runs the ``tsne``
      experiment's code path (``ml4phys.analysis.tsne``, openTSNE with FFT-accelerated
      gradients); scikit-learn its Barnes-Hut TSNE on the same 50 components, n_jobs =
      --threads (2). Target: ml4phys under 120 s.
T1b   the 10-nearest-neighbour accuracy of the digits in each map (target >= 0.97)
T1c   peak memory of each process (VmHWM, its maximum resident set size), MiB (target
      for ml4phys: under 1.5 GiB = 1,536 MiB)

Both processes run with OMP_WAIT_POLICY=PASSIVE (``ml4phys.analysis.tsne``'s default).
Each peer runs ONCE (scikit-learn takes about 8.5 minutes here), whatever --repeats
says: one round, no warm-up; T1b and T1c read the numbers of T1's runs. Quick mode:
2,000 images.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Workload

HERE = Path(__file__).resolve().parent


def _run_once(peer, n_images, n_jobs):
    """One fresh process; returns its numbers: wall time, 10-NN accuracy, KL, peak RSS."""
    with tempfile.TemporaryDirectory() as folder:
        out, png = Path(folder) / "out.json", Path(folder) / "map.png"
        args = [
            sys.executable,
            str(HERE / "_tsne_end_to_end.py"),
            peer,
            str(n_images),
            str(n_jobs),
            str(out),
            str(png),
        ]
        start = time.perf_counter()
        # OpenMP threads wait passively in both peers (ml4phys.analysis.tsne sets it for
        # its own; scikit-learn's Barnes-Hut also runs on OpenMP): a busy machine would
        # otherwise punish whichever spins more
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        subprocess.run(args, check=True, env=env)
        seconds = time.perf_counter() - start
        numbers = json.loads(out.read_text())
    numbers["seconds"] = seconds
    return numbers


# stays whole: T1, T1b and T1c read one run per peer, through the closures once and metric
def workloads(quick=False):
    try:
        import openTSNE  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as error:
        print(f"benchmarks/tsne.py: {error.name} is not installed; T1 skipped")
        return []
    from ml4phys.data import mnist

    if mnist.find() is None:
        raise FileNotFoundError("MNIST not found: set ML4PHYS_DATA=DIR with DIR/mnist/")
    n_images = 2_000 if quick else 70_000
    n_jobs = int(os.environ.get("OMP_NUM_THREADS", "2"))
    runs = {}

    def once(peer):
        if peer not in runs:
            runs[peer] = _run_once(peer, n_images, n_jobs)
            t1.notes[f"{peer}: t-SNE map KL divergence"] = (
                f"{runs[peer]['kl_divergence']:.3f}"
            )
            t1.notes[f"{peer}: seconds in the process, its start excluded"] = (
                f"{runs[peer]['seconds_after_start']:.1f}"
            )
        return runs[peer]

    def metric(peer, key):
        return lambda: once(peer)[key]

    peers = ("ml4phys", "sklearn")
    what = (
        f"t-SNE of {n_images:,} MNIST images end to end (load, PCA 50, t-SNE, figure)"
    )
    once_only = {"repeats": 1, "warmup": False}
    t1 = Workload(
        name="T1",
        title=f"{what} (target: ml4phys < 120 s)",
        unit="s",
        higher_is_better=False,
        runners={p: metric(p, "seconds") for p in peers},
        **once_only,
    )
    return [
        t1,
        Workload(
            name="T1b",
            title="the same maps: 10-NN accuracy of the digits (target >= 0.97)",
            unit="accuracy",
            higher_is_better=True,
            runners={p: metric(p, "knn10_accuracy") for p in peers},
            **once_only,
        ),
        Workload(
            name="T1c",
            title="the same runs: peak resident memory of the process "
            "(target: ml4phys < 1,536 MiB)",
            unit="MiB",
            higher_is_better=False,
            runners={p: metric(p, "peak_rss_mib") for p in peers},
            **once_only,
        ),
    ]
