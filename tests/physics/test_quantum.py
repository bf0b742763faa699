"""ml4phys.physics.quantum: Hamiltonians vs Kronecker products, ED vs known energies,
wave-function derivatives vs finite differences, local energy, exact VMC, SR, Metropolis.
"""

from functools import reduce

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn.gradcheck import numerical_gradient
from ml4phys.physics.quantum import (
    VMC,
    Heisenberg,
    Jastrow,
    MeanField,
    MetropolisSampler,
    RBMWaveFunction,
    TransverseFieldIsing,
    ground_state,
    local_energy,
    square_lattice,
    sr_direction,
)
from ml4phys.physics.quantum.ed import configurations, hilbert_basis
from ml4phys.physics.quantum.wavefunctions import log_cosh

PAULI = {
    "x": np.array([[0, 1], [1, 0]]),
    "y": np.array([[0, -1j], [1j, 0]]),
    "z": np.array([[1, 0], [0, -1]]),
}


def _op(n, ops):
    """Dense kron product: ops maps site -> Pauli letter, identity elsewhere."""
    return reduce(np.kron, [PAULI[ops[i]] if i in ops else np.eye(2) for i in range(n)])


def _dense_tfim(n, h, J, bonds):
    H = sum(-J * _op(n, {i: "z", j: "z"}) for i, j in bonds)
    return H + sum(-h * _op(n, {i: "x"}) for i in range(n))


def _dense_heisenberg(n, J, bonds, rotate=None):
    H = sum(J / 4 * (_op(n, {i: a, j: a})) for i, j in bonds for a in "xyz")
    if rotate is not None:  # Marshall: U = prod_{i in B} sigma^z_i
        U = _op(n, {i: "z" for i in rotate})
        H = U @ H @ U
    return H.real


@pytest.mark.parametrize("pbc", [True, False])
@pytest.mark.parametrize("n", [2, 3, 6])
def test_tfim_matches_kronecker_products(n, pbc):
    H = TransverseFieldIsing(n, h=0.7, J=1.3, pbc=pbc)
    assert_allclose(
        H.to_sparse().toarray(), _dense_tfim(n, 0.7, 1.3, H.bonds), atol=1e-12
    )


@pytest.mark.parametrize("marshall", [False, True])
@pytest.mark.parametrize("pbc", [True, False])
def test_heisenberg_chain_matches_kronecker_products(pbc, marshall):
    n = 8
    H = Heisenberg(n, J=0.9, pbc=pbc, marshall_sign=marshall)
    dense = _dense_heisenberg(
        n, 0.9, H.bonds, rotate=range(1, n, 2) if marshall else None
    )
    assert_allclose(H.to_sparse().toarray(), dense, atol=1e-12)


def test_square_lattice_heisenberg_and_tfim():
    bonds, sublattice = square_lattice(2, 4, pbc=True)
    assert len(bonds) == 12  # 2 x 4 torus: the doubled x-bonds counted once
    H = Heisenberg(8, bonds=bonds, sublattice=sublattice, marshall_sign=True)
    dense = _dense_heisenberg(8, 1.0, bonds, rotate=np.flatnonzero(sublattice))
    assert_allclose(H.to_sparse().toarray(), dense, atol=1e-12)
    T = TransverseFieldIsing(8, h=1.0, bonds=bonds)
    assert_allclose(
        T.to_sparse().toarray(), _dense_tfim(8, 1.0, 1.0, bonds), atol=1e-12
    )
    assert len(square_lattice(3, 3, pbc=False)[0]) == 12
    with pytest.raises(ValueError, match="bipartite"):
        Heisenberg(3, marshall_sign=True)  # odd periodic chain
    bonds, sublattice = square_lattice(2, 3, pbc=True)
    with pytest.raises(ValueError, match="bipartite"):
        Heisenberg(6, bonds=bonds, sublattice=sublattice, marshall_sign=True)


