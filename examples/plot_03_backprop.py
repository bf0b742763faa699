r"""
Backpropagation, three ways
===========================

Backpropagation computes every derivative of the cost in one pass down the network. At
the output layer n, :math:`\Delta_j = (y_j - F_j) f'(z_j)`; each layer's gradients are

.. math::

   \frac{\partial C}{\partial w_{jk}} = \langle \Delta_j\, y_k^{(n-1)} \rangle, \qquad
   \frac{\partial C}{\partial b_j} = \langle \Delta_j \rangle,

and the step down is :math:`\Delta^{\text{new}} = (\Delta\, w^T)\, f'(z^{(n-1)})`. Here
the same gradients come from the lecture's 30 lines of NumPy, from ml4phys'
``Sequential``, and from finite differences, which need two forward passes per weight.

The formulas and the code behind it: :doc:`/topics/backpropagation`.
"""

# %%
# A small network and a batch
# ---------------------------
import time

import matplotlib.pyplot as plt
import numpy as np

from ml4phys.nn import layers, models
from ml4phys.nn.gradcheck import numerical_gradient

rng = np.random.default_rng(0)
sizes = [2, 5, 4, 1]
net = models.Sequential(dtype="float64", seed=0)
for k, n in enumerate(sizes[1:]):
    net.add(
        layers.Dense(
            n, activation="sigmoid", input_shape=(sizes[0],) if k == 0 else None
        )
    )
net.compile(loss="mean_squared_error", optimizer="sgd")
y_in = rng.uniform(-0.5, 0.5, size=(10, 2))
y_target = rng.uniform(0, 1, size=(10, 1))
batchsize = len(y_in)
Weights = [layer.params["w"] for layer in net.layers]
Biases = [layer.params["b"] for layer in net.layers]

# %%
# The lecture's code
# ------------------
# ``apply_net`` stores each layer's values and f'(z); ``backprop`` walks down.


def net_f_df(z):  # f(z) and f'(z) of the sigmoid
    val = 1 / (1 + np.exp(-z))
    return val, np.exp(-z) * val**2


def apply_net(y):
    y_layer, df_layer = [y], []
    for w, b in zip(Weights, Biases):
        y, df = net_f_df(np.dot(y, w) + b)
        df_layer.append(df)
        y_layer.append(y)
    return y_layer, df_layer


def backprop(y_target, y_layer, df_layer):
    dw_layer, db_layer = [None] * len(Weights), [None] * len(Weights)
    delta = (y_layer[-1] - y_target) * df_layer[-1]
    dw_layer[-1] = np.dot(y_layer[-2].T, delta) / batchsize
    db_layer[-1] = delta.sum(0) / batchsize
    for j in range(len(Weights) - 1):
        delta = np.dot(delta, Weights[-1 - j].T) * df_layer[-2 - j]
        dw_layer[-2 - j] = np.dot(y_layer[-3 - j].T, delta) / batchsize
        db_layer[-2 - j] = delta.sum(0) / batchsize
    return dw_layer, db_layer


dw_lecture, db_lecture = backprop(y_target, *apply_net(y_in))

# %%
# ml4phys
# -------
# ``forward(x, training=True)`` keeps what the backward pass needs; ``backward(delta)``
# takes the per-sample dC_n/dy_out. The lecture's cost is C = 1/2 <(y - F)^2>, so its
# derivative is y - F.
y_out = net.forward(y_in, training=True)
net.backward(y_out - y_target)
for k, layer in enumerate(net.layers):
    print(
        f"layer {k}: |dw - lecture| = "
        f"{np.abs(layer.grads['w'] - dw_lecture[k]).max():.1e}, "
        f"|db - lecture| = {np.abs(layer.grads['b'] - db_lecture[k]).max():.1e}"
    )

# %%
# Finite differences
# ------------------
# C(w + h) - C(w - h) over 2h, for every weight of the first layer in turn.


def cost():
    return 0.5 * np.mean(np.sum((net.forward(y_in) - y_target) ** 2, axis=1))


dw_numerical = numerical_gradient(cost, Weights[0])
print(
    "finite differences vs backprop, first layer:",
    f"{np.abs(dw_numerical - dw_lecture[0]).max():.1e}",
)

# %%
# Why it matters: the cost of one gradient
# ----------------------------------------
# Backpropagation costs about one more forward pass, whatever the number of weights;
# finite differences cost two forward passes per weight.
widths, t_backprop, t_numerical = [10, 20, 40, 80], [], []
for width in widths:
    big = models.Sequential(dtype="float64", seed=0)
    big.add(layers.Dense(width, activation="sigmoid", input_shape=(2,)))
    big.add(layers.Dense(width, activation="sigmoid"))
    big.add(layers.Dense(1, activation="sigmoid"))
    big.compile(loss="mean_squared_error", optimizer="sgd")
    start = time.perf_counter()
    big.backward(big.forward(y_in, training=True) - y_target)
    t_backprop.append(time.perf_counter() - start)
    w_middle = big.layers[1].params["w"]
    start = time.perf_counter()
    numerical_gradient(lambda: np.mean((big.forward(y_in) - y_target) ** 2), w_middle)  # noqa: B023  (called at once)
    t_numerical.append(time.perf_counter() - start)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
n_weights = [w * w for w in widths]
ax.loglog(n_weights, t_numerical, "o-", label="finite differences (middle layer only)")
ax.loglog(n_weights, t_backprop, "s-", label="backpropagation (all layers)")
ax.set(xlabel="weights in the middle layer", ylabel="seconds per gradient")
ax.legend()
