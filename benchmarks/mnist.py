"""The rows of ``ml4phys run mnist-table``: wall time to reach each row's target error,
ml4phys against the same network in PyTorch eager (issue 6).

M1  linear classifier 784-10                  target test error <= 8%
M2  784-300-10                                 <= 2.5%
M3  784-800-10 (the row's dropout included)    <= 1.6%
M5  small conv net (LeNet-5 style)             <= 1.1%
M4  784-800-10, distorted images               <= 1.0%   opt-in: --slow (hours here)
M6  conv net 32-32-64-64-128, distorted        <= 0.6%   opt-in: --slow (hours here)

Each row is trained as ``mnist-table`` trains it: the row's network from
``ml4phys.lab.mnist_table.ROWS``, Adam with the row's learning rate decaying by the row's
factor per epoch, its batch size, on the lecture's 45,000 training images. Both peers
start from the same initial weights (ours, copied into torch) and see the same images in
the same order (one permutation per epoch, seeded; for the distorted rows the same
freshly distorted images). What differs: the dropout masks (each peer draws its own) and
Adam's epsilon (Keras' "epsilon hat" here, torch's inside the square root; 1e-7 makes the
two agree to far below the float32 noise).

The metric: seconds of training until the TEST error, evaluated after each epoch, first
falls to the row's target or below (the target is a test error, so that is what the clock
stops on; no model is selected by it). Evaluation and the preparation of each epoch's
data (permuting, distorting) are not counted. Training stops at the row's own number of
epochs; a peer that never reaches the target scores ``inf``, and the notes say how close
it came. One run per peer (``repeats=1``, no warm-up): each run trains a network from
scratch. The notes give each peer's epochs to the target and seconds per epoch: the ratio
of times to target mixes speed per epoch with how many epochs each peer needed.

``--quick``: 5,000 training and 2,000 test images, at most 3 epochs, and a target error
of 25% for every row: it checks that the runners work, nothing more.
"""

from __future__ import annotations

import time

import numpy as np
from harness import Workload

from ml4phys.data import augment, mnist
from ml4phys.lab import mnist_table
from ml4phys.nn import optimizers

DEFAULT = {"M1": "linear", "M2": "300", "M3": "800", "M5": "conv"}
SLOW = {"M4": "800-distorted", "M6": "conv-distorted"}
QUICK = {"n_train": 5_000, "n_test": 2_000, "epochs": 3, "target": 0.25}


def _settings(row):
    """(learning rate, decay per epoch, batch size) of a row, as mnist-table uses them."""
    config = mnist_table.Config(rows=(row,))
    return config.learning_rate, config.decay, config.batch_size


def _torch_net(net):
    """The same network in PyTorch (NCHW), with the same initial weights."""
    import torch

    modules, image_shape = [], None
    for layer in net.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            modules.append(_torch_conv(layer))
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            pool = torch.nn.MaxPool2d if kind == "MaxPooling2D" else torch.nn.AvgPool2d
            modules.append(pool(layer.pool_size, stride=layer.strides))
        elif kind == "Flatten":
            modules.append(torch.nn.Flatten())
        elif kind == "Dropout":
            modules.append(torch.nn.Dropout(layer.rate))
        elif kind == "Dense":
            modules.append(_torch_linear(layer, image_shape))
            image_shape = None
        else:
            raise TypeError(f"benchmarks/mnist.py: no torch twin for {kind}")
        if len(layer.output_shape) == 3:
            image_shape = (
                layer.output_shape
            )  # the last image shape, for Flatten's Dense
        activation = getattr(layer, "activation", None)
        if activation is not None and activation.name == "relu":
            modules.append(torch.nn.ReLU())  # softmax: inside CrossEntropyLoss
    return torch.nn.Sequential(*modules)


def _torch_conv(layer):
    """A torch Conv2d with the weights of ``layer`` (a Conv2D)."""
    import torch

    w, b = layer.params["w"], layer.params["b"]
    conv = torch.nn.Conv2d(
        w.shape[2],
        w.shape[3],
        layer.kernel_size,
        stride=layer.strides,
        padding=layer.padding,
    )
    with torch.no_grad():  # (kh, kw, c_in, c_out) -> (c_out, c_in, kh, kw)
        conv.weight.copy_(torch.from_numpy(w.transpose(3, 2, 0, 1).copy()))
        conv.bias.copy_(torch.from_numpy(b))
    return conv


def _torch_linear(layer, image_shape):
    """A torch Linear with the weights of ``layer`` (a Dense); ``image_shape``: the
    (h, w, c) it follows a Flatten of, else None.
    """
    import torch

    w, b = layer.params["w"], layer.params["b"]
    if image_shape is not None:  # our Flatten runs over (h, w, c), torch's (c, h, w)
        w = w.reshape(*image_shape, -1).transpose(2, 0, 1, 3).reshape(w.shape)
    linear = torch.nn.Linear(*w.shape)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(w.T.copy()))  # torch keeps (out, in)
        linear.bias.copy_(torch.from_numpy(b))
    return linear


