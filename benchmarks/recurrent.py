"""Recurrent workloads: an LSTM with a Dense read-out at every step, trained with Adam.

W6: LSTM(20, return_sequences=True) + Dense(1), batch 32, 300 steps, 1 feature: small
    matrices, so the cost is the number of array operations per time step.
W7: LSTM(128, return_sequences=True) + Dense(1), batch 64, 100 steps, 32 features: the
    matrix products weigh more.
The peer is torch.nn.LSTM(batch_first=True) + Linear in eager mode (a fused C++ cell per
step). Metric: training steps per second (forward, backward, Adam step). The "ceiling"
note times the matrix products of one training step alone (a product per time step
forward and backward, and the weight gradients over all steps), the least time any NumPy
implementation of the same algorithm needs on this BLAS.
"""

from __future__ import annotations

import time

import numpy as np
from harness import Workload, lazy

REPEAT_STEPS = 10  # training steps per measured repetition


def _data(batchsize, timesteps, features, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batchsize, timesteps, features)).astype(np.float32)
    y = np.sin(np.cumsum(x[..., :1], axis=1) * 0.1).astype(np.float32)
    return x, y


def _ml4phys_runner(units, batchsize, timesteps, features, steps):
    from ml4phys.nn import layers, models, optimizers

    x, y = _data(batchsize, timesteps, features)
    net = models.Sequential(seed=0)
    net.add(
        layers.LSTM(units, return_sequences=True, input_shape=(timesteps, features))
    )
    net.add(layers.Dense(1))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam())

    def run():
        start = time.perf_counter()
        for _ in range(steps):
            net.train_on_batch(x, y)
        return steps / (time.perf_counter() - start)

    return run


def _pytorch_runner(units, batchsize, timesteps, features, steps):
    import torch

    torch.manual_seed(0)
    x, y = (torch.from_numpy(a) for a in _data(batchsize, timesteps, features))
    lstm = torch.nn.LSTM(features, units, batch_first=True)
    linear = torch.nn.Linear(units, 1)
    optimizer = torch.optim.Adam(
        [*lstm.parameters(), *linear.parameters()], lr=1e-3, eps=1e-7
    )

    def step():
        optimizer.zero_grad()
        out, _ = lstm(x)
        loss = torch.mean((linear(out) - y) ** 2)
        loss.backward()
        optimizer.step()

    def run():
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return steps / (time.perf_counter() - start)

    return run


def _matmul_seconds(units, batchsize, timesteps, features, repeats=5):
    """Time of the matrix products of one LSTM training step, as ml4phys issues them."""
    rng = np.random.default_rng(0)
    rows = units + features + 1  # the column [h_{t-1}; x_t; 1]
    a = rng.normal(size=(4 * units, rows)).astype(np.float32)
    u = rng.normal(size=(units, 4 * units)).astype(np.float32)
    hx = rng.normal(size=(timesteps, rows, batchsize)).astype(np.float32)
    dz = rng.normal(size=(timesteps, 4 * units, batchsize)).astype(np.float32)
    z, dh = (
        np.empty((4 * units, batchsize), np.float32),
        np.empty((units, batchsize), np.float32),
    )
    hx_all = hx.reshape(rows, -1)  # stand-ins of the same shapes for the products after
    dz_all = dz.reshape(4 * units, -1)  # the loop (their contents do not matter)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for t in range(timesteps):
            np.dot(a, hx[t], out=z)  # forward: z_t = [U; W; b]^T [h; x; 1]
            np.dot(u, dz[t], out=dh)  # backward: dC/dh_{t-1} = U dz_t
        hx_all @ dz_all.T  # weight gradients over all steps
        best = min(best, time.perf_counter() - start)
    return best


def workloads(quick=False):
    steps = 2 if quick else REPEAT_STEPS
    specs = [
        (
            "W6",
            "LSTM(20, seq) + Dense(1), batch 32, 300 steps, 1 feature, Adam",
            (20, 32, 30 if quick else 300, 1),
        ),
        (
            "W7",
            "LSTM(128, seq) + Dense(1), batch 64, 100 steps, 32 features, Adam",
            (128, 64, 10 if quick else 100, 32),
        ),
    ]
    result = []
    for name, title, args in specs:
        seconds = _matmul_seconds(*args)
        result.append(
            Workload(
                name=name,
                title=title,
                unit="steps/s",
                higher_is_better=True,
                target=1.0,
                runners={
                    "ml4phys": lazy(_ml4phys_runner, *args, steps),
                    "pytorch": lazy(_pytorch_runner, *args, steps),
                },
                notes={
                    "matrix products alone": f"{seconds * 1e3:.2f} ms per step = ceiling "
                    f"{1 / seconds:,.1f} steps/s"
                },
                ceiling=1 / seconds,
            )
        )
    return result
