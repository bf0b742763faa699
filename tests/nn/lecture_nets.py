"""Networks of the lecture, built the lecture's way, for the tests that need them."""

from ml4phys.nn.layers import AveragePooling2D, Conv2D, Dense, Flatten
from ml4phys.nn.models import Sequential


def conv_net_simple(seed=0):
    """init_net_conv_simple (uncompiled): 7 filters 5x5 on 28x28 images, relu,
    AveragePooling2D(4), Flatten, a softmax over 10 classes.
    """
    net = Sequential(seed=seed)
    net.add(
        Conv2D(
            input_shape=(28, 28, 1),
            filters=7,
            kernel_size=[5, 5],
            activation="relu",
            padding="same",
        )
    )
    net.add(AveragePooling2D(pool_size=4))
    net.add(Flatten())
    net.add(Dense(10, activation="softmax"))
    return net
