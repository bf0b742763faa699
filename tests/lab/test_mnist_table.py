import numpy as np
import pytest

from ml4phys.lab import mnist_table
from tests.markers import HAVE_MNIST

from .quick_runs import run_quick

PARAMS = {
    "linear": 7850,
    "300": 238_510,
    "800": 636_010,
    "800-distorted": 636_010,
    "conv": 61_706,
    "conv-distorted": 9 * 32
    + 32
    + 9 * 32 * 32
    + 32
    + 9 * 32 * 64
    + 64
    + 9 * 64 * 64
    + 64
    + 1024 * 128
    + 128
    + 1290,
    "300-deskewed": 238_510,
    "lenet1": (25 + 1) * 4 + (100 + 1) * 12 + 192 * 10 + 10,
    "6-layer-distorted": 785 * 2500
    + 2501 * 2000
    + 2001 * 1500
    + 1501 * 1000
    + 1001 * 500
    + 501 * 10,
}
PARAMS["committee"] = PARAMS["conv-distorted"]  # one member


@pytest.mark.parametrize("row", list(mnist_table.ROWS))
def test_every_row_builds_its_network(row):
    _, published, _, target, epochs, build, layout, _ = mnist_table.ROWS[row]
    net = build(0)
    net.build((784,) if layout.startswith("flat") else (28, 28, 1))
    assert net.count_params() == PARAMS[row]
    assert 0 < target <= 0.08 and 0 < published <= 0.12 and epochs >= 10
    assert net.predict(np.zeros((2, *net.layers[0].input_shape), np.float32)).shape == (
        2,
        10,
    )


@pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
def test_quick_run_reports_each_row_beside_the_published_error(tmp_path):
    numbers = run_quick("mnist-table", tmp_path, "--rows", "linear,800-distorted,conv")
    assert numbers["n_train"] == 1000
    assert numbers["linear"]["published_error"] == 0.12  # the lecture's table
    assert numbers["conv"]["target_error"] == 0.011  # the target
    for row in ("linear", "800-distorted", "conv"):
        result = numbers[row]
        assert result["n_test"] == 1000 and result["epochs_run"] == 1
        assert result["test_error"] < 0.8  # chance: 0.9
        assert result["meets_target"] == (
            result["test_error"] <= result["target_error"]
        )
        assert result["seconds"] >= 0
    assert (tmp_path / "errors.png").stat().st_size > 10_000


@pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
def test_quick_deskewed_lenet1_and_committee_rows(tmp_path):
    numbers = run_quick(
        "mnist-table", tmp_path, "--rows", "300-deskewed,lenet1,committee"
    )
    assert numbers["lenet1"]["params"] == PARAMS["lenet1"]
    committee = numbers["committee"]
    assert len(committee["member_test_errors"]) == mnist_table.COMMITTEE
    assert committee["params"] == mnist_table.COMMITTEE * PARAMS["committee"]
    # averaging the outputs does no worse than the average member
    assert committee["test_error"] <= np.mean(committee["member_test_errors"])
    for row in ("300-deskewed", "lenet1", "committee"):
        assert numbers[row]["test_error"] < 0.8  # chance: 0.9
        assert len(numbers[row]["validation_errors"]) == 1


def test_unknown_row_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown rows \['svm'\]; known: linear"):
        mnist_table.run(mnist_table.Config(quick=True, rows=("svm",)))
