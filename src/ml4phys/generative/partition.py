"""Partition functions of an RBM: exact enumeration and annealed importance sampling.

Exact: sum over all states of the smaller layer, the other one summed out analytically
(binary layers give softplus terms, a Gaussian visible layer a Gaussian integral), in
float64, chunk by chunk. AIS (Neal 2001; Salakhutdinov & Murray 2008, "On the
quantitative analysis of deep belief networks") anneals from a base-rate model A
(W = 0, b = 0, visible biases a_A) to the RBM B through the intermediate marginals

    p*_k(v) = exp((1 - beta_k) (-E_A(v)) + beta_k (-E_B,vis(v))) prod_j (1 + exp(beta_k x_j)),

x = b + v W, with one block Gibbs sweep at beta_k per step; log Z_B = log Z_A +
log mean_chains w, with log w = sum_k [log p*_k(v_k) - log p*_{k-1}(v_k)].
The pseudo-log-likelihood, which needs no Z, is here too.
"""

from __future__ import annotations

import numpy as np

from ._math import sigmoid
from ._math import softplus as _softplus

__all__ = [
    "MAX_STATES_LOG2",
    "beta_schedule",
    "log_partition_ais",
    "log_partition_exact",
    "pseudo_log_likelihood",
]

MAX_STATES_LOG2 = 24  # refuse to enumerate more than 2^24 states
_CHUNK = 1 << 14


def _logsumexp(values):
    top = np.max(values)
    return float(top + np.log(np.sum(np.exp(values - top))))


def _states(start, stop, n):
    """Rows = the binary expansions of start..stop-1, shape (stop - start, n)."""
    return ((np.arange(start, stop)[:, None] >> np.arange(n)) & 1).astype(np.float64)


def log_partition_exact(rbm) -> float:
    """log Z, summing over the smaller layer's 2^n states (the hidden one for Gaussians).

    Raises
    ------
    ValueError
        If that layer has more than 2^24 states.
    """
    W, a, b = (rbm.params[name].astype(np.float64) for name in ("W", "a", "b"))
    enumerate_hidden = rbm.visible == "gaussian" or rbm.n_hidden <= rbm.n_visible
    n = rbm.n_hidden if enumerate_hidden else rbm.n_visible
    if n > MAX_STATES_LOG2:
        layer = "hidden" if enumerate_hidden else "visible"
        raise ValueError(
            f"{rbm!r}: exact log Z needs 2^{n} states of the {layer} layer; "
            f"refusing above 2^{MAX_STATES_LOG2} (use log_partition_ais)"
        )
    terms = []
    for start in range(0, 2**n, _CHUNK):
        s = _states(start, min(2**n, start + _CHUNK), n)
        if not enumerate_hidden:  # -F(v) = a.v + sum_j softplus(b_j + (v W)_j)
            terms.append(s @ a + _softplus(s @ W + b).sum(axis=1))
        elif rbm.visible == "binary":  # -F(h) = b.h + sum_i softplus(a_i + (W h)_i)
            terms.append(s @ b + _softplus(s @ W.T + a).sum(axis=1))
        else:  # int dv exp(-|v - a|^2/2 + v.W h) = (2 pi)^(n_v/2) exp(a.Wh + |Wh|^2/2)
            c = s @ W.T
            terms.append(s @ b + c @ a + 0.5 * np.sum(c * c, axis=1))
    log_z = _logsumexp(np.concatenate(terms))
    if rbm.visible == "gaussian":
        log_z += 0.5 * rbm.n_visible * np.log(2 * np.pi)
    return log_z


def beta_schedule(n_betas: int):
    """0 = beta_0 < ... < beta_K = 1, spaced as Salakhutdinov & Murray's 500 steps on
    [0, 0.5], 4000 on [0.5, 0.9] and 10000 on [0.9, 1] (scaled to n_betas in all).
    """
    if n_betas < 2:
        raise ValueError(f"AIS: n_betas must be at least 2, received {n_betas}")
    knots_u = np.array([0.0, 500, 4500, 14500]) / 14500  # fraction of the steps
    knots_beta = np.array([0.0, 0.5, 0.9, 1.0])
    return np.interp(np.linspace(0.0, 1.0, n_betas), knots_u, knots_beta)


def _base_bias(rbm, data):
    """Visible biases of the base-rate model: the data's (smoothed) marginals, else 0."""
    if data is None:
        return np.zeros(rbm.n_visible)
    mean = np.asarray(data, np.float64).mean(axis=0)
    if rbm.visible == "gaussian":
        return mean
    p = (mean * len(data) + 0.05) / (len(data) + 0.1)  # keeps log-odds finite
    return np.log(p) - np.log1p(-p)


