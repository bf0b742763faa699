"""The functional API: Model(inputs, outputs) over a graph, checked against finite
differences, PyTorch autograd and Sequential.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ml4phys.nn import Input, Model, Sequential, layers, optimizers
from ml4phys.nn.gradcheck import numerical_gradient

from .finite_differences import assert_grads_match_finite_differences


def two_headed_graph(dtype="float64", seed=0):
    """x1 fans out into two branches; a shared Dense; Concatenate and Add; two outputs."""
    x1, x2 = Input(shape=(3,), name="x1"), Input(shape=(2,), name="x2")
    shared = layers.Dense(4, activation="tanh", name="shared")
    a = layers.Dense(4, activation="sigmoid", name="a")(x1)  # x1 fans out ...
    b = shared(x1)  # ... into a and the shared layer
    c = shared(layers.Dense(3, activation="elu", name="lift")(x2))  # shared, 2nd use
    h = layers.Concatenate(name="cat")([a, b, c])
    s = layers.Add(name="add")([a, b, c])
    out1 = layers.Dense(2, activation="softmax", name="out1")(h)
    out2 = layers.Dense(1, name="out2")(layers.Multiply(name="mul")([s, c]))
    return Model([x1, x2], [out1, out2], seed=seed, dtype=dtype)


def batch(rng, n=5):
    x = [rng.normal(size=(n, 3)), rng.normal(size=(n, 2))]
    y = [np.eye(2)[rng.integers(0, 2, n)], rng.normal(size=(n, 1))]
    return x, y


def test_graph_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    model = two_headed_graph()
    model.compile(
        loss=["categorical_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        optimizer="sgd",
    )
    x, y = batch(rng)

    def cost():
        return model._loss(y, model._forward_outputs(x, False), None)[0]

    y_pred = model._forward_outputs(x, training=True)
    model._backward_from_loss(y, y_pred, None)
    analytic = {name: g.copy() for name, g in model.grads.items()}
    assert set(analytic) >= {"shared/w", "lift/w", "out1/w", "out2/b"}
    assert_grads_match_finite_differences(analytic, model.params, cost)


def test_graph_input_deltas_match_finite_differences():
    rng = np.random.default_rng(1)
    model = two_headed_graph()
    x, _ = batch(rng, 4)
    r = [rng.normal(size=(4, 2)), rng.normal(size=(4, 1))]  # probe L = sum y_i * r_i

    def probe():
        outputs = model.forward(x)
        return float(sum(np.sum(y * ri) for y, ri in zip(outputs, r)))

    model.forward(x, training=True)
    dx = model.backward(r, input_delta=True)
    for i in range(2):
        assert_allclose(dx[i], numerical_gradient(probe, x[i]), rtol=1e-5, atol=1e-8)


def test_graph_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    model = two_headed_graph()
    x, _ = batch(rng, 6)
    r = [rng.normal(size=(6, 2)), rng.normal(size=(6, 1))]
    outputs = model.forward(x, training=True)
    model.backward(r)
    p = {name: torch.tensor(v, requires_grad=True) for name, v in model.params.items()}

    def dense(name, y):
        return y @ p[f"{name}/w"] + p[f"{name}/b"]

    x1, x2 = (torch.tensor(a) for a in x)
    a = torch.sigmoid(dense("a", x1))
    b = torch.tanh(dense("shared", x1))
    c = torch.tanh(dense("shared", torch.nn.functional.elu(dense("lift", x2))))
    out1 = torch.softmax(dense("out1", torch.cat([a, b, c], dim=1)), dim=1)
    out2 = dense("out2", (a + b + c) * c)
    loss = (out1 * torch.tensor(r[0])).sum() + (out2 * torch.tensor(r[1])).sum()
    loss.backward()
    assert_allclose(outputs[0], out1.detach().numpy(), rtol=1e-12)
    assert_allclose(outputs[1], out2.detach().numpy(), rtol=1e-12)
    for name, tensor in p.items():  # ml4phys' grads are batch means
        assert_allclose(model.grads[name] * 6, tensor.grad.numpy(), rtol=1e-10)


def test_sequential_and_functional_are_bit_identical():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 6)).astype(np.float32)
    y = np.eye(3)[rng.integers(0, 3, 64)]

    def chain():
        return [
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(3, activation="softmax"),
        ]

    sequential = Sequential([Input(shape=(6,)), *chain()], seed=7)
    inputs = Input(shape=(6,))
    h = inputs
    for layer in chain():
        h = layer(h)
    functional = Model(inputs, h, seed=7)
    results = []
    for model in (sequential, functional):
        model.compile(optimizer=optimizers.Adam(0.01), loss="categorical_crossentropy")
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
        results.append((model.get_weights(), history.history["loss"], model.predict(x)))
    for a, b in zip(results[0][0], results[1][0]):
        assert_array_equal(a, b)
    assert results[0][1] == results[1][1]
    assert_array_equal(results[0][2], results[1][2])


def test_autoencoder_from_encoder_and_decoder_models():
    rng = np.random.default_rng(4)
    x_data = rng.normal(size=(200, 8)).astype(np.float32)
    encoder_in = Input(shape=(8,))
    encoder = Model(
        encoder_in, layers.Dense(3, activation="tanh")(encoder_in), name="encoder"
    )
    decoder_in = Input(shape=(3,))
    decoder = Model(decoder_in, layers.Dense(8)(decoder_in), name="decoder")
    x = Input(shape=(8,))
    autoencoder = Model(x, decoder(encoder(x)), name="autoencoder", seed=1)
    assert [layer.name for layer in autoencoder.layers[1:]] == ["encoder", "decoder"]
    assert autoencoder.get_layer("encoder") is encoder
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()
    autoencoder.compile(optimizer=optimizers.Adam(0.01), loss="mse")
    before = autoencoder.evaluate(x_data, x_data)
    autoencoder.fit(x_data, x_data, epochs=20, batch_size=20, verbose=0)
    assert autoencoder.evaluate(x_data, x_data) < 0.8 * before
    # the weights are shared: the encoder alone computes the autoencoder's code
    code = encoder.predict(x_data)
    assert_allclose(decoder.predict(code), autoencoder.predict(x_data), rtol=1e-5)
    # ... and the encoder trains on its own, which the autoencoder then sees
    encoder.compile(optimizer="sgd", loss="mse")
    encoder.fit(x_data, np.zeros((200, 3)), epochs=1, verbose=0)
    assert_allclose(
        decoder.predict(encoder.predict(x_data)),
        autoencoder.predict(x_data),
        rtol=1e-5,
    )
    weights = encoder.get_weights()
    autoencoder.fit(x_data, x_data, epochs=1, verbose=0)  # gathers its weights again
    assert not np.array_equal(encoder.get_weights()[0], weights[0])
    assert_allclose(
        decoder.predict(encoder.predict(x_data)),
        autoencoder.predict(x_data),
        rtol=1e-5,
    )


def test_two_outputs_fit_evaluate_predict_with_names():
    rng = np.random.default_rng(5)
    model = two_headed_graph(dtype="float32")
    model.compile(
        optimizer=optimizers.Adam(0.01),
        loss={"out1": "categorical_crossentropy", "out2": "mse"},
        loss_weights={"out1": 1.0, "out2": 0.2},
        metrics={"out1": ["accuracy"]},
    )
    x, y = batch(rng, 120)
    history = model.fit(
        {"x1": x[0], "x2": x[1]},
        {"out1": y[0], "out2": y[1]},
        epochs=5,
        batch_size=20,
        validation_split=0.25,
        verbose=0,
    )
    assert sorted(history.history) == [
        "loss",
        "out1_accuracy",
        "val_loss",
        "val_out1_accuracy",
    ]
    _, accuracy = model.evaluate(x, y)
    assert history.history["loss"][-1] < history.history["loss"][0]
    predictions = model.predict(x)
    assert [p.shape for p in predictions] == [(120, 2), (120, 1)]
    expected = np.mean(np.argmax(predictions[0], 1) == np.argmax(y[0], 1))
    assert accuracy == pytest.approx(expected)


def test_layers_inputs_outputs_summary_and_get_layer():
    model = two_headed_graph()
    names = [layer.name for layer in model.layers]
    assert names[:2] == ["x1", "x2"]
    assert names.count("shared") == 1
    assert model.get_layer("cat").sizes == [4, 4, 4]
    assert [t.shape for t in model.inputs] == [(None, 3), (None, 2)]
    assert [t.shape for t in model.outputs] == [(None, 2), (None, 1)]
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert "Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "cat (Concatenate)" in text and "(None, 12)" in text
    assert f"Total params: {model.count_params():,}" in text
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.get_layer("nope")


def test_sequential_with_input_first_and_inside_a_graph():
    net = Sequential([Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(5)])
    assert net.built and net.output_shape == (5,)
    assert net.inputs[0].shape == (None, 28, 28, 1)
    x = Input(shape=(28, 28, 1))
    model = Model(x, layers.Dense(2)(net(x)))
    assert model.layers[1] is net
    lines = []
    model.summary(print_fn=lines.append)
    assert "sequential (Sequential)" in lines[0]


def test_clear_errors():
    with pytest.raises(TypeError, match="Subclassed models"):
        Model()
    x, other = Input(shape=(3,)), Input(shape=(3,), name="other")
    y = layers.Add()([x, other])
    with pytest.raises(ValueError, match="reads the Input 'other'"):
        Model(x, y)
    dense = layers.Dense(2)
    dense(x)
    with pytest.raises(ValueError, match=r"built for inputs of shape \(3,\)"):
        dense(Input(shape=(4,)))
    with pytest.raises(ValueError, match="equal shapes"):
        layers.Add()([x, Input(shape=(4,))])
    model = Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 3\)"):
        model.predict(np.zeros((2, 4)))
    model.compile(loss=["mse"], optimizer="sgd")
    with pytest.raises(ValueError, match="compile: loss lists 2 entries for 1"):
        model.compile(loss=["mse", "mse"], optimizer="sgd")


class Scale(layers.Layer):
    """A layer of one's own that assigns its gradient (instead of writing into it)."""

    def build(self, input_shape, rng, dtype=np.float32):
        self.params = {"s": np.ones(input_shape[-1], dtype)}
        self.grads = {"s": np.zeros(input_shape[-1], dtype)}
        return input_shape

    def forward(self, x, training=False):
        if training:
            self.x = x
        return x * self.params["s"]

    def backward(self, delta):
        self.grads["s"] = (delta * self.x).mean(axis=0)  # rebinds: the model copes
        return delta * self.params["s"]


def test_custom_layer_trains_in_a_graph_and_in_a_sequential():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x * np.array([2.0, -1.0, 0.5], np.float32)  # the Scale that fits
    inputs = Input(shape=(3,))
    for model in (Model(inputs, Scale()(inputs)), Sequential([Input((3,)), Scale()])):
        model.compile(optimizer=optimizers.SGD(0.3), loss="mse")
        model.fit(x, y, epochs=40, batch_size=16, verbose=0)
        assert_allclose(model.get_weights()[0], [2.0, -1.0, 0.5], atol=1e-3)
