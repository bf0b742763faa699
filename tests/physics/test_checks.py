"""Physics and RBM entry points: nonsense values, 0/1 spins, stops on NaN/inf keeping
the last finite parameters, and the Ising cache healing itself.
"""

import warnings

import numpy as np
import pytest

from ml4phys.common.store import CacheWarning
from ml4phys.generative.rbm import RBM
from ml4phys.physics import ising, sampling
from ml4phys.physics.quantum import hamiltonians, vmc, wavefunctions


@pytest.mark.parametrize(
    "make, words",
    [
        (
            lambda: hamiltonians.TransverseFieldIsing(0),
            "n_sites must be a positive int",
        ),
        (lambda: hamiltonians.Heisenberg(-2), "n_sites must be a positive int"),
        (lambda: wavefunctions.RBMWaveFunction(4, alpha=0), "alpha must be a positive"),
        (
            lambda: wavefunctions.RBMWaveFunction(4, alpha=-1),
            "alpha must be a positive",
        ),
        (
            lambda: sampling.sample(0, [2.0], n_samples=4),
            "sample: L must be a positive",
        ),
        (lambda: sampling.sample(5, [2.0], n_samples=4), "L must be even"),
        (
            lambda: sampling.sample(4, [2.0], n_samples=0),
            "n_samples must be a positive",
        ),
        (lambda: sampling.sample(4, [-1.0], n_samples=4), "temperatures must be"),
        (lambda: RBM(4, 2, dtype="int32"), "RBM: dtype must be 'float32' or"),
    ],
)
def test_nonsense_values_are_refused_by_name(make, words):
    with pytest.raises((ValueError, TypeError), match=words):
        make()


def test_vmc_method_sgd_is_a_clear_error():
    ham, wf = hamiltonians.TransverseFieldIsing(4), wavefunctions.RBMWaveFunction(4)
    with pytest.raises(
        ValueError, match="method must be 'sr', 'gd', 'adam' or .*'sgd'"
    ):
        vmc.VMC(ham, wf, method="sgd")


def test_zero_one_spins_are_refused_where_plus_minus_one_are_meant():
    bits = np.array([[1, 0, 1, 1]])
    wf, ham = wavefunctions.RBMWaveFunction(4), hamiltonians.TransverseFieldIsing(4)
    for call in (wf.log_psi, ham.diagonal, lambda s: vmc.local_energy(ham, wf, s)):
        with pytest.raises(
            ValueError, match=r"spins \+1 or -1, received 0(\.0)? .*2 \* s - 1"
        ):
            call(bits)
    with pytest.raises(ValueError, match="IsingChains: start must hold spins"):
        ising.IsingChains(2, [2.0], np.random.default_rng(0), start=np.zeros((1, 2, 2)))
    assert np.isfinite(wf.log_psi(2 * bits - 1)).all()


def test_vmc_stops_on_nan_keeping_the_last_finite_parameters():
    ham = hamiltonians.TransverseFieldIsing(4)
    wf = wavefunctions.RBMWaveFunction(4, seed=1)
    driver = vmc.VMC(ham, wf, method="gd", learning_rate=1e300)
    # the divergence is the point: numpy's overflow warnings on the way are expected
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.warns(
            RuntimeWarning, match="stopped at iteration .* NaN or infinite"
        ):
            history = driver.run(5)
    assert len(history["energy"]) < 5 and np.isfinite(wf.theta).all()


def test_rbm_stops_on_nan_keeping_the_last_finite_parameters():
    x = np.random.default_rng(0).normal(size=(20, 6)) * 1e3
    rbm = RBM(6, 3, visible="gaussian", seed=0)
    with np.errstate(over="ignore", invalid="ignore"):  # the divergence is the point
        with pytest.warns(RuntimeWarning, match="RBM.fit stopped at update"):
            history = rbm.fit(x, epochs=3, batch_size=5, learning_rate=1e35)
    assert "stopped_at" in history
    assert all(np.isfinite(p).all() for p in rbm.params.values())
    with pytest.raises(ValueError, match=r"RBM.fit: x holds NaN at index \(2, 3\)"):
        x[2, 3] = np.nan
        rbm.fit(x)


def test_a_truncated_ising_cache_is_set_aside_and_sampled_again(tmp_path):
    options = {"n_samples": 4, "data_dir": tmp_path, "equilibration": 5, "pilot": 5}
    first, path = sampling.dataset(4, [2.0, 3.0], **options)
    path.write_bytes(path.read_bytes()[:200])  # cut short, as a full disk would
    with pytest.raises(ValueError, match="not a readable Ising cache file"):
        sampling.load(path)
    with pytest.warns(CacheWarning, match=r"set aside as .*\.npz\.bad, sampling again"):
        again, same = sampling.dataset(4, [2.0, 3.0], **options)
    assert same == path and (tmp_path / (path.name + ".bad")).exists()
    np.testing.assert_array_equal(again.spins, first.spins)  # same seed, same samples
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the healed file reads cleanly
        np.testing.assert_array_equal(
            sampling.dataset(4, [2.0, 3.0], **options)[0].spins, first.spins
        )


def test_an_rbm_file_with_nan_parameters_is_refused_unless_allowed(tmp_path):
    rbm = RBM(4, 2, seed=0)
    rbm.params["W"][1, 1] = np.nan
    rbm.save(tmp_path / "rbm.npz")
    with pytest.raises(ValueError, match="rbm.npz: W holds 1 NaN .*allow_nonfinite"):
        RBM.load(tmp_path / "rbm.npz")
    assert np.isnan(
        RBM.load(tmp_path / "rbm.npz", allow_nonfinite=True).params["W"][1, 1]
    )
