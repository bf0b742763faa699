import matplotlib.image
import numpy as np
import pytest

from ml4phys.lab import mnist_dense
from tests.markers import HAVE_MNIST

from .quick_runs import run_quick


def test_quick_run_on_the_offline_digits(tmp_path):
    pytest.importorskip("sklearn")
    numbers = run_quick(
        "mnist-dense", tmp_path, "--dataset", "digits", "--networks", "linear,100"
    )
    assert set(numbers) >= {"linear", "64-100-10", "confusion_matrix"}
    assert numbers["linear"]["test_accuracy"] > 0.85  # chance: 0.1
    assert numbers["64-100-10"]["test_accuracy"] > 0.85
    assert numbers["64-100-10"]["params"] == 64 * 100 + 100 + 100 * 10 + 10
    confusion = np.array(numbers["confusion_matrix"])
    assert confusion.sum() == numbers["n_test"] == 359
    assert np.trace(confusion) == round(numbers["64-100-10"]["test_accuracy"] * 359)
    for name in ("accuracy", "misclassified", "confusion"):
        image = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert image.ndim == 3 and image.shape[0] > 100


@pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
def test_quick_mnist_dense_net_above_90_percent():
    config = mnist_dense.Config(quick=True, networks=("linear", "300"))
    result = mnist_dense.run(config)
    numbers = result.numbers
    assert (numbers["n_train"], numbers["n_validation"], numbers["n_test"]) == (
        5000,
        1000,
        10000,
    )
    assert numbers["784-300-10"]["test_accuracy"] > 0.90  # 5,000 images only
    assert numbers["linear"]["test_accuracy"] > 0.85
    assert numbers["784-300-10"]["best_validation_accuracy"] > 0.90
    assert set(result.figures) == {"accuracy", "misclassified", "confusion"}


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'; known: mnist"):
        mnist_dense.run(mnist_dense.Config(quick=True, dataset="cifar"))
