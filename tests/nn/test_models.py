"""Behaviour of Sequential: the lecture's Keras code, training, saving, seeds and errors."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from ml4phys.nn import callbacks, layers, losses, models, optimizers, utils
from ml4phys.nn.models import Sequential, load_model


def lecture_net():
    """The lecture's "Keras" slides, with keras replaced by ml4phys.nn."""
    net = Sequential(seed=0)
    net.add(layers.Dense(150, input_shape=(2,), activation="relu"))
    net.add(layers.Dense(150, activation="relu"))
    net.add(layers.Dense(100, activation="relu"))
    net.add(layers.Dense(1, activation="relu"))
    net.compile(
        loss="mean_squared_error",
        optimizer=optimizers.SGD(lr=0.1),
        metrics=["accuracy"],
    )
    return net


def test_lecture_keras_code_runs():
    net = lecture_net()
    rng = np.random.default_rng(0)
    batchsize, batches = 20, 50
    costs = np.zeros(batches)
    for k in range(batches):
        y_in = rng.uniform(-0.5, 0.5, size=(batchsize, 2))
        y_target = np.exp(-5 * (y_in**2).sum(axis=1, keepdims=True))
        costs[k] = net.train_on_batch(y_in, y_target)[0]
    y_out = net.predict_on_batch(y_in)
    assert y_out.shape == (batchsize, 1) and y_out.dtype == np.float32
    assert costs[-10:].mean() < costs[:10].mean()
    history = net.fit(y_in, y_target, batch_size=10, epochs=2, verbose=0)
    assert (
        set(history.history) == {"loss", "accuracy"}
        and len(history.history["loss"]) == 2
    )


def test_star_import_exposes_keras_modules():
    namespace = {}
    exec("from ml4phys.nn import *", namespace)
    for name in (
        "models",
        "layers",
        "optimizers",
        "losses",
        "activations",
        "callbacks",
        "initializers",
        "regularizers",
    ):
        assert name in namespace


def test_xor_is_learned():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    y = np.array([[0], [1], [1], [0]], float)
    net = Sequential(seed=3)
    net.add(layers.Dense(8, activation="tanh", input_shape=(2,)))
    net.add(layers.Dense(1, activation="sigmoid"))
    net.compile(
        loss="binary_crossentropy",
        optimizer=optimizers.Adam(0.05),
        metrics=["accuracy"],
    )
    net.fit(x, y, batch_size=4, epochs=300, verbose=0)
    assert_array_equal(net.predict(x) > 0.5, y > 0.5)
    assert net.evaluate(x, y)[1] == 1.0


def test_train_on_batch_returns_loss_without_metrics_and_matches_evaluate():
    rng = np.random.default_rng(1)
    net = Sequential([layers.Dense(3, input_shape=(4,))], seed=1)
    net.compile(loss="mse", optimizer="sgd")
    x, y = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    before = net.test_on_batch(x, y)
    assert isinstance(net.train_on_batch(x, y), float)
    assert net.train_on_batch(x, y) < before


def test_one_sgd_step_of_a_2_2_1_net_by_hand():
    """Golden numbers: the lecture's backprop done by hand for a tiny sigmoid net."""
    net = Sequential(dtype="float64", seed=0)
    net.add(layers.Dense(2, activation="sigmoid", input_shape=(2,)))
    net.add(layers.Dense(1, activation="linear"))
    w1, b1 = np.array([[0.1, -0.2], [0.3, 0.4]]), np.array([0.0, 0.1])
    w2, b2 = np.array([[0.5], [-0.6]]), np.array([0.2])
    net.set_weights([w1, b1, w2, b2])
    net.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=0.5))
    x, t = np.array([[1.0, 2.0]]), np.array([[1.0]])
    z1 = x @ w1 + b1
    y1 = 1 / (1 + np.exp(-z1))
    y2 = y1 @ w2 + b2
    delta2 = 2 * (y2 - t)  # dC/dy2 for C = (y2 - t)^2
    delta1 = (delta2 @ w2.T) * y1 * (1 - y1)  # Delta = (Delta @ w^T) f'(z)
    net.train_on_batch(x, t)
    new = net.get_weights()
    np.testing.assert_allclose(new[2], w2 - 0.5 * y1.T @ delta2, rtol=1e-12)
    np.testing.assert_allclose(new[0], w1 - 0.5 * x.T @ delta1, rtol=1e-12)
    np.testing.assert_allclose(new[1], b1 - 0.5 * delta1[0], rtol=1e-12)


