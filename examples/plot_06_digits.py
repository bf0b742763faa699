r"""
Handwritten digits: softmax and cross-entropy
=============================================

A classifier's output layer is a softmax, :math:`f_j(z) = e^{z_j} / \sum_k e^{z_k}`: a
probability for each of the ten digits. Its cost is the categorical cross-entropy
:math:`C = -\sum_j y_j^{\text{target}} \ln y_j^{\text{out}}`, whose derivative with
respect to z is simply :math:`y^{\text{out}} - y^{\text{target}}`. The lecture trains on
MNIST (28 x 28 pixels; ``ml4phys run mnist-dense``); this example uses the 1,797 digits of
8 x 8 pixels that ship with scikit-learn, so it runs offline in a few seconds.

The formulas and the code behind it: :doc:`/topics/mnist`.
"""

# %%
# Data: training, validation and test sets
# ----------------------------------------
# The validation set is never trained on but watched during training; the test set is
# used once, at the end.
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.data import digits, mnist
from ml4phys.nn import layers, models, optimizers

(x_train, y_train), (x_test, y_test) = digits.load_data(test_fraction=0.2, seed=0)
x_train, x_test = mnist.as_float(x_train), mnist.as_float(x_test)  # (n, 64) in [0, 1]
t_train, t_test = mnist.one_hot(y_train), mnist.one_hot(y_test)
print("training", x_train.shape, " test", x_test.shape)
# sphinx_gallery_thumbnail_number = 2

# %%
# A 64-100-10 network
# -------------------
net = models.Sequential(seed=0)
net.add(layers.Dense(100, activation="relu", input_shape=(64,)))
net.add(layers.Dense(10, activation="softmax"))
net.compile(
    loss="categorical_crossentropy",
    optimizer=optimizers.SGD(lr=0.5),
    metrics=["categorical_accuracy"],
)
history = net.fit(
    x_train, t_train, batch_size=50, epochs=30, validation_split=0.1, verbose=0
)
loss, accuracy = net.evaluate(x_test, t_test)
print(f"test accuracy {accuracy:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(history.history["categorical_accuracy"], label="training")
ax.plot(history.history["val_categorical_accuracy"], label="validation")
ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0.8, 1.0))
ax.legend()

# %%
# The misclassified test digits
# -----------------------------
predicted = net.predict(x_test).argmax(axis=1)
wrong = np.flatnonzero(predicted != y_test)
fig, axes = plt.subplots(
    1, min(8, len(wrong)), figsize=(8, 1.6), layout="constrained", squeeze=False
)
for ax, i in zip(axes[0], wrong):
    ax.imshow(x_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{y_test[i]} as {predicted[i]}", fontsize=9)
    ax.axis("off")
