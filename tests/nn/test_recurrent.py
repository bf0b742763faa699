"""Recurrent layers: finite differences, torch as a second opinion, Keras' API and layouts."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import activations, layers, models, optimizers, regularizers
from ml4phys.nn.gradcheck import check_layer


class _GeneralTanh(activations.Tanh):
    """tanh under another class: the layers then run their general (reference) loop."""


class _GeneralSigmoid(activations.Sigmoid):
    pass


# finite differences for every recurrent case: tests/nn/layer_cases.py (the registry)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("timesteps", [1, 5])
def test_lstm_fused_loop_equals_general_loop(return_sequences, timesteps):
    rng = np.random.default_rng(3)
    fast = layers.LSTM(4, return_sequences=return_sequences)
    reference = layers.LSTM(
        4,
        activation=_GeneralTanh(),
        recurrent_activation=_GeneralSigmoid(),
        return_sequences=return_sequences,
    )
    assert fast._fused and not reference._fused
    for layer in (fast, reference):
        layer.build((timesteps, 3), np.random.default_rng(0), dtype=np.float64)
    x = rng.normal(size=(5, timesteps, 3))
    r = rng.normal(size=(5, *fast.output_shape))
    y_fast, y_ref = fast.forward(x, training=True), reference.forward(x, training=True)
    assert_allclose(y_fast, y_ref, rtol=1e-12, atol=1e-14)
    assert_allclose(fast.backward(r), reference.backward(r), rtol=1e-12, atol=1e-14)
    for name in fast.grads:
        assert_allclose(fast.grads[name], reference.grads[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_gru_fused_loop_equals_general_loop(return_sequences):
    rng = np.random.default_rng(11)
    fast = layers.GRU(
        4, return_sequences=return_sequences, bias_initializer="random_uniform"
    )
    reference = layers.GRU(
        4,
        activation=_GeneralTanh(),
        recurrent_activation=_GeneralSigmoid(),
        return_sequences=return_sequences,
        bias_initializer="random_uniform",
    )
    for layer in (fast, reference):
        layer.build((5, 3), np.random.default_rng(0), dtype=np.float64)
    x = rng.normal(size=(4, 5, 3))
    r = rng.normal(size=(4, *fast.output_shape))
    assert_allclose(fast.forward(x, True), reference.forward(x, True), rtol=1e-12)
    assert_allclose(fast.backward(r), reference.backward(r), rtol=1e-11, atol=1e-14)
    for name in fast.grads:
        assert_allclose(fast.grads[name], reference.grads[name], rtol=1e-11, atol=1e-14)


def test_gru_keras_layout():
    layer = layers.GRU(5)
    layer.build((None, 3), np.random.default_rng(0))
    shapes = {name: p.shape for name, p in layer.params.items()}
    assert shapes == {"kernel": (3, 15), "recurrent_kernel": (5, 15), "bias": (2, 15)}


def test_simple_rnn_fused_loop_equals_general_loop():
    rng = np.random.default_rng(4)
    fast = layers.SimpleRNN(3, return_sequences=True)
    reference = layers.SimpleRNN(3, activation=_GeneralTanh(), return_sequences=True)
    for layer in (fast, reference):
        layer.build((6, 2), np.random.default_rng(0), dtype=np.float64)
    x, r = rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 6, 3))
    assert_allclose(fast.forward(x, True), reference.forward(x, True), rtol=1e-12)
    assert_allclose(fast.backward(r), reference.backward(r), rtol=1e-12)
    assert_allclose(
        fast.grads["recurrent_kernel"], reference.grads["recurrent_kernel"], rtol=1e-12
    )


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda **reg: layers.LSTM(2, **reg),
        lambda **reg: layers.SimpleRNN(2, return_sequences=True, **reg),
        lambda **reg: layers.TimeDistributed(
            layers.Dense(
                2,
                kernel_regularizer=reg.get("kernel_regularizer"),
                bias_regularizer=reg.get("bias_regularizer"),
            )
        ),
    ],
)
def test_weight_penalties_add_their_gradient(make_layer):
    penalties = {
        "kernel_regularizer": regularizers.L2(0.1),
        "recurrent_regularizer": regularizers.L1(0.05),
        "bias_regularizer": regularizers.L2(0.2),
    }
    rng = np.random.default_rng(9)
    x, r = rng.normal(size=(3, 4, 2)), None
    plain = make_layer()
    if isinstance(plain, layers.TimeDistributed):
        del penalties["recurrent_regularizer"]
    penalized = make_layer(**penalties)
    for layer in (plain, penalized):
        shape = layer.build((4, 2), np.random.default_rng(0), dtype=np.float64)
        r = rng.normal(size=(3, *shape)) if r is None else r
        layer.forward(x, training=True)
        layer.backward(r)
    assert penalized.regularization_loss() > 0
    for name, p in penalized.params.items():
        extra = (
            penalized.regularizers[name].gradient(p)
            if name in penalized.regularizers
            else 0.0
        )
        assert_allclose(penalized.grads[name], plain.grads[name] + extra, rtol=1e-12)


# -- torch as a second opinion -----------------------------------------------------------


def _gru_order(a, units):
    """Keras' GRU gate order (z, r, h) on the last axis -> torch's (r, z, n); self-inverse."""
    return np.concatenate(
        [a[..., units : 2 * units], a[..., :units], a[..., 2 * units :]], axis=-1
    )


def _torch_pair(torch, kind, layer, features):
    """torch.nn.RNN / LSTM / GRU with our weights: W^T, U^T and the biases.

    RNN and LSTM: bias_ih = b, bias_hh = 0 (LSTM's gate order i, f, g, o is Keras').
    GRU: Keras' two bias rows are torch's bias_ih and bias_hh, gates reordered.
    """
    units, params = layer.units, layer.params
    module = getattr(torch.nn, kind)(features, units, batch_first=True).double()
    order = (lambda a: _gru_order(a, units)) if kind == "GRU" else (lambda a: a)
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(order(params["kernel"]).T))
        module.weight_hh_l0.copy_(torch.tensor(order(params["recurrent_kernel"]).T))
        if kind == "GRU":
            module.bias_ih_l0.copy_(torch.tensor(order(params["bias"][0])))
            module.bias_hh_l0.copy_(torch.tensor(order(params["bias"][1])))
        else:
            module.bias_ih_l0.copy_(torch.tensor(params["bias"]))
            module.bias_hh_l0.zero_()
    return module


def _torch_grads(module, kind, units):
    """The module's weight gradients in our names and layouts (see ``_torch_pair``)."""
    order = (lambda a: _gru_order(a, units)) if kind == "GRU" else (lambda a: a)
    grads = {
        "kernel": order(module.weight_ih_l0.grad.numpy().T),
        "recurrent_kernel": order(module.weight_hh_l0.grad.numpy().T),
        "bias": order(module.bias_ih_l0.grad.numpy()),
    }
    if kind == "GRU":
        grads["bias"] = np.stack([grads["bias"], order(module.bias_hh_l0.grad.numpy())])
    return grads


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("timesteps", [1, 7])
def test_recurrent_layers_match_torch(kind, return_sequences, timesteps):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    batchsize, features, units = 4, 3, 5
    layer_class = {"RNN": layers.SimpleRNN, "LSTM": layers.LSTM, "GRU": layers.GRU}[
        kind
    ]
    layer = layer_class(
        units, return_sequences=return_sequences, bias_initializer="random_uniform"
    )
    layer.build((timesteps, features), rng, dtype=np.float64)
    layer.params["bias"][...] = rng.normal(size=layer.params["bias"].shape)
    n_states = 2 if kind == "LSTM" else 1
    x = rng.normal(size=(batchsize, timesteps, features))
    initial = [rng.normal(size=(batchsize, units)) for _ in range(n_states)]
    r = rng.normal(size=(batchsize, *layer.output_shape))  # probe on the output
    r_states = [
        rng.normal(size=(batchsize, units)) for _ in range(n_states)
    ]  # on h_T, c_T

    y = layer.forward(x, training=True, initial_state=initial)
    layer.propagate_delta = True
    dx = layer.backward(r, state_deltas=r_states)

    module = _torch_pair(torch, kind, layer, features)
    x_t = torch.tensor(x, requires_grad=True)
    initial_t = [torch.tensor(s[None], requires_grad=True) for s in initial]
    out, states = module(x_t, tuple(initial_t) if kind == "LSTM" else initial_t[0])
    states = list(states) if kind == "LSTM" else [states]
    y_t = out if return_sequences else out[:, -1]
    probe = (y_t * torch.tensor(r)).sum() + sum(
        (s[0] * torch.tensor(rs)).sum() for s, rs in zip(states, r_states)
    )
    probe.backward()

    tight = {"rtol": 1e-6, "atol": 1e-12}
    assert_allclose(y, y_t.detach().numpy(), **tight)
    for ours, theirs in zip(layer.final_states, states):
        assert_allclose(ours, theirs[0].detach().numpy(), **tight)
    assert_allclose(dx, x_t.grad.numpy(), **tight)
    for ours, theirs in zip(layer.initial_state_deltas, initial_t):
        assert_allclose(ours, theirs.grad[0].numpy(), **tight)
    for name, expected in _torch_grads(module, kind, units).items():  # ours: means
        assert_allclose(layer.grads[name] * batchsize, expected, **tight, err_msg=name)


