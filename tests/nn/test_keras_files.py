""".keras files both ways: ml4phys reads what Keras 3 writes, Keras 3 reads what ml4phys
writes, and the predictions agree to 1e-5. Without keras (or torch, its backend here) the
cross-checks skip; ml4phys' own round trips need only h5py.
"""

import json
import os
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn import Input, Model, Sequential, layers, load_model

pytest.importorskip("h5py")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("torch")
    return pytest.importorskip("keras")


def ml4phys_conv_graph():
    """Conv2D, both poolings, upsampling, a skip connection with every merge, Dropout."""
    x = Input(shape=(8, 8, 2))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    a = layers.UpSampling2D(2)(layers.MaxPooling2D(2)(a))
    b = layers.Conv2D(4, (1, 1))(x)
    c = layers.UpSampling2D(2)(layers.AveragePooling2D(2)(b))
    merged = [
        layers.Add()([a, b]),
        layers.Subtract()([a, c]),
        layers.Multiply()([b, c]),
    ]
    h = layers.Concatenate()([*merged, layers.Average()([a, b, c])])
    h = layers.Dropout(0.3)(layers.Flatten()(h))
    out1 = layers.Dense(3, activation="softmax", name="classes")(h)
    out2 = layers.Dense(1, name="value")(h)
    return Model(x, [out1, out2], name="conv_graph", seed=0)


def ml4phys_recurrent():
    return Sequential(
        [
            Input(shape=(6, 3)),
            layers.LSTM(5, return_sequences=True),
            layers.GRU(4, return_sequences=True),
            layers.SimpleRNN(3),
            layers.Dense(2, activation="tanh"),
        ],
        seed=1,
    )


def ml4phys_shared_two_inputs():
    x1, x2 = Input(shape=(4,)), Input(shape=(4,))
    shared = layers.Dense(3, activation="sigmoid")
    h = layers.Concatenate()([shared(x1), shared(x2)])
    return Model([x1, x2], layers.Dense(1)(h), seed=2)


def ml4phys_padding_transpose_reshape():
    return Sequential(
        [
            Input(shape=(6, 6, 2)),
            layers.ZeroPadding2D(((1, 0), (2, 1))),
            layers.Conv2DTranspose(3, 3, strides=2, activation="tanh"),
            layers.Cropping2D(1),
            layers.GlobalAveragePooling2D(keepdims=True),
            layers.Reshape((3,)),
            layers.Activation("softmax"),
        ],
        seed=3,
    )


def inputs_for(model, rng, n=5):
    tensors = model.inputs
    arrays = [rng.normal(size=(n, *t.sample_shape)).astype(np.float32) for t in tensors]
    return arrays[0] if len(arrays) == 1 else arrays


def assert_same_outputs(ours, theirs):
    ours = ours if isinstance(ours, list) else [ours]
    theirs = theirs if isinstance(theirs, list) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


MAKERS = [
    ml4phys_conv_graph,
    ml4phys_recurrent,
    ml4phys_shared_two_inputs,
    ml4phys_padding_transpose_reshape,
]


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__)
def test_ml4phys_round_trip(make, tmp_path):
    model = make()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert set(archive.namelist()) == {
            "config.json",
            "metadata.json",
            "model.weights.h5",
        }
        assert json.loads(archive.read("metadata.json"))["keras_version"].startswith(
            "3"
        )
    loaded = load_model(tmp_path / "m.keras")
    x = inputs_for(model, np.random.default_rng(0))
    assert_same_outputs(loaded.predict(x), model.predict(x))
    assert {layer.name for layer in loaded.layers} == {
        layer.name for layer in model.layers
    }


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__)
def test_keras_reads_what_ml4phys_writes(make, tmp_path, keras):
    model = make()
    model.save(tmp_path / "m.keras")
    theirs = keras.models.load_model(tmp_path / "m.keras")
    x = inputs_for(model, np.random.default_rng(1))
    assert_same_outputs(model.predict(x), theirs.predict(x, verbose=0))
    assert theirs.count_params() == model.count_params()


