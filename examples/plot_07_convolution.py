r"""
Convolutional networks
======================

A convolution slides one small kernel over the whole image,
:math:`F^{\text{new}}(x) = \sum_{x'} K(x - x') F(x')`: the same weights at every position,
so a feature learned in one place is recognized everywhere, and a layer needs only
kh x kw x c_in x c_out weights, whatever the image size. First two kernels set by hand
(blur and contours, the lecture's image filtering), then the lecture's simple
convolutional net, trained on 8 x 8 digits; ``ml4phys run mnist-conv`` trains it on MNIST.

The formulas and the code behind it: :doc:`/topics/convolutional`.
"""

# %%
# Filtering an image with fixed kernels
# -------------------------------------
# ``Conv2D`` with its weights set by hand: the kernel has shape (kh, kw, c_in, c_out).
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.data import images
from ml4phys.nn import layers, models

picture = images.load_image(size=128)[None, :, :, None]  # (1, height, width, 1)
blur = np.ones((5, 5)) / 25
contour = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float)  # a discrete Laplacian
outputs = []
for kernel in (blur, contour):
    conv = layers.Conv2D(1, kernel_size=kernel.shape, padding="same", use_bias=False)
    conv.build(picture.shape[1:], np.random.default_rng(0), dtype=np.float64)
    conv.params["w"][...] = kernel[:, :, None, None]
    outputs.append(conv.forward(picture)[0, :, :, 0])

fig, axes = plt.subplots(1, 3, figsize=(8, 3), layout="constrained")
for ax, shown, title in zip(
    axes,
    [picture[0, :, :, 0], *outputs],
    ["image", "blurred (5 x 5 mean)", "contours (Laplacian)"],
):
    ax.imshow(shown, cmap="gray")
    ax.set_title(title)
    ax.axis("off")
# sphinx_gallery_thumbnail_number = 2

# %%
# The lecture's simple convolutional net
# --------------------------------------
# Conv2D(7 filters, relu, 'same') -> AveragePooling2D -> Flatten -> Dense(10, softmax),
# here with 3 x 3 kernels and pooling by 2 for 8 x 8 images (the lecture: 5 x 5 and 4
# for 28 x 28).
from ml4phys.data import digits, mnist
from ml4phys.nn import optimizers

(x_train, y_train), (x_test, y_test) = digits.load_data(test_fraction=0.2, seed=0)
x_train, x_test = mnist.as_float(x_train, "image"), mnist.as_float(x_test, "image")

net = models.Sequential(seed=0)
net.add(
    layers.Conv2D(
        input_shape=(8, 8, 1),
        filters=7,
        kernel_size=[3, 3],
        activation="relu",
        padding="same",
    )
)
net.add(layers.AveragePooling2D(pool_size=2))
net.add(layers.Flatten())
net.add(layers.Dense(10, activation="softmax"))
net.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=optimizers.Adam(0.01),
    metrics=["accuracy"],
)
net.summary()
net.fit(x_train, y_train, batch_size=50, epochs=15, verbose=0)
print(f"test accuracy: {net.evaluate(x_test, y_test)[1]:.3f}")

# %%
# The learned filters, and what they make of a test digit
# -------------------------------------------------------
kernels = net.layers[0].params["w"][:, :, 0, :]  # (3, 3, 7)
maps = net.layers[0].forward(x_test[:1])[0]  # (8, 8, 7)
fig, axes = plt.subplots(2, 8, figsize=(9, 2.6), layout="constrained")
axes[0, 0].imshow(x_test[0, :, :, 0], cmap="gray_r")
axes[0, 0].set_title("input", fontsize=9)
axes[1, 0].axis("off")
for k in range(7):
    limit = np.abs(kernels[:, :, k]).max()
    axes[0, k + 1].imshow(kernels[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0, k + 1].set_title(f"filter {k}", fontsize=9)
    axes[1, k + 1].imshow(maps[:, :, k], cmap="gray_r")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
