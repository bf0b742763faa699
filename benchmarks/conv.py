"""The lecture's convolutional networks: ml4phys against PyTorch eager.

W4  the simple conv net on 28x28x1 (Conv2D 7@5x5 relu same, AveragePooling2D 4, Flatten,
    Dense 10 softmax), SGD lr 1.0, batch 100: seconds per epoch of 50,000
W5  a conv autoencoder on 28x28x1 (Conv2D 16@3x3 relu, MaxPooling2D 2, Conv2D 8@3x3 relu,
    MaxPooling2D 2, Conv2D 8@3x3 relu, UpSampling2D 2, Conv2D 16@3x3 relu, UpSampling2D 2,
    Conv2D 1@3x3 linear; all 'same'), MSE, Adam, batch 100: training samples/s
W10 LeNet-5 style (Conv2D 6@5x5 relu same, MaxPooling2D 2, Conv2D 16@5x5 relu valid,
    MaxPooling2D 2, Flatten, Dense 120 relu, 84 relu, 10 softmax), Adam, batch 100:
    seconds per epoch of 50,000
W11 the wide conv net of the distorted-MNIST row without its dropout (Conv2D 32, 32,
    MaxPooling2D 2, Conv2D 64, 64, MaxPooling2D 2, all 3x3 relu valid, Flatten, Dense 128
    relu, Dense 10 softmax), Adam, batch 100: seconds per epoch of 50,000

Both peers get the same data, the same initial weights and the same thread count, each in
its own process. The "ceiling" of W10 and W11 is the time of the network's convolution
products alone as single GEMMs (im2col shapes, forward, kernel and input gradients) on
NumPy's BLAS: the share shows how close a training step runs to the machine's matrix
product peak.
"""

from __future__ import annotations

import time

import numpy as np
from harness import Workload, epoch_runners, lazy

from ml4phys.nn import layers, models, optimizers

AUTOENCODER = [  # (kind, argument): the W5 stack
    ("conv", 16),
    ("maxpool", 2),
    ("conv", 8),
    ("maxpool", 2),
    ("conv", 8),
    ("upsample", 2),
    ("conv", 16),
    ("upsample", 2),
    ("conv_linear", 1),
]


def _w4_net():
    net = models.Sequential(seed=0)
    net.add(
        layers.Conv2D(
            7, [5, 5], activation="relu", padding="same", input_shape=(28, 28, 1)
        )
    )
    net.add(layers.AveragePooling2D(pool_size=4))
    net.add(layers.Flatten())
    net.add(layers.Dense(10, activation="softmax"))
    net.compile(
        loss="categorical_crossentropy", optimizer=optimizers.SGD(learning_rate=1.0)
    )
    return net


def _w5_net():
    net = models.Sequential(seed=0)
    for i, (kind, n) in enumerate(AUTOENCODER):
        shape = {"input_shape": (28, 28, 1)} if i == 0 else {}
        if kind.startswith("conv"):
            activation = None if kind == "conv_linear" else "relu"
            net.add(layers.Conv2D(n, 3, padding="same", activation=activation, **shape))
        elif kind == "maxpool":
            net.add(layers.MaxPooling2D(n))
        else:
            net.add(layers.UpSampling2D(n))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam())
    return net