def log_partition_ais(rbm, n_chains=100, n_betas=10000, data=None, seed=None):
    """log Z by annealed importance sampling, with its standard error.

    Parameters
    ----------
    n_chains : int
        Independent annealing runs (importance weights).
    n_betas : int
        Inverse temperatures, from 0 to 1 (``beta_schedule``).
    data : ndarray, shape (n_samples, n_visible), optional
        Sets the base-rate model's visible biases (a better start; any choice is valid).
    seed : int, optional
        Default: draws from the RBM's own generator.

    Returns
    -------
    log_z : float
        log of the mean importance weight times Z_A (biased low in expectation).
    std : float
        Standard error of log_z (delta method: std(w) / (sqrt(n_chains) mean(w))); the
        paper's log(Z +- 3 sigma) band is about log_z +- 3 std when std is small.
    """
    rng = rbm.rng if seed is None else np.random.default_rng(seed)
    a_base = _base_bias(rbm, data).astype(rbm.dtype)
    v, log_z_a = _sample_base_model(rbm, a_base, n_chains, rng)
    log_w = _anneal(rbm, v, a_base, beta_schedule(n_betas), rng)
    top = log_w.max()
    r = np.exp(log_w - top)  # weights / max weight
    log_z = log_z_a + top + np.log(r.mean())
    std = (
        float(r.std(ddof=1) / (np.sqrt(n_chains) * r.mean()))
        if n_chains > 1
        else np.inf
    )
    return float(log_z), std


def _sample_base_model(rbm, a_base, n_chains, rng):
    """Model A: p_A(v) = prod_i Bernoulli(sigmoid(a_A,i)) (or N(a_A, 1)), times 2^n_hidden
    for the free hidden units: exact samples v (n_chains, n_visible) and exact log Z_A.
    """
    dtype, log_2_hidden = rbm.dtype, rbm.n_hidden * np.log(2)
    if rbm.visible == "gaussian":
        v = a_base + rng.standard_normal((n_chains, rbm.n_visible), dtype=dtype)
        return v, log_2_hidden + 0.5 * rbm.n_visible * np.log(2 * np.pi)
    p = sigmoid(a_base.copy())
    v = (rng.random((n_chains, rbm.n_visible), dtype=dtype) < p).astype(dtype)
    return v, log_2_hidden + float(_softplus(a_base.astype(np.float64)).sum())


def _anneal(rbm, v, a_base, betas, rng):
    """log importance weights of the chains v annealed from model A (beta 0) to the RBM."""
    W, a, b = rbm.params["W"], rbm.params["a"], rbm.params["b"]
    W_T = np.ascontiguousarray(
        W.T
    )  # h @ W_T: ~20% faster than through the strided view
    # log p*_B,vis(v) - log p*_A(v), the visible-only energy difference: v.(a - a_A), and
    # for Gaussian units (|v - a_A|^2 - |v - a|^2) / 2 = v.(a - a_A) - (|a|^2 - |a_A|^2) / 2
    a_diff = a - a_base
    offset = 0.5 * float(a @ a - a_base @ a_base) if rbm.visible == "gaussian" else 0.0
    log_w = np.zeros(len(v))
    for k in range(1, len(betas)):
        beta_prev, beta = float(betas[k - 1]), float(betas[k])  # floats keep float32
        x = v @ W + b  # (n_chains, n_hidden)
        # log w += log p*_k(v) - log p*_{k-1}(v), with v ~ T_{k-1}(...)
        log_w += (
            (beta - beta_prev) * (v @ a_diff - offset)
            + _softplus(beta * x).sum(axis=1)
            - _softplus(beta_prev * x).sum(axis=1)
        )
        if k < len(betas) - 1:  # no sweep after the last weight
            v = _gibbs_sweep_at(rbm, x, beta, W_T, a_base, rng)
    return log_w


def _gibbs_sweep_at(rbm, x, beta, W_T, a_base, rng):
    """One Gibbs sweep that leaves p_beta invariant: h ~ p_beta(h|v), v ~ p_beta(v|h)."""
    dtype = rbm.dtype
    p_h = sigmoid(x * beta)
    h = (rng.random(p_h.shape, dtype=dtype) < p_h).astype(dtype)
    z = h @ W_T
    z += rbm.params["a"]
    z *= beta
    z += (1 - beta) * a_base  # (1 - beta) a_A + beta (a + W h)
    if rbm.visible == "gaussian":
        return z + rng.standard_normal(z.shape, dtype=dtype)
    return (rng.random(z.shape, dtype=dtype) < sigmoid(z)).astype(dtype)


def pseudo_log_likelihood(rbm, v, exact=False):
    """Mean over samples of ``sum_i log p(v_i | v_-i) = log sigmoid(F(v flipped at i) - F(v))``,
    in float64; one random unit per sample (times n_visible) unless ``exact``.
    """
    v = v.astype(np.float64)
    W, a, b = (rbm.params[name].astype(np.float64) for name in ("W", "a", "b"))
    x = v @ W + b
    free_energy = -(v @ a) - _softplus(x).sum(axis=1)
    total = np.zeros(len(v))
    for i in range(rbm.n_visible) if exact else [None]:
        if i is None:  # one random unit per sample
            i = rbm.rng.integers(0, rbm.n_visible, len(v))
            sign = 1.0 - 2.0 * v[np.arange(len(v)), i]  # +1 flips 0 -> 1
        else:
            sign = 1.0 - 2.0 * v[:, i]
        # F(v flipped) from x + sign W_i: no new matmul
        flipped = (
            -(v @ a) - sign * a[i] - _softplus(x + sign[:, None] * W[i]).sum(axis=1)
        )
        total -= _softplus(free_energy - flipped)  # log sigmoid(z) = -softplus(-z)
    return float(np.mean(total) * (1.0 if exact else rbm.n_visible))
