import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.data import deskew
from tests.markers import HAVE_MNIST


def _slanted_strokes(slopes, size=28):
    """Images of a line column = 14 + slope (row - 14), rows 4..23."""
    images = np.zeros((len(slopes), size, size), np.float32)
    rows = np.arange(4, 24)
    for image, slope in zip(images, slopes):
        cols = np.round(14 + slope * (rows - 14)).astype(int)
        image[rows, cols] = 1.0
    return images


def test_deskewing_lowers_the_moment_based_skew_of_slanted_strokes():
    slopes = [-0.5, -0.2, 0.3, 0.6]
    images = _slanted_strokes(slopes)
    assert_allclose(deskew.skew(images), slopes, atol=0.03)
    straightened = deskew.deskew(images)
    assert np.all(np.abs(deskew.skew(straightened)) < 0.05)
    centre, _ = deskew.moments(straightened)
    assert_allclose(centre, 13.5, atol=0.6)  # centre of mass moved to the middle


def test_deskew_keeps_the_layout_and_an_upright_image():
    upright = _slanted_strokes([0.0])
    flat = upright.reshape(1, 784)
    assert deskew.deskew(flat).shape == (1, 784)
    assert deskew.deskew(upright[..., None]).shape == (1, 28, 28, 1)
    assert_allclose(deskew.skew(deskew.deskew(upright)), 0.0, atol=1e-6)


@pytest.mark.skipif(not HAVE_MNIST, reason="MNIST absent")
def test_deskewing_mnist_lowers_the_skew():
    from ml4phys.data import mnist

    (x, _), _ = mnist.load_data(progress=False)
    x = mnist.as_float(x[:500])
    before, after = np.abs(deskew.skew(x)), np.abs(deskew.skew(deskew.deskew(x)))
    assert after.mean() < 0.1 * before.mean()
