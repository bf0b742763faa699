"""Seven optimizers on two tasks: the quick sweep through the command line."""

import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import optimizers


def test_optimizers_quick(tmp_path):
    assert (
        main(["run", "optimizers", "--quick", "--out", str(tmp_path), "--no-progress"])
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    for task in ("fit2d", "image"):
        results = numbers[task]
        assert set(results) == set(optimizers.OPTIMIZERS)
        start = numbers["initial_cost"][task]
        for name, r in results.items():
            rates = [float(k) for k in r["sweep"]]
            assert r["best_learning_rate"] in rates
            finite = [v for v in r["sweep"].values() if v is not None]
            assert r["final_cost"] == min(finite), (task, name)
        # the adaptive methods all learn; Adam beats plain SGD on the image
        for name in ("rmsprop", "adam", "adadelta"):
            assert results[name]["final_cost"] < 0.8 * start, (task, name)
    assert (
        numbers["image"]["adam"]["final_cost"] < numbers["image"]["sgd"]["final_cost"]
    )
    for name in ("fit2d_cost", "fit2d_sweep", "image_cost", "image_sweep"):
        picture = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert picture.ndim == 3 and picture.shape[0] > 100


def test_same_start_and_batches_for_every_optimizer():
    config = optimizers.Config(tasks=("image",), image_hidden=(5,), image_size=16)
    task = optimizers.make_task("image", config)
    a = optimizers.train(task, optimizers.OPTIMIZERS["sgd"][0](0.0), 3, seed=1)
    b = optimizers.train(task, optimizers.OPTIMIZERS["adam"][0](0.0), 3, seed=1)
    assert np.allclose(a, b)  # learning rate 0: same net, same batches, same costs
