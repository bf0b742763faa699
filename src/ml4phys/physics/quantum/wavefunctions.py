"""Variational wave functions psi(s) given by their logarithm (products and exponentials
become sums, so amplitudes spanning many orders of magnitude stay finite).

Each model keeps all its parameters in one flat vector ``theta`` (real or complex);
``params`` maps names to views into it, so an update ``theta += delta`` (stochastic
reconfiguration) and in-place optimizer updates of ``params`` are the same thing.
``log_psi(s)`` takes s (batchsize, n_sites) of +-1 and returns (batchsize,);
``log_derivatives(s)`` returns O (batchsize, n_params), O_k(s) = d log psi(s) / d theta_k
(holomorphic derivative for complex parameters), in the order of ``theta``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Jastrow", "MeanField", "RBMWaveFunction", "log_cosh"]

_LOG2 = float(np.log(2.0))


def log_cosh(z):
    """log cosh z for real or complex z, without overflow: cosh is even, so with
    Re z' >= 0, log cosh z' = z' - log 2 + log(1 + exp(-2 z'))."""
    if not np.iscomplexobj(z):
        x = np.abs(z)
        return x + np.log1p(np.exp(-2.0 * x)) - _LOG2
    z = np.where(z.real < 0, -z, z)
    return z + np.log1p(np.exp(-2.0 * z)) - _LOG2


class _WaveFunction:
    """Flat parameter vector with named views; subclasses define the shapes and formulas."""

    def __init__(self, n_sites, shapes, *, complex=False, scale=0.01, seed=0):
        self.n_sites, self.is_complex = int(n_sites), bool(complex)
        dtype = np.complex128 if complex else np.float64
        sizes = [int(np.prod(shape)) for shape in shapes.values()]
        rng = np.random.default_rng(seed)
        self.theta = scale * rng.normal(size=sum(sizes)).astype(dtype)
        if complex:
            self.theta += 1j * scale * rng.normal(size=sum(sizes))
        self.params, start = {}, 0
        for (name, shape), size in zip(shapes.items(), sizes):
            self.params[name] = self.theta[start:start + size].reshape(shape)
            start += size

    @property
    def n_params(self):
        return len(self.theta)

    def _check(self, s):
        s = np.asarray(s, dtype=np.float64)
        if s.ndim != 2 or s.shape[1] != self.n_sites:
            raise ValueError(f"{type(self).__name__}: expected configurations of shape "
                             f"(batchsize, {self.n_sites}), received {s.shape}")
        return s

    def log_psi_connected(self, s, s_prime):
        """log psi(s'), s' of shape (batchsize, n_terms, n_sites) -> (batchsize, n_terms)."""
        shape = s_prime.shape
        return self.log_psi(s_prime.reshape(-1, shape[-1])).reshape(shape[:-1])


class MeanField(_WaveFunction):
    """Product state psi(s) = prod_i phi_i(s_i):  log psi(s) = sum_i a_i s_i.
    O_{a_i} = s_i."""

    def __init__(self, n_sites, *, complex=False, scale=0.01, seed=0):
        super().__init__(n_sites, {"a": (n_sites,)}, complex=complex, scale=scale, seed=seed)

    def log_psi(self, s):
        return self._check(s) @ self.params["a"]

    def log_derivatives(self, s):
        return self._check(s).astype(self.theta.dtype)


class Jastrow(_WaveFunction):
    """Two-body Jastrow: log psi(s) = sum_i a_i s_i + sum_{i<j} J_ij s_i s_j.
    O_{a_i} = s_i,  O_{J_ij} = s_i s_j  (pairs i < j in numpy's triu order)."""

    def __init__(self, n_sites, *, complex=False, scale=0.01, seed=0):
        self.pairs = np.triu_indices(n_sites, k=1)
        super().__init__(n_sites, {"a": (n_sites,), "J": (len(self.pairs[0]),)},
                         complex=complex, scale=scale, seed=seed)

    def log_derivatives(self, s):
        s = self._check(s)
        return np.concatenate([s, s[:, self.pairs[0]] * s[:, self.pairs[1]]],
                              axis=1).astype(self.theta.dtype)

    def log_psi(self, s):
        return self.log_derivatives(s) @ self.theta     # log psi is linear in theta


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
        self.n_hidden = max(1, round(alpha * n_visible))
        self.alpha = alpha
        super().__init__(n_visible, {"a": (n_visible,), "b": (self.n_hidden,),
                                     "W": (self.n_hidden, n_visible)},
                         complex=complex, scale=scale, seed=seed)

    def theta_hidden(self, s):
        """theta = b + s @ W.T, (batchsize, n_hidden)."""
        return self.params["b"] + s @ self.params["W"].T

    def log_psi(self, s):
        s = self._check(s)
        return s @ self.params["a"] + log_cosh(self.theta_hidden(s)).sum(axis=1)

    def log_derivatives(self, s):
        s = self._check(s)
        tanh = np.tanh(self.theta_hidden(s))                        # (batchsize, M)
        o_w = tanh[:, :, None] * s[:, None, :]                      # (batchsize, M, N)
        return np.concatenate([s.astype(tanh.dtype), tanh, o_w.reshape(len(s), -1)], axis=1)