# -- Keras' arguments, layouts and behaviour ---------------------------------------------


def test_lstm_keras_layout_and_unit_forget_bias():
    layer = layers.LSTM(5)
    layer.build((None, 3), np.random.default_rng(0))
    shapes = {name: p.shape for name, p in layer.params.items()}
    assert shapes == {"kernel": (3, 20), "recurrent_kernel": (5, 20), "bias": (20,)}
    assert list(layer.params) == ["kernel", "recurrent_kernel", "bias"]  # Keras' order
    assert_allclose(layer.params["bias"], np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    u = layer.params["recurrent_kernel"].astype(np.float64)
    assert_allclose(u @ u.T, np.eye(5), atol=1e-5)  # orthogonal rows
    plain = layers.LSTM(5, unit_forget_bias=False)
    plain.build((None, 3), np.random.default_rng(0))
    assert not plain.params["bias"].any()


def test_return_state_gives_keras_list_and_sequential_gets_the_output():
    rng = np.random.default_rng(1)
    layer = layers.LSTM(3, return_sequences=True, return_state=True)
    layer.build((4, 2), rng)
    x = rng.normal(size=(2, 4, 2)).astype(np.float32)
    y, h, c = layer(x)
    assert y.shape == (2, 4, 3) and h.shape == c.shape == (2, 3)
    assert_allclose(h, y[:, -1])
    net = models.Sequential(
        [layers.LSTM(3, return_state=True, input_shape=(4, 2)), layers.Dense(1)], seed=0
    )
    assert net.predict(x).shape == (2, 1)
    assert len(net.layers[0].final_states) == 2


def test_stateful_layer_carries_state_between_batches():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 8, 2))
    whole = layers.LSTM(4, return_sequences=True)
    whole.build((None, 2), np.random.default_rng(0), dtype=np.float64)
    halves = layers.LSTM(4, return_sequences=True, stateful=True)
    halves.build((None, 2), np.random.default_rng(0), dtype=np.float64)
    y = whole.forward(x)
    y_halves = np.concatenate(
        [halves.forward(x[:, :5]), halves.forward(x[:, 5:])], axis=1
    )
    assert_allclose(y_halves, y, rtol=1e-12)
    halves.reset_states()
    assert_allclose(halves.forward(x[:, :5]), y[:, :5], rtol=1e-12)
    with pytest.raises(ValueError, match="stateful.*batch of 2 after one of 3"):
        halves.forward(x[:2, 5:])