def test_sector_matrix_is_the_block_of_the_full_matrix():
    H = Heisenberg(6)
    basis = hilbert_basis(6, "sz0")
    assert len(basis) == 20
    full = H.to_sparse().toarray()
    assert_allclose(H.to_sparse(basis).toarray(), full[np.ix_(basis, basis)])


def test_ed_energies_match_known_values():
    energy, vector, _ = ground_state(TransverseFieldIsing(10, h=1.0))
    assert energy / 10 == pytest.approx(-1.2784906, abs=2e-7)
    assert np.linalg.norm(vector) == pytest.approx(1.0)
    # Heisenberg N = 10 periodic: E0 = -4.5154463544 (Bethe ansatz / Lanczos)
    e_sector, v_sector, _ = ground_state(Heisenberg(10, marshall_sign=True), "sz0")
    assert e_sector == pytest.approx(-4.515446354, abs=1e-8)
    assert v_sector.min() > -1e-12  # Marshall sign: positive amplitudes
    with pytest.raises(MemoryError, match="needs about"):
        ground_state(TransverseFieldIsing(20), max_memory=1e6)


def test_ed_tfim_n16_known_value():
    energy, _, _ = ground_state(TransverseFieldIsing(16, h=1.0))
    assert energy / 16 == pytest.approx(-1.275287, abs=1e-6)


WAVEFUNCTIONS = [
    lambda c: MeanField(5, complex=c, scale=0.3, seed=1),
    lambda c: Jastrow(5, complex=c, scale=0.3, seed=1),
    lambda c: RBMWaveFunction(5, alpha=2, complex=c, scale=0.3, seed=1),
]


@pytest.mark.parametrize("is_complex", [False, True])
@pytest.mark.parametrize("make", WAVEFUNCTIONS, ids=["meanfield", "jastrow", "rbm"])
def test_log_derivatives_match_finite_differences(make, is_complex):
    wf = make(is_complex)
    s = configurations(np.array([0, 5, 19, 31]), 5).astype(float)
    O = wf.log_derivatives(s)
    assert O.shape == (4, wf.n_params)
    for row in range(len(s)):
        real = wf.theta.view(
            np.float64
        )  # complex: (Re, Im) pairs, d/dRe = O, d/dIm = iO
        for part, f in (("real", np.real), ("imag", np.imag)):
            one = s[row : row + 1]
            grad = numerical_gradient(lambda f=f, one=one: f(wf.log_psi(one)[0]), real)
            expected = O[row] if not is_complex else np.c_[O[row], 1j * O[row]].ravel()
            assert_allclose(grad, f(expected), rtol=1e-6, atol=1e-8, err_msg=part)


def test_rbm_log_psi_formula_and_large_arguments():
    wf = RBMWaveFunction(4, alpha=1, complex=True, scale=0.5, seed=2)
    s = configurations(np.arange(16), 4).astype(float)
    a, b, W = wf.params["a"], wf.params["b"], wf.params["W"]
    expected = s @ a + np.log(np.cosh(b + s @ W.T)).sum(axis=1)
    assert_allclose(wf.log_psi(s), expected, rtol=1e-12)
    wf.params["W"][...] = 400.0  # cosh overflows; log cosh does not
    assert np.all(np.isfinite(wf.log_psi(s)))


def test_log_cosh_matches_numpy_and_stays_finite():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(5, 7)) * 3
    assert_allclose(log_cosh(z), np.log(np.cosh(z)), rtol=1e-13, atol=1e-15)
    zc = z + 1j * rng.normal(size=z.shape)
    assert_allclose(np.exp(log_cosh(zc)), np.cosh(zc), rtol=1e-12)
    big = np.array([-800.0, 800.0])  # cosh overflows; log cosh |z| - log 2 does not
    assert_allclose(log_cosh(big), 800.0 - np.log(2.0), rtol=1e-15)
    assert_allclose(
        log_cosh(big + 1j),
        big * np.sign(big) - np.log(2.0) + 1j * np.sign(big),
        rtol=1e-14,
    )


