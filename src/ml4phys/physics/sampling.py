"""Ising data sets: equilibrated, decorrelated configurations at many temperatures.

``sample`` runs ``chains`` independent chains per temperature, all in one batch: it
equilibrates them, measures the integrated autocorrelation time tau of ``|m|`` per temperature
in a pilot run, stores a configuration every ``spacing = ceil(2 tau)`` updates (unless a
spacing is given), and computes the observables of the stored samples with error bars.
``dataset`` does the same through a cache of compressed .npz files in the data folder.

One *update* of a chain is one Metropolis sweep (algorithm 'metropolis'), one Wolff cluster
flip ('wolff'), or, with 'auto', one sweep plus, for T_c - 0.2 <= T <= T_c + 0.45, one
cluster flip (there Metropolis alone slows down: ``tau(|m|)`` ~ 40 sweeps at L = 30; below
that range Wolff's clusters fill the lattice and cost much for little).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

from .ising import T_C, IsingChains, energy, magnetization
from .observables import integrated_autocorrelation_time, thermodynamics

__all__ = ["IsingSamples", "sample", "dataset", "data_folder", "WOLFF_WINDOW"]

WOLFF_WINDOW = (-0.2, 0.45)  # 'auto' adds Wolff flips for T - T_c in this range
FORMAT_VERSION = 2  # of the cached files and of the sampling; part of their key


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
    if algorithm not in ("auto", "metropolis", "wolff"):
        raise ValueError(
            f"sample: algorithm must be 'auto', 'metropolis' or 'wolff', "
            f"received {algorithm!r}"
        )
    if spacing is None and pilot < 4:
        raise ValueError(
            "sample: without a spacing, a pilot run of >= 4 updates is needed"
        )
    temperatures = np.atleast_1d(np.asarray(temperatures, float))
    n_t = len(temperatures)
    chains = int(chains or min(n_samples, 16))
    records = math.ceil(n_samples / chains)
    mc = IsingChains(
        L, np.repeat(temperatures, chains), np.random.default_rng(seed), start=start
    )
    near = (temperatures - T_C >= WOLFF_WINDOW[0]) & (
        temperatures - T_C <= WOLFF_WINDOW[1]
    )
    update = _updater(mc, algorithm, np.flatnonzero(np.repeat(near, chains)))
    with _progress(progress, equilibration + pilot, f"Ising L={L}: equilibrate") as bar:
        tau, reliable = _equilibrate_and_pilot(
            mc, update, equilibration, pilot, n_t, bar
        )
    every = (
        np.maximum(1, np.ceil(2 * tau)).astype(int)
        if spacing is None
        else np.full(n_t, int(spacing))
    )
    with _progress(progress, records * int(every.max()), f"Ising L={L}: sample") as bar:
        stored = _record(
            mc, update, every, records, bar
        )  # (n_t, chains, records, L, L)

    observables = {}
    for i in range(n_t):
        values = thermodynamics(
            energy(stored[i]), magnetization(stored[i]), temperatures[i], L * L
        )
        for key, value in values.items():
            observables.setdefault(key, np.empty(n_t))[i] = value
    names = {"metropolis": "metropolis", "wolff": "wolff", "auto": None}
    kinds = [
        names[algorithm] or ("metropolis+wolff" if n else "metropolis") for n in near
    ]
    params = {
        "L": int(L),
        "temperatures": temperatures.tolist(),
        "n_samples": int(n_samples),
        "equilibration": int(equilibration),
        "spacing": spacing,
        "algorithm": algorithm,
        "chains": chains,
        "pilot": int(pilot),
        "seed": int(seed),
        "start": start,
    }
    note = (
        "spacing = ceil(2 tau), tau = integrated autocorrelation time of |m| in updates "
        "from the pilot run"
        if spacing is None
        else f"spacing fixed at {spacing}"
    )
    return IsingSamples(
        spins=stored.reshape(n_t, chains * records, L, L)[:, :n_samples],
        temperatures=temperatures,
        tau=tau,
        tau_reliable=reliable,
        spacing=every,
        algorithm=kinds,
        observables=observables,
        params=params,
        note=note,
    )


def _updater(mc, algorithm, near_chains):
    """The function doing one update of every chain (see the module docstring)."""
    wolff_chains = {
        "metropolis": np.array([], int),
        "wolff": None,
        "auto": near_chains,
    }[algorithm]

    def update():
        if algorithm != "wolff":
            mc.sweep()
        if wolff_chains is None or wolff_chains.size:
            mc.wolff(wolff_chains)

    return update


def _equilibrate_and_pilot(mc, update, equilibration, pilot, n_t, bar):
    """Discard ``equilibration`` updates, then tau(|m|) per temperature from ``pilot``."""
    for _ in range(equilibration):
        update()
        bar.update()
    trace = np.empty((len(mc.beta), pilot))  # |m| of each chain
    for t in range(pilot):
        update()
        trace[:, t] = np.abs(mc.magnetization())
        bar.update()
    tau, reliable = np.full(n_t, np.nan), np.zeros(n_t, bool)
    if pilot:
        for i, chains_at_t in enumerate(np.split(trace, n_t)):
            tau[i], reliable[i] = integrated_autocorrelation_time(chains_at_t)
    return tau, reliable


def _record(mc, update, every, records, bar):
    """Store ``records`` configurations of each chain, every ``every[T]`` updates."""
    n_t, L = len(every), mc.L
    chains = len(mc.beta) // n_t
    stored = np.empty((n_t, chains, records, L, L), np.int8)
    for t in range(1, records * int(every.max()) + 1):
        update()
        due = np.flatnonzero((t % every == 0) & (t // every <= records))
        if due.size:
            spins = mc.spins.reshape(n_t, chains, L, L)
            stored[due, :, t // every[due] - 1] = spins[due]
        bar.update()
    return stored


class _Silent:
    def update(self, n=1): ...
    def __enter__(self):
        return self

    def __exit__(self, *exc): ...


def _progress(progress, total, desc):
    """``progress(total=..., desc=...)`` or a silent stand-in (physics does not import lab)."""
    return (
        _Silent()
        if progress is None or total == 0
        else progress(total=total, desc=desc)
    )


def data_folder(data_dir=None):
    """Folder of cached Ising data: ``data_dir``, ``$ML4PHYS_DATA/ising`` or the user cache.

    The user cache is ``$XDG_CACHE_HOME/ml4phys/ising`` (default ``~/.cache/ml4phys/ising``);
    the same rules as every data set (``ml4phys.common.paths``).
    """
    from ..common import paths

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
    from ..common.files import write_atomic

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
        return load(path), path
    result = sample(L, temperatures, n_samples, progress=progress, **kwargs)
    write_atomic(path, lambda f: np.savez_compressed(f, **_to_arrays(result)))
    return result, path


def _to_arrays(samples):
    n_t, n, L, _ = samples.spins.shape
    header = {
        "version": FORMAT_VERSION,
        "params": samples.params,
        "note": samples.note,
        "algorithm": samples.algorithm,
        "shape": [n_t, n, L, L],
    }
    arrays = {
        "spins_bits": np.packbits(samples.spins.reshape(n_t, n, L * L) > 0, axis=-1),
        "temperatures": samples.temperatures,
        "tau": samples.tau,
        "tau_reliable": samples.tau_reliable,
        "spacing": samples.spacing,
        "header": np.frombuffer(json.dumps(header).encode(), np.uint8),
    }
    arrays.update({f"obs_{key}": value for key, value in samples.observables.items()})
    return arrays


def load(path):
    """An ``IsingSamples`` from a file written by ``dataset``."""
    with np.load(path, allow_pickle=False) as archive:
        header = json.loads(archive["header"].tobytes().decode())
        n_t, n, L, _ = header["shape"]
        bits = np.unpackbits(archive["spins_bits"], axis=-1, count=L * L)
        spins = (2 * bits.astype(np.int8) - 1).reshape(n_t, n, L, L)
        observables = {
            key[4:]: archive[key] for key in archive.files if key.startswith("obs_")
        }
        return IsingSamples(
            spins=spins,
            temperatures=archive["temperatures"],
            tau=archive["tau"],
            tau_reliable=archive["tau_reliable"],
            spacing=archive["spacing"],
            algorithm=header["algorithm"],
            observables=observables,
            params=header["params"],
            note=header["note"],
        )
