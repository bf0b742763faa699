"""Optimizer details that the torch trajectories do not cover."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import optimizers


def test_lr_is_an_alias_and_names_resolve():
    assert optimizers.SGD(lr=0.1).learning_rate == 0.1
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    assert optimizers.get("adam").learning_rate == 0.001  # Keras' default
    config = optimizers.RMSprop(0.01, rho=0.8).get_config()
    restored = optimizers.get(config)
    assert (restored.learning_rate, restored.rho) == (0.01, 0.8)


def test_clipping_follows_keras():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([0.0, 12.0])}
    clipped = optimizers.SGD(clipnorm=1.0).clip(grads)  # each array by its own norm
    assert_allclose(clipped["a"], [0.6, 0.8])
    assert_allclose(clipped["b"], [0.0, 1.0])
    clipped = optimizers.SGD(clipvalue=2.0).clip(grads)
    assert_allclose(clipped["a"], [2.0, 2.0])
    clipped = optimizers.SGD(global_clipnorm=6.5).clip(grads)  # joint norm 13
    assert_allclose(clipped["b"], [0.0, 6.0])
    assert grads["a"][0] == 3.0  # the originals stay as computed


def test_denormal_running_means_are_flushed():
    opt = optimizers.Adam()
    w = np.ones(4, np.float32)
    zero = np.zeros(4, np.float32)
    opt.apply({"w": w}, {"w": np.ones(4, np.float32)})
    opt.state["w"]["m"][:] = 1e-44  # a dead unit's mean, deep in the denormals
    for _ in range(optimizers.FLUSH_EVERY):
        opt.apply({"w": w}, {"w": zero})
    assert np.all(opt.state["w"]["m"] == 0)
    assert np.all(opt.state["w"]["v"] > 0)  # normal values stay


def test_denormal_parameters_are_flushed():
    opt = optimizers.SGD(0.1)
    w = np.array([1e-40, -1e-42, 1e-30, 0.5], np.float32)  # two denormals, two normal
    for _ in range(optimizers.FLUSH_EVERY):
        opt.apply({"w": w}, {"w": np.zeros(4, np.float32)})
    assert w.tolist() == np.array([0, 0, 1e-30, 0.5], np.float32).tolist()


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.SGD(0.1),
        lambda: optimizers.SGD(0.05, momentum=0.9),
        lambda: optimizers.Adagrad(0.5),
        lambda: optimizers.RMSprop(0.05),
        lambda: optimizers.Adadelta(1.0, epsilon=1e-4),
        lambda: optimizers.Adam(0.05),
    ],
)
def test_every_optimizer_descends_a_quadratic(make):
    opt = make()
    w = np.array([2.0, -3.0])
    for _ in range(1000):
        opt.apply({"w": w}, {"w": w.copy()})  # gradient of |w|^2 / 2
    assert np.linalg.norm(w) < 0.2


def test_initializers_follow_keras_formulas():
    from ml4phys.nn import initializers

    rng = np.random.default_rng(0)
    w = initializers.get("glorot_uniform")((300, 200), rng)
    limit = np.sqrt(6 / 500)
    assert w.dtype == np.float32 and np.abs(w).max() <= limit
    assert np.std(w) == pytest.approx(limit / np.sqrt(3), rel=0.02)
    h = initializers.get("he_normal")((400, 300), rng, np.float64)
    stddev = np.sqrt(2 / 400)
    assert np.abs(h).max() <= 2 * stddev  # truncated at two standard deviations
    assert np.std(h) == pytest.approx(0.88 * stddev, rel=0.03)  # the truncation's std
    u = initializers.RandomUniform(-1, 1)((1000,), rng)
    assert -1 <= u.min() < -0.99 and 0.99 < u.max() <= 1
    assert initializers.get("random_uniform").maxval == 0.05
    assert np.all(initializers.get("zeros")((3, 2), rng) == 0)
    conv = initializers.GlorotUniform()((3, 3, 4, 8), rng)  # fans of a conv kernel
    assert np.abs(conv).max() <= np.sqrt(6 / (9 * 4 + 9 * 8))
    with pytest.raises(ValueError, match="unknown initializer"):
        initializers.get("xavier")
