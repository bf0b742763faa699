"""rbm-mnist: quick run on an MNIST subset (or the 8x8 digits), numbers asserted."""

import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import _rbm_data, rbm_mnist

pytestmark = pytest.mark.usefixtures("rbm_digits")  # tests/lab/conftest.py


def test_quick_run_learns_digits():
    result = rbm_mnist.run(rbm_mnist.Config(quick=True))
    numbers = result.numbers
    assert numbers["data"] in ("mnist", "sklearn-digits-8x8")
    n_pixels = 784 if numbers["data"] == "mnist" else 64
    for method in ("CD-1", "PCD-1"):
        m = numbers[method]
        # 500 batches cut the test reconstruction error by 15% or more (from the mean
        # image's; MNIST quick: 0.083 -> 0.049 with CD-1, 0.058 with PCD-1)
        assert (
            m["test_reconstruction_error"]
            < 0.85 * m["test_reconstruction_error_initial"]
        )
        assert m["log_z_std"] < 1.0
        assert -n_pixels * np.log(2) < m["test_log_likelihood"] < 0
    # CD-1 beats independent pixels (MNIST quick: about -149 vs -200 nats; 8x8: -21.8 vs -25.2)
    assert (
        numbers["CD-1"]["test_log_likelihood"]
        > numbers["base_rate_test_log_likelihood"] + 2
    )
    assert {
        "filters_cd1",
        "samples_pcd1",
        "reconstructions",
        "log_likelihood",
        "training",
    } <= set(result.figures)


def test_quick_run_falls_back_to_small_digits(monkeypatch):
    pytest.importorskip("sklearn")

    def no_mnist(download):
        assert not download  # quick runs never download
        raise FileNotFoundError("MNIST files not found")

    monkeypatch.setattr(_rbm_data, "_mnist", no_mnist)
    digits = _rbm_data.load_binary_digits(quick=True)
    assert digits.source == "sklearn-digits-8x8" and digits.image_shape == (8, 8)
    assert digits.x_train.shape == (1438, 64) and set(np.unique(digits.x_train)) == {
        0,
        1,
    }
    monkeypatch.setattr(_rbm_data, "_mnist", lambda download: no_mnist(False))
    with pytest.raises(FileNotFoundError, match="MNIST files not found"):
        _rbm_data.load_binary_digits(quick=False)


def test_cli_writes_figures(tmp_path):
    assert (
        main(
            [
                "run",
                "rbm-mnist",
                "--quick",
                "--no-progress",
                "--methods",
                "PCD-1",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["numbers"]["PCD-1"]["samples_seen"] > 0
    assert (tmp_path / "filters_pcd1.png").exists()
    assert (tmp_path / "log_likelihood.png").exists()
