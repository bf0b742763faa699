"""The lecture's image run, end to end: ml4phys against the same run in PyTorch.

I1: learn the 300 x 256 grayscale portrait (matplotlib's Grace Hopper) with a
2-150-150-100-1 ReLU network, 4 million samples in batches of 1000, Adam (lr 0.001):
load the image, build the network, train with the PSNR snapshots, make the figures
(``ml4phys.lab.image.run``). The PyTorch peer runs the very same loop
(``image.train``: same pixel batches in the same order, same snapshot schedule, same
figures), with the same initial weights, ``torch.optim.Adam`` (epsilon 1e-7, as Keras)
and ``mse_loss``. Metric: seconds per run (lower is better). The lecture reports about
2 minutes on a 2017 laptop with Keras; the targets are < 15 s and a ratio >= 1.1.
"""

from __future__ import annotations

import time

from harness import Workload

from ml4phys.data import images
from ml4phys.lab import image

SAMPLES = 4_000_000


def _config(quick):
    if quick:
        return image.Config(samples=100_000, size=64)
    return image.Config(samples=SAMPLES)


def _ml4phys(config, notes):
    def run():
        start = time.perf_counter()
        result = image.run(config)
        seconds = time.perf_counter() - start
        notes["ml4phys PSNR (dB)"] = round(result.numbers["psnr"], 2)
        return seconds

    return run


def _torch_model(config):
    """The torch network with the initial weights ml4phys draws for this config."""
    import torch

    net = image.build_network(config)
    modules = []
    for layer in net.layers:
        linear = torch.nn.Linear(*layer.params["w"].shape)
        with torch.no_grad():  # torch keeps w as (n_out, n_in)
            linear.weight.copy_(torch.from_numpy(layer.params["w"].T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.params["b"]))
        modules.append(linear)
        if layer.activation.name == "relu":
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def _pytorch(config, notes):
    def run():
        import numpy as np
        import torch

        start = time.perf_counter()
        picture = images.load_image(config.image or None, config.size)
        model = _torch_model(config)
        optimizer = torch.optim.Adam(
            model.parameters(), lr=config.learning_rate, eps=1e-7
        )
        loss_fn = torch.nn.functional.mse_loss

        def step(x, y_target):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y_target))
            loss.backward()
            optimizer.step()
            return loss.item()

        def predict(points):
            with torch.no_grad():
                return model(torch.from_numpy(points)).numpy()

        rng = np.random.default_rng(config.seed)
        history = image.train(
            step,
            predict,
            picture,
            config.samples,
            config.batchsize,
            config.snapshots,
            rng,
        )
        image.make_figures(picture, history, image.layout_name(config))
        seconds = time.perf_counter() - start
        notes["pytorch PSNR (dB)"] = round(history["psnr"][-1], 2)
        return seconds

    return run


def workloads(quick=False):
    config = _config(quick)
    notes = {}
    return [
        Workload(
            name="I1",
            title=f"image 2-150-150-100-1, {config.samples / 1e6:g}M samples, batch 1000, "
            "Adam, end to end",
            unit="s/run",
            higher_is_better=False,
            target=1.1,
            notes=notes,
            runners={
                "ml4phys": _ml4phys(config, notes),
                "pytorch": _pytorch(config, notes),
            },
        )
    ]
