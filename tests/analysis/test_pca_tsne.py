import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.analysis.pca import pca, principal_angles
from ml4phys.analysis.tsne import embedding_knn_accuracy, tsne


def _data(seed=0, n=400, d=12):
    rng = np.random.default_rng(seed)
    scales = np.linspace(3.0, 0.2, d)
    return (
        rng.normal(size=(n, d)) * scales @ np.linalg.qr(rng.normal(size=(d, d)))[0] + 5
    )


def test_pca_against_eigh_and_scikit_learn():
    from sklearn.decomposition import PCA as SkPCA

    x = _data()
    ours = pca(x, n_components=5)
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred / len(x))
    assert_allclose(ours.eigenvalues, values[::-1][:5], rtol=1e-6)
    sk = SkPCA(n_components=5).fit(x)
    assert_allclose(
        ours.eigenvalues, sk.explained_variance_ * (len(x) - 1) / len(x), rtol=1e-6
    )
    for mine, theirs in zip(ours.components, sk.components_):  # equal up to sign
        assert_allclose(abs(mine @ theirs), 1.0, atol=1e-6)


def test_pca_reconstruction_is_exact_with_all_components_and_ratio_sums_to_one():
    x = _data(1, n=50, d=6)
    full = pca(x)
    assert_allclose(full.reconstruct(x, 6), x, atol=1e-10)
    assert_allclose(full.explained_variance_ratio.sum(), 1.0)
    assert np.all(np.diff(full.eigenvalues) <= 0)
    assert pca(x, 2).reconstruct(x, 2).shape == x.shape
    with pytest.raises(ValueError, match="at least 2 samples"):
        pca(x[:1])


def test_principal_angles():
    basis = np.eye(4)[:2]
    assert_allclose(principal_angles(basis, basis), [0, 0], atol=1e-7)
    rotated = np.array([[1, 0, 0, 0], [0, np.cos(0.3), np.sin(0.3), 0]])
    assert_allclose(principal_angles(basis, rotated), [0, 0.3], atol=1e-7)


def test_tsne_separates_the_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, labels = digits.data[:600], digits.target[:600]
    result = tsne(pca(x, 30).transform(x), n_iter=250, seed=0, n_jobs=1)
    assert result.embedding.shape == (600, 2)
    assert result.kl_divergence > 0
    assert embedding_knn_accuracy(result.embedding, labels) > 0.9
    shuffled = np.random.default_rng(0).permutation(labels)
    assert embedding_knn_accuracy(result.embedding, shuffled) < 0.3
