"""rbm-bars: quick run, numbers asserted, CLI writes figures."""

import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import rbm_bars


def test_quick_run_learns_bars():
    result = rbm_bars.run(rbm_bars.Config(quick=True))
    numbers = result.numbers
    assert numbers["n_patterns"] == 14
    assert numbers["log_likelihood_optimum"] == pytest.approx(np.log(1 / 14))
    for method in ("CD-1", "CD-10", "PCD-1"):
        m = numbers[method]
        assert m["log_likelihood_initial"] == pytest.approx(20 * np.log(0.5), abs=0.1)
        # 400 batches raise the exact log-likelihood by about 9 nats (to about -4.9)
        assert m["log_likelihood_final"] > m["log_likelihood_initial"] + 7
        assert m["log_likelihood_final"] < numbers["log_likelihood_optimum"]
        assert m["reconstruction_error_final"] < 0.06
    assert set(result.figures) == {"log_likelihood", "weights", "chains"}


def test_bar_patterns_and_methods():
    patterns = rbm_bars.bar_patterns(5, 2)
    assert patterns.tolist() == [
        [1, 1, 0, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 1, 1, 0],
        [0, 0, 0, 1, 1],
    ]
    assert rbm_bars.parse_method("pcd-5") == (5, True)
    with pytest.raises(ValueError, match="method must look like"):
        rbm_bars.parse_method("gibbs")


def test_cli_writes_figures(tmp_path):
    assert (
        main(
            [
                "run",
                "rbm-bars",
                "--quick",
                "--no-progress",
                "--methods",
                "CD-1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["numbers"]["CD-1"]["log_likelihood_final"] > -8
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "log_likelihood.png",
        "weights.png",
        "chains.png",
    }
