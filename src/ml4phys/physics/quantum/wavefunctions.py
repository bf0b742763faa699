"""Variational wave functions psi(s) given by their logarithm (products and exponentials
become sums, so amplitudes spanning many orders of magnitude stay finite).

Each model keeps all its parameters in one flat vector ``theta`` (real or complex);
``params`` maps names to views into it, so an update ``theta += delta`` (stochastic
reconfiguration) and in-place optimizer updates of ``params`` are the same thing.
``log_psi(s)`` takes s (batchsize, n_sites) of +-1 and returns (batchsize,);
``log_derivatives(s)`` returns O (batchsize, n_params), O_k(s) = d log psi(s) / d theta_k
(holomorphic derivative for complex parameters), in the order of ``theta``.

The local energy needs log psi(s') - log psi(s) for the configurations s' that differ from
s by the spins a Hamiltonian's term reverses: ``flip_ratios(s, flips)``. The base class
evaluates log psi(s') afresh; the RBM updates its hidden angles, O(M) per reversed spin.
"""

from __future__ import annotations

import numpy as np

from ...common import checks
from .ed import check_configurations

__all__ = ["Jastrow", "MeanField", "RBMWaveFunction", "log_cosh"]

_LOG2 = float(np.log(2.0))


def log_cosh(z):
    """log cosh z for real or complex z, without overflow: cosh is even, so with
    Re z' >= 0, log cosh z' = z' - log 2 + log(1 + exp(-2 z')).
    """
    z = np.abs(z) if not np.iscomplexobj(z) else np.where(z.real < 0, -z, z)
    y = np.multiply(z, -2.0)  # in place from here: two temporaries in all
    np.exp(y, out=y)
    np.log1p(y, out=y)
    y += z
    y -= _LOG2
    return y


class _WaveFunction:
    """Flat parameter vector with named views; subclasses define the shapes and formulas."""

    spins_trusted = False  # True inside loops whose spins are +-1 by construction

    def __init__(self, n_sites, shapes, *, complex=False, scale=0.01, seed=0):
        where = type(self).__name__
        checks.positive_int("n_sites", n_sites, where=where)
        checks.positive_number("scale", scale, where=where, allow_zero=True)
        self.n_sites, self.is_complex = int(n_sites), bool(complex)
        dtype = np.complex128 if complex else np.float64
        sizes = [int(np.prod(shape)) for shape in shapes.values()]
        rng = np.random.default_rng(seed)
        self.theta = scale * rng.normal(size=sum(sizes)).astype(dtype)
        if complex:
            self.theta += 1j * scale * rng.normal(size=sum(sizes))
        self.params, start = {}, 0
        for (name, shape), size in zip(shapes.items(), sizes):
            self.params[name] = self.theta[start : start + size].reshape(shape)
            start += size

    @property
    def n_params(self):
        return len(self.theta)

    def _check(self, s):
        return check_configurations(self, s, dtype=np.float64)

    def flip_ratios(self, s, flips):
        """log psi(s'_m) - log psi(s) for every row of s and every move m, where s'_m is
        s with the spins at the sites flips[m] reversed (the local energy's s').

        Parameters
        ----------
        s : ndarray, shape (batchsize, n_sites), +-1
        flips : int ndarray, shape (n_moves, k): k distinct sites per move

        Returns
        -------
        log_ratio : ndarray, shape (batchsize, n_moves)
        """
        s = self._check(s)
        s_prime = np.repeat(s[:, None, :], len(flips), axis=1)  # (B, n_moves, N)
        s_prime[:, np.arange(len(flips))[:, None], flips] *= -1
        log_psi_prime = self.log_psi(s_prime.reshape(-1, self.n_sites))
        return log_psi_prime.reshape(len(s), len(flips)) - self.log_psi(s)[:, None]


class MeanField(_WaveFunction):
    """Product state psi(s) = prod_i phi_i(s_i):  log psi(s) = sum_i a_i s_i.
    O_{a_i} = s_i.
    """

    def __init__(self, n_sites, *, complex=False, scale=0.01, seed=0):
        super().__init__(
            n_sites, {"a": (n_sites,)}, complex=complex, scale=scale, seed=seed
        )

    def log_psi(self, s):
        return self._check(s) @ self.params["a"]

    def log_derivatives(self, s):
        return self._check(s).astype(self.theta.dtype)