@pytest.mark.parametrize("is_complex", [False, True])
@pytest.mark.parametrize("make", WAVEFUNCTIONS, ids=["meanfield", "jastrow", "rbm"])
def test_flip_ratios_match_direct_evaluation(make, is_complex):
    """Batched log psi(s'_m) - log psi(s) (the RBM's from its hidden angles) against log psi
    of the flipped configurations, for single flips and for pairs (exchange moves).
    """
    wf = make(is_complex)
    s = np.random.default_rng(7).choice([-1.0, 1.0], size=(9, 5))
    for flips in (np.arange(5)[:, None], np.array([[0, 1], [1, 2], [4, 0], [3, 1]])):
        expected = np.empty((len(s), len(flips)), dtype=wf.theta.dtype)
        for m, sites in enumerate(flips):
            s_prime = s.copy()
            s_prime[:, sites] *= -1
            expected[:, m] = wf.log_psi(s_prime) - wf.log_psi(s)
        assert_allclose(wf.flip_ratios(s, flips), expected, rtol=1e-12, atol=1e-12)


def _dense_psi(wf, n):
    return np.exp(wf.log_psi(configurations(np.arange(2**n), n).astype(float)))


@pytest.mark.parametrize(
    "hamiltonian",
    [TransverseFieldIsing(6, h=0.8), Heisenberg(6, marshall_sign=True)],
    ids=["tfim", "heisenberg"],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: RBMWaveFunction(6, alpha=1, complex=True, scale=0.4, seed=3),
        lambda: RBMWaveFunction(6, alpha=2, scale=0.4, seed=3),
        lambda: Jastrow(6, complex=True, scale=0.4, seed=3),
    ],
    ids=["rbm-complex", "rbm", "jastrow"],
)
@pytest.mark.parametrize("chunk", [10, None])
def test_local_energy_is_h_psi_over_psi(hamiltonian, make, chunk):
    wf = make()
    psi = _dense_psi(wf, 6)
    s = configurations(np.arange(64), 6).astype(float)
    expected = (hamiltonian.to_sparse() @ psi) / psi
    assert_allclose(local_energy(hamiltonian, wf, s, chunk=chunk), expected, rtol=1e-10)


def test_local_energy_ignores_ratios_of_vanishing_terms():
    """Heisenberg: reversing a parallel pair leaves S^z = 0; a wave function huge there
    (log psi ratio 1600, exp overflows) must not turn H(s, s') = 0 into nan.
    """
    wf = RBMWaveFunction(4, alpha=1, scale=0.1, seed=8)
    wf.params["a"][...] = 400.0
    s = np.array([[1.0, -1.0, -1.0, 1.0]])  # bond (1, 2) is parallel, down
    with np.errstate(over="raise"):
        e_loc = local_energy(Heisenberg(4), wf, s)
    assert np.isfinite(e_loc).all()


@pytest.mark.parametrize("is_complex", [False, True])
def test_exact_vmc_energy_is_rayleigh_quotient_and_sr_matches_dense_solve(is_complex):
    H = TransverseFieldIsing(6, h=1.0)
    wf = RBMWaveFunction(6, alpha=1, complex=is_complex, scale=0.3, seed=4)
    psi = _dense_psi(wf, 6)
    vmc = VMC(H, wf)
    est = vmc.estimate()
    rayleigh = np.vdot(psi, H.to_sparse() @ psi).real / np.vdot(psi, psi).real
    assert est["energy"] == pytest.approx(rayleigh, rel=1e-12)
    # SR against the formulas written out densely
    p = np.abs(psi) ** 2 / np.sum(np.abs(psi) ** 2)
    O = wf.log_derivatives(vmc.basis)
    mean_O, e_loc = p @ O, est["e_loc"]
    S = (O.conj().T * p) @ O - np.outer(mean_O.conj(), mean_O)
    F = (O.conj().T * p) @ e_loc - mean_O.conj() * (p @ e_loc)
    x, S_sr, F_sr = sr_direction(O, e_loc, p, diag_shift=1e-3)
    assert_allclose(S_sr, S, atol=1e-12)
    assert_allclose(F_sr, F, atol=1e-12)
    assert_allclose(
        x, np.linalg.solve(S + 1e-3 * np.eye(len(S)), F), rtol=1e-8, atol=1e-10
    )
    theta = wf.theta.copy()
    vmc.learning_rate, vmc.diag_shift = 0.1, 1e-3
    vmc.step()
    assert_allclose(wf.theta, theta - 0.1 * x, rtol=1e-10)