def test_same_seed_gives_identical_weights_after_training():
    def train(seed):
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1))
        net = Sequential(seed=seed)
        net.add(layers.Dense(16, activation="relu", input_shape=(3,)))
        net.add(layers.Dropout(0.3))
        net.add(layers.Dense(1))
        net.compile(loss="mse", optimizer="adam")
        net.fit(x, y, batch_size=8, epochs=3, verbose=0)
        return net.get_weights()

    for a, b in zip(train(5), train(5)):
        assert_array_equal(a, b)
    assert not np.array_equal(train(5)[0], train(6)[0])


def test_set_random_seed_makes_unseeded_models_reproducible():
    utils.set_random_seed(11)
    first = Sequential([layers.Dense(4, input_shape=(2,))]).get_weights()[0]
    utils.set_random_seed(11)
    second = Sequential([layers.Dense(4, input_shape=(2,))]).get_weights()[0]
    assert_array_equal(first, second)


def test_float64_on_request():
    net = Sequential([layers.Dense(2, input_shape=(3,))], dtype="float64")
    assert net.predict(np.ones((2, 3), np.float32)).dtype == np.float64
    assert net.params["dense/w"].dtype == np.float64


def test_save_and_load_round_trip_bit_identical(tmp_path):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(32, 3)), np.eye(4)[rng.integers(0, 4, 32)]
    net = Sequential(seed=4)
    net.add(
        layers.Dense(8, activation="elu", input_shape=(3,), kernel_regularizer="l2")
    )
    net.add(layers.Dropout(0.2))
    net.add(layers.Dense(4, activation="softmax"))
    net.compile(
        loss="categorical_crossentropy",
        optimizer=optimizers.Adam(0.01),
        metrics=["categorical_accuracy"],
    )
    net.fit(x, y, batch_size=8, epochs=2, verbose=0)
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = load_model(path)
    for a, b in zip(net.get_weights(), loaded.get_weights()):
        assert_array_equal(a, b)
    assert_array_equal(net.predict(x), loaded.predict(x))
    # the optimizer state travels too: one more identical step on both
    net.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(net.get_weights(), loaded.get_weights()):
        assert_array_equal(a, b)
    assert [type(layer).__name__ for layer in loaded.layers] == [
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_loading_a_corrupt_or_foreign_file_raises_a_clear_error(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="not a readable ml4phys model file"):
        load_model(garbage)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.zeros(3))
    with pytest.raises(ValueError, match="not an ml4phys model file"):
        load_model(foreign)
    truncated = tmp_path / "truncated.npz"
    net = Sequential([layers.Dense(2, input_shape=(2,))])
    net.save(tmp_path / "ok.npz")
    truncated.write_bytes((tmp_path / "ok.npz").read_bytes()[:100])
    with pytest.raises(ValueError, match="ml4phys model file"):
        load_model(truncated)


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 5)), rng.normal(size=(40, 1))
    x_val, y_val = (
        rng.normal(size=(20, 5)),
        rng.normal(size=(20, 1)),
    )  # pure noise: overfits
    net = Sequential(seed=2)
    net.add(layers.Dense(64, activation="relu", input_shape=(5,)))
    net.add(layers.Dense(1))
    net.compile(loss="mse", optimizer=optimizers.Adam(0.01))
    best = {}

    def remember(epoch, logs):
        if logs["val_loss"] < best.get("val_loss", np.inf):
            best.update(
                val_loss=logs["val_loss"], weights=net.get_weights(), epoch=epoch
            )

    stopper = callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = net.fit(
        x,
        y,
        batch_size=10,
        epochs=100,
        verbose=0,
        validation_data=(x_val, y_val),
        callbacks=[callbacks.LambdaCallback(on_epoch_end=remember), stopper],
    )
    assert len(history.history["loss"]) < 100  # it stopped early
    assert stopper.best_epoch == best["epoch"]
    for a, b in zip(net.get_weights(), best["weights"]):
        assert_array_equal(a, b)
    assert net.evaluate(x_val, y_val) == pytest.approx(best["val_loss"], rel=1e-5)


