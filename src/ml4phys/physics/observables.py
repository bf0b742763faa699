"""Thermodynamics from Monte Carlo time series: autocorrelation times and error bars.

Per temperature, from samples of the energy per spin e and the magnetization per spin m
of an L x L lattice (N = L^2 spins)::

    <e>,  <|m|>,  C = N beta^2 (<e^2> - <e>^2),  chi = N beta (<m^2> - <|m|>^2)

(chi with ``<|m|>``, the usual finite-lattice form that stays finite below T_c). Error bars
come from the jackknife over bins of consecutive samples (binning), which also covers C
and chi, and what correlation is left between samples.
"""

from __future__ import annotations

import numpy as np

__all__ = ["integrated_autocorrelation_time", "thermodynamics", "jackknife"]


def integrated_autocorrelation_time(series, window_factor=5.0):
    """Integrated autocorrelation time of a time series, in steps, with Sokal's window.

    Parameters
    ----------
    series : ndarray, shape (n_steps,) or (n_chains, n_steps)
        Chains of the same process (their autocorrelation functions are averaged; the
        mean over all chains is subtracted).
    window_factor : float
        The sum runs to the first W with W >= window_factor * tau(W).

    Returns
    -------
    tau : float
        tau = 1/2 + sum_{t=1}^{W} rho(t); 0.5 for independent samples.
    reliable : bool
        False when no window was found within n_steps / 2 (then tau is a lower bound).
    """
    x = np.atleast_2d(np.asarray(series, float))
    n_steps = x.shape[1]
    x = x - x.mean()
    if not np.any(x):
        return 0.5, True
    size = 1 << (2 * n_steps - 1).bit_length()  # zero padding: no wrap-around
    spectrum = np.fft.rfft(x, size, axis=1)
    acf = np.fft.irfft(spectrum * spectrum.conj(), size, axis=1)[:, :n_steps].sum(
        axis=0
    )
    acf /= np.arange(n_steps, 0, -1)  # unbiased: n - t pairs at lag t
    rho = acf / acf[0]
    tau = 0.5 + np.cumsum(rho[1:])  # tau(W) for W = 1, 2, ...
    windows = np.arange(1, n_steps)
    ok = np.flatnonzero(windows[: n_steps // 2] >= window_factor * tau[: n_steps // 2])
    if ok.size == 0:
        return float(tau[n_steps // 2 - 1]) if n_steps > 2 else 0.5, False
    return float(max(tau[ok[0]], 0.5)), True


def jackknife(estimator, bins):
    """Jackknife mean and error of ``estimator(samples)`` over bins.

    ``bins`` is a list of arrays (each shape (n_i, k)); ``estimator`` maps samples
    (n, k) to a float. Returns (estimate from all samples, jackknife error).
    """
    everything = np.concatenate(bins)
    full = estimator(everything)
    n_bins = len(bins)
    if n_bins < 2:
        return full, float("nan")
    leave_out = np.array(
        [estimator(np.concatenate(bins[:i] + bins[i + 1 :])) for i in range(n_bins)]
    )
    # sigma^2 = (n - 1)/n sum_i (theta_i - mean theta)^2
    return full, float(
        np.sqrt((n_bins - 1) / n_bins * np.sum((leave_out - leave_out.mean()) ** 2))
    )


def thermodynamics(e, m, temperature, n_spins, n_bins=20):
    """Observables at one temperature, with jackknife error bars.

    Parameters
    ----------
    e, m : ndarray, shape (n_chains, n_records)
        Energy and magnetization per spin, records of each chain in time order.
    temperature : float
    n_spins : int
    n_bins : int
        Bins of consecutive records (chain after chain) for the jackknife.

    Returns
    -------
    dict
        ``energy``, ``abs_magnetization``, ``specific_heat``, ``susceptibility`` and each
        with ``_err``.
    """
    beta = 1.0 / temperature
    samples = np.stack([np.ravel(e), np.abs(np.ravel(m))], axis=1)  # (n, 2): e, |m|
    bins = np.array_split(samples, min(n_bins, len(samples)))
    estimators = {
        "energy": lambda s: s[:, 0].mean(),
        "abs_magnetization": lambda s: s[:, 1].mean(),
        "specific_heat": lambda s: n_spins * beta**2 * s[:, 0].var(),
        "susceptibility": lambda s: n_spins * beta * s[:, 1].var(),  # <m^2> - <|m|>^2
    }
    result = {}
    for name, estimator in estimators.items():
        value, error = jackknife(estimator, bins)
        result[name], result[name + "_err"] = float(value), error
    return result
