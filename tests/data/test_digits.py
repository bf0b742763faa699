"""ml4phys.data.digits: scikit-learn's 8x8 digits in the MNIST layout, offline."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

pytest.importorskip("sklearn")

from ml4phys.data import digits, mnist  # noqa: E402


def test_digits_layout_and_split():
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_fraction=0.2, seed=0)
    assert len(x_train) + len(x_test) == digits.N_SAMPLES == 1797
    assert len(x_test) == 359
    assert x_train.shape[1:] == digits.IMAGE_SHAPE and x_train.dtype == np.uint8
    assert y_train.dtype == np.uint8 and set(np.unique(y_train)) == set(range(10))
    assert x_train.min() == 0 and x_train.max() == 255
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert counts.min() >= 170 and counts.max() <= 190  # about 180 each
    assert mnist.as_float(x_test).shape == (359, 64)  # MNIST helpers apply
    assert mnist.as_float(x_test, shape="image").shape == (359, 8, 8, 1)


def test_digits_seed_and_fraction():
    (a, _), _ = digits.load_data(seed=1)
    (b, _), _ = digits.load_data(seed=1)
    (c, _), _ = digits.load_data(seed=2)
    assert_array_equal(a, b) and not np.array_equal(a, c)
    (x_all, _), (x_none, _) = digits.load_data(test_fraction=0.0)
    assert len(x_all) == 1797 and len(x_none) == 0
    with pytest.raises(ValueError, match="test_fraction"):
        digits.load_data(test_fraction=1.0)
