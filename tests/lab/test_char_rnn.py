import json

import matplotlib.image
import numpy as np

from ml4phys.cli import main
from ml4phys.lab import char_rnn


def test_quick_lstm_beats_the_unigram(tmp_path):
    assert (
        main(["run", "char-rnn", "--quick", "--no-progress", "--out", str(tmp_path)])
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    bits = numbers["test_bits_per_char"]
    assert bits["lstm"] < bits["unigram"] - 0.2
    assert bits["3-gram"] < bits["unigram"]  # the counted baseline works too
    curve = [b for _, b in numbers["test_curve"]]
    assert curve[-1] < curve[0]  # it learns
    for temperature in ("0.5", "1.0"):
        assert numbers["samples"][temperature].startswith("The ")
    assert matplotlib.image.imread(tmp_path / "cost.png").shape[0] > 100


def test_bits_of_a_uniform_predictor_is_log2_vocabulary():
    config = char_rnn.Config(units=4)
    net = char_rnn._net(config, 8)
    dense = net.layers[1]
    dense.params["w"][...] = 0.0  # softmax of zeros: p = 1/8 everywhere
    dense.params["b"][...] = 0.0
    codes = np.random.default_rng(0).integers(0, 8, 500)
    assert np.isclose(char_rnn.evaluate_bits(net, codes, 8, streams=4, chunk=30), 3.0)
