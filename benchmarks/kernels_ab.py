"""The kernels' strategy choices (conv, pooling, LSTM), each against its alternative.

    OPENBLAS_NUM_THREADS=1 python benchmarks/kernels_ab.py     # one thread, as the notes

Eight comparisons, each alternative measured alternately with the choice it lost to:

* ``plane``: a one-channel first layer's forward pass and kernel gradient on the flat
  image plane (``kernels.plane``) against im2col and products, a batch of 100, for W10's
  (5x5 to 6), W4's (5x5 to 7) and W5's (3x3 to 16) first layers: median ms, alone.
* ``plane-training``: W5 trained on 1,000 random images, epochs alternating between its
  first layer (3x3 to 16) by im2col, as the rule picks, and on the plane.
* ``rows``: a layer with one or two output channels and stride 1, forward pass and
  kernel gradient summed along whole output rows (``kernels.rows``) against pixel by
  pixel (``im2col.correlate_direct``), for W5's last layer and the autoencoder's: ms.
* ``rows-training``: W5 trained on 1,000 random images, its last layer by rows or pixel
  by pixel, epochs alternating: ms per batch.
* ``pool``: the max-pool backward, compiled, against NumPy's view loop (the path without
  numba), for W10's first pool (C = 6) and W5's (C = 16): median ms, kernel alone.
* ``pool-training``: W10 trained on 1,000 random images, epochs alternating between the
  two max-pool backward passes in one process: median ms per batch and the ratio.
* ``lstm``: the LSTM's forward and backward time loops, one compiled call for the whole
  loop against a Python loop over NumPy's products with a compiled pass a step, at W6's
  size (20 units, batch 32, 300 steps, 1 feature) and W7's (128, 64, 100, 32): median
  ms, the kernel alone.
* ``recurrent-training``: W6 trained (10 steps a round), and W6 with a GRU(20) in place
  of the LSTM, the two strategies alternating in one process: steps per second.

The allocator's effect (``kernels.memory``) is measured on a whole benchmark worker, as
the module's docstring gives the commands.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from unittest import mock

import conv as nets
import numpy as np
import recurrent

from ml4phys.nn.kernels import _recurrent, conv, lstm, pool

ROUNDS = 30


def _median_ms(f, rounds=ROUNDS):
    f()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _alternating(a, b, rounds=ROUNDS):
    """Median ms of a and of b, measured in turns."""
    a(), b()
    times = ([], [])
    for _ in range(rounds):
        for k, f in enumerate((a, b)):
            start = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - start)
    return [1000 * statistics.median(t) for t in times]


def _layer_step(x, w, dz, pads):
    """Forward pass and kernel gradient of one conv layer."""
    windows = conv.Windows(x, w.shape[:2], (1, 1), pads)
    conv.correlate(windows, w)
    conv.kernel_gradient(windows, dz, w.shape)


# the alternatives: a strategy switched off for the length of a call
BY_IM2COL = mock.patch.object(conv, "_on_plane", lambda windows, shape: False)
EVERY_ONE_CHANNEL_ON_PLANE = mock.patch.object(
    conv,
    "_on_plane",
    lambda windows, shape: shape[2] == 1 and windows.strides == (1, 1),
)
WITHOUT_COMPILED_POOL = mock.patch.object(pool, "_max_backward_compiled", None)
PIXEL_BY_PIXEL = mock.patch.object(conv, "_by_rows", lambda windows, c_out: False)
LOOP_PER_STEP = mock.patch.object(_recurrent, "ONE_THREAD", 0)  # every product "large"
WHOLE_LOOP = mock.patch.object(_recurrent, "ONE_THREAD", 2**62)  # every product "small"


def plane():
    rng = np.random.default_rng(0)
    for name, k, c_out, pad in [("W10", 5, 6, 2), ("W4", 5, 7, 2), ("W5", 3, 16, 1)]:
        x = rng.random((100, 28, 28, 1), dtype=np.float32)
        w = rng.standard_normal((k, k, 1, c_out)).astype(np.float32)
        dz = rng.standard_normal((100, 28, 28, c_out)).astype(np.float32)
        arrays = (x, w, dz, ((pad, pad), (pad, pad)))
        step = functools.partial(_layer_step, *arrays)
        ms_plane, ms_columns = _alternating(step, BY_IM2COL(step))
        print(
            f"{name} first layer {k}x{k} -> {c_out}: plane {ms_plane:.2f} ms, "
            f"im2col {ms_columns:.2f} ms (the rule picks "
            f"{'the plane' if k * k >= c_out else 'im2col'})"
        )


def rows():
    rng = np.random.default_rng(0)
    cases = [
        ("W5 last layer", (100, 28, 28, 16), 3, 1),
        ("autoencoder last layer", (50, 28, 28, 20), 5, 1),
        ("autoencoder bottleneck 2", (50, 7, 7, 20), 5, 2),
    ]
    for name, shape, k, c_out in cases:
        x = rng.random(shape, dtype=np.float32)
        w = rng.standard_normal((k, k, shape[3], c_out)).astype(np.float32)
        pads = ((k // 2, k // 2), (k // 2, k // 2))

        dz = rng.standard_normal((*shape[:3], c_out)).astype(np.float32)
        step = functools.partial(_layer_step, x, w, dz, pads)
        by_rows, by_pixels = _alternating(step, PIXEL_BY_PIXEL(step))
        print(
            f"{name} ({k}x{k}, {shape[3]} -> {c_out}, batch {shape[0]}) forward and "
            f"kernel gradient: rows {by_rows:.2f} ms, pixel by pixel {by_pixels:.2f} ms"
        )


def rows_training():
    name = "W5 training: its last layer (3x3, 16 -> 1) by rows"
    _training(nets._w5_net, PIXEL_BY_PIXEL, name, "pixel by pixel", rounds=16)


def pool_kernel():
    rng = np.random.default_rng(0)
    for name, shape in [("W10", (100, 28, 28, 6)), ("W5", (100, 28, 28, 16))]:
        x = np.maximum(rng.standard_normal(shape).astype(np.float32), 0)  # after ReLU
        blocks = x.reshape(shape[0], 14, 2, 14, 2, shape[3])
        y = pool.max_of_blocks(blocks)
        delta = rng.standard_normal(y.shape).astype(np.float32)

        backward = functools.partial(pool.max_blocks_backward, blocks, y, delta)
        compiled, views = _alternating(backward, WITHOUT_COMPILED_POOL(backward))
        print(
            f"{name} first max pool (C = {shape[3]}) backward: compiled "
            f"{compiled:.2f} ms, NumPy view loop {views:.2f} ms"
        )


def _epochs(make_net, samples=1000):
    """One epoch of the net on random images (targets: the images for the autoencoder
    W5, random labels otherwise), and the number of batches of 100 in it.
    """
    net = make_net()
    rng = np.random.default_rng(0)
    x = rng.random((samples, 28, 28, 1), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, samples)]
    y = x if make_net is nets._w5_net else labels

    def epoch():
        net.fit(x, y, batch_size=100, epochs=1, verbose=0)

    return epoch, samples // 100


def _training(make_net, alternative, chosen_name, other_name, rounds=8):
    """Print ms per batch of the chosen strategy and of its alternative, epochs
    alternating in one process.
    """
    epoch, batches = _epochs(make_net)
    chosen, other = _alternating(epoch, alternative(epoch), rounds)
    print(
        f"{chosen_name} {chosen / batches:.2f}, {other_name} {other / batches:.2f} "
        f"ms per batch (ratio {other / chosen:.3f})"
    )


def plane_training():
    name = "W5 training: the 3x3 -> 16 first layer by im2col (the rule)"
    _training(nets._w5_net, EVERY_ONE_CHANNEL_ON_PLANE, name, "on the plane")


def pool_training():
    name = "W10 training: compiled max-pool backward"
    _training(nets._lenet, WITHOUT_COMPILED_POOL, name, "NumPy view loop")


def _lstm_arrays(units, batchsize, timesteps, features):
    """The kernels' buffers for one sequence, random weights and inputs."""
    rng = np.random.default_rng(0)
    rows = units + features + 1
    a = (0.3 * rng.standard_normal((4 * units, rows))).astype(np.float32)
    hx = np.zeros((timesteps + 1, rows, batchsize), np.float32)
    hx[:, units:-1] = rng.standard_normal((timesteps + 1, features, batchsize))
    hx[:, -1] = 1.0
    gates = np.empty((timesteps, 4 * units, batchsize), np.float32)
    c = np.zeros((timesteps + 1, units, batchsize), np.float32)
    tanh_c = np.empty((timesteps, units, batchsize), np.float32)
    dy = rng.standard_normal((timesteps, units, batchsize)).astype(np.float32)
    return a, hx, gates, c, tanh_c, dy


