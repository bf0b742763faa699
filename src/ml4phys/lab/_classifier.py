"""What the classification experiments share: a net compiled for classes.

Softmax outputs trained on categorical cross-entropy, accuracy as the metric (the
lecture's MNIST setup); the optimizer by name with the Config's learning rate, or given.
"""

from __future__ import annotations

from ..nn import optimizers


def compile_classifier(net, optimizer, learning_rate=None):
    """``net``, compiled for classification; returns it.

    ``optimizer`` is a name ('sgd', 'adam', ...) or an optimizer; ``learning_rate``, if
    given, replaces its default.
    """
    optimizer = optimizers.get(optimizer)
    if learning_rate is not None:
        optimizer.learning_rate = learning_rate
    net.compile(
        loss="categorical_crossentropy",
        optimizer=optimizer,
        metrics=["categorical_accuracy"],
    )
    return net
