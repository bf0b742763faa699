"""ml4phys.data.augment: the batch transforms agree with scipy.ndimage image by image,
distortions keep a digit's ink, position and size within bounds, and the generator
feeds ``fit``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import ndimage

from ml4phys.data import augment


def mnist_like(n=200, seed=0):
    """Digit-like 28x28 float images: sklearn's 8x8 digits zoomed to 20x20, centred in
    28x28 as MNIST's are; a blob pattern if scikit-learn is absent.
    """
    rng = np.random.default_rng(seed)
    try:
        from sklearn.datasets import load_digits

        small = load_digits().images[rng.permutation(1797)[:n]] / 16.0
    except ImportError:
        small = ndimage.gaussian_filter(rng.random((n, 8, 8)), (0, 1, 1)) > 0.5
    x = np.zeros((n, 28, 28))
    zoomed = ndimage.zoom(small.astype(float), (1, 2.5, 2.5), order=1)  # (n, 20, 20)
    x[:, 4:24, 4:24] = np.clip(zoomed, 0, 1)
    return x


def moments(x):
    """Per image: ink (sum), centre of mass (n, 2) and radius of gyration."""
    rows, cols = np.mgrid[0:28, 0:28]
    ink = x.sum(axis=(1, 2))
    centre = np.stack([(x * rows).sum((1, 2)), (x * cols).sum((1, 2))], 1)
    centre /= ink[:, None]
    r2 = (rows - centre[:, :1, None]) ** 2 + (cols - centre[:, 1:, None]) ** 2
    return ink, centre, np.sqrt((x * r2).sum((1, 2)) / ink)


def test_transform_matches_affine_transform_per_image():
    rng = np.random.default_rng(0)
    x = rng.random((5, 28, 28))
    shift, angle = rng.uniform(-3, 3, (5, 2)), rng.uniform(-40, 40, 5)
    scale = rng.uniform(0.7, 1.3, 5)
    out = augment.transform(x, shift=shift, angle=angle, scale=scale)
    centre = np.array([13.5, 13.5])
    for i in range(5):
        a, s = np.radians(angle[i]), scale[i]
        inverse = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]]) / s
        offset = centre - inverse @ (centre + shift[i])  # source = M out + offset
        ref = ndimage.affine_transform(
            x[i], inverse, offset, order=1, mode="grid-constant"
        )
        assert_allclose(out[i], ref, atol=1e-12)


def test_rotation_and_shift_conventions():
    x = np.zeros((2, 28, 28))
    x[:, 5:12, 14:20] = 1.0
    x[:, 20, 3] = 0.5
    out = augment.transform(x, angle=[30.0, 90.0])
    for i, angle in enumerate([30.0, 90.0]):  # as ndimage.rotate
        ref = ndimage.rotate(x[i], angle, reshape=False, order=1)
        assert_allclose(out[i], ref, atol=1e-12)
    assert_allclose(out[1], np.rot90(x[1]), atol=1e-12)  # counter-clockwise
    shifted = augment.transform(x, shift=[[2, -3], [0, 0]])
    assert_array_equal(shifted[0, 2:, :-3], x[0, :-2, 3:])  # down 2, left 3
    assert_array_equal(shifted[0, :2], 0) and (shifted[0, :, -3:] == 0).all()


def test_scaling_magnifies_about_the_centre():
    x = mnist_like(20)
    ink, centre, radius = moments(x)
    ink2, centre2, radius2 = moments(augment.transform(x, scale=np.full(20, 1.2)))
    assert_allclose(radius2 / radius, 1.2, rtol=0.02)
    assert_allclose(ink2 / ink, 1.44, rtol=0.03)
    assert_allclose(centre2 - 13.5, 1.2 * (centre - 13.5), atol=0.05)


def test_bilinear_and_smooth_equal_scipy():
    rng = np.random.default_rng(1)
    stack = rng.random((4, 9, 7))
    rows, cols = rng.uniform(-5, 14, (2, 4, 6, 8))  # in and far outside
    ref = np.stack(
        [
            ndimage.map_coordinates(
                stack[i], [rows[i], cols[i]], order=1, mode="grid-constant"
            )
            for i in range(4)
        ]
    )
    assert_allclose(augment.bilinear(stack, rows, cols), ref, atol=1e-12)
    field = rng.uniform(-1, 1, (3, 2, 28, 28))
    assert_allclose(
        augment.smooth(field, 4.0),
        ndimage.gaussian_filter(field, (0, 0, 4, 4), mode="constant"),
        atol=1e-12,
    )


@pytest.mark.parametrize("layout", ["nhw", "nhw1", "flat"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_layout_and_dtype_are_kept(layout, dtype):
    x = mnist_like(6)
    x = (x * 255).astype(dtype) if dtype == np.uint8 else x.astype(dtype)
    x = {"nhw": x, "nhw1": x[..., None], "flat": x.reshape(6, 784)}[layout]
    assert_array_equal(augment.transform(x), x)  # identity is exact
    out = augment.distort(x, np.random.default_rng(0))
    assert out.shape == x.shape and out.dtype == x.dtype
    assert not np.array_equal(out, x)
    with pytest.raises(ValueError, match="expected images of shape"):
        augment.distort(np.zeros((3, 783)), np.random.default_rng(0))


def test_distortions_keep_the_digit_within_bounds():
    x = mnist_like(200)
    out = augment.distort(x, np.random.default_rng(2))  # all four kinds
    ink, centre, radius = moments(x)
    ink2, centre2, radius2 = moments(out)
    assert 0.0 <= out.min() and out.max() <= 1.0 + 1e-6  # bilinear: no overshoot
    ink_ratio, size_ratio = ink2 / ink, radius2 / radius
    assert 0.5 < ink_ratio.min() and ink_ratio.max() < 1.7
    assert abs(ink_ratio.mean() - 1) < 0.1
    assert 0.75 < size_ratio.min() and size_ratio.max() < 1.3
    assert abs(size_ratio.mean() - 1) < 0.07
    moved = np.linalg.norm(centre2 - centre, axis=1)
    assert moved.max() < 6.0 and moved.mean() > 0.5  # shift 2.8 + elastic
    assert np.abs((centre2 - centre).mean(axis=0)).max() < 0.5
    same = augment.distort(x, np.random.default_rng(2))
    assert_array_equal(same, out)  # reproducible from rng


def test_elastic_distortion_alone_changes_each_image_a_little():
    x = mnist_like(50)
    rng = np.random.default_rng(3)
    out = augment.distort(x, rng, shift=0, rotation=0, scale=0)
    ink, centre, radius = moments(x)
    ink2, centre2, radius2 = moments(out)
    # Simard's alpha 34, sigma 4 move whole strokes by ~1.4 px (std per component)
    moved = np.linalg.norm(centre2 - centre, axis=1)
    assert moved.max() < 4.5 and 0.3 < moved.mean() < 1.5
    assert np.abs(radius2 / radius - 1).max() < 0.25
    change = np.abs(out - x).sum(axis=(1, 2)) / ink
    assert change.min() > 0.05  # each one distorted
    none = augment.distort(x, rng, shift=0, rotation=0, scale=0, elastic_alpha=0)
    assert_allclose(none, x, atol=1e-12)


def test_augmented_batches_cover_each_epoch_with_labels_attached():
    x = mnist_like(10).reshape(10, 784).astype(np.float32)
    ids = np.arange(10).reshape(10, 1)
    batches = augment.augmented_batches(
        x, ids, batch_size=4, seed=0, shift=0, rotation=0, scale=0, elastic_alpha=0
    )
    epoch = [next(batches) for _ in range(3)]  # ceil(10 / 4) batches
    assert [len(yb) for _, yb in epoch] == [4, 4, 2]
    seen = np.concatenate([yb[:, 0] for _, yb in epoch])
    assert sorted(seen) == list(range(10)) and list(seen) != list(range(10))
    for xb, yb in epoch:
        assert xb.shape == (len(yb), 784) and xb.dtype == np.float32
        assert_allclose(xb, x[yb[:, 0]], atol=1e-6)  # undistorted: the same
    fresh = augment.augmented_batches(x, ids, batch_size=10, seed=0)
    first, second = next(fresh)[0], next(fresh)[0]
    assert not np.allclose(np.sort(first.sum(1)), np.sort(second.sum(1)))
    with pytest.raises(ValueError, match="10 images but 9 labels"):
        next(augment.augmented_batches(x, ids[:9]))


def test_fit_consumes_the_generator():
    from ml4phys.nn import layers, models
    from ml4phys.nn.utils import to_categorical

    rng = np.random.default_rng(0)
    x = mnist_like(60).reshape(60, 784).astype(np.float32)
    y = to_categorical(rng.integers(0, 10, 60), 10)
    model = models.Sequential(
        [layers.Dense(10, activation="softmax", input_shape=(784,))], seed=0
    )
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    history = model.fit(
        augment.augmented_batches(x, y, batch_size=20),
        epochs=2,
        steps_per_epoch=3,
        verbose=0,
    )
    assert len(history.history["loss"]) == 2
    assert np.isfinite(history.history["loss"]).all()