@pytest.mark.parametrize("method", ["sr", "gd", "adam"])
def test_exact_vmc_lowers_the_energy(method):
    H = TransverseFieldIsing(6, h=1.0)
    exact, _, _ = ground_state(H)
    wf = RBMWaveFunction(6, alpha=1, seed=0)
    rate = {"sr": 0.1, "gd": 0.05, "adam": 0.02}[method]
    history = VMC(H, wf, method=method, learning_rate=rate).run(60)
    assert history["energy"][-1] < history["energy"][0] - 1.0
    assert abs(history["energy"][-1] - exact) / abs(exact) < 0.02
    assert min(history["energy"]) >= exact - 1e-9  # variational bound


@pytest.mark.parametrize("move", ["flip", "exchange"])
def test_metropolis_histogram_matches_psi_squared(move):
    n = 6
    wf = RBMWaveFunction(n, alpha=1, scale=0.25, seed=5)
    sampler = MetropolisSampler(n, n_chains=200, move=move, burn_in=50, thin=6, seed=0)
    s = sampler.sample(wf, 20000)
    basis = hilbert_basis(n, "sz0" if move == "exchange" else None)
    p = np.exp(2 * wf.log_psi(configurations(basis, n).astype(float)))
    p /= p.sum()
    index = ((1 - s) // 2) @ (1 << np.arange(n - 1, -1, -1))  # config -> basis number
    counts = np.array([(index == k).sum() for k in basis]) / len(s)
    if move == "exchange":
        assert np.all(s.sum(axis=1) == 0)
    # counts are correlated by the chains; allow ~5 naive standard errors
    assert_allclose(counts, p, atol=5 * np.sqrt(p.max() / len(s)))
    assert 0.05 < sampler.acceptance <= 1.0


def test_sampled_vmc_converges_on_tfim_n8():
    H = TransverseFieldIsing(8, h=1.0)
    exact, _, _ = ground_state(H)
    wf = RBMWaveFunction(8, alpha=1, seed=0)
    vmc = VMC(
        H,
        wf,
        MetropolisSampler(8, n_chains=50, seed=1),
        n_samples=500,
        learning_rate=0.1,
    )
    history = vmc.run(80)
    assert history["error"][-1] > 0
    final = VMC(H, wf).estimate()["energy"]  # the trained state, exactly
    assert abs(final - exact) / abs(exact) < 2e-3


def test_errors_are_clear():
    with pytest.raises(ValueError, match="N <= 16"):
        VMC(TransverseFieldIsing(18), RBMWaveFunction(18))
    with pytest.raises(ValueError, match="even number of sites"):
        hilbert_basis(5, "sz0")
    with pytest.raises(ValueError, match="move must be"):
        MetropolisSampler(4, move="swap")
    with pytest.raises(
        ValueError, match=r"expected configurations of shape \(batchsize, 4\)"
    ):
        RBMWaveFunction(4).log_psi(np.ones((2, 5)))


def test_heisenberg_correlations_of_the_neel_state():
    s = np.array([[1, -1, 1, -1], [-1, 1, -1, 1]], dtype=float)
    assert_allclose(Heisenberg(4).correlations(s), [0.25, -0.25, 0.25, -0.25])
