"""Kernels on two OpenMP batch halves, OpenBLAS on one thread: a prototype, not shipped.

A conv net's training step with the BLAS on one thread for the whole step and the
kernels' two batch halves on numba's OpenMP threads, against the engine as it is.

    python benchmarks/omp_halves.py W10 --rounds 2      # W4, W5, W10 or W11

Each round trains the workload's ml4phys net (``conv.py``) on random images twice, each
in a process of its own, alternating: ``engine`` (the engine as it is: OpenBLAS on two
threads, every compiled kernel on one) and ``halves`` (OpenBLAS on one thread for the
whole step; the one-channel plane sums, their kernel gradient, max pooling and col2im
replaced by compiled wrappers that run the two halves of the batch in a ``prange``).
Prints seconds per epoch of 50,000 (each process: the best of three passes over 2,000
samples) and the ratio of their medians and of their bests.

Why a prototype: the halves must run on threads that wait for work by spinning (numba's
OpenMP layer) because waking a sleeping thread costs 60 microseconds on these machines
(a Python thread pool: slower than the serial kernels), and OpenMP threads beside
OpenBLAS's spinning idle worker are slower still; so the BLAS must stay on one thread for
the whole step, which helps W4 and W10 (small products) and hurts W5 (larger products,
on one thread here). Shipping it needs that choice made per network, beneath the layers.
The wrappers compute every sample as the kernels do, and the kernel gradient adds the
samples' sums in order: the same numbers as the engine's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _install_halves():
    """Replace four kernels by wrappers that run their batch halves in a prange."""
    import numpy as np
    from numba import njit, prange

    from ml4phys.nn.kernels import conv, im2col, plane, pool

    correlate = plane.correlate_plane.dispatcher()
    plane_gradient = plane.kernel_gradient_plane.dispatcher()
    max_forward = pool._max_compiled.dispatcher()
    max_backward = pool._max_backward_compiled.dispatcher()
    add_rows = im2col._add_window_rows.dispatcher()

    @njit(parallel=True, cache=True)
    def plane_halves(x_flat, w, bias, wp, z):
        half = (len(z) + 1) // 2
        for k in prange(2):
            s = slice(k * half, min(len(z), (k + 1) * half))
            correlate(x_flat[s], w, bias, wp, z[s])

    @njit(parallel=True, cache=True)
    def plane_gradient_halves(x_flat, dz, wp, dw):
        half = (len(dz) + 1) // 2
        kh, kw, c_out = dw.shape
        sums = np.zeros((len(dz), kh, kw, c_out))  # float64: each sample's exact totals
        for k in prange(2):
            for b in range(k * half, min(len(dz), (k + 1) * half)):
                plane_gradient(x_flat[b : b + 1], dz[b : b + 1], wp, sums[b])
        for b in range(len(dz)):  # in order, as the engine's loop
            dw += sums[b]

    @njit(parallel=True, cache=True)
    def max_halves(blocks, y):
        half = (len(y) + 1) // 2
        for k in prange(2):
            s = slice(k * half, min(len(y), (k + 1) * half))
            max_forward(blocks[s], y[s])

    @njit(parallel=True, cache=True)
    def max_backward_halves(blocks, y, delta, dx):
        half = (len(y) + 1) // 2
        for k in prange(2):
            s = slice(k * half, min(len(y), (k + 1) * half))
            max_backward(blocks[s], y[s], delta[s], dx[s])

    @njit(parallel=True, cache=True)
    def col2im_halves(dcols, kh, kw, sh, sw, top, left, ho, wo, dx):
        half, rows = (len(dx) + 1) // 2, ho * wo
        for k in prange(2):
            start, stop = k * half, min(len(dx), (k + 1) * half)
            part = dcols[start * rows : stop * rows]
            add_rows(part, kh, kw, sh, sw, top, left, ho, wo, dx[start:stop])

    conv.correlate_plane, conv.kernel_gradient_plane = (
        plane_halves,
        plane_gradient_halves,
    )
    pool._max_compiled, pool._max_backward_compiled = max_halves, max_backward_halves
    im2col._add_window_rows = col2im_halves


def _train(workload, mode):
    """One process: s/epoch of 50,000, the best of three passes over 2,000 samples."""
    sys.path.insert(0, HERE)
    import conv
    import numpy as np

    if mode == "halves":
        _install_halves()
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


def _environment(mode):
    env = dict(os.environ)
    if mode == "halves":
        env.update(
            OPENBLAS_NUM_THREADS="1", NUMBA_NUM_THREADS="2", NUMBA_THREADING_LAYER="omp"
        )
    else:
        env.update(OPENBLAS_NUM_THREADS="2")
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["W4", "W5", "W10", "W11"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--worker", choices=["engine", "halves"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        _train(args.workload, args.worker)
        return
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, received {args.rounds}")
    times = {"engine": [], "halves": []}
    for _ in range(args.rounds):
        for mode in times:
            command = [sys.executable, __file__, args.workload, "--worker", mode]
            out = subprocess.run(
                command, env=_environment(mode), capture_output=True, text=True
            )
            if out.returncode:
                sys.exit(out.stderr)
            times[mode].append(float(out.stdout.split()[-1]))
    for mode, seconds in times.items():
        print(
            f"{args.workload} {mode:7s} s/epoch: "
            + ", ".join(f"{t:.2f}" for t in seconds)
        )
    best = min(times["engine"]) / min(times["halves"])
    median = statistics.median(times["engine"]) / statistics.median(times["halves"])
    print(
        f"{args.workload} engine / halves: {median:.2f} (medians), {best:.2f} (bests)"
    )


if __name__ == "__main__":
    main()