def keras_models(keras):
    """Keras 3 models of the layers ml4phys shares with it, made with Keras' own API."""
    L = keras.layers
    x = keras.Input(shape=(8, 8, 1))
    a = L.Conv2D(3, 3, padding="same", activation="relu")(x)
    a = L.UpSampling2D(2)(L.MaxPooling2D(2)(a))
    b = L.AveragePooling2D(1)(L.Conv2D(3, 3, padding="same")(x))
    h = L.Concatenate()([L.Add()([a, b]), L.Multiply()([a, b])])
    h = L.Dropout(0.5)(L.Flatten()(h))
    conv = keras.Model(x, [L.Dense(2, activation="softmax")(h), L.Dense(1)(h)])
    recurrent = keras.Sequential(
        [
            keras.Input(shape=(5, 3)),
            L.LSTM(4, return_sequences=True),
            L.GRU(3),
            L.Dense(1),
        ]
    )
    inp = keras.Input(shape=(6,))
    encoder = keras.Model(inp, L.Dense(2, activation="tanh")(inp), name="encoder")
    code = keras.Input(shape=(2,))
    decoder = keras.Model(code, L.Dense(6)(code), name="decoder")
    x = keras.Input(shape=(6,))
    autoencoder = keras.Model(x, decoder(encoder(x)), name="autoencoder")
    return {"conv": conv, "recurrent": recurrent, "autoencoder": autoencoder}


@pytest.mark.parametrize("kind", ["conv", "recurrent", "autoencoder"])
def test_ml4phys_reads_what_keras_writes(kind, tmp_path, keras):
    keras.utils.set_random_seed(0)
    theirs = keras_models(keras)[kind]
    theirs.save(tmp_path / "k.keras")
    ours = load_model(tmp_path / "k.keras")
    x = inputs_for(ours, np.random.default_rng(2))
    assert_same_outputs(ours.predict(x), theirs.predict(x, verbose=0))
    # and back: Keras reads ml4phys' file of the model it wrote
    ours.save(tmp_path / "back.keras")
    again = keras.models.load_model(tmp_path / "back.keras")
    assert_same_outputs(again.predict(x, verbose=0), theirs.predict(x, verbose=0))


def test_keras_layer_that_ml4phys_lacks_is_named(tmp_path, keras):
    model = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.BatchNormalization(name="bn")]
    )
    model.save(tmp_path / "bn.keras")
    with pytest.raises(ValueError, match="'bn' is a BatchNormalization, which ml4phys"):
        load_model(tmp_path / "bn.keras")


def test_unsupported_argument_is_named(tmp_path, keras):
    model = keras.Sequential(
        [keras.Input(shape=(5, 2)), keras.layers.LSTM(3, go_backwards=True)]
    )
    model.save(tmp_path / "back.keras")
    with pytest.raises(ValueError, match="go_backwards=True"):
        load_model(tmp_path / "back.keras")


def test_npz_and_keras_files_are_told_apart(tmp_path):
    model = ml4phys_recurrent()
    model.save(tmp_path / "m.npz")
    model.save(tmp_path / "m.keras")
    assert type(load_model(tmp_path / "m.npz")) is Sequential
    assert type(load_model(tmp_path / "m.keras")) is Sequential
    with pytest.raises(ValueError, match="with a .keras path"):
        ml4phys_shared_two_inputs().save(tmp_path / "graph.npz")


class Scale(layers.Layer):
    """y = x * s, a layer of one's own."""

    def build(self, input_shape, rng, dtype=np.float32):
        self.params = {"s": rng.normal(size=input_shape[-1]).astype(dtype)}
        self.grads = {"s": np.zeros(input_shape[-1], dtype)}
        return input_shape

    def forward(self, x, training=False):
        return x * self.params["s"]


def test_layer_of_ones_own_round_trips_with_custom_objects(tmp_path):
    x = Input(shape=(3,))
    model = Model(x, layers.Dense(2)(Scale(name="scale")(x)), seed=4)
    model.save(tmp_path / "custom.keras")
    with pytest.raises(ValueError, match="'scale' is a Scale, which ml4phys"):
        load_model(tmp_path / "custom.keras")
    loaded = load_model(tmp_path / "custom.keras", custom_objects={"Scale": Scale})
    data = np.random.default_rng(5).normal(size=(4, 3))
    assert_same_outputs(loaded.predict(data), model.predict(data))
