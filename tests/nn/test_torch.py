"""A second opinion: the engine against PyTorch autograd and torch.optim, in float64."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import layers, models, optimizers

torch = pytest.importorskip("torch")

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "linear": lambda z: z,
    "softplus": torch.nn.functional.softplus,
    "elu": torch.nn.functional.elu,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


def _random_net(rng, sizes, hidden_activation, output_activation):
    net = models.Sequential(dtype="float64", seed=int(rng.integers(1000)))
    for i, units in enumerate(sizes[1:]):
        last = i == len(sizes) - 2
        net.add(
            layers.Dense(
                units,
                activation=output_activation if last else hidden_activation,
                input_shape=(sizes[0],) if i == 0 else None,
            )
        )
    for layer in net.layers:  # nonzero biases, so that they are tested too
        layer.params["b"][...] = rng.normal(size=layer.params["b"].shape) * 0.3
    return net


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "softplus", "elu"])
@pytest.mark.parametrize(
    "output, loss_name",
    [
        ("linear", "mean_squared_error"),
        ("softmax", "categorical_crossentropy"),
        ("sigmoid", "binary_crossentropy"),
    ],
)
def test_forward_and_gradients_match_torch(hidden, output, loss_name):
    rng = np.random.default_rng(abs(hash((hidden, output))) % 2**32)
    sizes = [4, 7, 6, 3]
    net = _random_net(rng, sizes, hidden, output)
    net.compile(loss=loss_name, optimizer="sgd")
    x = rng.normal(size=(8, 4))
    if loss_name == "categorical_crossentropy":
        y = np.eye(3)[rng.integers(0, 3, 8)]
    elif loss_name == "binary_crossentropy":
        y = rng.integers(0, 2, (8, 3)).astype(float)
    else:
        y = rng.normal(size=(8, 3))

    y_pred = net.forward(x, training=True)
    net._backward_from_loss(y, y_pred, None)
    loss = net._loss(y, y_pred, None)[0]

    params = [torch.tensor(p, requires_grad=True) for p in net.get_weights()]
    h = torch.tensor(x)
    for i in range(0, len(params), 2):
        f = TORCH_ACTIVATIONS[hidden if i < len(params) - 2 else output]
        h = f(h @ params[i] + params[i + 1])
    t = torch.tensor(y)
    if loss_name == "mean_squared_error":
        loss_t = torch.mean((h - t) ** 2)
    elif loss_name == "categorical_crossentropy":
        loss_t = -torch.mean(torch.sum(t * torch.log(h), dim=-1))
    else:
        loss_t = torch.nn.functional.binary_cross_entropy(h, t)
    loss_t.backward()

    assert_allclose(y_pred, h.detach().numpy(), rtol=1e-6, atol=1e-12)
    assert_allclose(loss, loss_t.item(), rtol=1e-6)
    ours = [net.grads[f"{layer.name}/{k}"] for layer in net.layers for k in ("w", "b")]
    for g, p in zip(ours, params):
        assert_allclose(g, p.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_input_delta_matches_torch():
    rng = np.random.default_rng(7)
    net = _random_net(rng, [3, 5, 2], "tanh", "linear")
    x = rng.normal(size=(4, 3))
    r = rng.normal(size=(4, 2))
    net.forward(x, training=True)
    dx = net.backward(r, input_delta=True)
    w1, b1, w2, b2 = (torch.tensor(p) for p in net.get_weights())
    x_t = torch.tensor(x, requires_grad=True)
    (((torch.tanh(x_t @ w1 + b1) @ w2 + b2) * torch.tensor(r)).sum()).backward()
    assert_allclose(dx, x_t.grad.numpy(), rtol=1e-6, atol=1e-12)


def _trajectory(ours, theirs, steps=20, seed=0):
    """Run both optimizers on the same quadratic-plus-quartic cost; return both paths."""
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=(3, 4))
    target = rng.normal(size=(3, 4))
    w = w0.copy()
    w_t = torch.tensor(w0, requires_grad=True)
    opt_t = theirs([w_t])
    ours_path, theirs_path = [], []
    for _ in range(steps):
        grad = (w - target) + 0.1 * (w - target) ** 3
        ours.apply({"w": w}, {"w": grad})
        opt_t.zero_grad()
        cost = (
            0.5 * ((w_t - torch.tensor(target)) ** 2).sum()
            + 0.025 * ((w_t - torch.tensor(target)) ** 4).sum()
        )
        cost.backward()
        opt_t.step()
        ours_path.append(w.copy())
        theirs_path.append(w_t.detach().numpy().copy())
    return np.array(ours_path), np.array(theirs_path)


OPTIMIZER_PAIRS = [
    ("sgd", lambda: optimizers.SGD(0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    (
        "momentum",
        lambda: optimizers.SGD(0.05, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    (
        "nesterov",
        lambda: optimizers.SGD(0.05, momentum=0.8, nesterov=True),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    ),
    # epsilon enters differently (Keras: sqrt(v + eps); torch: sqrt(v) + eps): take it 0
    (
        "rmsprop",
        lambda: optimizers.RMSprop(0.01, rho=0.9, epsilon=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),
    ),
    (
        "rmsprop-momentum",
        lambda: optimizers.RMSprop(0.01, rho=0.9, momentum=0.5, epsilon=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, eps=0.0),
    ),
    (
        "rmsprop-centered",
        lambda: optimizers.RMSprop(0.01, centered=True, epsilon=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, centered=True, eps=0.0),
    ),
    (
        "adadelta",
        lambda: optimizers.Adadelta(1.0, rho=0.9, epsilon=1e-6),
        lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
    # Adagrad: Keras starts the accumulator at 0.1; torch takes it as an option
    (
        "adagrad",
        lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0),
        lambda p: torch.optim.Adagrad(
            p, lr=0.1, initial_accumulator_value=0.1, eps=0.0
        ),
    ),
    (
        "adam",
        lambda: optimizers.Adam(0.01, epsilon=0.0),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=0.0),
    ),
]


@pytest.mark.parametrize(
    "name, make_ours, make_theirs", OPTIMIZER_PAIRS, ids=[p[0] for p in OPTIMIZER_PAIRS]
)
def test_optimizer_trajectory_matches_torch(name, make_ours, make_theirs):
    ours, theirs = _trajectory(make_ours(), make_theirs)
    assert_allclose(ours, theirs, rtol=1e-6, atol=1e-10)


def test_adam_epsilon_follows_keras_formula():
    """With epsilon > 0, Keras' Adam (epsilon after the bias correction) written out."""
    rng = np.random.default_rng(3)
    w = rng.normal(size=5)
    grads = [rng.normal(size=5) for _ in range(20)]
    opt = optimizers.Adam(0.01, epsilon=1e-3)
    expected, m, v = w.copy(), np.zeros(5), np.zeros(5)
    for t, g in enumerate(grads, start=1):
        opt.apply({"w": w}, {"w": g})
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        expected -= (
            0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-3)
        )
    assert_allclose(w, expected, rtol=1e-12)


def test_adagrad_epsilon_follows_keras_formula():
    rng = np.random.default_rng(4)
    w = rng.normal(size=5)
    opt = optimizers.Adagrad(0.1, epsilon=1e-2)
    expected, acc = w.copy(), np.full(5, 0.1)
    for _ in range(20):
        g = rng.normal(size=5)
        opt.apply({"w": w}, {"w": g})
        acc += g * g
        expected -= 0.1 * g / np.sqrt(acc + 1e-2)
    assert_allclose(w, expected, rtol=1e-12)
