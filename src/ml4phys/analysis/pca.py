"""Principal component analysis as the lecture does it ("An aside: PCA").

Subtract the mean, form the covariance rho = psi^T psi / n of the centred data psi
(samples as rows), and take its eigenvectors by decreasing eigenvalue: the directions of
largest variance. Projecting on the first M of them is the best linear compression to M
numbers (the linear autoencoder learns the same subspace).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PCA", "pca", "principal_angles"]

CHUNK = 8192  # samples per block of the covariance sum and of transform


@dataclass
class PCA:
    """The result of ``pca``: components as rows, eigenvalues, the mean, and maps.

    components : ndarray, shape (n_components, n_features), unit eigenvectors
    eigenvalues : ndarray, shape (n_components,), variances along them, decreasing
    mean : ndarray, shape (n_features,)
    total_variance : float, the sum of all eigenvalues (for explained ratios)
    """

    components: np.ndarray
    eigenvalues: np.ndarray
    mean: np.ndarray
    total_variance: float

    @property
    def explained_variance_ratio(self):
        return self.eigenvalues / self.total_variance

    def transform(self, x):
        """Coordinates along the components: (n, n_features) -> (n, n_components)."""
        x = np.asarray(x)
        if x.ndim == 1:
            return (x - self.mean) @ self.components.T
        out = np.empty((len(x), len(self.components)))
        for start in range(0, len(x), CHUNK):  # in chunks: no float64 copy of all of x
            out[start : start + CHUNK] = (
                x[start : start + CHUNK] - self.mean
            ) @ self.components.T
        return out

    def inverse_transform(self, coordinates):
        """Back to the data space from the first len(coordinates[0]) components."""
        coordinates = np.asarray(coordinates)
        return coordinates @ self.components[: coordinates.shape[-1]] + self.mean

    def reconstruct(self, x, n_components):
        """x rebuilt from its first ``n_components`` coordinates."""
        return self.inverse_transform(self.transform(x)[:, :n_components])


def pca(x, n_components=None):
    """PCA of the rows of ``x`` by diagonalizing the covariance (numpy.linalg.eigh).

    Parameters
    ----------
    x : ndarray, shape (n_samples, n_features)
    n_components : int, optional
        How many to keep (all by default).

    Returns
    -------
    PCA

    Notes
    -----
    Each component's sign is fixed so that its largest entry is positive.

    Examples
    --------
    Points spread mostly along the first axis, a little along the second:

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(2000, 3)) * [3.0, 1.0, 0.1]
    >>> result = pca(x)
    >>> abs(result.components[0]).round(1)      # the first axis
    array([1., 0., 0.])
    >>> result.explained_variance_ratio.round(1)
    array([0.9, 0.1, 0. ])
    >>> result.reconstruct(x, 2).shape          # x from its first two coordinates
    (2000, 3)
    """
    x = np.asarray(x).reshape(len(x), -1)
    if len(x) < 2:
        raise ValueError(f"pca needs at least 2 samples, received {len(x)}")
    mean = x.mean(axis=0, dtype=np.float64)
    rho = np.zeros((x.shape[1], x.shape[1]))  # covariance, (n_features, n_features)
    for start in range(
        0, len(x), CHUNK
    ):  # in float64 chunks: memory O(CHUNK n_features)
        psi = x[start : start + CHUNK] - mean
        rho += psi.T @ psi
    rho /= len(x)  # rho = psi^T psi / n
    eigenvalues, eigenvectors = np.linalg.eigh(rho)  # ascending
    order = np.argsort(eigenvalues)[::-1][:n_components]
    components = eigenvectors[:, order].T
    signs = np.sign(
        components[np.arange(len(components)), np.abs(components).argmax(axis=1)]
    )
    components *= signs[:, None]
    return PCA(
        components,
        np.clip(eigenvalues[order], 0, None),
        mean,
        float(np.clip(eigenvalues, 0, None).sum()),
    )


def principal_angles(a, b):
    """Angles (radians, increasing) between the subspaces spanned by the rows of a and b."""
    qa, _ = np.linalg.qr(np.asarray(a, float).T)
    qb, _ = np.linalg.qr(np.asarray(b, float).T)
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))  # cosines come largest first
