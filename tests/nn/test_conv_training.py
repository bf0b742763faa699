"""The lecture's convolutional networks learn (behaviour tests; they train, so they take
seconds): the simple conv net on MNIST and a small convolutional autoencoder.
"""

import numpy as np
import pytest

from ml4phys.data import mnist
from ml4phys.nn import optimizers
from ml4phys.nn.layers import (
    Conv2D,
    MaxPooling2D,
    UpSampling2D,
)
from ml4phys.nn.models import Sequential

from .lecture_nets import conv_net_simple


def _mnist():
    """((x_train, y_train), (x_test, y_test)) from ml4phys.data.mnist; skip if absent."""
    try:
        return mnist.load_data(download=False)
    except FileNotFoundError:
        pytest.skip(
            "MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/*-ubyte.gz "
            "(`ml4phys data mnist` downloads them)"
        )


def test_lecture_conv_net_learns_mnist():
    """init_net_conv_simple: 7 filters 5x5, AveragePooling2D(4), softmax; SGD(lr=1.0),
    batch 100, two epochs of the 60,000 training images -> > 94% on the 10,000 test images.
    """
    (x_train, y_train), (x_test, y_test) = _mnist()
    x_train = mnist.as_float(x_train, "image")  # (60000, 28, 28, 1) in [0, 1]
    x_test = mnist.as_float(x_test, "image")
    net = conv_net_simple()  # the lecture's init_net_conv_simple
    net.compile(
        loss="categorical_crossentropy",
        optimizer=optimizers.SGD(lr=1.0),
        metrics=["categorical_accuracy"],
    )
    net.fit(x_train, mnist.one_hot(y_train), batch_size=100, epochs=2, verbose=0)
    _, accuracy = net.evaluate(x_test, mnist.one_hot(y_test), batch_size=1000)
    assert accuracy > 0.94, f"test accuracy {accuracy:.4f} after two epochs"


def _circles(n, size, rng):
    """Images with one filled circle each, random centre and radius (lecture: autoencoder)."""
    grid = np.arange(size) + 0.5
    centres = rng.uniform(0.25 * size, 0.75 * size, size=(n, 2))
    radii = rng.uniform(0.1 * size, 0.3 * size, size=n)
    distance2 = (grid[None, :, None] - centres[:, 0, None, None]) ** 2 + (
        grid[None, None, :] - centres[:, 1, None, None]
    ) ** 2
    return (distance2 < radii[:, None, None] ** 2).astype(np.float32)[..., None]


def test_conv_autoencoder_lowers_reconstruction_cost_fivefold():
    rng = np.random.default_rng(0)
    images = _circles(1200, 16, rng)  # (1200, 16, 16, 1)
    train, test = images[:1000], images[1000:]
    net = Sequential(seed=0)
    net.add(Conv2D(8, 3, activation="relu", padding="same", input_shape=(16, 16, 1)))
    net.add(MaxPooling2D(2))
    net.add(Conv2D(4, 3, activation="relu", padding="same"))
    net.add(MaxPooling2D(2))  # bottleneck: 4 x 4 x 4 = 64 numbers for 256 pixels
    net.add(Conv2D(8, 3, activation="relu", padding="same"))
    net.add(UpSampling2D(2))
    net.add(Conv2D(8, 3, activation="relu", padding="same"))
    net.add(UpSampling2D(2))
    net.add(Conv2D(1, 3, padding="same"))
    net.compile(loss="mean_squared_error", optimizer="adam")
    initial = net.evaluate(test, test)
    net.fit(train, train, batch_size=50, epochs=15, verbose=0)
    final = net.evaluate(test, test)
    assert final < initial / 5, f"cost {initial:.4f} -> {final:.4f}"
