"""Ising data sets: equilibrated, decorrelated configurations at many temperatures.

``sample`` runs ``chains`` independent chains per temperature, all in one batch: it
equilibrates them, measures the integrated autocorrelation time tau of ``|m|`` per temperature
in a pilot run, stores a configuration every ``spacing = ceil(2 tau)`` updates (unless a
spacing is given), and computes the observables of the stored samples with error bars.
``dataset`` does the same through a cache of compressed .npz files in the data folder
(their format: ``_samples_file``).

One *update* of a chain is one Metropolis sweep (algorithm 'metropolis'), one Wolff cluster
flip ('wolff'), or, with 'auto', one sweep plus, for T_c - 0.2 <= T <= T_c + 0.45, one
cluster flip (there Metropolis alone slows down: ``tau(|m|)`` ~ 40 sweeps at L = 30; below
that range Wolff's clusters fill the lattice and cost much for little).
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from dataclasses import dataclass, field

import numpy as np

from ..common import checks, paths
from ..common.files import write_atomic
from . import _samples_file as samples_file
from ._chains import run_chains, updater
from ._samples_file import FORMAT_VERSION
from .ising import T_C, IsingChains, energy, magnetization
from .observables import thermodynamics

__all__ = ["IsingSamples", "sample", "dataset", "data_folder", "WOLFF_WINDOW"]

WOLFF_WINDOW = (-0.2, 0.45)  # 'auto' adds Wolff flips for T - T_c in this range


@dataclass
class IsingSamples:
    """Configurations and what was measured on them, per temperature.

    Parameters
    ----------
    spins : ndarray, shape (n_temperatures, n_samples, L, L), int8
    temperatures : ndarray, shape (n_temperatures,)
    tau : ndarray, shape (n_temperatures,)
        Integrated autocorrelation time of ``|m|``, in updates (pilot run).
    spacing : ndarray, shape (n_temperatures,), int
        Updates between stored samples of a chain.
    algorithm : list of str, one per temperature
    observables : dict of name -> ndarray (n_temperatures,), see ``observables``
    params : dict, what ``sample`` was called with
    """

    spins: np.ndarray
    temperatures: np.ndarray
    tau: np.ndarray
    tau_reliable: np.ndarray
    spacing: np.ndarray
    algorithm: list
    observables: dict
    params: dict = field(default_factory=dict)
    note: str = ""

    @property
    def L(self):
        return self.spins.shape[-1]

    def flat(self):
        """(spins (n_T * n_samples, L, L), temperature of each (n_T * n_samples,))."""
        n_t, n = self.spins.shape[:2]
        return (
            self.spins.reshape(n_t * n, self.L, self.L),
            np.repeat(self.temperatures, n),
        )


def sample(
    L,
    temperatures,
    n_samples=1000,
    equilibration=500,
    spacing=None,
    algorithm="auto",
    chains=None,
    pilot=500,
    seed=0,
    start="cold",
    progress=None,
):
    """Monte Carlo samples of the L x L Ising model at each temperature.

    Parameters
    ----------
    L : int
        Linear lattice size (even).
    temperatures : array_like, shape (n_temperatures,)
    n_samples : int
        Configurations kept per temperature.
    equilibration : int
        Updates discarded at the start.
    spacing : int, optional
        Updates between stored samples of a chain; default ceil(2 tau) per temperature,
        tau = integrated autocorrelation time of ``|m|`` from the pilot run.
    algorithm : {'auto', 'metropolis', 'wolff'}
    chains : int, optional
        Independent chains per temperature (default min(n_samples, 16)).
    pilot : int
        Updates after equilibration that measure tau (0: no pilot; then give spacing).
    seed : int
    start : {'cold', 'hot'}
    progress : tqdm-like factory or None

    Returns
    -------
    IsingSamples

    Examples
    --------
    An 8 x 8 lattice, ordered at T = 1.5 and disordered at T = 3.5:

    >>> samples = sample(8, [1.5, 3.5], n_samples=50, equilibration=100, pilot=50)
    >>> samples.spins.shape                       # (temperatures, samples, L, L)
    (2, 50, 8, 8)
    >>> samples.observables["abs_magnetization"].round(1)
    array([1. , 0.3])
    """
    _check_sample(L, temperatures, n_samples, equilibration, spacing, chains, pilot)
    _check_options(algorithm, spacing, pilot)
    params = {
        "L": int(L),
        "temperatures": np.atleast_1d(np.asarray(temperatures, float)).tolist(),
        "n_samples": int(n_samples),
        "equilibration": int(equilibration),
        "spacing": spacing,
        "algorithm": algorithm,
        "chains": int(chains or min(n_samples, 16)),
        "pilot": int(pilot),
        "seed": int(seed),
        "start": start,
    }
    temperatures = np.array(params["temperatures"])
    n_t, chains = len(temperatures), params["chains"]
    records = math.ceil(n_samples / chains)
    mc = IsingChains(
        L, np.repeat(temperatures, chains), np.random.default_rng(seed), start=start
    )
    near = _near_critical(temperatures)
    update = updater(mc, algorithm, np.flatnonzero(np.repeat(near, chains)))
    tau, reliable, every, stored = run_chains(mc, update, params, records, progress)
    return IsingSamples(
        spins=stored.reshape(n_t, chains * records, L, L)[:, :n_samples],
        temperatures=temperatures,
        tau=tau,
        tau_reliable=reliable,
        spacing=every,
        algorithm=_algorithm_names(algorithm, near),
        observables=_observables(stored, temperatures, L),
        params=params,
        note=_spacing_note(spacing),
    )


def _near_critical(temperatures):
    """Which temperatures lie in WOLFF_WINDOW around T_c ('auto' adds Wolff flips there)."""
    return (temperatures - T_C >= WOLFF_WINDOW[0]) & (
        temperatures - T_C <= WOLFF_WINDOW[1]
    )


def _spacing_note(spacing):
    """How the spacing between stored samples was chosen, in words."""
    if spacing is None:
        return (
            "spacing = ceil(2 tau), tau = integrated autocorrelation time of |m| in "
            "updates from the pilot run"
        )
    return f"spacing fixed at {spacing}"


def _check_options(algorithm, spacing, pilot):
    if algorithm not in ("auto", "metropolis", "wolff"):
        raise ValueError(
            f"sample: algorithm must be 'auto', 'metropolis' or 'wolff', "
            f"received {algorithm!r}"
        )
    if spacing is None and pilot < 4:
        raise ValueError(
            "sample: without a spacing, a pilot run of >= 4 updates is needed"
        )


def _algorithm_names(algorithm, near):
    """The update used at each temperature: 'auto' adds Wolff near T_c."""
    if algorithm != "auto":
        return [algorithm] * len(near)
    return ["metropolis+wolff" if n else "metropolis" for n in near]


def _observables(stored, temperatures, L):
    """Energy, magnetization and their fluctuations per temperature, with error bars."""
    observables = {}
    for i, temperature in enumerate(temperatures):
        values = thermodynamics(
            energy(stored[i]), magnetization(stored[i]), temperature, L * L
        )
        for key, value in values.items():
            observables.setdefault(key, np.empty(len(temperatures)))[i] = value
    return observables


def _check_sample(L, temperatures, n_samples, equilibration, spacing, chains, pilot):
    """sample's arguments, checked before any Monte Carlo."""
    if checks.positive_int("L", L, where="sample") % 2:
        raise ValueError(f"sample: L must be even (checkerboard updates), received {L}")
    t = checks.finite_array("temperatures", np.atleast_1d(temperatures), where="sample")
    if t.size == 0 or t.ndim != 1 or np.any(t <= 0):
        raise ValueError(
            "sample: temperatures must be one or more positive numbers, received "
            f"{np.atleast_1d(temperatures).tolist()}"
        )
    checks.positive_int("n_samples", n_samples, where="sample")
    checks.non_negative_int("equilibration", equilibration, where="sample")
    checks.non_negative_int("pilot", pilot, where="sample")
    for name, value in (("spacing", spacing), ("chains", chains)):
        if value is not None:
            checks.positive_int(name, value, where="sample")


