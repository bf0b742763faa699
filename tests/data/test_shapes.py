"""ml4phys.data.shapes: circles and squares have the drawn area, centre and ink; noise
has the asked strength; the generators feed fit.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ml4phys.data import shapes


def centre_of_mass(x):
    rows, cols = np.mgrid[0 : x.shape[1], 0 : x.shape[2]]
    ink = x.sum(axis=(1, 2))
    return np.stack([(x * rows).sum((1, 2)), (x * cols).sum((1, 2))], 1) / ink[:, None]


def test_layout_labels_and_bounds():
    x, y = shapes.circles_and_squares(101, seed=0)
    assert x.shape == (101, 28, 28) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.uint8
    assert np.bincount(y).tolist() in ([51, 50], [50, 51])  # balanced
    assert x.min() == 0.0 and x.max() == 1.0  # no noise: [0, 1]
    border = np.concatenate([x[:, 0], x[:, -1], x[:, :, 0], x[:, :, -1]], axis=1)
    assert border.max() == 0.0  # shapes stay inside
    again, _ = shapes.circles_and_squares(101, seed=0)
    other, _ = shapes.circles_and_squares(101, seed=1)
    assert_array_equal(x, again) and not np.array_equal(x, other)


def test_filled_shapes_have_their_area_and_centre():
    x, y, centres, radii = shapes.circles_and_squares(
        200, filled=True, seed=2, return_params=True
    )
    area = np.where(y == 0, np.pi * radii**2, (2 * radii) ** 2)
    assert_allclose(x.sum(axis=(1, 2)), area, rtol=0.03)
    assert_allclose(centre_of_mass(x), centres, atol=0.05)


def test_outlines_have_perimeter_times_thickness_ink():
    x, y, centres, radii = shapes.circles_and_squares(
        200, thickness=1.5, seed=3, return_params=True
    )
    perimeter = np.where(y == 0, 2 * np.pi * radii, 8 * radii)
    assert_allclose(x.sum(axis=(1, 2)), 1.5 * perimeter, rtol=0.1)
    assert_allclose(centre_of_mass(x), centres, atol=0.1)


def test_noise_strength():
    clean, _ = shapes.circles_and_squares(50, seed=4)
    noisy, _ = shapes.circles_and_squares(50, noise=0.3, seed=4)
    diff = noisy - clean
    assert abs(diff.std() - 0.3) < 0.01 and abs(diff.mean()) < 0.01


def test_random_circles():
    x, centres, radii = shapes.random_circles(100, size=32, seed=5, return_params=True)
    assert x.shape == (100, 32, 32) and x.dtype == np.float32
    assert 2.0 <= radii.min() and radii.max() <= 8.0
    assert_allclose(x.sum(axis=(1, 2)), np.pi * radii**2, rtol=0.03)
    assert_allclose(centre_of_mass(x), centres, atol=0.05)
    assert centres.std(axis=0).min() > 3  # placed all over
    with pytest.raises(ValueError, match="max_radius"):
        shapes.random_circles(3, size=16, max_radius=7)


def test_generators_for_fit():
    batches = shapes.shape_batches(batch_size=8, shape="flat", noise=0.1, seed=0)
    x1, y1 = next(batches)
    x2, _ = next(batches)
    assert x1.shape == (8, 784) and y1.shape == (8, 2) and y1.dtype == np.float32
    assert_array_equal(y1.sum(axis=1), 1.0) and not np.array_equal(x1, x2)
    noisy, clean = next(shapes.circle_batches(batch_size=6, noise=0.2, seed=1))
    assert noisy.shape == clean.shape == (6, 28, 28, 1)
    assert 0.0 <= clean.min() and clean.max() <= 1.0
    assert abs((noisy - clean).std() - 0.2) < 0.03
    same_in, same_out = next(shapes.circle_batches(batch_size=6, seed=1))
    assert_array_equal(same_in, same_out)  # plain autoencoder
    with pytest.raises(ValueError, match="'image' or 'flat'"):
        next(shapes.shape_batches(shape="nchw"))


def test_a_dense_net_learns_circles_vs_squares():
    from ml4phys.nn import layers, models

    x, y = shapes.circles_and_squares(600, filled=True, seed=6)
    x_test, y_test = shapes.circles_and_squares(200, filled=True, seed=7)
    onehot = np.eye(2, dtype=np.float32)
    model = models.Sequential(
        [
            layers.Dense(30, activation="relu", input_shape=(784,)),
            layers.Dense(2, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(
        loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
    )
    model.fit(x.reshape(600, -1), onehot[y], batch_size=50, epochs=30, verbose=0)
    loss, accuracy = model.evaluate(x_test.reshape(200, -1), onehot[y_test])
    assert accuracy > 0.75  # chance: 0.5
