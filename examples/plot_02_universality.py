r"""
Universality: networks built by hand
====================================

Any smooth function can be approximated by a network with a single hidden layer, given
enough neurons (Cybenko 1989). The lecture's construction: a steep sigmoid is a smooth
step, and a sum of steps is a staircase that follows any function,

.. math::

   y^{\text{out}} = \sum_k \delta F_k\, f\big(w (y - Y_k)\big).

In 2D, steep sigmoids make an AND of half planes, and so any convex shape. Here the
networks of the ``universality`` experiment are built from their weights, without any
training.

The formulas and the code behind it: :doc:`/topics/universality`.
"""

# %%
# A 1D function as a sum of steps
# -------------------------------
# ``steps_network(F, n)`` is a 1-n-1 network whose hidden neuron k switches on at the
# midpoint between two knots and adds the jump of F there.
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.lab import universality

y = np.linspace(-2, 2, 401)[:, None]
target = universality.target_1d(y[:, 0])

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(y, target, "k", lw=3, alpha=0.3, label="F(y) = sin 3y + 0.3 y²")
for n in (4, 8, 32):
    net = universality.steps_network(universality.target_1d, n)
    out = net.predict_on_batch(y)[:, 0]
    rms = np.sqrt(np.mean((out - target) ** 2))
    ax.plot(y, out, label=f"{n} hidden neurons (rms error {rms:.3f})")
ax.set(xlabel="y", ylabel="y_out")
ax.legend(fontsize=8)

# %%
# AND, OR and XOR
# ---------------
# With weight w = 20 on both inputs, a sigmoid neuron with bias -1.5 w fires only if
# both inputs are 1 (AND); with bias -0.5 w if either is (OR). XOR needs a hidden
# layer: OR and not AND.
corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
for name, net in universality.logic_networks(w=20.0).items():
    outputs = net.predict_on_batch(corners)[:, 0]
    print(
        f"{name:>3}:",
        "  ".join(
            f"{int(a)}{int(b)} -> {v:.4f}" for (a, b), v in zip(corners, outputs)
        ),
    )

# %%
# A convex shape in 2D
# --------------------
# One hidden neuron per edge of a polygon (a half plane each), and an output neuron
# that fires only if all of them do.
normals, offsets = universality.polygon_half_planes(universality.POLYGON)
net = universality.and_of_half_planes(normals, offsets, w=20.0)
axis = np.linspace(-1, 1, 201)
points = np.stack(np.meshgrid(axis, axis, indexing="xy"), -1).reshape(-1, 2)
picture = net.predict_on_batch(points).reshape(len(axis), len(axis))

fig, ax = plt.subplots(figsize=(4, 4), layout="constrained")
ax.imshow(picture, origin="lower", extent=(-1, 1, -1, 1), cmap="viridis")
polygon = np.vstack([universality.POLYGON, universality.POLYGON[:1]])
ax.plot(polygon[:, 0], polygon[:, 1], "w--", lw=1)
ax.set(xlabel="x0", ylabel="x1", title="AND of five half planes")
