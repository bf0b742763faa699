"""The lecture's dense networks: ml4phys against PyTorch eager (issue W1-W3).

W1  2-150-150-100-1 ReLU, MSE, Adam, batch 1000 (the lecture's image network): samples/s
W2  the same net, batch 20, a Python loop of train_on_batch (the lecture's loop): steps/s
W3  784-800-10 ReLU + softmax, cross-entropy, SGD, batch 100, one epoch of 50,000: s/epoch

Both peers get the same data, the same initial weights and the same thread count. The
"ceiling" note times the matrix products of one step alone (NumPy/OpenBLAS), the least
time any implementation on this BLAS needs.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from harness import Workload, epoch_runners

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


def _keras_net(net, loss, optimizer):
    """The same network in Keras 3 (the lecture's framework) with the same weights, or
    None where Keras is not installed. Keras takes our weights as they are: same layouts.
    """
    try:
        import keras
    except ImportError:
        return None
    model = keras.Sequential(
        [keras.Input(shape=net.input_shape)]
        + [
            keras.layers.Dense(layer.units, activation=layer.activation.name)
            for layer in net.layers
        ]
    )
    model.set_weights(net.get_weights())
    model.compile(loss=loss, optimizer=optimizer)
    return model


def _image_batches(n_batches, batchsize, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.5, 0.5, size=(n_batches, batchsize, 2)).astype(np.float32)
    y = (np.exp(-5 * (x**2).sum(axis=-1, keepdims=True))).astype(np.float32)
    return x, y


def _loop_workload(name, title, batchsize, n_batches, unit, per_step_metric):
    """W1 and W2: a Python loop of train_on_batch over prepared batches."""
    import torch

    sizes = (2, 150, 150, 100, 1)
    x, y = _image_batches(n_batches, batchsize)
    net = _ml4phys_net(sizes, "relu", "linear", "mean_squared_error", optimizers.Adam())
    model = _torch_net(net)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    def run_ml4phys():
        start = time.perf_counter()
        for k in range(n_batches):
            net.train_on_batch(x[k], y[k])
        return per_step_metric(time.perf_counter() - start)

    def run_torch():
        start = time.perf_counter()
        for k in range(n_batches):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_t[k]), y_t[k])
            loss.backward()
            opt.step()
        return per_step_metric(time.perf_counter() - start)

    runners = {"ml4phys": run_ml4phys, "pytorch": run_torch}
    keras_model = _keras_net(net, "mean_squared_error", "adam")
    if keras_model is not None:

        def run_keras():
            start = time.perf_counter()
            for k in range(n_batches):
                keras_model.train_on_batch(x[k], y[k])
            return per_step_metric(time.perf_counter() - start)

        runners["keras"] = run_keras
    notes, ceiling = {}, None
    if batchsize >= 1000:
        seconds = _matmul_seconds(sizes, batchsize)
        ceiling = batchsize / seconds
        notes["matrix products alone"] = (
            f"{seconds * 1e3:.2f} ms per step = ceiling {ceiling:,.0f} samples/s"
        )
    return Workload(
        name,
        title,
        unit,
        True,
        runners,
        target={"W1": 1.1, "W2": 2.5}[name],
        notes=notes,
        ceiling=ceiling,
    )


def _matmul_seconds(sizes, batchsize, repeats=20):
    """Time of the matrix products of one training step (forward, dW, and deltas below)."""
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=(a, b)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
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


def _w3(quick):
    import torch

    n, batchsize = (5000, 100) if quick else (50000, 100)
    rng = np.random.default_rng(2)
    x = rng.random((n, 784), dtype=np.float32)  # MNIST-sized inputs in [0, 1)
    labels = rng.integers(0, 10, n)
    y = np.eye(10, dtype=np.float32)[labels]
    sizes = (784, 800, 10)
    net = _ml4phys_net(
        sizes, "relu", "softmax", "categorical_crossentropy", optimizers.SGD(0.1)
    )
    model = _torch_net(net)  # the softmax is inside torch's CrossEntropyLoss
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_t, labels_t = torch.from_numpy(x), torch.from_numpy(labels)
    keras_model = _keras_net(net, "categorical_crossentropy", "sgd")
    if keras_model is not None:
        keras_model.optimizer.learning_rate = 0.1
    runners = epoch_runners(
        net, model, opt, loss_fn, x, y, x_t, labels_t, batchsize, keras_model
    )
    ceiling = _matmul_seconds(sizes, batchsize) * 50000 / batchsize
    data_bytes = x.nbytes + y.nbytes
    peak = _peak_fit_memory(net, x, y, batchsize)
    notes = {
        "matrix products alone": f"{ceiling:.2f} s per epoch (the ceiling)",
        "peak memory of fit (tracemalloc, beyond the data)": f"{peak / 2**20:.1f} MiB"
        f" = {peak / data_bytes:.3f} x the data "
        f"({data_bytes / 2**20:.0f} MiB); total {1 + peak / data_bytes:.2f} x",
    }
    return Workload(
        "W3",
        "784-800-10 relu+softmax, cross-entropy, SGD, batch 100",
        "s/epoch",
        False,
        runners,
        target=1.15,
        notes=notes,
        ceiling=ceiling,
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
