"""The lecture's dense networks: ml4phys against PyTorch eager (issue W1-W3).

W1  2-150-150-100-1 ReLU, MSE, Adam, batch 1000 (the lecture's image network): samples/s
W2  the same net, batch 20, a Python loop of train_on_batch (the lecture's loop): steps/s
W3  784-800-10 ReLU + softmax, cross-entropy, SGD, batch 100, one epoch of 50,000: s/epoch

Both peers get the same data, the same initial weights and the same thread count, each
in its own process. The "ceiling" note times the matrix products of one step alone
(NumPy/OpenBLAS), the least time any implementation on this BLAS needs.
"""

from __future__ import annotations

import itertools
import time
import tracemalloc

import numpy as np
from harness import Workload, epoch_runners, lazy

from ml4phys.nn import layers, models, optimizers


def _ml4phys_net(sizes, hidden, output, loss, optimizer, seed=0):
    net = models.Sequential(seed=seed)
    for i, units in enumerate(sizes[1:]):
        last = i == len(sizes) - 2
        net.add(
            layers.Dense(
                units,
                activation=output if last else hidden,
                input_shape=(sizes[0],) if i == 0 else None,
            )
        )
    net.compile(loss=loss, optimizer=optimizer)
    return net


def _torch_net(net):
    """The same network in PyTorch, with the same initial weights."""
    import torch

    modules = []
    for layer in net.layers:
        w, b = layer.get_weights()
        linear = torch.nn.Linear(*w.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))  # torch keeps (out, in)
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if layer.activation.name == "relu":
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def _image_batches(n_batches, batchsize, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.5, 0.5, size=(n_batches, batchsize, 2)).astype(np.float32)
    y = (np.exp(-5 * (x**2).sum(axis=-1, keepdims=True))).astype(np.float32)
    return x, y


# stays whole: one workload's data, both peers' runners and its ceiling note, side by side
def _loop_workload(name, title, batchsize, n_batches, unit, per_step_metric):
    """W1 and W2: a Python loop of train_on_batch over prepared batches."""
    sizes = (2, 150, 150, 100, 1)

    def new_net():
        return _ml4phys_net(
            sizes, "relu", "linear", "mean_squared_error", optimizers.Adam()
        )

    def make_ml4phys():
        x, y = _image_batches(n_batches, batchsize)
        net = new_net()

        def run():
            start = time.perf_counter()
            for k in range(n_batches):
                net.train_on_batch(x[k], y[k])
            return per_step_metric(time.perf_counter() - start)

        return run

    def make_torch():
        import torch

        x, y = _image_batches(n_batches, batchsize)
        model = _torch_net(new_net())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.MSELoss()
        x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

        def run():
            start = time.perf_counter()
            for k in range(n_batches):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x_t[k]), y_t[k])
                loss.backward()
                opt.step()
            return per_step_metric(time.perf_counter() - start)

        return run

    def extras():
        if batchsize < 1000:
            return {}
        seconds = _matmul_seconds(sizes, batchsize)
        ceiling = batchsize / seconds
        note = f"{seconds * 1e3:.2f} ms per step = ceiling {ceiling:,.0f} samples/s"
        return {"notes": {"matrix products alone": note}, "ceiling": ceiling}

    return Workload(
        name,
        title,
        unit,
        True,
        {"ml4phys": lazy(make_ml4phys), "pytorch": lazy(make_torch)},
        target={"W1": 1.1, "W2": 2.5}[name],
        extras=extras,
    )


def _matmul_seconds(sizes, batchsize, repeats=20):
    """Time of the matrix products of one training step (forward, dW, and deltas below)."""
    rng = np.random.default_rng(0)
    ws = [
        rng.normal(size=(a, b)).astype(np.float32) for a, b in itertools.pairwise(sizes)
    ]
    ys = [rng.normal(size=(batchsize, n)).astype(np.float32) for n in sizes]

    def step():
        for i, w in enumerate(ws):
            ys[i] @ w
            ys[i].T @ ys[i + 1]
            if i > 0:
                ys[i + 1] @ w.T

    step()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - start) / repeats


# stays whole: one workload's data, both peers' runners and its memory note, side by side
def _w3(quick):
    n, batchsize = (5000, 100) if quick else (10000, 100)
    sizes = (784, 800, 10)

    def data():
        rng = np.random.default_rng(2)
        x = rng.random((n, 784), dtype=np.float32)  # MNIST-sized inputs in [0, 1)
        labels = rng.integers(0, 10, n)
        return x, labels, np.eye(10, dtype=np.float32)[labels]

    def new_net():
        return _ml4phys_net(
            sizes, "relu", "softmax", "categorical_crossentropy", optimizers.SGD(0.1)
        )

    def build_ml4phys():
        x, _, y = data()
        return new_net(), x, y

    def build_torch():
        import torch

        x, labels, _ = data()
        model = _torch_net(new_net())  # the softmax is inside torch's CrossEntropyLoss
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = torch.nn.CrossEntropyLoss()
        return model, opt, loss_fn, torch.from_numpy(x), torch.from_numpy(labels)

    def extras():
        ceiling = _matmul_seconds(sizes, batchsize) * 50000 / batchsize
        x, _, y = data()
        data_bytes = x.nbytes + y.nbytes
        peak = _peak_fit_memory(new_net(), x, y, batchsize)
        notes = {
            "matrix products alone": f"{ceiling:.2f} s per epoch (the ceiling)",
            "peak memory of fit (tracemalloc, beyond the data)": f"{peak / 2**20:.1f} "
            f"MiB = {peak / data_bytes:.3f} x the data ({data_bytes / 2**20:.0f} MiB)",
        }
        return {"notes": notes, "ceiling": ceiling}

    return Workload(
        "W3",
        "784-800-10 relu+softmax, cross-entropy, SGD, batch 100",
        "s/epoch",
        False,
        epoch_runners(build_ml4phys, build_torch, batchsize),
        target=1.0,
        extras=extras,
    )


def _peak_fit_memory(net, x, y, batchsize):
    """Largest memory allocated during one epoch of fit, beyond the data already held."""
    n = min(len(x), 5000)
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    net.fit(x[:n], y[:n], batch_size=batchsize, epochs=1, verbose=0)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def workloads(quick=False):
    n1, n2 = (20, 200) if quick else (200, 2000)
    return [
        _loop_workload(
            "W1",
            "2-150-150-100-1 relu, MSE, Adam, batch 1000",
            1000,
            n1,
            "samples/s",
            lambda seconds: 1000 * n1 / seconds,
        ),
        _loop_workload(
            "W2",
            "same net, batch 20, loop of train_on_batch",
            20,
            n2,
            "steps/s",
            lambda seconds: n2 / seconds,
        ),
        _w3(quick),
    ]
