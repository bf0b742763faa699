"""Ising Monte Carlo against exact results: enumeration, Onsager, detailed balance, cache."""

import itertools
import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.physics import exact, ising, observables, sampling
from ml4phys.physics.ising import T_C, IsingChains, wolff_step

KEYS = ["energy", "abs_magnetization", "specific_heat", "susceptibility"]


# -- exact results -----------------------------------------------------------------------


def test_exact_formulas_known_values():
    assert_allclose(T_C, 2.269185314, rtol=1e-9)
    assert_allclose(exact.exact_energy(T_C), -np.sqrt(2), rtol=1e-12)
    assert_allclose(exact.exact_energy(0.3), -2.0, atol=1e-5)  # ground state
    assert_allclose(exact.exact_energy(1e3), -2e-3, rtol=1e-2)  # u ~ -2 tanh(beta)
    assert_allclose(exact.onsager_magnetization(2.0), 0.911319, atol=1e-6)
    assert exact.onsager_magnetization(2.5) == 0.0
    # the energy is continuous across T_c (the 0 * infinity there is handled)
    assert abs(exact.exact_energy(T_C - 1e-6) - exact.exact_energy(T_C + 1e-6)) < 1e-4


def test_ellipk_matches_scipy():
    special = pytest.importorskip("scipy.special")
    k = np.array([0.0, 0.3, 0.9, 0.999])
    assert_allclose(exact.ellipk(k), special.ellipk(k**2), rtol=1e-12)


def test_enumeration_of_2x2_by_hand():
    # 2x2 periodic: every neighbour pair is joined by two bonds (8 bonds, E/N in [-2, 2])
    e, m = exact.enumerate_lattice(2)
    assert e.shape == (16,) and e.min() == -2.0 and e.max() == 2.0
    assert sorted(np.round(np.unique(np.abs(m)), 6)) == [0.0, 0.5, 1.0]
    # Z = 2 e^{8 beta} + 12 + 2 e^{-8 beta}: all aligned; E = 0 (one, three or two
    # neighbouring spins flipped); the two Neel states
    beta = 0.3
    z = np.exp(-beta * 4 * e).sum()
    assert_allclose(z, 2 * np.exp(8 * beta) + 12 + 2 * np.exp(-8 * beta), rtol=1e-12)


# -- Monte Carlo vs exact ----------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["metropolis", "wolff", "auto"])
def test_4x4_monte_carlo_matches_exact_enumeration(algorithm):
    temperatures = [1.5, 2.3, 3.0]
    result = sampling.sample(
        4,
        temperatures,
        n_samples=3000,
        equilibration=100,
        pilot=200,
        algorithm=algorithm,
        chains=48,
        seed=3,
    )
    expected = exact.exact_thermodynamics(4, temperatures)
    for key in KEYS:
        value, error = result.observables[key], result.observables[key + "_err"]
        assert np.all(error > 0) and np.all(
            error < 0.05 * np.abs(expected[key]) + 0.01
        ), key
        assert np.all(np.abs(value - expected[key]) <= 4 * error + 2e-3), (
            f"{algorithm} {key}: MC {value} +- {error}, exact {expected[key]}"
        )
    assert result.spins.shape == (3, 3000, 4, 4) and result.spins.dtype == np.int8
    assert np.all(np.isfinite(result.tau)) and np.all(result.spacing >= 1)


def test_onsager_magnetization_and_energy_at_L32_cold_start():
    temperatures = [1.5, 2.0]
    result = sampling.sample(
        32,
        temperatures,
        n_samples=160,
        equilibration=200,
        pilot=100,
        chains=16,
        seed=0,
        start="cold",
    )
    assert result.algorithm == [
        "metropolis",
        "metropolis",
    ]  # both below the Wolff range
    assert_allclose(
        result.observables["abs_magnetization"],
        exact.onsager_magnetization(temperatures),
        atol=0.01,
    )
    assert_allclose(
        result.observables["energy"], exact.exact_energy(temperatures), atol=0.01
    )


def test_sample_reports_tau_and_uses_it_for_the_spacing():
    result = sampling.sample(
        8,
        [1.5, T_C, 3.5],
        n_samples=32,
        equilibration=50,
        pilot=300,
        algorithm="metropolis",
        chains=8,
        seed=1,
    )
    assert_allclose(result.spacing, np.maximum(1, np.ceil(2 * result.tau)))
    assert (
        result.tau[1] > result.tau[0] and result.tau[1] > result.tau[2]
    )  # critical slowing
    assert "tau" in result.note
    fixed = sampling.sample(
        8, [3.5], n_samples=8, equilibration=10, spacing=3, pilot=0, seed=1
    )
    assert fixed.spacing.tolist() == [3] and "fixed" in fixed.note


