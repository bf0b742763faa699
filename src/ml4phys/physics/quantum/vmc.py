"""Variational Monte Carlo: Metropolis sampling of ``|psi(s)|^2``, the local energy and
stochastic reconfiguration (Sorella; Carleo & Troyer 2017).

Expectation values are averages over configurations s drawn from ``|psi|^2`` (or, with
``sampler=None``, exact weighted sums over the whole basis, N <= 16: no sampling noise)::

    E_loc(s) = sum_s' H(s, s') psi(s') / psi(s),        E = <E_loc>
    S_kl = <O_k* O_l> - <O_k*><O_l>,   F_k = <O_k* E_loc> - <O_k*><E_loc>
    delta theta = -eta (S + epsilon 1)^-1 F             (stochastic reconfiguration)

F is half the energy gradient: dE/d theta_k = 2 Re F_k for real parameters, so plain
gradient descent and Adam (``ml4phys.nn.optimizers``) step along 2 F.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg

from ...common import checks
from ...nn import optimizers
from .ed import configurations, hilbert_basis
from .metropolis import MetropolisSampler  # re-exported: vmc.MetropolisSampler

__all__ = ["VMC", "MetropolisSampler", "local_energy", "sr_direction"]


def local_energy(hamiltonian, wavefunction, s, *, chunk=None):
    """E_loc(s) = H(s,s) + sum_m H(s, s'_m) psi(s'_m) / psi(s), (batchsize,), where s'_m is s
    with the sites ``hamiltonian.flips[m]`` reversed: the ratios come from one
    ``wavefunction.flip_ratios`` call for all terms m at once, ``chunk`` rows at a time
    (default: temporaries of (chunk, n_terms, n_sites) ~ 2^15 numbers, which stay in
    the CPU's cache: twice as fast as one block of 1,000 samples at N = 16).
    """
    s = np.asarray(s, dtype=np.float64)
    if chunk is None:
        chunk = max(1, 2**15 // (len(hamiltonian.flips) * hamiltonian.n_sites))
    parts = []
    for start in range(0, len(s), chunk):
        block = s[start : start + chunk]
        mel = hamiltonian.off_diagonal(block)  # (B, n_terms)
        log_ratio = wavefunction.flip_ratios(block, hamiltonian.flips)
        # psi(s'_m) / psi(s) only where H(s, s'_m) != 0: a huge ratio times 0 would be nan
        ratio = np.exp(log_ratio, out=np.zeros_like(log_ratio), where=mel != 0)
        parts.append(hamiltonian.diagonal(block) + np.sum(mel * ratio, axis=1))
    return np.concatenate(parts)


def sr_direction(O, e_loc, weights, diag_shift=0.01):
    """Solve (S + epsilon 1) x = F; the SR step is delta theta = -eta x.

    Parameters
    ----------
    O : ndarray, shape (n_samples, n_params);  e_loc : ndarray, shape (n_samples,)
    weights : ndarray, shape (n_samples,), sum 1 (1/n for samples, ``|psi|^2`` for enumeration)

    Returns
    -------
    x, S, F : (n_params,), (n_params, n_params), (n_params,)
    """
    root_w = np.sqrt(weights)
    X = O - weights @ O
    X *= root_w[:, None]  # sqrt(w) (O - <O>)
    S = _gram(X)  # <O* O> - <O*><O>
    F = X.conj().T @ (root_w * (e_loc - weights @ e_loc))  # <O* E_loc> - <O*><E_loc>
    if not np.iscomplexobj(O):
        F = F.real
    shifted = S.copy()
    shifted.flat[:: len(S) + 1] += diag_shift  # S + epsilon 1
    if diag_shift > 0:  # S is positive semi-definite: Cholesky
        x = scipy.linalg.cho_solve(scipy.linalg.cho_factor(shifted), F)
    else:
        x = scipy.linalg.solve(shifted, F, assume_a="her")
    return x, S, F


class VMC:
    """Minimize <psi|H|psi>/<psi|psi> over the parameters of ``wavefunction``.

    Parameters
    ----------
    hamiltonian, wavefunction
    sampler : MetropolisSampler or None (None: exact enumeration of the basis, N <= 16)
    n_samples : int, samples per iteration
    method : "sr", "gd", "adam", or an ``ml4phys.nn.optimizers.Optimizer``
    learning_rate : float;  diag_shift : float, epsilon of SR
    sector : None or "sz0", the basis enumerated when ``sampler`` is None
    """

    def __init__(
        self,
        hamiltonian,
        wavefunction,
        sampler=None,
        *,
        n_samples=1000,
        method="sr",
        learning_rate=0.05,
        diag_shift=0.01,
        sector=None,
    ):
        self.hamiltonian, self.wavefunction, self.sampler = (
            hamiltonian,
            wavefunction,
            sampler,
        )
        _check_arguments(n_samples, method, learning_rate, diag_shift, sector)
        self.n_samples, self.method = n_samples, method
        self.learning_rate, self.diag_shift = learning_rate, diag_shift
        if sampler is None:
            if hamiltonian.n_sites > 16:
                raise ValueError(
                    f"exact enumeration is for N <= 16 sites, received "
                    f"{hamiltonian.n_sites}; pass a MetropolisSampler"
                )
            self.basis = configurations(
                hilbert_basis(hamiltonian.n_sites, sector), hamiltonian.n_sites
            ).astype(np.float64)
        if method == "gd":
            self.optimizer = optimizers.SGD(learning_rate)
        elif method == "adam":
            self.optimizer = optimizers.Adam(learning_rate)
        elif method == "sr":
            self.optimizer = None
        else:
            self.optimizer = method  # an Optimizer instance

    def estimate(self):
        """Samples (or basis), weights, E_loc, energy, its error bar and variance."""
        if self.sampler is None:
            s = self.basis
            log_psi = self.wavefunction.log_psi(s)
            weights = np.exp(2.0 * np.real(log_psi - log_psi.max()))
            weights /= weights.sum()  # |psi(s)|^2 / <psi|psi>
        else:
            s = self.sampler.sample(self.wavefunction, self.n_samples)
            weights = np.full(len(s), 1.0 / len(s))
        e_loc = local_energy(self.hamiltonian, self.wavefunction, s)
        energy = weights @ e_loc
        variance = float(weights @ np.abs(e_loc - energy) ** 2)
        error = (
            0.0 if self.sampler is None else _error_bar(e_loc, self.sampler.n_chains)
        )
        return {
            "s": s,
            "weights": weights,
            "e_loc": e_loc,
            "energy": float(energy.real),
            "error": error,
            "variance": variance,
        }

    def step(self):
        """One iteration: estimate, then update the parameters. Returns the estimate."""
        with checks.spins_trusted(self.wavefunction, self.hamiltonian):  # +-1 made here
            est = self.estimate()
            O = self.wavefunction.log_derivatives(est["s"])
        wf = self.wavefunction
        previous = wf.theta.copy()
        if self.optimizer is None:
            x, _, _ = sr_direction(O, est["e_loc"], est["weights"], self.diag_shift)
            wf.theta -= self.learning_rate * x  # delta = -eta (S + eps)^-1 F
        else:
            dO = O - est["weights"] @ O
            F = (dO.conj().T * est["weights"]) @ (est["e_loc"] - est["energy"])
            grad = 2.0 * F if wf.is_complex else 2.0 * F.real  # dE/dtheta
            # complex parameters: (Re, Im) pairs, dE/dRe = 2 Re F, dE/dIm = 2 Im F
            self.optimizer.apply(
                {"theta": wf.theta.view(np.float64)},
                {"theta": np.ascontiguousarray(grad).view(np.float64)},
            )
        if not (np.isfinite(est["energy"]) and checks.all_finite(wf.theta)):
            wf.theta[...] = previous  # keep the last finite parameters
            raise FloatingPointError(
                f"VMC: the energy or the parameters became NaN or infinite (energy "
                f"{est['energy']}); the parameters were left as before this step. Try "
                f"a smaller learning_rate (now {self.learning_rate:g}) or a larger "
                f"diag_shift (now {self.diag_shift:g})"
            )
        return est

    def run(self, n_iter, *, progress=None, callback=None):
        """n_iter steps; history of energy, error, variance (lists). ``callback(i, vmc)``."""
        history = {"energy": [], "error": [], "variance": []}
        for i in range(checks.non_negative_int("n_iter", n_iter, where="VMC.run")):
            try:
                est = self.step()
            except FloatingPointError as error:  # stop as nn's fit does, with a warning
                warnings.warn(
                    f"stopped at iteration {i + 1}: {error}",
                    RuntimeWarning,
                    stacklevel=2,
                )
                break
            for key, values in history.items():
                values.append(est[key])
            if callback is not None:
                callback(i, self)
            if progress is not None:
                progress.update(1)
        return history


def _check_arguments(n_samples, method, learning_rate, diag_shift, sector):
    """VMC's arguments, checked once in the constructor."""
    checks.positive_int("n_samples", n_samples, where="VMC")
    checks.positive_number("learning_rate", learning_rate, where="VMC")
    checks.positive_number("diag_shift", diag_shift, where="VMC", allow_zero=True)
    checks.one_of("sector", sector, (None, "sz0"), where="VMC")
    if not isinstance(method, optimizers.Optimizer) and method not in (
        "sr",
        "gd",
        "adam",
    ):
        raise ValueError(
            "VMC: method must be 'sr', 'gd', 'adam' or an ml4phys.nn.optimizers "
            f"optimizer such as optimizers.SGD(0.01), received {method!r}"
        )


def _gram(X):
    """X^H X; for real X by BLAS syrk, which computes one triangle (half the work of a
    matmul), then mirrored. X.T of a C-ordered X is Fortran-ordered: no copy.
    """
    if np.iscomplexobj(X):
        return X.conj().T @ X
    gram = scipy.linalg.blas.dsyrk(1.0, X.T)  # upper triangle, zeros below
    gram += gram.T  # mirrored, diagonal doubled
    gram.flat[:: len(gram) + 1] *= 0.5
    return gram


def _error_bar(e_loc, n_chains):
    """Standard error of the mean from the spread of the chains' means (row k: chain k % n)."""
    if n_chains < 2 or len(e_loc) % n_chains:
        return float(np.std(e_loc) / np.sqrt(len(e_loc)))
    chain_means = np.real(e_loc).reshape(-1, n_chains).mean(axis=0)
    return float(np.std(chain_means, ddof=1) / np.sqrt(n_chains))
