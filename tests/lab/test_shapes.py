import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import shapes


def test_quick_run_accuracy_falls_with_noise(tmp_path):
    argv = ["run", "shapes", "--quick", "--no-progress", "--out", str(tmp_path)]
    assert main(argv) == 0
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    assert numbers["noise_levels"] == [0.0, 0.5, 1.5]
    own = numbers["accuracy_trained_at_that_noise"]
    clean = numbers["accuracy_trained_at_noise_0"]
    assert own[0] == clean[0] > 0.85  # chance: 0.5
    assert own[-1] < own[0] - 0.15  # the shapes drown in the noise
    assert clean[-1] < clean[0] - 0.15
    assert all(0.45 < a <= 1 for a in own + clean)
    for name in ("accuracy", "examples"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_unknown_network_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown network 'rnn'; known: dense, conv"):
        shapes.run(shapes.Config(quick=True, network="rnn"))


def test_conv_network_takes_images_and_gives_two_classes():
    net = shapes.build_network(shapes.Config(network="conv"))
    net.build((28, 28, 1))
    x = np.zeros((3, 28, 28, 1), np.float32)
    probabilities = net.predict(x)
    assert probabilities.shape == (3, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
