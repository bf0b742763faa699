r"""
Neurons, layers and batches
===========================

A neuron computes a weighted sum of its inputs plus a bias, :math:`z = \sum_k w_k y_k + b`,
and applies a fixed nonlinear function, :math:`y = f(z)`. A layer does this for many
neurons at once, :math:`z = y^{\text{in}} w + b`, and a batch of samples is one more array
axis: the lecture's "avoid loops!". Here the lecture's few lines of NumPy, the same layer
in ml4phys, and what random networks compute (the ``network-picture`` experiment).

The formulas and the code behind it: :doc:`/topics/neurons`.
"""

# %%
# One layer, by hand
# ------------------
# The lecture's first lines store the weights as (N1, N0) and write ``dot(w, y_in)``;
# its later code, Keras and ml4phys store them as (N0, N1) and write ``y_in @ w``, which
# works unchanged for a batch of shape (batchsize, N0).
import numpy as np

rng = np.random.default_rng(0)
N0, N1 = 3, 2  # input and output layer sizes
w = rng.uniform(-1, 1, size=(N0, N1))
b = rng.uniform(-1, 1, size=N1)
y_in = np.array([0.2, 0.4, -0.1])
z = y_in @ w + b
y_out = 1 / (1 + np.exp(-z))  # the sigmoid, elementwise
print("one sample: ", y_out)

batch = rng.uniform(-1, 1, size=(5, N0))  # 5 samples as rows
print("a batch:\n", 1 / (1 + np.exp(-(batch @ w + b))))  # b is broadcast over rows

# %%
# The same layer in ml4phys
# -------------------------
# ``Dense`` keeps its weights in ``params`` under the same names.
from ml4phys.nn import layers

dense = layers.Dense(N1, activation="sigmoid")
dense.build((N0,), rng, dtype=np.float64)
dense.params["w"][...] = w
dense.params["b"][...] = b
print("Dense:      ", dense.forward(y_in[None, :])[0])

# %%
# What random networks compute
# ----------------------------
# Apply a network with random weights to every point of a 2D grid at once (one batch
# of 60 x 60 points) and look at its output as an image. Deeper networks make finer
# patterns, and the activation function sets their style.
from ml4phys.lab import network_picture

result = network_picture.run(network_picture.Config(quick=True))
for activation in ("sigmoid", "tanh", "relu"):
    ratios = [
        f"{v['relative_gradient']:.2f}" for v in result.numbers[activation].values()
    ]
    print(f"{activation:>8}: mean |gradient| / std by depth: {', '.join(ratios)}")
result.figures["outputs"]
