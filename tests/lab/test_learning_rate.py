"""Step size, batch size and seeds: the quick sweep through the command line."""

import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.plots.sweeps import running_mean


def test_learning_rate_quick(tmp_path):
    assert (
        main(
            ["run", "learning-rate", "--quick", "--out", str(tmp_path), "--no-progress"]
        )
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    base = numbers["cost_of_mean"]
    # eta 0.3 has barely left the start in 600 batches; eta 3 has learned the bump
    assert (
        numbers["eta"]["3"]["final_cost"] < base < numbers["eta"]["0.3"]["final_cost"]
    )
    # at equal samples, batches of 10 take 10x more steps and get further
    sizes = numbers["batchsize"]
    assert sizes["10"]["final_cost"] < sizes["100"]["final_cost"]
    assert sizes["10"]["steps_to_reach"] is not None
    seeds = [v["final_cost"] for v in numbers["seed"].values()]
    assert len(seeds) == 3 and all(c < base for c in seeds)
    assert numbers["seed_spread"] > 0.01  # the seed matters
    for name in ("learning_rate", "batch_size", "randomness"):
        picture = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert picture.ndim == 3 and picture.shape[0] > 100


def test_running_mean():
    assert np.allclose(running_mean([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5])
    assert np.allclose(running_mean([1, 2, 3], 1), [1, 2, 3])