def test_any_sequence_length_with_timesteps_none():
    net = models.Sequential(
        [
            layers.SimpleRNN(4, return_sequences=True, input_shape=(None, 2)),
            layers.Dense(1),
        ],
        seed=0,
    )
    net.compile(loss="mse", optimizer="adam")
    for timesteps in (1, 5, 9):
        x = np.ones((3, timesteps, 2))
        assert net.predict(x).shape == (3, timesteps, 1)
        assert np.isfinite(net.train_on_batch(x, np.zeros((3, timesteps, 1))))


@pytest.mark.parametrize("layer_class", [layers.SimpleRNN, layers.LSTM])
def test_wrong_input_rank_names_layer_and_shapes(layer_class):
    layer = layer_class(3, name="rec")
    with pytest.raises(
        ValueError,
        match=r"'rec'.*\(batchsize, timesteps, features\).*"
        r"\(batchsize, 5\)",
    ):
        layer.build((5,), np.random.default_rng(0))
    layer.build((4, 2), np.random.default_rng(0))
    with pytest.raises(
        ValueError, match=r"'rec'.*\(batchsize, timesteps, 2\).*\(7, 4\)"
    ):
        layer.forward(np.zeros((7, 4)))
    # a sequence layer fed the 2D output of a Dense layer
    with pytest.raises(
        ValueError,
        match=r"'(simple_rnn|lstm)'.*received input shape "
        r"\(batchsize, 2\)",
    ):
        models.Sequential([layers.Dense(2, input_shape=(3,)), layer_class(2)])


