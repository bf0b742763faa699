"""rbm-features: quick run, numbers asserted; a saved RBM can be reused."""

import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.generative import RBM
from ml4phys.lab import rbm_features

pytestmark = pytest.mark.usefixtures("rbm_digits")  # tests/lab/conftest.py


def test_quick_run_classifies_digits():
    result = rbm_features.run(rbm_features.Config(quick=True))
    numbers = result.numbers
    assert numbers["labels"] == [50, 200, 1000]
    for name in ("test_accuracy_rbm_features", "test_accuracy_raw_pixels"):
        accuracy = np.array(numbers[name])
        assert accuracy.shape == (3,)
        # chance is 0.1; quick runs reach 0.65-0.9 (MNIST subset or 8x8 digits)
        assert np.all(accuracy > 0.5), name
        assert accuracy[-1] > accuracy[0], name  # more labels help
    assert set(result.figures) == {"accuracy"}


def test_saved_rbm_of_the_wrong_size_is_refused(tmp_path):
    RBM(10, 5, seed=0).save(tmp_path / "small.npz")
    with pytest.raises(ValueError, match="10 visible units does not fit"):
        rbm_features.run(
            rbm_features.Config(quick=True, rbm_file=str(tmp_path / "small.npz"))
        )


def test_cli_writes_accuracy_figure(tmp_path):
    assert (
        main(
            ["run", "rbm-features", "--quick", "--no-progress", "--out", str(tmp_path)]
        )
        == 0
    )
    record = json.loads((tmp_path / "results.json").read_text())
    assert len(record["numbers"]["test_accuracy_raw_pixels"]) == 3
    assert (tmp_path / "accuracy.png").exists()