class Jastrow(_WaveFunction):
    """Two-body Jastrow: log psi(s) = sum_i a_i s_i + sum_{i<j} J_ij s_i s_j.
    O_{a_i} = s_i,  O_{J_ij} = s_i s_j  (pairs i < j in numpy's triu order).
    """

    def __init__(self, n_sites, *, complex=False, scale=0.01, seed=0):
        self.pairs = np.triu_indices(n_sites, k=1)
        super().__init__(
            n_sites,
            {"a": (n_sites,), "J": (len(self.pairs[0]),)},
            complex=complex,
            scale=scale,
            seed=seed,
        )

    def log_derivatives(self, s):
        s = self._check(s)
        return np.concatenate(
            [s, s[:, self.pairs[0]] * s[:, self.pairs[1]]], axis=1
        ).astype(self.theta.dtype)

    def log_psi(self, s):
        return self.log_derivatives(s) @ self.theta  # log psi is linear in theta


class RBMWaveFunction(_WaveFunction):
    """Restricted Boltzmann machine with the hidden units +-1 summed out
    (Carleo & Troyer 2017), M = alpha * n_visible hidden units:

        log psi(s) = a . s + sum_j log cosh(theta_j),   theta_j = b_j + sum_i W_ji s_i

        O_{a_i}  = s_i
        O_{b_j}  = tanh(theta_j)
        O_{W_ji} = tanh(theta_j) s_i

    Parameters
    ----------
    n_visible : int;  alpha : int or float, hidden-unit density (M = round(alpha * n_visible))
    complex : bool, complex parameters (signs and phases); real gives psi > 0
    scale : float, standard deviation of the initial parameters;  seed : int
    """

    def __init__(self, n_visible, alpha=1, *, complex=False, scale=0.01, seed=0):
        checks.positive_int("n_visible", n_visible, where="RBMWaveFunction")
        checks.positive_number("alpha", alpha, where="RBMWaveFunction")
        self.n_hidden = max(1, round(alpha * n_visible))
        self.alpha = alpha
        super().__init__(
            n_visible,
            {"a": (n_visible,), "b": (self.n_hidden,), "W": (self.n_hidden, n_visible)},
            complex=complex,
            scale=scale,
            seed=seed,
        )

    def theta_hidden(self, s):
        """theta = b + s @ W.T, (batchsize, n_hidden)."""
        return self.params["b"] + s @ self.params["W"].T

    def log_psi(self, s):
        s = self._check(s)
        return s @ self.params["a"] + log_cosh(self.theta_hidden(s)).sum(axis=1)

    def flip_ratios(self, s, flips):
        """log psi(s'_m) - log psi(s) for all moves at once from the hidden angles theta of
        s, O(k M) per move instead of O(N M) for a fresh log psi (shapes: see the base
        class). Reversing s_i changes a.s by -2 a_i s_i and theta by -2 s_i W[:, i]::

            theta'_m = theta - 2 sum_{i in flips[m]} s_i W[:, i]
            log psi(s'_m) - log psi(s) = -2 sum_{i in flips[m]} a_i s_i
                                         + sum_j [log cosh theta'_mj - log cosh theta_j]
        """
        s = self._check(s)
        theta = self.theta_hidden(s)  # (B, M)
        s_sites = s[:, flips]  # (B, n_moves, k)
        w_sites = self.params["W"].T[flips]  # (n_moves, k, M)
        theta_new = theta[:, None, :] - 2.0 * np.einsum(
            "bmk,mkj->bmj", s_sites, w_sites
        )
        return -2.0 * np.einsum("bmk,mk->bm", s_sites, self.params["a"][flips]) + (
            log_cosh(theta_new) - log_cosh(theta)[:, None, :]
        ).sum(axis=2)

    def log_derivatives(self, s):
        s = self._check(s)
        tanh = np.tanh(self.theta_hidden(s))  # (batchsize, M)
        n, m = self.n_sites, self.n_hidden
        O = np.empty((len(s), self.n_params), dtype=tanh.dtype)  # [a | b | W row-major]
        O[:, :n] = s
        O[:, n : n + m] = tanh
        np.multiply(
            tanh[:, :, None],
            s[:, None, :],  # O_W_ji = tanh_j s_i
            out=O[:, n + m :].reshape(len(s), m, n),
        )
        return O
