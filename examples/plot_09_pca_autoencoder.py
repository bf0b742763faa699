r"""
PCA and the linear autoencoder
==============================

An autoencoder must reproduce its input after squeezing it through a narrow layer. A
purely *linear* one with M hidden neurons can at best project the input on some
M-dimensional subspace, and the best subspace is spanned by the M eigenvectors of the
covariance matrix :math:`\rho = \langle \psi \psi^T \rangle` (:math:`\psi`: the data minus
its mean) with the largest eigenvalues: principal component analysis. Here on the 8 x 8
digits; ``ml4phys run pca`` does it on MNIST.

The formulas and the code behind it: :doc:`/topics/unsupervised`.
"""

# %%
# Principal components
# --------------------
import matplotlib.pyplot as plt
import numpy as np

from ml4phys.analysis.pca import pca, principal_angles
from ml4phys.data import digits, mnist

(x, labels), _ = digits.load_data(test_fraction=0.0)
x = mnist.as_float(x)  # (1797, 64)
result = pca(x)
cumulative = np.cumsum(result.explained_variance_ratio)
print(
    "components for 90% of the variance:",
    np.searchsorted(cumulative, 0.9) + 1,
    "of",
    x.shape[1],
)

fig, axes = plt.subplots(1, 6, figsize=(8, 1.7), layout="constrained")
for k, ax in enumerate(axes):
    limit = np.abs(result.components[k]).max()
    ax.imshow(
        result.components[k].reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit
    )
    ax.set_title(f"component {k + 1}", fontsize=9)
    ax.axis("off")

# %%
# The digits on the first two components: some digits separate, most overlap.
coordinates = result.transform(x)
fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
scatter = ax.scatter(coordinates[:, 0], coordinates[:, 1], c=labels, cmap="tab10", s=5)
fig.colorbar(scatter, ax=ax, label="digit")
ax.set(xlabel="component 1", ylabel="component 2")

# %%
# A linear autoencoder learns the same subspace
# ---------------------------------------------
# 64 -> M -> 64 with linear activations, trained on the mean squared error. The
# principal angles between the span of its decoder weights and the first M principal
# components are small: the network has found PCA by gradient descent.
from ml4phys.nn import layers, models, optimizers

M = 4
net = models.Sequential(seed=0)
net.add(layers.Dense(M, input_shape=(64,)))
net.add(layers.Dense(64))
net.compile(loss="mean_squared_error", optimizer=optimizers.Adam(0.01))
net.fit(x, x, batch_size=50, epochs=40, verbose=0)
decoder = net.layers[1].params["w"]  # (M, 64): its rows span the learned subspace
angles = np.degrees(principal_angles(decoder, result.components[:M]))
pca_mse = np.mean((result.reconstruct(x, M) - x) ** 2)
print(
    f"autoencoder mse: {net.evaluate(x, x):.5f}   PCA with M components: {pca_mse:.5f}"
)
print("principal angles (degrees):", np.round(angles, 1))