def test_integrated_autocorrelation_time_of_ar1_process():
    # x_t = a x_{t-1} + noise: rho(t) = a^t, tau = 1/2 + a / (1 - a) = 4.5 for a = 0.8
    rng = np.random.default_rng(0)
    a, n = 0.8, 20000
    x = np.zeros((4, n))
    noise = rng.normal(size=(4, n))
    for t in range(1, n):
        x[:, t] = a * x[:, t - 1] + noise[:, t]
    tau, reliable = observables.integrated_autocorrelation_time(x)
    assert reliable and abs(tau - 4.5) < 0.4
    tau_white, _ = observables.integrated_autocorrelation_time(noise)
    assert abs(tau_white - 0.5) < 0.1


# -- detailed balance, by exact enumeration of the transitions of a 2 x 2 lattice ----------

STATES = np.array(
    [
        np.array(bits).reshape(2, 2) * 2 - 1
        for bits in itertools.product([0, 1], repeat=4)
    ],
    np.int8,
)  # (16, 2, 2)


def _state_index(spins):
    bits = (spins.reshape(len(spins), 4) > 0).astype(int)
    return bits @ (1 << np.arange(3, -1, -1))  # the order of itertools.product


def _boltzmann(beta):
    weights = np.exp(-beta * 4 * ising.energy(STATES))
    return weights / weights.sum()


def _metropolis_half_sweep_matrix(beta, colour):
    """Exact T[a, b] of one half-sweep: each site of the colour flips independently."""
    h = sum(np.roll(STATES, shift, axis) for shift in (1, -1) for axis in (1, 2))
    p_flip = np.minimum(1.0, np.exp(-2 * beta * STATES * h))
    rows = np.arange(2)[:, None]
    mask = (np.arange(2)[None, :] + rows) % 2 == colour  # (i + j) % 2: colour of site
    matrix = np.zeros((16, 16))
    for a in range(16):
        for b in range(16):
            changed = STATES[a] != STATES[b]
            if np.any(changed & ~mask):
                continue
            p = np.where(changed, p_flip[a], 1 - p_flip[a])
            matrix[a, b] = np.prod(p[mask])
    return matrix


def _find(label, x):
    while label[x] != x:
        x = label[x]
    return x


def _wolff_matrix(beta):
    """Exact T[a, b] of one Wolff flip: sum over the open/closed bonds and the seed."""
    sites = [(i, j) for i in range(2) for j in range(2)]
    bonds = [
        (2 * i + j, 2 * ((i + di) % 2) + (j + dj) % 2)
        for i, j in sites
        for di, dj in ((0, 1), (1, 0))
    ]  # 8 bonds (double ones)
    p = 1 - np.exp(-2 * beta)
    matrix = np.zeros((16, 16))
    for a, state in enumerate(STATES.reshape(16, 4)):
        for open_bonds in itertools.product([0, 1], repeat=len(bonds)):
            weight = 1.0
            for (u, v), is_open in zip(bonds, open_bonds):
                aligned = state[u] == state[v]
                weight *= (
                    (p if is_open else 1 - p) if aligned else (0.0 if is_open else 1.0)
                )
            if weight == 0:
                continue
            label = list(range(4))  # union-find of the open bonds
            for (u, v), is_open in zip(bonds, open_bonds):
                if is_open:
                    label[_find(label, u)] = _find(label, v)
            for seed in range(4):
                flipped = state.copy()
                cluster = [k for k in range(4) if _find(label, k) == _find(label, seed)]
                flipped[cluster] *= -1
                matrix[a, _state_index(flipped[None].reshape(1, 2, 2))[0]] += weight / 4
    return matrix


def _empirical_matrix(step, copies=3000):
    spins = np.repeat(STATES, copies, axis=0)
    after = step(spins)
    counts = np.zeros((16, 16))
    np.add.at(counts, (np.repeat(np.arange(16), copies), _state_index(after)), 1)
    return counts / copies