def _lenet():
    L = layers
    net = models.Sequential(seed=0)
    net.add(L.Conv2D(6, 5, activation="relu", padding="same", input_shape=(28, 28, 1)))
    net.add(L.MaxPooling2D(2))  # (14, 14, 6)
    net.add(L.Conv2D(16, 5, activation="relu"))  # (10, 10, 16)
    net.add(L.MaxPooling2D(2))  # (5, 5, 16)
    net.add(L.Flatten())
    net.add(L.Dense(120, activation="relu"))
    net.add(L.Dense(84, activation="relu"))
    net.add(L.Dense(10, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizers.Adam())
    return net


def _wide():
    L = layers
    net = models.Sequential(seed=0)
    net.add(L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)))
    net.add(L.Conv2D(32, 3, activation="relu"))
    net.add(L.MaxPooling2D(2))  # (12, 12, 32)
    net.add(L.Conv2D(64, 3, activation="relu"))
    net.add(L.Conv2D(64, 3, activation="relu"))
    net.add(L.MaxPooling2D(2))  # (4, 4, 64)
    net.add(L.Flatten())
    net.add(L.Dense(128, activation="relu"))
    net.add(L.Dense(10, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizers.Adam())
    return net


def _torch_net(net):
    """The same network in PyTorch (NCHW), with the same initial weights."""
    import torch

    modules, shape = [], net.input_shape
    for layer in net.layers:
        name = type(layer).__name__
        if name == "Conv2D":
            w, b = layer.get_weights()
            kh = w.shape[0]
            padding = kh // 2 if layer.padding == "same" else 0
            conv = torch.nn.Conv2d(w.shape[2], w.shape[3], kh, padding=padding)
            with torch.no_grad():  # (kh, kw, c_in, c_out) -> (c_out, c_in, kh, kw)
                conv.weight.copy_(torch.from_numpy(w.transpose(3, 2, 0, 1).copy()))
                conv.bias.copy_(torch.from_numpy(b))
            modules.append(conv)
        elif name == "AveragePooling2D":
            modules.append(torch.nn.AvgPool2d(layer.pool_size))
        elif name == "MaxPooling2D":
            modules.append(torch.nn.MaxPool2d(layer.pool_size))
        elif name == "UpSampling2D":
            modules.append(torch.nn.Upsample(scale_factor=layer.size, mode="nearest"))
        elif name == "Flatten":
            modules.append(torch.nn.Flatten())
        elif name == "Dense":
            w, b = layer.get_weights()
            linear = torch.nn.Linear(*w.shape)
            if (
                len(shape) == 3
            ):  # our Flatten runs over (h, w, c), torch's over (c, h, w)
                height, width, channels = shape
                w = w.reshape(height, width, channels, -1).transpose(2, 0, 1, 3)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w.reshape(-1, b.size).T.copy()))
                linear.bias.copy_(torch.from_numpy(b))
            modules.append(linear)  # the softmax is inside CrossEntropyLoss
        activation = getattr(layer, "activation", None)
        if activation is not None and activation.name == "relu":
            modules.append(torch.nn.ReLU())
        if name != "Flatten":
            shape = layer.output_shape  # the last image shape, for Flatten's Dense
    return torch.nn.Sequential(*modules)


def _classifier(name, title, make_net, n, target, ceiling_shapes=None):
    """A conv classifier on random MNIST-sized images: s/epoch of 50,000 per peer."""
    batchsize = 100

    def data():
        rng = np.random.default_rng(4)
        x = rng.random((n, 28, 28, 1), dtype=np.float32)  # images in [0, 1)
        labels = rng.integers(0, 10, n)
        return x, labels, np.eye(10, dtype=np.float32)[labels]

    def build_ml4phys():
        x, _, y = data()
        return make_net(), x, y

    def build_torch():
        import torch

        x, labels, _ = data()
        model = _torch_net(make_net())
        net_optimizer = make_net().optimizer
        if isinstance(net_optimizer, optimizers.SGD):
            opt = torch.optim.SGD(model.parameters(), lr=net_optimizer.learning_rate)
        else:
            opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        x_t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        loss_fn = torch.nn.CrossEntropyLoss()
        return model, opt, loss_fn, x_t, torch.from_numpy(labels)

    extras = _ceiling_extras(make_net, batchsize) if ceiling_shapes else None
    return Workload(
        name,
        title,
        "s/epoch",
        False,
        epoch_runners(build_ml4phys, build_torch, batchsize),
        target=target,
        extras=extras,
    )


