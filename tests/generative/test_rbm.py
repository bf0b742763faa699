"""RBM: brute-force enumeration, CD vs exact gradient, AIS vs exact log Z, Gibbs sampler,
training, save/load.
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.generative import RBM, load_rbm, partition


def all_states(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def random_rbm(n_visible, n_hidden, scale=1.0, seed=0, visible="binary"):
    rbm = RBM(n_visible, n_hidden, visible=visible, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 100)
    for param in rbm.params.values():
        param[...] = scale * rng.normal(size=param.shape)
    return rbm


def brute_force(rbm):
    """p(v, h) on the grid of all states, from exp(-E) / Z summed by hand."""
    V, H = all_states(rbm.n_visible), all_states(rbm.n_hidden)
    vv = np.repeat(V, len(H), axis=0)
    hh = np.tile(H, (len(V), 1))
    weights = np.exp(-rbm.energy(vv, hh)).reshape(len(V), len(H))
    return V, H, weights / weights.sum(), np.log(weights.sum())


@pytest.mark.parametrize("n_visible, n_hidden", [(4, 3), (3, 4)])
def test_brute_force_enumeration(n_visible, n_hidden):
    rbm = random_rbm(n_visible, n_hidden)
    V, H, p_joint, log_z = brute_force(rbm)
    assert_allclose(rbm.log_partition_exact(), log_z, rtol=0, atol=1e-10)
    p_v = p_joint.sum(axis=1)
    assert_allclose(np.exp(-rbm.free_energy(V) - log_z), p_v, rtol=0, atol=1e-10)
    assert_allclose(np.exp(rbm.log_likelihood(V[:1])), p_v[0], rtol=1e-10)
    # p(h_j = 1 | v) = sum_{h: h_j = 1} p(v, h) / p(v), for every v
    assert_allclose(rbm.prob_h_given_v(V), (p_joint @ H) / p_v[:, None], atol=1e-10)
    p_h = p_joint.sum(axis=0)
    assert_allclose(rbm.prob_v_given_h(H), (p_joint.T @ V) / p_h[:, None], atol=1e-10)


def test_gaussian_partition_matches_numerical_integral():
    rbm = random_rbm(2, 3, scale=0.5, visible="gaussian")
    axis = np.linspace(-15, 15, 1201)
    x, y = np.meshgrid(axis, axis)
    points = np.column_stack([x.ravel(), y.ravel()])
    integral = np.sum(np.exp(-rbm.free_energy(points))) * (axis[1] - axis[0]) ** 2
    assert_allclose(rbm.log_partition_exact(), np.log(integral), atol=1e-8)


def test_pseudo_log_likelihood_exact_and_estimate():
    rbm = random_rbm(4, 3)
    V, _, p_joint, _ = brute_force(rbm)
    p_v = p_joint.sum(axis=1)
    index = {tuple(v): i for i, v in enumerate(V)}
    expected = 0.0
    for i in range(
        4
    ):  # log p(v_i | v_-i) = log p(v) - log (p(v) + p(v with i flipped))
        flipped = V.copy()
        flipped[:, i] = 1 - flipped[:, i]
        p_flip = p_v[[index[tuple(v)] for v in flipped]]
        expected += np.log(p_v / (p_v + p_flip))
    assert_allclose(
        rbm.pseudo_log_likelihood(V, exact=True), expected.mean(), rtol=1e-10
    )
    estimates = [
        rbm.pseudo_log_likelihood(V) for _ in range(2000)
    ]  # one random unit each
    assert abs(np.mean(estimates) - expected.mean()) < 5 * np.std(estimates) / np.sqrt(
        2000
    )


def exact_gradient(rbm, data):
    """-dlogL/dtheta by enumeration: <.>_model - <.>_data with h summed out exactly."""
    V, _, p_joint, _ = brute_force(rbm)
    p_v = p_joint.sum(axis=1)
    h_model, h_data = rbm.prob_h_given_v(V), rbm.prob_h_given_v(data)
    return {
        "W": (V * p_v[:, None]).T @ h_model - data.T @ h_data / len(data),
        "a": p_v @ V - data.mean(axis=0),
        "b": p_v @ h_model - h_data.mean(axis=0),
    }


def test_cd_gradient_matches_exact_gradient_in_expectation():
    rbm = random_rbm(4, 3, scale=1.5)
    data = all_states(4)[[1, 6, 9, 15]]
    exact = exact_gradient(rbm, data)
    n = 40_000  # chains; each term is a mean of products in [0, 1]: std <= 0.5/sqrt(n)
    grads = rbm.gradient(np.repeat(data, n // len(data), axis=0), k=30)
    tolerance = 5 * 0.5 / np.sqrt(n)
    for name in exact:
        assert np.max(np.abs(grads[name] - exact[name])) < tolerance, name
    assert (
        max(np.max(np.abs(g)) for g in exact.values()) > 10 * tolerance
    )  # not trivial
    # CD-1 from the data is biased: it misses the exact gradient clearly
    grads_cd1 = rbm.gradient(np.repeat(data, n // len(data), axis=0), k=1)
    assert np.max(np.abs(grads_cd1["W"] - exact["W"])) > 3 * tolerance


def test_centered_gradient_is_the_exact_gradient_of_the_centered_parametrization():
    from ml4phys.nn.gradcheck import numerical_gradient

    rbm = random_rbm(4, 3, scale=1.0, seed=2)
    data = all_states(4)[[1, 6, 9, 15, 15]]
    n = 40_000
    grads = rbm.gradient(np.repeat(data, n // len(data), axis=0), k=30, centering=True)
    mu, lam = rbm.offsets["v"], rbm.offsets["h"]
    assert_allclose(mu, data.mean(axis=0))  # offsets: the data means
    assert_allclose(lam, rbm.prob_h_given_v(data).mean(axis=0))
    # -log L as a function of the centered parameters W, a_c = a + W lambda, b_c = b + W^T mu
    W = rbm.params["W"].copy()
    a_c, b_c = rbm.params["a"] + W @ lam, rbm.params["b"] + W.T @ mu
    probe = random_rbm(4, 3)

    def nll():
        probe.params["W"][...] = W
        probe.params["a"][...] = a_c - W @ lam
        probe.params["b"][...] = b_c - W.T @ mu
        return -probe.log_likelihood(data)

    g_w, g_a, g_b = (numerical_gradient(nll, x) for x in (W, a_c, b_c))
    # a step -eta (g_w, g_a, g_b) of the centered parameters, written as a step of W, a, b
    expected = {"W": g_w, "a": g_a - g_w @ lam, "b": g_b - g_w.T @ mu}
    tolerance = (
        3 * 5 * 0.5 / np.sqrt(n)
    )  # three terms of the CD-30 noise of the plain test
    for name, value in expected.items():
        assert np.max(np.abs(grads[name] - value)) < tolerance, name
    plain = exact_gradient(rbm, data)  # and it is not the plain gradient
    assert max(np.max(np.abs(plain[name] - expected[name])) for name in plain) > 0.1


def test_ais_agrees_with_exact_log_partition():
    rbm = random_rbm(20, 10, scale=0.5, seed=3)
    exact = rbm.log_partition_exact()
    data = (np.random.default_rng(0).random((50, 20)) < 0.3).astype(float)
    log_z, std = rbm.log_partition_ais(n_chains=100, n_betas=2000, data=data, seed=1)
    assert abs(log_z - exact) < 0.1
    assert abs(log_z - exact) < 3 * std + 1e-3
    assert 0 < std < 0.1


def test_gibbs_samples_match_exact_distribution():
    rbm = random_rbm(4, 3, scale=0.8, seed=5)
    _, _, p_joint, _ = brute_force(rbm)
    samples = rbm.sample(100_000, gibbs_steps=20)
    codes = samples @ (
        2 ** np.arange(3, -1, -1)
    )  # all_states order: first unit = high bit
    histogram = np.bincount(codes.astype(int), minlength=16) / len(samples)
    total_variation = 0.5 * np.abs(histogram - p_joint.sum(axis=1)).sum()
    assert total_variation < 0.01  # sampling noise alone gives about 0.004


def test_gaussian_gibbs_sampler_mean():
    rbm = random_rbm(2, 3, scale=0.5, visible="gaussian")
    samples = rbm.sample(50_000, gibbs_steps=30)
    axis = np.linspace(-12, 12, 801)
    x, y = np.meshgrid(axis, axis)
    points = np.column_stack([x.ravel(), y.ravel()])
    weights = np.exp(-rbm.free_energy(points))
    mean = weights @ points / weights.sum()
    assert_allclose(samples.mean(axis=0), mean, atol=0.03)


def test_exact_partition_refuses_too_many_states():
    rbm = RBM(30, 25)
    with pytest.raises(ValueError, match=r"2\^25 states of the hidden layer"):
        rbm.log_partition_exact()


def bars(width=7, n_visible=20):
    patterns = np.zeros((n_visible - width + 1, n_visible))
    for start in range(len(patterns)):
        patterns[start, start : start + width] = 1
    return patterns


@pytest.mark.parametrize("persistent", [False, True])
def test_fit_raises_exact_log_likelihood(persistent):
    patterns = bars()
    x = patterns[np.random.default_rng(0).integers(0, len(patterns), 2000)]
    rbm = RBM(20, 10, seed=0, dtype=np.float64)
    before = rbm.log_likelihood(patterns)
    history = rbm.fit(
        x,
        epochs=6,
        batch_size=50,
        k=1,
        persistent=persistent,
        learning_rate=0.1,
        momentum=0.5,
        log_likelihood="exact",
        monitor_data=patterns,
    )
    assert before < -13  # about 20 log(1/2)
    assert history["log_likelihood"][-1] > before + 6  # the optimum is log(1/14) = -2.6
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]
    assert len(history["step"]) == 6 and history["step"][-1] == 6 * 40


def test_fit_with_penalties_and_ais_history():
    x = bars()[np.random.default_rng(1).integers(0, 14, 500)]
    rbm = RBM(20, 10, seed=1)
    history = rbm.fit(
        x,
        epochs=2,
        batch_size=50,
        weight_decay=1e-3,
        sparsity_target=0.1,
        log_likelihood="ais",
        ais={"n_chains": 20, "n_betas": 200},
        eval_every=5,
    )
    assert history["step"] == [5, 10, 15, 20]
    assert len(history["log_likelihood_std"]) == 4
    assert np.all(np.isfinite(history["log_likelihood"]))
    assert 0 < rbm.hidden_mean.mean() < 0.5


def test_save_and_load_roundtrip(tmp_path):
    rbm = RBM(6, 4, visible="gaussian", seed=2)
    rbm.fit(
        np.random.default_rng(0).normal(size=(40, 6)), batch_size=10, persistent=True
    )
    rbm.save(tmp_path / "rbm.npz")
    loaded = load_rbm(tmp_path / "rbm.npz")
    assert (loaded.n_visible, loaded.n_hidden, loaded.visible) == (6, 4, "gaussian")
    for name in rbm.params:
        assert_allclose(loaded.params[name], rbm.params[name], rtol=0)
    assert_allclose(loaded.chains, rbm.chains)
    assert loaded.params["W"].dtype == np.float32
    assert list(tmp_path.iterdir()) == [tmp_path / "rbm.npz"]  # no temporary left


def test_load_refuses_foreign_files(tmp_path):
    np.savez(tmp_path / "plain.npz", W=np.zeros(3))
    with pytest.raises(ValueError, match="not an ml4phys RBM file"):
        load_rbm(tmp_path / "plain.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a readable ml4phys RBM file"):
        load_rbm(tmp_path / "text.npz")
    header = np.frombuffer(b'{"format": "ml4phys-model", "version": 1}', np.uint8)
    np.savez(tmp_path / "model.npz", __ml4phys__=header)
    with pytest.raises(ValueError, match="format 'ml4phys-model'"):
        load_rbm(tmp_path / "model.npz")


def test_errors_name_the_model_and_shapes():
    rbm = RBM(5, 3)
    with pytest.raises(
        ValueError,
        match=r"RBM\(5, 3.*expected v of shape \(batchsize, 5\), "
        r"received \(2, 4\)",
    ):
        rbm.free_energy(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="visible must be"):
        RBM(5, 3, visible="ising")
    with pytest.raises(ValueError, match="pseudo-log-likelihood needs binary"):
        RBM(2, 2, visible="gaussian").pseudo_log_likelihood(np.zeros((1, 2)))


def test_beta_schedule():
    betas = partition.beta_schedule(14500)
    assert betas[0] == 0 and betas[-1] == 1 and np.all(np.diff(betas) > 0)
    assert np.sum(betas <= 0.5) == pytest.approx(501, abs=2)
