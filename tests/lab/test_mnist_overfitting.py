import matplotlib.image
import pytest

from ml4phys.lab import mnist_overfitting
from tests.markers import needs_mnist

from .quick_runs import run_quick


@needs_mnist
def test_quick_run_shows_the_gap_and_the_cures(tmp_path):
    numbers = run_quick("mnist-overfitting", tmp_path)
    assert (numbers["n_train"], numbers["n_validation"]) == (300, 1000)
    plain = numbers["none"]
    assert plain["train_accuracy"] > 0.97  # learned by heart
    assert plain["gap"] > 0.08  # ... but does not generalize
    assert plain["test_accuracy"] > 0.75  # chance: 0.1
    distorted = numbers["distortions"]  # never the same image twice
    assert distorted["gap"] < plain["gap"] / 2
    assert distorted["test_accuracy"] > 0.7
    stopped = numbers["early-stopping"]  # weights of the best epoch
    assert stopped["validation_accuracy"] == pytest.approx(
        stopped["best_validation_accuracy"]
    )
    assert 1 <= stopped["restored_epoch"] <= stopped["epochs_run"] <= 12
    for cure in ("dropout", "l2"):
        assert numbers[cure]["test_accuracy"] > 0.75
        assert numbers[cure]["gap"] < plain["gap"] + 0.02
    for name in ("accuracy", "distortions"):
        image = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert image.ndim == 3 and image.shape[0] > 100


def test_unknown_cure_is_a_clear_error():
    config = mnist_overfitting.Config(quick=True, cures=("none", "prayer"))
    with pytest.raises(ValueError, match=r"unknown cures \['prayer'\]; known: none"):
        mnist_overfitting.run(config)
