"""Random networks on a 2D grid: the picture is the hand-computed formula, one batch."""

import json

import matplotlib.image
import numpy as np
from numpy.testing import assert_allclose

from ml4phys.cli import main
from ml4phys.lab import network_picture


def test_network_picture_quick(tmp_path):
    assert (
        main(
            [
                "run",
                "network-picture",
                "--quick",
                "--out",
                str(tmp_path),
                "--no-progress",
            ]
        )
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    assert set(numbers) == {"sigmoid", "tanh", "relu"}
    for by_depth in numbers.values():
        assert list(by_depth) == ["1", "2", "4"]
        for values in by_depth.values():
            assert values["std"] > 0 and np.isfinite(values["mean_gradient"])
    tanh = [numbers["tanh"][d]["relative_gradient"] for d in ("1", "2", "4")]
    assert tanh[0] < tanh[1] < tanh[2]  # deeper: finer patterns
    picture = matplotlib.image.imread(tmp_path / "outputs.png")
    assert picture.ndim == 3 and picture.shape[0] > 200


def test_random_network_is_the_formula():
    net = network_picture.random_network("sigmoid", 1, 7, 3.0, seed=4)
    x = network_picture.grid_points(5)
    assert (
        x.shape == (25, 2)
        and np.allclose(x[:5, 0], -1)
        and np.allclose(x[:5, 1], np.linspace(-1, 1, 5))
    )
    w1, b1, w2, b2 = net.get_weights()
    assert np.all(np.abs(w1) <= 3) and np.all(np.abs(b1) <= 1) and w1.std() > 1
    expected = (1 / (1 + np.exp(-(x @ w1 + b1)))) @ w2 + b2
    assert_allclose(net.forward(x), expected, rtol=1e-4, atol=1e-5)
