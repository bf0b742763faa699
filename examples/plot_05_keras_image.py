"""
The Keras-style API: learning an image
======================================

The lecture's Keras code runs with ``keras`` replaced by ``ml4phys.nn``. Here it learns a
picture as a function of two variables, (x, y) -> brightness (the lecture's
*MultiLayer_ImageCompression*): a 2-150-150-100-1 ReLU network trained with Adam on
batches of random pixels. This example runs the ``image`` experiment in its quick form
(2-30-30-20-1 on a 48-pixel image, 300,000 samples); the lecture's run is
``ml4phys run image``.

The formulas and the code behind it: :doc:`/topics/keras-api`.
"""

# %%
# The lecture's code, unchanged but for the import
# ------------------------------------------------
import numpy as np

from ml4phys.nn import *  # noqa: F403  (the lecture writes: from keras import *)
from ml4phys.nn.layers import Dense
from ml4phys.nn.models import Sequential

net = Sequential()
net.add(Dense(150, input_shape=(2,), activation="relu"))
net.add(Dense(150, activation="relu"))
net.add(Dense(100, activation="relu"))
net.add(Dense(1, activation="relu"))
net.compile(
    loss="mean_squared_error",
    optimizer=optimizers.SGD(lr=0.1),  # noqa: F405  (from the star import)
    metrics=["accuracy"],
)
net.summary()

# %%
# ``train_on_batch`` returns ``[loss, accuracy]`` because a metric was compiled in,
# and the lecture takes element ``[0]``:
rng = np.random.default_rng(0)
batchsize, batches = 20, 200
costs = np.zeros(batches)
for k in range(batches):
    y_in = rng.uniform(-0.5, 0.5, size=(batchsize, 2))
    y_target = np.exp(-10 * np.sum(y_in**2, axis=1, keepdims=True))  # a Gaussian spot
    costs[k] = net.train_on_batch(y_in, y_target)[0]
y_out = net.predict_on_batch(y_in)
print("y_out:", y_out.shape, " first and last cost:", costs[0], costs[-1])

# %%
# An image as a function
# ----------------------
from ml4phys.lab import image

result = image.run(image.Config(quick=True))
print(
    {key: value for key, value in result.numbers.items() if not isinstance(value, list)}
)
result.figures["snapshots"]

# %%
# The peak signal-to-noise ratio, PSNR = -10 log10(mean squared error) for pixel values
# in [0, 1], grows as the network sees more pixels:
result.figures["psnr"]