def data_folder(data_dir=None):
    """Folder of cached Ising data: ``data_dir``, ``$ML4PHYS_DATA/ising`` or the user cache.

    The user cache is ``$XDG_CACHE_HOME/ml4phys/ising`` (default ``~/.cache/ml4phys/ising``);
    the same rules as every data set (``ml4phys.common.paths``).
    """
    return paths.candidate_dirs("ising", data_dir)[0][1]


def dataset(
    L,
    temperatures,
    n_samples=1000,
    *,
    data_dir=None,
    refresh=False,
    progress=None,
    **kwargs,
):
    """``sample(...)`` through the cache: the same parameters and seed load the same file.

    The file ``ising_L<L>_<key>.npz`` (key: a hash of the parameters) is written
    atomically. ``refresh=True`` samples again and overwrites it. Returns
    (IsingSamples, path).
    """
    params = dict(
        L=int(L),
        temperatures=[float(t) for t in np.atleast_1d(temperatures)],
        n_samples=int(n_samples),
        **kwargs,
    )
    text = json.dumps({"version": FORMAT_VERSION, **params}, sort_keys=True)
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = data_folder(data_dir) / f"ising_L{L}_{key}.npz"
    if path.exists() and not refresh:
        try:
            return load(path), path
        except ValueError as error:  # truncated or corrupt: set aside, sample again
            samples_file.set_aside(path, error)
    result = sample(L, temperatures, n_samples, progress=progress, **kwargs)
    write_atomic(
        path, lambda f: np.savez_compressed(f, **samples_file.to_arrays(result))
    )
    return result, path


def load(path):
    """An ``IsingSamples`` from a file written by ``dataset``.

    Raises ValueError naming the file when it is truncated, corrupt (zip CRC) or
    inconsistent; FileNotFoundError when it is missing.
    """
    try:
        samples = IsingSamples(**samples_file.read_fields(path))
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as error:
        # BadZipFile: truncated, or a bad CRC (np.load checks it as it reads)
        raise ValueError(f"{path}: not a readable Ising cache file ({error})") from None
    n_t, n, L = len(samples.temperatures), *samples.spins.shape[1:3]
    arrays = (samples.tau, samples.spacing, *samples.observables.values())
    if samples.spins.shape[0] != n_t or any(np.shape(a)[:1] != (n_t,) for a in arrays):
        raise ValueError(
            f"{path}: not a readable Ising cache file (arrays of {n_t} temperatures "
            f"and spins of shape {samples.spins.shape} disagree; n={n}, L={L})"
        )
    return samples
