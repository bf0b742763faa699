import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.physics import materials


@pytest.mark.parametrize("n_sites", [8, 16, 64])
def test_pure_chain_has_no_gap_at_half_filling(n_sites):
    # eps_k = e - 2t cos k, k = 2 pi n / N: for N = 4m two levels sit at E_F = e
    values = materials.properties(materials.spectrum(np.ones((1, n_sites), int)))
    assert_allclose(values["gap"], 0.0, atol=1e-12)


@pytest.mark.parametrize("e_a, e_b", [(1.0, -1.0), (0.3, 2.5), (-2.0, 2.0)])
def test_period_two_chain_gap_is_site_energy_difference(e_a, e_b):
    # bands (e_A + e_B)/2 +- sqrt(((e_A - e_B)/2)^2 + 4 t^2 cos^2 k): gap at cos k = 0
    atoms = np.array([[1, 0] * 8])
    values = materials.properties(materials.spectrum(atoms, e_a, e_b, t=0.7))
    assert_allclose(values["gap"], abs(e_a - e_b), rtol=1e-10)


def test_square_lattice_spectrum_and_energy():
    # pure square lattice: eps = e - 2t (cos kx + cos ky); the sum of all levels is N e
    eigenvalues = materials.spectrum(np.zeros((1, 4, 4), int), e_b=-0.5, t=1.0)
    kx, ky = np.meshgrid(*2 * [2 * np.pi * np.arange(4) / 4])
    expected = np.sort((-0.5 - 2 * (np.cos(kx) + np.cos(ky))).ravel())
    assert_allclose(eigenvalues[0], expected, atol=1e-12)
    values = materials.properties(eigenvalues)
    assert_allclose(values["energy"], expected[:8].sum() / 16)


def test_dataset_is_cached_and_reproducible(tmp_path):
    first = materials.dataset(20, (8,), seed=3, data_dir=tmp_path)
    second = materials.dataset(20, (8,), seed=3, data_dir=tmp_path)
    assert first[3] == second[3] and first[3].exists()
    assert_allclose(first[2]["energy"], second[2]["energy"])
    assert np.array_equal(first[0], second[0])
    assert_allclose(first[1], first[0].mean(axis=1))


def test_odd_sizes_are_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="even sizes"):
        materials.dataset(5, (7,), data_dir=tmp_path)
