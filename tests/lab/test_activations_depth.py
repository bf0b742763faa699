import json

import matplotlib.image
import pytest

from ml4phys.cli import main
from ml4phys.lab import activations_depth


def test_quick_fit2d_numbers(tmp_path):
    argv = ["run", "activations-depth", "--quick", "--no-progress", "--out"]
    assert main([*argv, str(tmp_path)]) == 0
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    fit2d = numbers["fit2d"]
    for activation in ("sigmoid", "relu"):
        deep, shallow = fit2d[f"{activation}/deep"], fit2d[f"{activation}/shallow"]
        assert deep["params"] == shallow["params"] == 921  # equal weight counts
        for found in (deep, shallow):
            # the bump's variance (the best constant's cost) is 0.0063
            assert found["test_cost"] < 0.0075
            assert found["test_cost_stderr"] >= 0
    # after 400 Adam steps ReLU nets have learned the bump; sigmoid ones barely started
    assert fit2d["relu/deep"]["test_cost"] < 0.1 * fit2d["sigmoid/deep"]["test_cost"]
    for name in ("cost_fit2d", "final_fit2d"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_mnist_layouts_have_nearly_equal_weight_counts():
    counts = {}
    for depth, hidden in activations_depth.LAYOUTS["mnist"].items():
        net = activations_depth._net("mnist", hidden, "relu", 0, 0.001)
        net.build((784,))
        counts[depth] = net.count_params()
    assert counts["deep"] == 99_710
    assert abs(counts["shallow"] - counts["deep"]) < 0.01 * counts["deep"]


def test_unknown_task_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tasks"):
        activations_depth.run(activations_depth.Config(tasks=("cifar",)))