def lstm_kernels():
    for name, size in [("W6", (20, 32, 300, 1)), ("W7", (128, 64, 100, 32))]:
        a, hx, gates, c, tanh_c, dy = _lstm_arrays(*size)
        u = np.ascontiguousarray(a[:, : size[0]].T)
        zeros, dz = np.zeros_like(c[0]), np.empty_like(gates)
        forward = functools.partial(lstm.forward, a, hx, gates, c, tanh_c)
        backward = functools.partial(
            lstm.backward, u, gates, c, tanh_c, dy, zeros, zeros, dz
        )
        if _recurrent.whole_loop(a, size[1]):
            names, other = ("whole loop", "loop per step"), LOOP_PER_STEP
        else:
            names, other = ("loop per step", "whole loop"), WHOLE_LOOP
        for direction, f in (("forward", forward), ("backward", backward)):
            chosen, alternative = _alternating(f, other(f))
            print(
                f"{name} {direction}: {names[0]} (the rule) {chosen:.2f} ms, "
                f"{names[1]} {alternative:.2f} ms"
            )


def recurrent_training(rounds=10):
    from ml4phys.nn import layers, models, optimizers

    x, y = recurrent._data(32, 300, 1)
    for kind in ("LSTM", "GRU"):
        net = models.Sequential(seed=0)
        net.add(getattr(layers, kind)(20, return_sequences=True, input_shape=(300, 1)))
        net.add(layers.Dense(1))
        net.compile(loss="mean_squared_error", optimizer=optimizers.Adam())

        def steps(net=net):
            for _ in range(10):
                net.train_on_batch(x, y)

        chosen, per_step = _alternating(steps, LOOP_PER_STEP(steps), rounds)
        print(
            f"W6 training, {kind}(20): whole loop {10_000 / chosen:.1f}, loop per step "
            f"{10_000 / per_step:.1f} steps/s (ratio {per_step / chosen:.3f})"
        )


COMPARISONS = {
    "plane": plane,
    "plane-training": plane_training,
    "rows": rows,
    "rows-training": rows_training,
    "pool": pool_kernel,
    "pool-training": pool_training,
    "lstm": lstm_kernels,
    "recurrent-training": recurrent_training,
}


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or list(COMPARISONS)
    unknown = [n for n in names if n not in COMPARISONS]
    if unknown:
        print(
            f"kernels_ab.py: unknown comparison {unknown[0]!r}; choose from "
            f"{', '.join(COMPARISONS)}",
            file=sys.stderr,
        )
        return 2
    for name in names:
        COMPARISONS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
