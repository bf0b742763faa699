import json

import matplotlib.image
import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import sequence_predict


def test_quick_logistic_map_prediction_and_free_run(tmp_path):
    assert (
        main(
            [
                "run",
                "sequence-predict",
                "--quick",
                "--no-progress",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    # one step ahead the net learns the map: far better than x_{t+1} = x_t
    assert numbers["one_step_gain_over_persistence"] > 20
    # running free, chaos wins within the horizon, and not before the first steps
    assert 2 <= numbers["free_run_divergence_step"] <= 30
    assert (
        numbers["free_run_divergence_step"] <= numbers["exact_map_divergence_step"] + 3
    )
    for name in ("free_run", "free_run_error", "cost"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_free_run_feeds_predictions_back():
    """With a net whose output equals its input's last value, a free run is constant."""
    from ml4phys.nn import layers, models

    net = models.Sequential(
        [layers.LSTM(2, return_sequences=True, input_shape=(None, 1)), layers.Dense(1)],
        seed=0,
    )
    net.layers[1].params["w"][...] = 0.0
    net.layers[1].params["b"][...] = 0.25
    out = sequence_predict.free_run(net, np.full((3, 5), 0.7), horizon=4)
    assert np.allclose(out, 0.25)


def test_unknown_series_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown series 'lorenz'"):
        sequence_predict.run(sequence_predict.Config(quick=True, series="lorenz"))
