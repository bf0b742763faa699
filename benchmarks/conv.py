"""The lecture's convolutional networks: ml4phys against PyTorch eager (issue W4-W5).

W4  the simple conv net on 28x28x1 (Conv2D 7@5x5 relu same, AveragePooling2D 4, Flatten,
    Dense 10 softmax), SGD lr 1.0, batch 100: seconds per epoch of 50,000
W5  a conv autoencoder on 28x28x1 (Conv2D 16@3x3 relu, MaxPooling2D 2, Conv2D 8@3x3 relu,
    MaxPooling2D 2, Conv2D 8@3x3 relu, UpSampling2D 2, Conv2D 16@3x3 relu, UpSampling2D 2,
    Conv2D 1@3x3 linear; all 'same'), MSE, Adam, batch 100: training samples/s

Both peers get the same data, the same initial weights and the same thread count; Keras 3
(on torch) is a third column where installed, with our weights as they are (same layouts).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from harness import Workload, epoch_runners

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
            input_shape=(28, 28, 1),
            filters=7,
            kernel_size=[5, 5],
            activation="relu",
            padding="same",
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


def _torch_net(net):
    """The same network in PyTorch (NCHW), with the same initial weights."""
    import torch

    modules, shape = [], net.input_shape
    for layer in net.layers:
        name = type(layer).__name__
        if name == "Conv2D":
            w, b = layer.get_weights()
            kh = w.shape[0]
            conv = torch.nn.Conv2d(w.shape[2], w.shape[3], kh, padding=kh // 2)
            with torch.no_grad():  # (kh, kw, c_in, c_out) -> (c_out, c_in, kh, kw)
                conv.weight.copy_(torch.from_numpy(w.transpose(3, 2, 0, 1).copy()))
                conv.bias.copy_(torch.from_numpy(b))
            modules.append(conv)
            if layer.activation.name == "relu":
                modules.append(torch.nn.ReLU())
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
            height, width, channels = shape
            linear = torch.nn.Linear(*w.shape)
            # our Flatten runs over (h, w, c), torch's over (c, h, w)
            w_chw = w.reshape(height, width, channels, -1).transpose(2, 0, 1, 3)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w_chw.reshape(w.shape).T.copy()))
                linear.bias.copy_(torch.from_numpy(b))
            modules.append(linear)  # the softmax is inside CrossEntropyLoss
        if len(layer.output_shape) == 3:
            shape = (
                layer.output_shape
            )  # the last image shape, for the Dense after Flatten
    return torch.nn.Sequential(*modules)


def _keras_net(net, loss, optimizer):
    """The same network in Keras 3 with the same weights, or None without Keras."""
    try:
        import keras
    except ImportError:
        return None
    kinds = {
        "Conv2D": lambda layer: keras.layers.Conv2D(
            layer.filters,
            layer.kernel_size,
            padding=layer.padding,
            activation=layer.activation.name,
        ),
        "AveragePooling2D": lambda layer: keras.layers.AveragePooling2D(
            layer.pool_size
        ),
        "MaxPooling2D": lambda layer: keras.layers.MaxPooling2D(layer.pool_size),
        "UpSampling2D": lambda layer: keras.layers.UpSampling2D(layer.size),
        "Flatten": lambda layer: keras.layers.Flatten(),
        "Dense": lambda layer: keras.layers.Dense(
            layer.units, activation=layer.activation.name
        ),
    }
    model = keras.Sequential(
        [keras.Input(shape=net.input_shape)]
        + [kinds[type(layer).__name__](layer) for layer in net.layers]
    )
    model.set_weights(net.get_weights())  # Keras' layouts: nothing to transpose
    model.compile(loss=loss, optimizer=optimizer)
    return model


def _w4(quick):
    import torch

    n, batchsize = (5000, 100) if quick else (50000, 100)
    rng = np.random.default_rng(4)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)  # MNIST-sized images in [0, 1)
    labels = rng.integers(0, 10, n)
    y = np.eye(10, dtype=np.float32)[labels]
    net = _w4_net()
    model = _torch_net(net)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    labels_t = torch.from_numpy(labels)
    keras_model = _keras_net(net, "categorical_crossentropy", "sgd")
    if keras_model is not None:
        keras_model.optimizer.learning_rate = 1.0
    runners = epoch_runners(
        net, model, opt, loss_fn, x, y, x_t, labels_t, batchsize, keras_model
    )
    return Workload(
        "W4",
        "simple conv net 7@5x5 + avgpool 4, SGD, batch 100",
        "s/epoch",
        False,
        runners,
        target=1.0,
    )


def _w5(quick):
    import torch

    n, batchsize = (500, 100) if quick else (3000, 100)
    x = np.random.default_rng(5).random((n, 28, 28, 1), dtype=np.float32)
    net = _w5_net()
    model = _torch_net(net)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    x_t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    generator = torch.Generator().manual_seed(0)

    def run_ml4phys():
        start = time.perf_counter()
        net.fit(x, x, batch_size=batchsize, epochs=1, verbose=0, shuffle=True)
        return n / (time.perf_counter() - start)

    def run_torch():
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for k in range(0, n, batchsize):
            batch = x_t[order[k : k + batchsize]]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(batch), batch).backward()
            opt.step()
        return n / (time.perf_counter() - start)

    runners = {"ml4phys": run_ml4phys, "pytorch": run_torch}
    keras_model = _keras_net(net, "mean_squared_error", "adam")
    if keras_model is not None:

        def run_keras():
            start = time.perf_counter()
            keras_model.fit(
                x, x, batch_size=batchsize, epochs=1, verbose=0, shuffle=True
            )
            return n / (time.perf_counter() - start)

        runners["keras"] = run_keras
    peak = _peak_fit_memory(_w5_net(), x, batchsize)
    notes = {
        "peak memory of fit (tracemalloc, beyond the data)": (
            f"{peak / 2**20:.1f} MiB (target: under 1 GiB)"
        )
    }
    return Workload(
        "W5",
        "conv autoencoder 16-8-8-16-1, MSE, Adam, batch 100",
        "samples/s",
        True,
        runners,
        target=0.5,
        notes=notes,
    )


def _peak_fit_memory(net, x, batchsize):
    """Largest memory allocated during one epoch of fit, beyond the data already held."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    net.fit(x, x, batch_size=batchsize, epochs=1, verbose=0)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def workloads(quick=False):
    return [_w4(quick), _w5(quick)]
