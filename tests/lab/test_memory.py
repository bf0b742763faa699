import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import memory


def test_quick_memory_lstm_remembers_where_simple_rnn_forgets(tmp_path):
    assert (
        main(["run", "memory", "--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    recall = numbers["recall_relative_error"]  # test MSE / MSE of predicting 0
    assert recall["SimpleRNN"]["4"] < 0.2 and recall["LSTM"]["4"] < 0.2  # short: both
    assert recall["SimpleRNN"]["20"] > 0.5  # delay 20: the SimpleRNN fails
    assert recall["LSTM"]["20"] < 0.3  # and the LSTM succeeds
    gradient = numbers["gradient_first_to_last"]
    # after training, the gradient from the output reaches the recalled step in the LSTM
    # and has vanished (by orders of magnitude) in the SimpleRNN
    assert gradient["SimpleRNN, trained"] < 0.05
    assert gradient["LSTM, trained"] > 0.3
    # at the start, a forget bias of 3 carries far more gradient than Keras' 1
    assert gradient["LSTM, initial"] > 10 * gradient["LSTM, forget bias 1, initial"]
    for name in (
        "recall_error_vs_delay",
        "adding_error_vs_delay",
        "gradient_vs_distance",
    ):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_task_data():
    rng = np.random.default_rng(0)
    x, y = memory.recall_data(5, 7, rng)
    assert x.shape == (5, 8, 2) and np.array_equal(y[:, 0], x[:, 0, 0])
    assert np.array_equal(x[:, :, 1].sum(axis=1), np.ones(5))
    x, y = memory.adding_data(6, 10, rng)
    assert x.shape == (6, 10, 2)
    assert np.all(x[:, :5, 1].sum(axis=1) == 1) and np.all(x[:, 5:, 1].sum(axis=1) == 1)
    assert np.allclose(y[:, 0], (x[..., 0] * x[..., 1]).sum(axis=1))
