"""Bad arguments to nn's entry points give a clear error naming the argument, before any
training: batch sizes, NaN/inf in the data, labels, dtypes, diverged model files.
"""

import numpy as np
import pytest

from ml4phys.nn import losses, optimizers
from ml4phys.nn.layers import Dense
from ml4phys.nn.models import Sequential, load_model


def small_net(loss="mean_squared_error", units=1, activation="linear"):
    net = Sequential([Dense(units, activation=activation, input_shape=(3,))], seed=0)
    net.compile(loss=loss, optimizer=optimizers.SGD(0.1))
    return net


def data(n=10):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 1))


@pytest.mark.parametrize("batch_size", [0, -5, 2.5, "8"])
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_batch_size_must_be_a_positive_int(method, batch_size):
    net, (x, y) = small_net(), data()
    args = (x,) if method == "predict" else (x, y)
    with pytest.raises(
        (ValueError, TypeError), match=f"{method}: batch_size must be a"
    ):
        getattr(net, method)(*args, batch_size=batch_size)


@pytest.mark.parametrize("array", ["x", "y", "sample_weight"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_fit_names_the_non_finite_array_and_its_first_index(array, bad):
    net, (x, y) = small_net(), data()
    arrays = {"x": x, "y": y, "sample_weight": np.ones(10)}
    arrays[array] = arrays[array].astype(np.float64)
    arrays[array].reshape(-1)[7] = bad
    before = net.get_weights()
    text = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=f"fit: {array} holds {text} at index"):
        net.fit(verbose=0, epochs=1, **arrays)
    for w, w0 in zip(net.get_weights(), before):
        np.testing.assert_array_equal(w, w0)  # nothing trained


def test_train_on_batch_names_nan_in_its_batch_and_keeps_the_weights():
    net, (x, y) = small_net(), data()
    x[3, 1] = np.nan
    before = net.get_weights()
    with pytest.raises(
        ValueError, match=r"train_on_batch: x holds NaN at index \(3, 1\)"
    ):
        net.train_on_batch(x, y)
    for w, w0 in zip(net.get_weights(), before):
        np.testing.assert_array_equal(w, w0)


def test_a_finite_batch_that_diverges_still_blames_the_learning_rate():
    net, (x, y) = small_net(), data()
    net.set_weights([np.full((3, 1), 1e30, np.float32), np.zeros(1, np.float32)])
    # the overflow is the point of this test: numpy's warning about it is expected
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(FloatingPointError, match="learning rate"):
            net.train_on_batch(x * 1e10, y)


@pytest.mark.parametrize(
    "labels, words",
    [
        ([0, 1, -1], "received -1"),
        ([0, 2.7, 1], "integer class labels 0..9, received 2.7"),
        ([0, 12, 1], r"class labels 0..9 \(the network has 10 outputs\), received 12"),
    ],
)
def test_sparse_crossentropy_labels(labels, words):
    loss = losses.get("sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=words):
        loss(np.array(labels), np.full((3, 10), 0.1))
    net = small_net("sparse_categorical_crossentropy", units=10, activation="softmax")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        net.fit(np.zeros((3, 3)), np.array(labels), verbose=0)


def test_binary_crossentropy_refuses_plus_minus_one_labels():
    loss = losses.get("binary_crossentropy")
    with pytest.raises(
        ValueError, match=r"labels in \[0, 1\], received -1.0 .*\(y \+ 1\)"
    ):
        loss(np.array([[1.0], [-1.0]]), np.full((2, 1), 0.5))
    assert np.isfinite(loss(np.array([[1.0], [0.0]]), np.full((2, 1), 0.5)))


@pytest.mark.parametrize("dtype", ["int32", np.int64, "float16", "bogus"])
def test_model_dtype_must_be_float32_or_float64(dtype):
    with pytest.raises(TypeError, match="Sequential: dtype must be 'float32' or"):
        Sequential(dtype=dtype)


def test_a_model_file_with_nan_weights_is_refused_unless_allowed(tmp_path):
    net = small_net()
    weights = net.get_weights()
    weights[0][1, 0] = np.nan
    net.set_weights(weights)
    net.save(tmp_path / "m.npz")
    with pytest.raises(
        ValueError, match="m.npz: weight_0 holds 1 NaN .*allow_nonfinite"
    ):
        load_model(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz", allow_nonfinite=True)
    assert np.isnan(loaded.get_weights()[0][1, 0])


def test_several_inputs_are_checked_one_by_one():
    from ml4phys.nn import validation

    good, bad = np.zeros((4, 2)), np.zeros((4, 3))
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"fit: x\[1\] holds inf at index \(2, 1\)"):
        validation.check_fit([good, bad], good, None, 1, None, 0.0, None)
    with pytest.raises(ValueError, match=r"predict: x\['b'\] holds inf"):
        validation.check_predict({"a": good, "b": bad}, 8)
    assert validation.check_fit([good, good], good, 8, 1, None, 0.0, None) == 8


def test_a_model_with_two_inputs_names_the_bad_one_in_fit_evaluate_predict():
    from ml4phys.nn import Input, Model
    from ml4phys.nn.layers import Concatenate

    a, b = Input(shape=(2,)), Input(shape=(3,))
    model = Model([a, b], Dense(1)(Concatenate()([a, b])), seed=0)
    model.compile(loss="mean_squared_error", optimizer=optimizers.SGD(0.1))
    good, bad, y = np.zeros((4, 2)), np.zeros((4, 3)), np.zeros((4, 1))
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"fit: x\[1\] holds inf at index \(2, 1\)"):
        model.fit([good, bad], y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"evaluate: x\[1\] holds inf"):
        model.evaluate([good, bad], y)
    with pytest.raises(ValueError, match=r"predict: x\[1\] holds inf"):
        model.predict([good, bad])
