import matplotlib.image
import numpy as np

from ml4phys.analysis.pca import pca, principal_angles
from ml4phys.lab.pca import train_linear_autoencoder
from tests.markers import needs_mnist

from .quick_runs import run_quick


def test_linear_autoencoder_finds_a_known_subspace():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(20, 3)))[0].T  # a 3D subspace of R^20
    x = (rng.normal(size=(2000, 3)) * [3.0, 2.0, 1.5]) @ basis
    x = (x + 0.05 * rng.normal(size=x.shape)).astype(np.float32)
    net = train_linear_autoencoder(x, 3, epochs=100, seed=0)
    angles = principal_angles(net.layers[1].params["w"], basis)
    assert np.degrees(angles.max()) < 1.0
    assert np.degrees(principal_angles(pca(x, 3).components, basis).max()) < 1.0


@needs_mnist
def test_quick_pca_of_mnist(tmp_path):
    numbers = run_quick("pca", tmp_path)
    assert 70 <= numbers["components_for_90_percent"] <= 110  # the lecture: about 100
    errors = list(numbers["reconstruction_mse"].values())
    assert errors == sorted(errors, reverse=True)  # more components: better
    autoencoder = numbers["autoencoder"]
    assert autoencoder["mse"] < 1.1 * autoencoder["pca_mse_same_m"]  # PCA is optimal
    assert autoencoder["mean_principal_angle_deg"] < 25
    for name in ("components", "spectrum", "reconstructions", "projection"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3


@needs_mnist
def test_quick_tsne_of_mnist(tmp_path):
    numbers = run_quick("tsne", tmp_path, "--n-jobs", "1", "--iterations", "300")
    assert numbers["pixels"]["knn10_accuracy"] > 0.88  # 2,000 digits; chance: 0.1
    assert numbers["hidden"]["knn10_accuracy"] > 0.88
    assert numbers["pixels"]["kl_divergence"] > 0
    for name in ("map_pixels", "map_hidden"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3


@needs_mnist
def test_quick_sparse_autoencoder(tmp_path):
    numbers = run_quick("sparse", tmp_path)
    sparse, plain = numbers["sparse"], numbers["plain"]
    assert sparse["mean_activation"] < 0.15  # the penalty keeps neurons quiet
    assert plain["mean_activation"] > 2 * sparse["mean_activation"]
    assert sparse["neurons_mostly_off"] > plain["neurons_mostly_off"]
    assert sparse["reconstruction_mse"] < 0.06  # and it still rebuilds the digits
    for name in ("features_sparse", "features_plain", "activation"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3
