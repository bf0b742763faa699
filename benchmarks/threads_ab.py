"""A conv net's training with its kernels on two batch halves, against one thread each.

    python benchmarks/threads_ab.py W4 --rounds 4      # W4, W5, W10 or W11

Each round trains the workload's ml4phys net (``conv.py``) on random images twice, each
in a process of its own, alternating, with two threads: ``serial`` (every kernel on one
thread, the products on OpenBLAS's two) and ``halves`` (``kernels.threads``: OpenBLAS on
one thread for the whole step, the kernels on the two halves of each batch at once),
whatever ``kernels.threads.PRODUCT_LIMIT`` would choose for the net. Prints seconds per
epoch of 50,000 (each process: the best of three passes over 2,000 samples, by
``train_on_batch``) and the ratio of their medians and of their bests.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _train(workload, mode):
    """One process: s/epoch of 50,000, the best of three passes over 2,000 samples."""
    sys.path.insert(0, HERE)
    import conv
    import numpy as np

    from ml4phys.nn.kernels import threads

    threads.PRODUCT_LIMIT = math.inf if mode == "halves" else -1
    make = {"W4": conv._w4_net, "W5": conv._w5_net, "W10": conv._lenet}
    make["W11"] = conv._wide
    n, batchsize = 2000, 100
    rng = np.random.default_rng(0)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = x if workload == "W5" else np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    net = make[workload]()
    for start in range(0, 2 * batchsize, batchsize):  # compile, warm up
        net.train_on_batch(x[start : start + batchsize], y[start : start + batchsize])
    best = float("inf")
    for _ in range(3):
        begin = time.perf_counter()
        for start in range(0, n, batchsize):
            net.train_on_batch(
                x[start : start + batchsize], y[start : start + batchsize]
            )
        best = min(best, (time.perf_counter() - begin) * 50000 / n)
    print(f"{best:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["W4", "W5", "W10", "W11"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--worker", choices=["serial", "halves"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        _train(args.workload, args.worker)
        return
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, received {args.rounds}")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "NUMBA_NUM_THREADS": "2"}
    times = {"serial": [], "halves": []}
    for _ in range(args.rounds):
        for mode in times:
            command = [sys.executable, __file__, args.workload, "--worker", mode]
            out = subprocess.run(command, env=env, capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            times[mode].append(float(out.stdout.split()[-1]))
    for mode, seconds in times.items():
        print(
            f"{args.workload} {mode} s/epoch: " + ", ".join(f"{t:.2f}" for t in seconds)
        )
    best = min(times["serial"]) / min(times["halves"])
    median = statistics.median(times["serial"]) / statistics.median(times["halves"])
    print(
        f"{args.workload} serial / halves: {median:.2f} (medians), {best:.2f} (bests)"
    )


if __name__ == "__main__":
    main()
