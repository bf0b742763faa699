"""Where a conv workload's time goes: seconds per epoch and the share of every layer.

    python benchmarks/profile_conv.py W10                 # W4, W5, W10 or W11
    python benchmarks/profile_conv.py W11 --samples 1000
    OPENBLAS_NUM_THREADS=1 python benchmarks/profile_conv.py W10   # threads: environment

Trains the workload's ml4phys net (``conv.py``) on random images for one warm-up epoch
and three timed ones (the best is reported, scaled to 50,000 samples), then prints the
time of each layer's forward and backward pass in the last epoch.
"""

from __future__ import annotations

import argparse
import collections
import time

import conv
import numpy as np

NETS = {"W4": conv._w4_net, "W5": conv._w5_net, "W10": conv._lenet, "W11": conv._wide}


def _timed(layer, times):
    """Wrap the layer's forward and backward so that they add their time to ``times``."""
    forward, backward = layer.forward, layer.backward

    def timed_forward(x, training=False):
        start = time.perf_counter()
        y = forward(x, training)
        times[f"{layer.name} forward"] += time.perf_counter() - start
        return y

    def timed_backward(delta):
        start = time.perf_counter()
        d = backward(delta)
        times[f"{layer.name} backward"] += time.perf_counter() - start
        return d

    layer.forward, layer.backward = timed_forward, timed_backward


def _whole_batches(text):
    """--samples: a positive multiple of the batch size, 100 (the timed epochs' size)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 100 or value % 100:
        raise argparse.ArgumentTypeError(
            f"must be a positive multiple of the batch size 100, received {text}"
        )
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(NETS))
    parser.add_argument(
        "--samples",
        type=_whole_batches,
        default=3000,
        help="training images, a multiple of the batch size 100 (default: 3000)",
    )
    args = parser.parse_args()
    net = NETS[args.workload]()
    rng = np.random.default_rng(0)
    x = rng.random((args.samples, 28, 28, 1), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, args.samples)]
    y = x if args.workload == "W5" else labels
    times = collections.defaultdict(float)
    for layer in net.layers:
        _timed(layer, times)
    net.fit(x[:300], y[:300], batch_size=100, epochs=1, verbose=0)  # compiles, warms
    best = float("inf")
    for _ in range(3):
        times.clear()
        start = time.perf_counter()
        net.fit(x, y, batch_size=100, epochs=1, verbose=0)
        best = min(best, time.perf_counter() - start)
    print(f"{args.workload}: {best * 50_000 / args.samples:.2f} s per epoch of 50,000")
    total = sum(times.values())
    for name, seconds in times.items():
        share = seconds / total
        print(
            f"  {name:28s} {1000 * seconds / (args.samples / 100):7.2f} ms/batch {share:5.0%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
