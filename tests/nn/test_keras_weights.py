"""load_keras_weights: Keras' weights copied layer by layer give Keras' outputs."""

import os

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import layers
from ml4phys.nn.models import Sequential
from ml4phys.nn.saving import load_keras_weights

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning"
)  # keras on numpy 2


def small_net(seed=0, dtype="float32"):
    return Sequential(
        [
            layers.Dense(4, activation="tanh", input_shape=(3,)),
            layers.Dropout(0.5),
            layers.Dense(2, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )


def test_plain_list_of_arrays_is_copied_in_order():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=s) for s in [(3, 4), (4,), (4, 2), (2,)]]
    net = load_keras_weights(small_net(dtype="float64"), weights)
    for ours, theirs in zip(net.get_weights(), weights):
        assert_allclose(ours, theirs)
    x = rng.normal(size=(5, 3))
    z = np.tanh(x @ weights[0] + weights[1]) @ weights[2] + weights[3]
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert_allclose(net.predict(x), expected, rtol=1e-12)


def test_wrong_count_and_shape_are_named():
    net = small_net()
    with pytest.raises(ValueError, match="4 weight arrays, received 3"):
        load_keras_weights(net, [np.zeros((3, 4)), np.zeros(4), np.zeros((4, 2))])
    with pytest.raises(
        ValueError, match=r"arrays 2\.\.3: .*shape \(4, 2\), received \(2, 4\)"
    ):
        load_keras_weights(
            net, [np.zeros((3, 4)), np.zeros(4), np.zeros((2, 4)), np.zeros(2)]
        )
    with pytest.raises(ValueError, match="build the model first"):
        load_keras_weights(Sequential([layers.Dense(2)]), [])


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("torch")
    return pytest.importorskip("keras")


def test_keras_dense_conv_and_lstm_models_give_the_same_outputs(keras):
    keras.utils.set_random_seed(1)
    theirs = keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(3, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Reshape((4, 12)),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.GRU(4),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    ours = Sequential(
        [
            layers.Conv2D(
                3, 3, padding="same", activation="relu", input_shape=(8, 8, 2)
            ),
            layers.MaxPooling2D(2),
            layers.Reshape((4, 12)),
            layers.LSTM(5, return_sequences=True),
            layers.GRU(4),
            layers.Dense(3, activation="softmax"),
        ],
        seed=0,
    )
    load_keras_weights(ours, theirs)
    x = np.random.default_rng(2).normal(size=(6, 8, 8, 2)).astype(np.float32)
    expected = keras.ops.convert_to_numpy(theirs(x))
    assert_allclose(ours.predict(x), expected, rtol=1e-4, atol=1e-6)
    # the flat list from get_weights() does the same, into a model with other weights
    again = Sequential(
        [layer.__class__.from_config(layer.get_config()) for layer in ours.layers],
        seed=7,
    )
    again.build((8, 8, 2))
    assert not np.allclose(again.predict(x), expected, atol=1e-3)
    load_keras_weights(again, theirs.get_weights())
    assert_allclose(again.predict(x), expected, rtol=1e-4, atol=1e-6)


def test_keras_layer_of_another_class_is_refused(keras):
    theirs = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)]
    )
    ours = load_keras_weights(
        Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)]), theirs
    )  # same classes
    assert_allclose(ours.layers[1].params["w"], theirs.layers[1].get_weights()[0])
    theirs_rnn = keras.Sequential(
        [keras.Input((5, 3)), keras.layers.SimpleRNN(4), keras.layers.Dense(2)]
    )
    ours_lstm = Sequential([layers.LSTM(4, input_shape=(5, 3)), layers.Dense(2)])
    with pytest.raises(ValueError, match="is a SimpleRNN"):
        load_keras_weights(ours_lstm, theirs_rnn)