def _ceiling_extras(make_net, batchsize):
    """The extras of a conv workload: its im2col products' time and their time at the
    machine's GEMM peak, per epoch of 50,000 (the ceiling).
    """

    def extras():
        seconds, flops = _gemm_seconds(make_net(), batchsize)
        seconds, flops = seconds * 50000 / batchsize, flops * 50000 / batchsize
        peak = gemm_peak()
        notes = {
            "conv products alone (im2col GEMMs)": f"{seconds:.2f} s per epoch",
            "conv GFLOP per epoch": f"{flops / 1e9:.0f}",
            "machine GEMM peak (float32, 2 threads)": f"{peak:.0f} GFLOP/s",
            "conv products at peak": f"{flops / peak / 1e9:.2f} s per epoch",
        }
        return {"notes": notes, "ceiling": seconds}

    return extras


def gemm_peak(size=1024, repeats=5):
    """The machine's float32 matrix-product speed, GFLOP/s, on NumPy's BLAS."""
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _gemm_seconds(net, batchsize, repeats=3):
    """(seconds, FLOP) of a step's convolution products as single im2col GEMMs (three per
    layer: forward, kernel gradient, input gradient).
    """
    products = []
    for layer in net.layers:
        if type(layer).__name__ == "Conv2D":
            kh, kw, c_in, c_out = layer.params["w"].shape
            ho, wo = layer.output_shape[:2]
            rows, depth = batchsize * ho * wo, kh * kw * c_in
            rng = np.random.default_rng(0)
            cols = rng.random((rows, depth), dtype=np.float32)
            w = rng.random((depth, c_out), dtype=np.float32)
            dz = rng.random((rows, c_out), dtype=np.float32)
            products += [(cols, w), (cols.T, dz), (dz, w.T)]

    def step():
        return [a @ b for a, b in products]

    step()
    flops = sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in products)
    return min(_timed(step) for _ in range(repeats)), flops


# stays whole: one workload's data, both peers' runners and its notes, side by side
def _w5(quick):
    n, batchsize = (500, 100) if quick else (1000, 100)

    def data():
        return np.random.default_rng(5).random((n, 28, 28, 1), dtype=np.float32)

    def make_ml4phys():
        x, net = data(), _w5_net()

        def run():
            start = time.perf_counter()
            net.fit(x, x, batch_size=batchsize, epochs=1, verbose=0, shuffle=True)
            return n / (time.perf_counter() - start)

        return run

    def make_torch():
        import torch

        x, model = data(), _torch_net(_w5_net())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.MSELoss()
        x_t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        generator = torch.Generator().manual_seed(0)

        def run():
            start = time.perf_counter()
            order = torch.randperm(n, generator=generator)
            for k in range(0, n, batchsize):
                batch = x_t[order[k : k + batchsize]]
                opt.zero_grad(set_to_none=True)
                loss_fn(model(batch), batch).backward()
                opt.step()
            return n / (time.perf_counter() - start)

        return run

    return Workload(
        "W5",
        "conv autoencoder 16-8-8-16-1, MSE, Adam, batch 100",
        "samples/s",
        True,
        {"ml4phys": lazy(make_ml4phys), "pytorch": lazy(make_torch)},
        target=1.0,
    )


def workloads(quick=False):
    """Sizes of one measured round: s/epoch are scaled to 50,000 samples."""
    small = 5 if quick else 1
    return [
        _classifier(
            "W4",
            "simple conv net 7@5x5 + avgpool 4, SGD, batch 100",
            _w4_net,
            10000 // small,
            1.2,
        ),
        _w5(quick),
        _classifier(
            "W10",
            "LeNet-5 style 6@5x5-pool-16@5x5-pool-120-84-10, Adam, batch 100",
            _lenet,
            5000 // small,
            1.0,
            ceiling_shapes=True,
        ),
        _classifier(
            "W11",
            "wide conv 32-32-pool-64-64-pool-128-10 3x3, Adam, batch 100",
            _wide,
            1000 // small,
            0.8,
            ceiling_shapes=True,
        ),
    ]