@pytest.mark.parametrize("temperature", [1.5, 3.0])
def test_metropolis_half_sweep_detailed_balance(temperature):
    beta = 1 / temperature
    pi = _boltzmann(beta)
    for colour in (0, 1):
        exact_t = _metropolis_half_sweep_matrix(beta, colour)
        assert_allclose(exact_t.sum(axis=1), 1.0)
        flow = pi[:, None] * exact_t
        assert_allclose(flow, flow.T, atol=1e-15)  # pi(a) T(a->b) = pi(b) T(b->a)

        def step(spins, colour=colour):
            chains = IsingChains(
                2,
                np.full(len(spins), temperature),
                np.random.default_rng(colour),
                start=spins,
            )
            chains.half_sweep(colour)
            return chains.spins

        empirical = _empirical_matrix(step)
        bound = 5 * np.sqrt(exact_t * (1 - exact_t) / 3000) + 1e-3
        assert np.all(np.abs(empirical - exact_t) <= bound)
    full = _metropolis_half_sweep_matrix(beta, 0) @ _metropolis_half_sweep_matrix(
        beta, 1
    )
    assert_allclose(pi @ full, pi, atol=1e-14)  # a sweep keeps pi stationary


@pytest.mark.parametrize("temperature", [1.5, 3.0])
def test_wolff_step_detailed_balance(temperature):
    beta = 1 / temperature
    pi = _boltzmann(beta)
    exact_t = _wolff_matrix(beta)
    assert_allclose(exact_t.sum(axis=1), 1.0)
    flow = pi[:, None] * exact_t
    assert_allclose(flow, flow.T, atol=1e-14)

    def step(spins):
        spins = spins.copy()
        sizes = wolff_step(spins, np.full(len(spins), beta), np.random.default_rng(7))
        assert np.all((sizes >= 1) & (sizes <= 4))
        return spins

    empirical = _empirical_matrix(step)
    bound = 5 * np.sqrt(exact_t * (1 - exact_t) / 3000) + 1e-3
    assert np.all(np.abs(empirical - exact_t) <= bound)


def test_wolff_flips_one_aligned_connected_cluster():
    rng = np.random.default_rng(0)
    spins = (2 * rng.integers(0, 2, (50, 6, 6)) - 1).astype(np.int8)
    before = spins.copy()
    sizes = wolff_step(spins, np.full(50, 1 / 2.3), rng)
    changed = spins != before
    assert_allclose(changed.sum(axis=(1, 2)), sizes)
    for c in range(50):  # all flipped spins had one sign
        assert len(np.unique(before[c][changed[c]])) == 1
    frozen = before.copy()  # beta -> 0: p_add = 0, one spin
    assert_allclose(wolff_step(frozen, np.full(50, 1e-9), rng), 1)


def test_sublattice_layout_round_trip():
    rng = np.random.default_rng(0)
    spins = (2 * rng.integers(0, 2, (3, 6, 6)) - 1).astype(np.int8)
    assert np.array_equal(ising.from_sublattices(*ising.to_sublattices(spins)), spins)
    with pytest.raises(ValueError, match="even"):
        IsingChains(5, [2.0], rng)


# -- cache -------------------------------------------------------------------------------


def test_dataset_cache_round_trip(tmp_path):
    kwargs = {"n_samples": 8, "equilibration": 10, "pilot": 20, "chains": 4, "seed": 5}
    first, path = sampling.dataset(4, [1.5, 3.0], data_dir=tmp_path, **kwargs)
    assert path.exists() and path.parent == tmp_path and path.suffix == ".npz"
    again, path_again = sampling.dataset(4, [1.5, 3.0], data_dir=tmp_path, **kwargs)
    assert path_again == path
    assert np.array_equal(again.spins, first.spins) and again.spins.dtype == np.int8
    assert_allclose(again.tau, first.tau)
    assert again.algorithm == first.algorithm and again.note == first.note
    for key, value in first.observables.items():
        assert_allclose(again.observables[key], value)
    other, other_path = sampling.dataset(
        4, [1.5, 3.0], data_dir=tmp_path, **{**kwargs, "seed": 6}
    )
    assert other_path != path and not np.array_equal(other.spins, first.spins)
    json.dumps(first.params)  # the parameters are JSON-able


def test_dataset_write_is_atomic(tmp_path, monkeypatch):
    def broken_savez(file, **arrays):
        file.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(sampling.np, "savez_compressed", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        sampling.dataset(
            4, [2.0], n_samples=4, equilibration=5, pilot=10, data_dir=tmp_path
        )
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary


def test_data_folder_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ML4PHYS_DATA", str(tmp_path / "data"))
    assert sampling.data_folder() == tmp_path / "data" / "ising"
    monkeypatch.delenv("ML4PHYS_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sampling.data_folder() == tmp_path / "xdg" / "ml4phys" / "ising"
    assert sampling.data_folder(tmp_path / "mine") == tmp_path / "mine"
