r"""
t-SNE from the lecture's formulas
=================================

t-SNE draws high-dimensional points :math:`x_i` as points :math:`y_i` in the plane so
that neighbours stay neighbours. In the data space a Gaussian around each point gives

.. math::

   p_{j|i} = \frac{\exp(-\|x_i - x_j\|^2 / 2\sigma_i^2)}
                  {\sum_{k \ne i} \exp(-\|x_i - x_k\|^2 / 2\sigma_i^2)}, \qquad
   p_{ij} = \frac{p_{j|i} + p_{i|j}}{2n},

with :math:`\sigma_i` set so that every point has the same effective number of
neighbours (the *perplexity*). In the map a heavy-tailed Cauchy distribution gives

.. math::

   q_{ij} = \frac{(1 + \|y_i - y_j\|^2)^{-1}}{\sum_{k \ne l} (1 + \|y_k - y_l\|^2)^{-1}}.

The cost is the Kullback-Leibler divergence
:math:`C = \sum_{ij} p_{ij} \log(p_{ij} / q_{ij})`, and gradient descent moves every point
along the "force"

.. math::

   -\frac{\partial C}{\partial y_i} = -4 \sum_j (p_{ij} - q_{ij})\,(y_i - y_j)\,
   \big(1 + \|y_i - y_j\|^2\big)^{-1}:

attraction where the map puts data neighbours too far apart, repulsion otherwise. Below
these formulas are written out in NumPy for 500 digits, and compared with the openTSNE
optimizer that ``ml4phys.analysis.tsne`` (and ``ml4phys run tsne``) uses.

The formulas and the code behind it: :doc:`/topics/unsupervised`.
"""

# %%
# Data: 500 digits, as their first 30 principal components
# ---------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.analysis.pca import pca
from ml4phys.data import digits, mnist

(x, labels), _ = digits.load_data(test_fraction=0.0, seed=0)
x, labels = mnist.as_float(x[:500]), labels[:500]
x = pca(x, n_components=30).transform(x)
n = len(x)

# %%
# p_ij: Gaussians of fixed perplexity
# -----------------------------------
# For each point, bisect on :math:`\beta_i = 1 / 2\sigma_i^2` until the entropy of
# :math:`p_{j|i}` is log(perplexity).


def conditional_p(distances2, perplexity=30.0, steps=50):
    """p_{j|i} for all i (rows), each row with perplexity 2^H = ``perplexity``."""
    p = np.zeros_like(distances2)
    for i in range(len(distances2)):
        d = np.delete(distances2[i], i)
        lo, hi, beta = 0.0, np.inf, 1.0
        for _ in range(steps):
            w = np.exp(-(d - d.min()) * beta)
            row = w / w.sum()
            entropy = -np.sum(row * np.log(row + 1e-12))
            if entropy > np.log(perplexity):  # too many neighbours: narrower Gaussian
                lo, beta = beta, beta * 2 if hi == np.inf else (beta + hi) / 2
            else:
                hi, beta = beta, (beta + lo) / 2
        p[i] = np.insert(row, i, 0.0)
    return p


distances2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
p_cond = conditional_p(distances2)
P = (p_cond + p_cond.T) / (2 * n)  # p_ij, sums to 1

# %%
# q_ij, the cost and the force
# ----------------------------


def q_and_force(y, P):
    """q_ij, the KL cost and the gradient dC/dy_i = 4 sum_j (p_ij - q_ij)(y_i - y_j) w_ij."""
    squared = np.sum(y**2, axis=1)
    w = 1.0 / (
        1.0 + squared[:, None] + squared[None, :] - 2 * y @ y.T
    )  # (1 + |y_i - y_j|^2)^-1
    np.fill_diagonal(w, 0.0)
    Q = w / w.sum()
    M = (P - Q) * w
    gradient = 4 * (M.sum(axis=1)[:, None] * y - M @ y)  # sum_j M_ij (y_i - y_j)
    cost = np.sum(P[P > 0] * np.log(P[P > 0] / Q[P > 0]))
    return Q, cost, gradient


# %%
# Gradient descent as in van der Maaten's reference program (the one the lecture used):
# momentum, a per-coordinate step that grows while the gradient keeps its sign ("gains"),
# and "early exaggeration" (P x 12 for the first 100 steps, so that clusters form before
# they spread out).
rng = np.random.default_rng(0)
y = 1e-4 * rng.standard_normal((n, 2))
velocity, gains = np.zeros_like(y), np.ones_like(y)
for step in range(500):
    exaggeration = 12.0 if step < 100 else 1.0
    _, cost, gradient = q_and_force(y, exaggeration * P)
    same_sign = np.sign(gradient) == np.sign(velocity)
    gains = np.maximum(np.where(same_sign, gains * 0.8, gains + 0.2), 0.01)
    momentum = 0.5 if step < 100 else 0.8
    velocity = momentum * velocity - 200.0 * gains * gradient
    y += velocity
print(f"KL divergence C of the NumPy map: {q_and_force(y, P)[1]:.3f}")

# %%
# The same data with openTSNE (FFT-accelerated, as in ``ml4phys run tsne``):
from ml4phys.analysis.tsne import embedding_knn_accuracy, tsne

reference = tsne(x, perplexity=30.0, n_iter=300, seed=0, n_jobs=1)
print(
    f"KL divergence C of the openTSNE map, with the same p_ij: "
    f"{q_and_force(reference.embedding, P)[1]:.3f}"
)
accuracies = [
    embedding_knn_accuracy(points, labels) for points in (y, reference.embedding)
]
print(
    "10-nearest-neighbour accuracy of the digits in 2D: NumPy {:.3f}, openTSNE {:.3f}".format(
        *accuracies
    )
)

fig, axes = plt.subplots(1, 2, figsize=(9, 4.3), layout="constrained")
for ax, points, title in zip(
    axes, (y, reference.embedding), ("the formulas in NumPy", "openTSNE")
):
    scatter = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=6)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(scatter, ax=axes, label="digit")
