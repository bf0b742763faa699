import json

import pytest

from ml4phys.cli import main
from ml4phys.lab import mnist_conv
from tests.markers import HAVE_MNIST


def test_the_lecture_nets_have_their_shapes():
    simple = mnist_conv.simple_net()
    assert simple.count_params() == (5 * 5 * 7 + 7) + (7 * 7 * 7 * 10 + 10)
    assert simple.optimizer.learning_rate == 1.0
    two_stage = mnist_conv.two_stage_net("adam")
    assert two_stage.count_params() == (25 * 5 + 5) + (25 * 5 * 5 + 5) + (
        7 * 7 * 5 * 10 + 10
    )
    assert type(two_stage.optimizer).__name__ == "Adam"
    assert mnist_conv.lenet().count_params() == 61_706  # LeNet-5 with 'same' first


@pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
def test_quick_run_two_stage_net_learns_with_adam_not_with_sgd(tmp_path):
    argv = ["run", "mnist-conv", "--quick", "--no-progress", "--out", str(tmp_path)]
    assert main(argv) == 0
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    assert (numbers["n_train"], numbers["n_test"], numbers["epochs"]) == (3000, 2000, 2)
    assert numbers["simple"]["test_accuracy"] > 0.7  # 3,000 images only
    assert numbers["lenet"]["test_accuracy"] > 0.7
    sgd, adam = numbers["two-stage-sgd"], numbers["two-stage-adam"]
    assert sgd["test_accuracy"] < 0.2  # "gets 90% wrong"
    assert sgd["final_loss"] > 2.0  # ln 10 = 2.30
    assert adam["test_accuracy"] > sgd["test_accuracy"] + 0.4
    for name in ("accuracy", "filters", "feature_maps"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000


def test_unknown_net_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown nets \['vgg'\]; known: simple"):
        mnist_conv.run(mnist_conv.Config(quick=True, nets=("vgg",)))
