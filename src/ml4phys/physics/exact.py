"""Exact results for the 2D Ising model (J = 1, k_B = 1), to check the Monte Carlo against.

- Onsager's critical temperature T_c = 2 / ln(1 + sqrt 2) and the spontaneous
  magnetization m(T) = (1 - sinh(2 beta)^-4)^(1/8) below it (Yang 1952);
- the energy per spin of the infinite lattice (Onsager 1944):
      u = -coth(2 beta) [1 + (2/pi) (2 tanh^2(2 beta) - 1) K(k)],
      k = 2 sinh(2 beta) / cosh^2(2 beta),  K = complete elliptic integral of the first kind;
- exact enumeration of small periodic lattices (2^(L^2) states; 4 x 4 has 65536).
"""

from __future__ import annotations

import numpy as np

from .ising import T_C, energy, magnetization

__all__ = [
    "T_C",
    "onsager_magnetization",
    "exact_energy",
    "ellipk",
    "enumerate_lattice",
    "exact_thermodynamics",
]


def onsager_magnetization(temperature):
    """Spontaneous magnetization per spin of the infinite lattice; 0 at and above T_c."""
    t = np.asarray(temperature, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inside = 1.0 - np.sinh(2.0 / t) ** -4.0
        m = np.where(t < T_C, np.clip(inside, 0.0, None) ** 0.125, 0.0)
    return m if m.ndim else float(m)


def ellipk(k):
    """Complete elliptic integral K(k) = pi / (2 AGM(1, sqrt(1 - k^2))), modulus k in [0, 1].

    (scipy.special.ellipk takes the parameter m = k^2 instead.)
    """
    a, b = np.ones_like(np.asarray(k, float)), np.sqrt(1.0 - np.asarray(k, float) ** 2)
    for _ in range(40):  # the AGM converges quadratically
        a, b = (a + b) / 2.0, np.sqrt(a * b)
    with np.errstate(divide="ignore"):
        return np.pi / (2.0 * a)


def exact_energy(temperature):
    """Energy per spin of the infinite lattice (Onsager); -sqrt(2) at T_c."""
    beta = 1.0 / np.asarray(temperature, float)
    k = np.clip(2.0 * np.sinh(2 * beta) / np.cosh(2 * beta) ** 2, 0.0, 1.0)
    factor = 2.0 * np.tanh(2 * beta) ** 2 - 1.0  # vanishes at T_c, where K diverges
    with np.errstate(invalid="ignore"):
        term = np.where(np.abs(factor) < 1e-12, 0.0, factor * ellipk(k))
    u = -1.0 / np.tanh(2 * beta) * (1.0 + 2.0 / np.pi * term)
    return u if u.ndim else float(u)


def enumerate_lattice(L):
    """Energy and magnetization per spin of every state of the L x L periodic lattice.

    Returns (e, m), each shape (2^(L^2),). L <= 4 (2^16 states); 5 x 5 would need 2^25.
    """
    if L > 4:
        raise ValueError(f"enumerate_lattice: L <= 4 (2^(L^2) states), received L={L}")
    n = L * L
    states = np.arange(2**n, dtype=np.int64)
    spins = (((states[:, None] >> np.arange(n)) & 1) * 2 - 1).astype(np.int8)
    spins = spins.reshape(-1, L, L)
    return energy(spins), magnetization(spins)


def exact_thermodynamics(L, temperatures):
    """``<e>``, ``<|m|>``, C and chi of the L x L lattice by exact enumeration (see observables).

    Returns a dict of arrays, shape (n_temperatures,), with the same keys as
    ``observables.thermodynamics`` (without errors).
    """
    e, m = enumerate_lattice(L)
    n_spins = L * L
    result = {
        key: []
        for key in ("energy", "abs_magnetization", "specific_heat", "susceptibility")
    }
    for t in np.atleast_1d(temperatures):
        beta = 1.0 / t
        weight = np.exp(-beta * n_spins * (e - e.min()))  # Boltzmann, shifted
        weight /= weight.sum()
        e_mean, abs_m = float(weight @ e), float(weight @ np.abs(m))
        result["energy"].append(e_mean)
        result["abs_magnetization"].append(abs_m)
        result["specific_heat"].append(n_spins * beta**2 * (weight @ e**2 - e_mean**2))
        result["susceptibility"].append(n_spins * beta * (weight @ m**2 - abs_m**2))
    return {key: np.array(values) for key, values in result.items()}
