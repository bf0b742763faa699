import numpy as np
import pytest

from ml4phys.analysis import gabor


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [5, 7, 9])
def test_fits_of_synthetic_gabor_kernels(seed, size):
    rng = np.random.default_rng(seed)
    params = [
        rng.choice([-1, 1]) * rng.uniform(0.5, 2),  # a
        *rng.uniform(-1, 1, 2),  # x0, y0
        rng.uniform(0.25, 0.4) * size,  # sigma
        rng.uniform(0.6, 1.4),  # gamma
        rng.uniform(0, np.pi),  # theta
        rng.uniform(0.4, 1.0) * size,  # wavelength
        rng.uniform(0, 2 * np.pi),  # psi
        0.1 * rng.normal(),  # c
    ]
    kernel = gabor.gabor(params, (size, size))
    kernel += 0.01 * np.abs(kernel).max() * rng.normal(size=kernel.shape)
    fitted, r2 = gabor.fit(kernel)
    assert r2 > 0.99
    assert len(fitted) == len(gabor.PARAMETERS)


def test_noise_fits_badly_and_constant_kernels_give_zero():
    rng = np.random.default_rng(0)
    assert gabor.fit(rng.normal(size=(7, 7)))[1] < 0.7
    assert gabor.fit(np.full((5, 5), 0.3))[1] == 0.0


def test_fit_all_reads_conv_kernel_layout():
    a = gabor.gabor([1, 0, 0, 1.5, 1, 0.3, 4, 0, 0], (7, 7))
    b = gabor.gabor([1, 0.5, 0, 2, 1, 1.2, 5, 1, 0], (7, 7))
    kernels = np.stack([a, b], axis=-1)[:, :, None, :]  # (kh, kw, c_in, c_out)
    params, r2 = gabor.fit_all(kernels)
    assert params.shape == (2, 9) and np.all(r2 > 0.999)
