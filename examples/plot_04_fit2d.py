r"""
Learning a 2D function with SGD
===============================

The lecture's first training example (notebook *MultiLayerBackProp*): a network of
sigmoid neurons 2-20-30-1 learns the "bump" :math:`F(x_0, x_1) = e^{-5 r^2} |x_0 + x_1|`
from batches of random points in the square :math:`[-0.5, 0.5]^2`, by stochastic
gradient descent on the cost :math:`C = \frac12 \langle (y^{\text{out}} - F)^2 \rangle`.

This runs the ``fit2d`` experiment in its quick form (1000 batches of 250 points).
The full run is ``ml4phys run fit2d``.

The formulas and the code behind it: :doc:`/topics/learning-functions`.
"""

# %%
# Run the experiment
# ------------------
# Every experiment is a module of ``ml4phys.lab`` with a ``Config`` dataclass (its
# fields are the command-line options) and ``run(config) -> Result``.
import matplotlib.pyplot as plt

from ml4phys.lab import fit2d

result = fit2d.run(fit2d.Config(quick=True))
for name, value in result.numbers.items():
    print(f"{name:>14}: {value:.5g}")
# sphinx_gallery_thumbnail_number = 2

# %%
# The cost per batch falls well below ``cost_of_mean``, the cost of the best constant
# output, so the network has learned more than the average height.
result.figures["cost"]

# %%
# Target and network output on a grid of the square:
result.figures["function"]

# %%
# The same thing by hand
# ----------------------
# ``fit2d`` is a thin layer over the Keras-style API. The training loop is the
# lecture's, with ``train_on_batch`` doing forward pass, backpropagation and the step.
import numpy as np

from ml4phys.data import functions
from ml4phys.nn import initializers, layers, models, optimizers

rng = np.random.default_rng(1)
weights = initializers.RandomUniform(-3.0, 3.0)  # large random weights, as in fit2d
biases = initializers.RandomUniform(-1.0, 1.0)
net = models.Sequential(seed=1)
net.add(
    layers.Dense(
        20,
        activation="sigmoid",
        input_shape=(2,),
        kernel_initializer=weights,
        bias_initializer=biases,
    )
)
net.add(
    layers.Dense(
        30, activation="sigmoid", kernel_initializer=weights, bias_initializer=biases
    )
)
net.add(
    layers.Dense(
        1, activation="sigmoid", kernel_initializer=weights, bias_initializer=biases
    )
)
# Keras' mean squared error is twice the lecture's C: lr = eta / 2 is the step eta = 3
net.compile(loss="mean_squared_error", optimizer=optimizers.SGD(learning_rate=1.5))

costs = np.zeros(1000)
for k in range(len(costs)):
    y_in, y_target = functions.sample_batch(functions.bump, 250, rng)
    costs[k] = net.train_on_batch(y_in, y_target) / 2
print(
    f"cost over the first 100 batches: {costs[:100].mean():.5f}, "
    f"over the last 100: {costs[-100:].mean():.5f}"
)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.semilogy(costs, lw=0.5)
ax.set(xlabel="batch", ylabel="cost C")
