"""Keras 3's own examples, with ``keras`` replaced by ``ml4phys.nn``, run and learn."""

import numpy as np

from ml4phys.nn.datasets import mnist
from ml4phys.nn.utils import set_random_seed

from ..markers import needs_mnist

# keras.io/examples/vision/mnist_convnet ("Simple MNIST convnet", fchollet), its code as
# published; only the two import lines name ml4phys.nn instead of keras.
SIMPLE_MNIST_CONVNET = """
import numpy as np
import ml4phys.nn as keras
from ml4phys.nn import layers

# Model / data parameters
num_classes = 10
input_shape = (28, 28, 1)

# Load the data and split it between train and test sets
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

# Scale images to the [0, 1] range
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
# Make sure images have shape (28, 28, 1)
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print("x_train shape:", x_train.shape)
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")


# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

model.summary()

batch_size = 128
epochs = 15

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
"""


@needs_mnist
def test_simple_mnist_convnet_learns(monkeypatch, capsys):
    """One epoch on the first 10,000 training images (the example: 15 on 60,000)."""
    load_all = mnist.load_data

    def first_10000(*args, **kwargs):
        (x_train, y_train), test = load_all(*args, **kwargs)
        return (x_train[:10000], y_train[:10000]), test

    monkeypatch.setattr(mnist, "load_data", first_10000)
    code = SIMPLE_MNIST_CONVNET
    for line, shorter in [
        ("epochs = 15", "epochs = 1"),
        ("batch_size = 128", "batch_size = BATCH_SIZE"),
    ]:
        assert line in code
        code = code.replace(line, shorter)
    namespace = {"BATCH_SIZE": 16}
    # the example draws its initial weights from the global generator: fix them, so the
    # test does not depend on what ran before it
    set_random_seed(0)
    exec(compile(code, "mnist_convnet.py", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert "x_train shape: (10000, 28, 28, 1)" in printed
    assert "Total params: 34,826" in printed  # as Keras' summary of this model says
    loss, accuracy = namespace["score"]
    assert accuracy > 0.95
    assert np.isfinite(loss)