def test_history_keys_validation_split_and_checkpoint(tmp_path):
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(50, 3)), np.eye(3)[rng.integers(0, 3, 50)]
    net = Sequential([layers.Dense(3, activation="softmax", input_shape=(3,))], seed=0)
    net.compile(
        loss="categorical_crossentropy",
        optimizer="sgd",
        metrics=["categorical_accuracy"],
    )
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "net-{epoch:02d}.npz"))
    history = net.fit(
        x,
        y,
        epochs=2,
        batch_size=16,
        validation_split=0.2,
        verbose=0,
        callbacks=[checkpoint],
    )
    assert list(history.history) == [
        "loss",
        "categorical_accuracy",
        "val_loss",
        "val_categorical_accuracy",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net-01.npz", "net-02.npz"]


def test_divergence_stops_with_a_message_and_keeps_finite_weights():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(64, 2)) * 10, rng.normal(size=(64, 1)) * 100
    net = Sequential(
        [layers.Dense(32, activation="relu", input_shape=(2,)), layers.Dense(1)], seed=0
    )
    net.compile(loss="mse", optimizer=optimizers.SGD(lr=10.0))
    # the net diverges on purpose: NumPy's overflow on the way is expected, not news
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.warns(
            RuntimeWarning, match=r"epoch 1, batch \d+.*smaller learning rate"
        ):
            history = net.fit(x, y, batch_size=8, epochs=5, verbose=0)
        assert all(np.all(np.isfinite(w)) for w in net.get_weights())
        assert len(history.history.get("loss", [])) <= 1
        with pytest.raises(models.DivergenceError, match="smaller learning rate"):
            for _ in range(100):
                net.train_on_batch(x, y)


def test_sample_weight_follows_keras_reduction():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    w = rng.uniform(0, 2, 6)
    net = Sequential([layers.Dense(1, input_shape=(2,))], dtype="float64", seed=0)
    net.compile(loss="mse", optimizer=optimizers.SGD(0.1))
    pred = net.predict(x)
    expected_loss = np.sum(w * (pred - y)[:, 0] ** 2) / 6  # sum_over_batch_size
    W, b = net.get_weights()
    expected_w = W - 0.1 * x.T @ (2 * w[:, None] * (pred - y)) / 6
    assert net.train_on_batch(x, y, sample_weight=w) == pytest.approx(expected_loss)
    np.testing.assert_allclose(net.get_weights()[0], expected_w, rtol=1e-12)


