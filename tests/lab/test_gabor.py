import json

import matplotlib.image
import pytest

from ml4phys.cli import main
from ml4phys.data import mnist
from ml4phys.lab import gabor

HAVE_MNIST = mnist.find() is not None


@pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
def test_quick_l1_penalty_sparsifies_the_filters(tmp_path):
    argv = ["run", "gabor", "--quick", "--no-progress", "--out", str(tmp_path)]
    assert main(argv) == 0
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    for dataset in ("mnist", "natural"):
        free, penalized = numbers[dataset]
        assert penalized["sparsity"] > free["sparsity"] + 0.1
        assert 0.0 <= free["gabor_r2_median"] <= 1.0
    assert numbers["mnist"][0]["test_error"] < 0.6  # learned something (chance: 0.9)
    assert numbers["natural"][0]["test_mse"] < 0.25  # below the noise, 0.5^2
    for name in ("filters_mnist", "filters_natural", "penalty"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown datasets"):
        gabor.run(gabor.Config(datasets=("cifar",)))
