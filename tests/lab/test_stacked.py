import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import _pretraining, stacked
from tests.markers import needs_mnist


def test_masking_noise_zeroes_the_requested_fraction():
    x = np.ones((200, 50), np.float32)
    masked = _pretraining.masked(x, 0.25, np.random.default_rng(0))
    assert abs(np.mean(masked == 0) - 0.25) < 0.02
    assert _pretraining.masked(x, 0.0, np.random.default_rng(0)) is x


def test_classifier_takes_the_pretrained_encoders():
    rng = np.random.default_rng(0)
    encoders = [
        [rng.normal(size=(6, 4)).astype(np.float32), np.ones(4, np.float32)],
        [rng.normal(size=(4, 3)).astype(np.float32), np.zeros(3, np.float32)],
    ]
    net = stacked.classifier(6, (4, 3), seed=0, encoders=encoders)
    for layer, (w, b) in zip(net.layers, encoders):
        np.testing.assert_array_equal(layer.params["w"], w)
        np.testing.assert_array_equal(layer.params["b"], b)
    x = rng.random((5, 6)).astype(np.float32)
    assert stacked.encode(net, x).shape == (5, 3)
    np.testing.assert_allclose(net.predict(x).sum(axis=1), 1.0, rtol=1e-5)


@needs_mnist
def test_quick_stacked_autoencoders(tmp_path):
    assert (
        main(["run", "stacked", "--quick", "--no-progress", "--out", str(tmp_path)])
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    costs = numbers["reconstruction_cost"]
    assert len(costs) == 2
    for layer in costs:  # each autoencoder learned to rebuild its input
        assert layer["after"] < 0.8 * layer["before"]
    accuracy = numbers["test_accuracy"]
    assert set(accuracy) == {"100", "1000", "3000"}
    for row in accuracy.values():
        for name in ("pretrained", "random"):
            assert row[name]["mean"] > 0.5  # chance: 0.1
    assert accuracy["3000"]["pretrained"]["mean"] > 0.8
    assert len(numbers["gain"]["100"]["runs"]) == 1
    for name in ("accuracy", "features", "reconstructions"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3