def test_fit_sample_weight_weights_each_batch_as_train_on_batch_does():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(8, 3)), rng.integers(0, 2, 8)
    w = rng.uniform(0, 2, 8)
    nets = []
    for _ in range(2):
        net = Sequential(
            [layers.Dense(2, activation="softmax", input_shape=(3,))],
            dtype="float64",
            seed=1,
        )
        net.compile(
            loss="sparse_categorical_crossentropy", optimizer=optimizers.SGD(0.5)
        )
        nets.append(net)
    history = nets[0].fit(
        x, y, batch_size=4, epochs=1, shuffle=False, sample_weight=w, verbose=0
    )
    # Keras: each batch's loss is sum_n w_n C_n / batchsize
    losses_ = [
        nets[1].train_on_batch(x[:4], y[:4], sample_weight=w[:4]),
        nets[1].train_on_batch(x[4:], y[4:], sample_weight=w[4:]),
    ]
    assert history.history["loss"][0] == pytest.approx(np.mean(losses_))
    for a, b in zip(nets[0].get_weights(), nets[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert not np.allclose(
        nets[0].get_weights()[0],
        Sequential(
            [layers.Dense(2, input_shape=(3,))], dtype="float64", seed=1
        ).get_weights()[0],
    )


def test_summary_lists_shapes_and_parameter_counts():
    lines = []
    lecture_net().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "dense_3 (Dense)" in text and "(None, 150)" in text
    assert "22,650" in text and "Total params: 38,301" in text


def test_get_and_set_weights_use_keras_layouts():
    net = lecture_net()
    weights = net.get_weights()
    assert [w.shape for w in weights[:2]] == [(2, 150), (150,)]
    weights[0][...] = 1.0
    net.set_weights(weights)
    assert np.all(net.params["dense/w"] == 1.0)


# -- errors that name the layer, the shapes or the choices ------------------------------


def test_wrong_input_width_names_layer_and_shapes():
    net = lecture_net()
    with pytest.raises(
        ValueError,
        match=r"Dense 'dense': expected input of shape "
        r"\(batchsize, 2\), received \(20, 3\)",
    ):
        net.predict_on_batch(np.zeros((20, 3)))


def test_labels_of_wrong_shape():
    net = lecture_net()
    with pytest.raises(
        ValueError,
        match=r"labels of shape \(20, 2\) do not match .*"
        r"\(20, 1\)",
    ):
        net.train_on_batch(np.zeros((20, 2)), np.zeros((20, 2)))


def test_integer_labels_for_categorical_crossentropy_say_which_loss_fits():
    net = Sequential([layers.Dense(10, activation="softmax", input_shape=(4,))])
    net.compile(loss="categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        net.train_on_batch(np.zeros((5, 4)), np.arange(5))


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: layers.Dense(3, activation="relux"),
            "unknown activation 'relux'; known: .*relu",
        ),
        (lambda: losses.get("mean_square_error"), "unknown loss .*mean_squared_error"),
        (lambda: optimizers.get("adamw"), "unknown optimizer 'adamw'; known: sgd"),
        (lambda: layers.Dense(0), "units must be a positive int"),
        (lambda: layers.Dropout(1.5), "rate must be in"),
    ],
)
def test_unknown_names_and_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_empty_data_and_mismatched_lengths():
    net = lecture_net()
    with pytest.raises(ValueError, match="no training samples"):
        net.fit(np.zeros((0, 2)), np.zeros((0, 1)), verbose=0)
    with pytest.raises(ValueError, match="different numbers of samples: 5 and 4"):
        net.fit(np.zeros((5, 2)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="empty batch"):
        net.predict_on_batch(np.zeros((0, 2)))


def test_backward_before_training_forward_names_the_layer():
    layer = layers.Dense(2, name="probe")
    layer.build((3,), np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="Dense 'probe': backward.. needs a forward"):
        layer.backward(np.zeros((1, 2)))


def test_uncompiled_training_and_reshape_errors():
    net = Sequential([layers.Dense(2, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        net.train_on_batch(np.zeros((1, 3)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"cannot reshape samples of shape \(6,\)"):
        Sequential([layers.Reshape((4, -1), input_shape=(6,))])


def test_model_builds_from_first_batch_without_input_shape():
    net = Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)], seed=0)
    net.compile(loss="mse", optimizer="adam")
    net.train_on_batch(np.zeros((3, 7)), np.zeros((3, 1)))
    assert net.input_shape == (7,) and net.params["dense/w"].shape == (7, 4)


def test_generator_batches_feed_fit():
    rng = np.random.default_rng(8)

    def batches():
        while True:
            x = rng.normal(size=(16, 2))
            yield x, x.sum(axis=1, keepdims=True)

    net = Sequential([layers.Dense(1, input_shape=(2,))], seed=0)
    net.compile(loss="mse", optimizer=optimizers.SGD(0.1))
    history = net.fit(batches(), steps_per_epoch=20, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="steps_per_epoch"):
            net.fit(batches(), verbose=0)


@pytest.mark.parametrize("batchsize", [1, 3, 8, 200])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_predict_fast_path_gives_the_training_forward_numbers(batchsize, dtype):
    # predict_on_batch skips _as_input for ready arrays, and Dense uses np.dot there;
    # the outputs must be the very same numbers as the checked, training path
    net = Sequential(seed=3, dtype=dtype)
    net.add(layers.Dense(64, activation="tanh", input_shape=(4,)))
    net.add(layers.Dense(2, activation="softmax"))
    x = np.random.default_rng(batchsize).normal(size=(batchsize, 4)).astype(dtype)
    fast = net.predict_on_batch(x)
    assert fast.dtype == np.dtype(dtype) and fast.shape == (batchsize, 2)
    assert_array_equal(fast, net.forward(x, training=True))
    assert_array_equal(fast, net.predict_on_batch(x.tolist()))  # the checked path
    again = net.predict_on_batch(x)
    assert again is not fast  # a fresh array each call: no buffer shared between calls
    assert_array_equal(again, fast)
