"""What the classification experiments share: a net compiled for classes.

Softmax outputs trained on categorical cross-entropy, accuracy as the metric (the
lecture's MNIST setup); the optimizer by name with the Config's learning rate, or given.
"""

from __future__ import annotations

import numpy as np

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


def train_and_test(net, train, validation, test, config, callbacks, predict_batch=1000):
    """``net`` fitted on ``train`` = (x, y) for ``config.epochs`` epochs of
    ``config.batch_size``, then tested on ``test`` = (x, one-hot y).

    Returns the Keras history dict, the predicted test labels, and the numbers every
    classification experiment reports (accuracies, error, parameter count).
    """
    history = net.fit(
        *train,
        batch_size=config.batch_size,
        epochs=config.epochs,
        validation_data=validation,
        callbacks=callbacks,
        verbose=0,
    ).history
    predicted = net.predict(test[0], batch_size=predict_batch).argmax(axis=1)
    accuracy = float(np.mean(predicted == test[1].argmax(axis=1)))
    numbers = {
        "test_accuracy": accuracy,
        "test_error": 1 - accuracy,
        "train_accuracy": float(history["categorical_accuracy"][-1]),
        "best_validation_accuracy": float(max(history["val_categorical_accuracy"])),
        "params": int(net.count_params()),
    }
    return history, predicted, numbers
