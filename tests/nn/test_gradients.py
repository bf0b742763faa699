"""Finite differences against every hand-written derivative of the engine."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import activations, layers, losses, models, regularizers
from ml4phys.nn.gradcheck import check_layer, numerical_gradient

from .finite_differences import assert_grads_match_finite_differences
from .layer_cases import LAYER_CASES, NON_LAYERS


@pytest.mark.parametrize(
    "case_id, make_layer, input_shape",
    LAYER_CASES,
    ids=[case[0] for case in LAYER_CASES],
)
def test_layer_backward_matches_finite_differences(case_id, make_layer, input_shape):
    check_layer(make_layer(), input_shape, batchsize=3, seed=0)


def test_every_layer_has_a_case():
    covered = {type(make()).__name__ for _, make, _ in LAYER_CASES}
    missing = set(layers.__all__) - NON_LAYERS - covered
    assert not missing, (
        f"layers without a gradient-check case in layer_cases.py: {missing}"
    )


def test_check_layer_catches_a_wrong_backward():
    class WrongDense(layers.Dense):
        def backward_dz(self, delta):
            result = super().backward_dz(delta)
            self.grads["w"] *= 1.01  # a 1% error must not pass
            return result

    with pytest.raises(AssertionError):
        check_layer(WrongDense(3, activation="tanh"), (4,))


ELEMENTWISE = ["sigmoid", "tanh", "relu", "linear", "softplus", "elu"]


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_activation_derivative_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    activation = activations.get(name)
    z = rng.normal(size=(4, 5)) * 2
    z[np.abs(z) < 1e-3] = 0.5  # away from the kinks of relu and elu
    r = rng.normal(size=z.shape)
    y, df = activation.f_df(z.copy())
    analytic = activation.backward(r, df)
    numeric = numerical_gradient(lambda: np.sum(activation.f_df(z.copy())[0] * r), z)
    assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_custom_activation_pair_and_error():
    cube = activations.get(lambda z: (z**3, 3 * z**2))
    y, df = cube.f_df(np.array([2.0]))
    assert (y[0], df[0]) == (8.0, 12.0)
    square = activations.custom(np.square, lambda z: 2 * z)
    assert square(np.array([3.0]))[0] == 9.0
    with pytest.raises(TypeError, match="must return the pair"):
        activations.get(np.tanh).f_df(np.zeros(3))


LOSS_CASES = [
    ("mean_squared_error", "linear", (3,)),
    ("mean_squared_error", "linear", (4, 2)),
    ("mean_absolute_error", "linear", (3,)),
    ("categorical_crossentropy", "softmax", (4,)),
    ("binary_crossentropy", "sigmoid", (3,)),
]


def _labels(loss_name, y_pred, rng):
    if loss_name == "categorical_crossentropy":
        return np.eye(y_pred.shape[-1])[rng.integers(0, y_pred.shape[-1], len(y_pred))]
    if loss_name == "binary_crossentropy":
        return rng.integers(0, 2, y_pred.shape).astype(float)
    return rng.normal(size=y_pred.shape)


@pytest.mark.parametrize("loss_name, activation, shape", LOSS_CASES)
def test_loss_delta_matches_finite_differences(loss_name, activation, shape):
    rng = np.random.default_rng(2)
    loss = losses.get(loss_name)
    z = rng.normal(size=(5, *shape))
    f = activations.get(activation)
    y_pred = f(z)
    y_true = _labels(loss_name, y_pred, rng)
    # per-sample delta: the sum over the batch of C_n has gradient delta_n
    total = lambda: float(np.sum(loss.per_sample(y_true, y_pred)))  # noqa: E731
    assert_allclose(
        loss.delta(y_true, y_pred),
        numerical_gradient(total, y_pred),
        rtol=1e-5,
        atol=1e-8,
    )
    if loss.fuses_with == activation:  # the fused dC/dz = y - t
        total_z = lambda: float(np.sum(loss.per_sample(y_true, f(z))))  # noqa: E731
        assert_allclose(
            loss.delta_z(y_true, y_pred),
            numerical_gradient(total_z, z),
            rtol=1e-5,
            atol=1e-8,
        )


def test_sparse_categorical_crossentropy_equals_one_hot():
    rng = np.random.default_rng(3)
    y_pred = activations.softmax(rng.normal(size=(6, 4)))
    labels = rng.integers(0, 4, 6)
    dense, sparse = (
        losses.CategoricalCrossentropy(),
        losses.SparseCategoricalCrossentropy(),
    )
    assert_allclose(sparse(labels, y_pred), dense(np.eye(4)[labels], y_pred))
    assert_allclose(
        sparse.delta_z(labels, y_pred), dense.delta_z(np.eye(4)[labels], y_pred)
    )


def test_fused_softmax_gradient_survives_underflow():
    # a probability that underflows to 0 would give -t/y = -inf without the fused step
    net = models.Sequential(
        [layers.Dense(3, activation="softmax", input_shape=(1,))],
        dtype="float64",
        seed=0,
    )
    net.set_weights([np.array([[0.0, 800.0, 0.0]]), np.zeros(3)])
    net.compile(loss="categorical_crossentropy", optimizer="sgd")
    loss = net.train_on_batch(np.ones((1, 1)), np.array([[1.0, 0.0, 0.0]]))
    assert np.isfinite(loss) and np.all(np.isfinite(net.get_weights()[0]))
    assert net.grads["dense/b"][0] == pytest.approx(-1.0)  # y - t = 0 - 1


@pytest.mark.parametrize(
    "regularizer",
    [regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(0.1, 0.4)],
)
def test_regularizer_gradient_matches_finite_differences(regularizer):
    rng = np.random.default_rng(4)
    w = rng.normal(size=(4, 3))
    assert_allclose(
        regularizer.gradient(w),
        numerical_gradient(lambda: regularizer(w), w),
        rtol=1e-6,
        atol=1e-8,
    )
    y = rng.normal(size=(5, 3))
    assert_allclose(regularizer.per_sample_value(y).sum(), regularizer(y))


def test_regularizers_keras_values():
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert regularizers.L1(0.1)(w) == pytest.approx(0.35)
    assert regularizers.L2(0.1)(w) == pytest.approx(0.525)
    assert regularizers.get("l2").l2 == 0.01


def test_model_gradient_of_three_layer_net():
    rng = np.random.default_rng(5)
    net = models.Sequential(dtype="float64", seed=1)
    net.add(
        layers.Dense(
            5,
            activation="tanh",
            input_shape=(3,),
            kernel_regularizer=regularizers.L2(0.01),
        )
    )
    net.add(layers.Dense(4, activation="sigmoid"))
    net.add(layers.Dense(2, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer="sgd")
    x = rng.normal(size=(6, 3))
    y = np.eye(2)[rng.integers(0, 2, 6)]

    def cost():
        return net._loss(y, net.forward(x), None)[0]

    y_pred = net.forward(x, training=True)
    net._backward_from_loss(y, y_pred, None)
    analytic = {name: g.copy() for name, g in net.grads.items()}
    assert_grads_match_finite_differences(analytic, net.params, cost)
    # and the input delta of the public backward()
    net.forward(x, training=True)
    dx = net.backward(
        net.loss.delta(y, net.forward(x, training=True)), input_delta=True
    )
    per_sample_sum = lambda: float(np.sum(net.loss.per_sample(y, net.forward(x))))  # noqa
    assert_allclose(dx, numerical_gradient(per_sample_sum, x), rtol=1e-5, atol=1e-8)
