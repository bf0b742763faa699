import numpy as np
import pytest

from ml4phys.lab.mnist_robustness import add_noise, occlude
from tests.markers import needs_mnist

from .quick_runs import run_quick


@pytest.mark.parametrize("area", [0.0, 0.1, 0.25, 1.0])
def test_occlude_hides_a_square_of_that_area(area):
    rng = np.random.default_rng(0)
    x = np.ones((20, 784), np.float32)
    hidden = occlude(x, area, rng, value=0.0)
    side = round(np.sqrt(area) * 28)
    assert hidden.shape == x.shape and np.all(x == 1)  # x itself untouched
    assert np.all((hidden == 0).sum(axis=1) == side * side)
    images = hidden.reshape(-1, 28, 28) == 0
    for image in images[images.any(axis=(1, 2))]:  # one filled square
        rows, cols = np.flatnonzero(image.any(1)), np.flatnonzero(image.any(0))
        assert len(rows) == len(cols) == side
        assert image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].all()


def test_add_noise_has_the_requested_strength_per_image():
    rng = np.random.default_rng(1)
    x = np.zeros((3, 784), np.float32)
    noisy = add_noise(x, np.array([0.0, 0.5, 2.0]), rng)
    assert noisy.dtype == np.float32
    np.testing.assert_allclose(noisy.std(axis=1), [0.0, 0.5, 2.0], rtol=0.1)


@needs_mnist
def test_quick_run_accuracy_falls_and_corrupted_training_helps(tmp_path):
    numbers = run_quick("mnist-robustness", tmp_path)
    assert numbers["noise_levels"][0] == numbers["occluded_areas"][0] == 0.0
    clean, corrupted = numbers["clean"], numbers["corrupted"]
    for net in (clean, corrupted):
        noise, occlusion = net["accuracy_vs_noise"], net["accuracy_vs_occlusion"]
        assert noise[0] == occlusion[0] > 0.8  # the clean test set
        assert noise[-1] < noise[0] - 0.15  # noise 1.0 hurts
        assert occlusion[-1] < occlusion[0] - 0.3  # half hidden hurts more
    assert corrupted["accuracy_vs_noise"][-1] > clean["accuracy_vs_noise"][-1]
    assert corrupted["accuracy_vs_occlusion"][-2] > clean["accuracy_vs_occlusion"][-2]
    for name in ("noise", "occlusion", "examples"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
