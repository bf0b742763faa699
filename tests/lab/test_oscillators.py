import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import oscillators


def test_quick_oscillators_lstm_infers_the_hidden_oscillator(tmp_path):
    assert (
        main(["run", "oscillators", "--quick", "--no-progress", "--out", str(tmp_path)])
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    # predicting x2 = 0 costs <x2^2>; the LSTM, seeing only x1, must do much better
    assert numbers["lstm_gain_over_zero"] > 2.0
    # it needs a few steps of x1 before it knows x2: the late steps are far better
    assert (
        numbers["lstm_test_mse_late_steps"] < 0.5 * numbers["lstm_test_mse_first_steps"]
    )
    assert numbers["dense_window_test_mse"] < numbers["zero_prediction_mse"]
    for name in ("trajectories", "error_vs_step", "cost"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_simulation_conserves_the_energy_of_the_coupled_oscillators():
    config = oscillators.Config(timesteps=50, dt=0.1)
    x1, x2 = oscillators.simulate(3, config, np.random.default_rng(0))
    v1, v2 = (np.gradient(x, config.dt, axis=1) for x in (x1, x2))
    w1, w2, k = config.omega1**2, config.omega2**2, config.coupling
    energy = 0.5 * (v1**2 + v2**2 + w1 * x1**2 + w2 * x2**2 + k * (x1 - x2) ** 2)
    inner = energy[:, 2:-2]  # np.gradient is second order inside
    assert np.allclose(inner, inner[:, :1], rtol=1e-2)