def _epoch_data(x, y, seed, epoch, distorted):
    """The images of one epoch, in that epoch's order (freshly distorted if asked)."""
    rng = np.random.default_rng((seed, epoch))
    order = rng.permutation(len(x))
    x_epoch = x[order]
    if distorted:
        for start in range(0, len(x), 1000):
            x_epoch[start : start + 1000] = augment.distort(
                x_epoch[start : start + 1000], rng
            )
    return x_epoch, y[order]


class _Race:
    """Trains one row epoch by epoch until the test error reaches the target."""

    def __init__(self, row, data, epochs, target, notes, seed=0):
        self.row, self.data, self.epochs, self.target = row, data, epochs, target
        self.notes, self.seed = notes, seed
        self.distorted = mnist_table.ROWS[row][7]
        self.learning_rate, self.decay, self.batch_size = _settings(row)

    def _fresh_net(self):
        net = mnist_table.ROWS[self.row][5](self.seed)
        net.build(self.data[0][0].shape[1:])
        return net

    def run(self, peer, make_trainer):
        """Seconds of training until the test error <= target (inf if never)."""
        (x, y), (x_test, labels_test) = self.data
        train_epoch, test_error = make_trainer(self._fresh_net())
        seconds, errors = 0.0, []
        for epoch in range(self.epochs):
            x_epoch, y_epoch = _epoch_data(x, y, self.seed, epoch, self.distorted)
            learning_rate = self.learning_rate * self.decay**epoch  # eta decay^epoch
            start = time.perf_counter()
            train_epoch(x_epoch, y_epoch, learning_rate)
            seconds += time.perf_counter() - start
            errors.append(test_error(x_test, labels_test))
            if errors[-1] <= self.target:
                break
        reached = errors[-1] <= self.target
        self.notes[peer] = (
            f"test error {errors[-1]:.2%} after {len(errors)} epochs "
            f"({'<=' if reached else 'still above'} the target {self.target:.2%}; "
            f"best {min(errors):.2%}), {seconds / len(errors):.2f} s per epoch"
        )
        return seconds if reached else float("inf")

    def ml4phys(self):
        def make_trainer(net):
            optimizer = optimizers.Adam(learning_rate=self.learning_rate)
            net.compile(loss="categorical_crossentropy", optimizer=optimizer)

            def train_epoch(x_epoch, y_epoch, learning_rate):
                optimizer.learning_rate = learning_rate
                net.fit(
                    x_epoch,
                    y_epoch,
                    batch_size=self.batch_size,
                    epochs=1,
                    shuffle=False,
                    verbose=0,
                )

            def test_error(x_test, labels):
                return float(
                    np.mean(net.predict(x_test, batch_size=500).argmax(1) != labels)
                )

            return train_epoch, test_error

        return self.run("ml4phys", make_trainer)

    def pytorch(self):
        import torch

        def as_torch(x):  # NHWC -> NCHW
            return torch.from_numpy(
                np.ascontiguousarray(x.transpose(0, 3, 1, 2) if x.ndim == 4 else x)
            )

        def make_trainer(net):
            model = _torch_net(net)
            optimizer = torch.optim.Adam(
                model.parameters(), lr=self.learning_rate, eps=1e-7
            )
            loss_fn = torch.nn.CrossEntropyLoss()

            def train_epoch(x_epoch, y_epoch, learning_rate):
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate
                x_t, labels_t = as_torch(x_epoch), torch.from_numpy(y_epoch.argmax(1))
                model.train()
                for k in range(0, len(x_t), self.batch_size):
                    optimizer.zero_grad(set_to_none=True)
                    loss_fn(
                        model(x_t[k : k + self.batch_size]),
                        labels_t[k : k + self.batch_size],
                    ).backward()
                    optimizer.step()

            def test_error(x_test, labels):
                model.eval()
                with torch.no_grad():
                    predicted = torch.cat(
                        [model(batch) for batch in as_torch(x_test).split(500)]
                    ).argmax(1)
                return float(np.mean(predicted.numpy() != labels))

            return train_epoch, test_error

        return self.run("pytorch", make_trainer)


def _workload(name, row, quick, data):
    description, _, _, target, epochs, _, _, _ = mnist_table.ROWS[row]
    if quick:
        target, epochs = QUICK["target"], QUICK["epochs"]
    notes = {}
    race = _Race(row, data, epochs, target, notes)
    title = (
        f"mnist-table '{row}': {description}, test error <= {target:.1%}, "
        f"at most {epochs} epochs"
    )
    return Workload(
        name,
        title,
        "s to target",
        False,
        {"ml4phys": race.ml4phys, "pytorch": race.pytorch},
        notes=notes,
        repeats=1,
        warmup=False,
    )


def workloads(quick=False, slow=False):
    rows = {**DEFAULT, **(SLOW if slow else {})}
    n_train = QUICK["n_train"] if quick else 45_000
    splits = {}
    result = []
    for name in sorted(rows):
        layout = mnist_table.ROWS[rows[name]][6]
        if layout not in splits:
            (x, y), _, (x_test, y_test) = mnist.lecture_split(
                0, shape=layout, progress=False, download=False, n_train=n_train
            )
            if quick:
                x_test, y_test = x_test[: QUICK["n_test"]], y_test[: QUICK["n_test"]]
            splits[layout] = ((x, y), (x_test, y_test.argmax(1)))
        result.append(_workload(name, rows[name], quick, splits[layout]))
    return result