def test_dense_on_sequences_acts_on_last_axis_and_equals_time_distributed():
    rng = np.random.default_rng(6)
    x, r = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5, 2))
    dense = layers.Dense(2, activation="tanh")
    dense.build((5, 4), np.random.default_rng(0), dtype=np.float64)
    wrapped = layers.TimeDistributed(layers.Dense(2, activation="tanh"))
    wrapped.build((5, 4), np.random.default_rng(0), dtype=np.float64)
    y = dense.forward(x, training=True)
    for t in range(5):  # each step alone
        assert_allclose(
            y[:, t], np.tanh(x[:, t] @ dense.params["w"] + dense.params["b"])
        )
    assert_allclose(wrapped.forward(x, training=True), y, rtol=1e-14)
    assert_allclose(wrapped.backward(r), dense.backward(r), rtol=1e-12)
    for name in dense.grads:
        assert_allclose(wrapped.grads[name], dense.grads[name], rtol=1e-12)
    check_layer(layers.Dense(2, activation="sigmoid"), (5, 4))


def test_summary_save_load_and_set_weights(tmp_path):
    rng = np.random.default_rng(7)
    net = models.Sequential(seed=1)
    net.add(layers.LSTM(6, return_sequences=True, input_shape=(None, 2)))
    net.add(layers.SimpleRNN(4, return_sequences=True))
    net.add(layers.GRU(3, return_sequences=True))
    net.add(layers.TimeDistributed(layers.Dense(1)))
    net.compile(loss="mean_squared_error", optimizer=optimizers.Adam(clipnorm=1.0))
    x, y = rng.normal(size=(4, 7, 2)), rng.normal(size=(4, 7, 1))
    net.train_on_batch(x, y)
    lines = []
    net.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "lstm (LSTM)" in text and "(None, None, 6)" in text
    lstm, rnn, gru, dense = (
        4 * (2 * 6 + 6 * 6 + 6),
        6 * 4 + 4 * 4 + 4,
        3 * (4 * 3 + 3 * 3 + 2 * 3),
        3 + 1,
    )
    assert f"{lstm + rnn + gru + dense:,}" in text
    net.save(tmp_path / "rnn.ml4phys")
    loaded = models.load_model(tmp_path / "rnn.ml4phys")
    assert [type(layer) for layer in loaded.layers] == [
        type(layer) for layer in net.layers
    ]
    assert_allclose(loaded.predict(x), net.predict(x), rtol=0, atol=0)
    assert loaded.layers[0].get_config() == net.layers[0].get_config()
    assert_allclose(loaded.train_on_batch(x, y), net.train_on_batch(x, y), rtol=1e-6)
    # Keras arrays in Keras' order go in unchanged
    weights = [w + 0.5 for w in net.get_weights()]
    loaded.set_weights(weights)
    for ours, theirs in zip(loaded.get_weights(), weights):
        assert_allclose(ours, theirs)


def test_gradient_clipping_keras_semantics():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([0.3, -0.4])}
    by_norm = optimizers.SGD(clipnorm=1.0).clip(grads)
    assert_allclose(by_norm["a"], [0.6, 0.8])  # norm 5 -> 1, per array
    assert_allclose(by_norm["b"], [0.3, -0.4])  # norm 0.5 stays
    by_value = optimizers.SGD(clipvalue=0.35).clip(grads)
    assert_allclose(by_value["a"], [0.35, 0.35])
    assert_allclose(by_value["b"], [0.3, -0.35])
    joint = optimizers.SGD(global_clipnorm=1.0).clip(grads)
    scale = 1.0 / np.sqrt(25.25)  # all arrays by their joint norm
    assert_allclose(joint["a"], np.array([3.0, 4.0]) * scale)
    assert_allclose(joint["b"], np.array([0.3, -0.4]) * scale)
    assert_allclose(grads["a"], [3.0, 4.0])  # the model's arrays stay as computed
    params = {"a": np.zeros(2), "b": np.zeros(2)}
    optimizers.SGD(learning_rate=0.1, clipnorm=1.0).apply(params, grads)
    assert_allclose(params["a"], [-0.06, -0.08])


def test_lstm_learns_to_remember_the_first_value():
    """The last output must repeat x_0 after 6 steps of noise: trainable in a few steps."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=(256, 7, 1)) * np.r_[1.0, np.full(6, 0.1)][None, :, None]
    y = x[:, 0]
    net = models.Sequential(
        [layers.LSTM(8, input_shape=(7, 1)), layers.Dense(1)], seed=0
    )
    net.compile(loss="mse", optimizer=optimizers.Adam(learning_rate=0.02))
    before = net.evaluate(x, y)
    net.fit(x, y, batch_size=32, epochs=15, verbose=0)
    assert net.evaluate(x, y) < 0.1 * before
