import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import fit2d


def test_quick_fit2d_learns_below_the_best_constant(tmp_path):
    assert (
        main(["run", "fit2d", "--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    )
    record = json.loads((tmp_path / "results.json").read_text())
    numbers = record["numbers"]
    # the best constant (the mean) has cost 3.1e-3; the net must get well below it
    assert numbers["final_cost"] < 0.6 * numbers["cost_of_mean"]
    assert numbers["final_cost"] < 0.01 * numbers["initial_cost"]
    assert record["requested_config"]["quick"] is True  # as asked
    assert record["config"]["batches"] == 1000  # as it ran: --quick applied
    for name in ("cost", "function"):
        image = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert image.ndim == 3 and image.shape[0] > 100


def test_fit2d_is_a_function_of_its_config():
    config = fit2d.Config(quick=True, seed=3, function="ring")
    first, second = fit2d.run(config), fit2d.run(config)
    assert first.numbers == second.numbers
    assert set(first.figures) == {"cost", "function"}


def test_fit2d_linear_output_and_adam_options():
    result = fit2d.run(
        fit2d.Config(
            quick=True,
            output_activation="linear",
            optimizer="adam",
            eta=0.01,
            hidden=(30, 30),
        )
    )
    assert np.isfinite(result.numbers["final_cost"])
    assert result.numbers["final_cost"] < 0.5 * result.numbers["cost_of_mean"]
