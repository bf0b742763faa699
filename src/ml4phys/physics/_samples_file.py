"""The .npz file of an Ising data set (``sampling.dataset``'s cache): writing, reading.

Spins are packed to bits; a JSON header holds the shape, parameters, note and algorithms;
each observable is an array ``obs_<name>``. ``FORMAT_VERSION`` is part of the cache key.
"""

from __future__ import annotations

import json

import numpy as np

__all__ = ["FORMAT_VERSION", "read_fields", "set_aside", "to_arrays"]

FORMAT_VERSION = 2  # of the cached files and of the sampling; part of their key


def to_arrays(samples):
    """The arrays of ``np.savez``: spins packed to bits, a JSON header, the observables."""
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


def set_aside(path, error):
    """Rename a bad cache file to ``<name>.bad`` and say so (a CacheWarning)."""
    import warnings

    from ..common.store import CacheWarning

    bad = path.with_name(path.name + ".bad")
    path.replace(bad)
    warnings.warn(
        f"{error}; set aside as {bad.name}, sampling again", CacheWarning, stacklevel=3
    )


def read_fields(path):
    """The fields of an ``IsingSamples`` from a file written by ``to_arrays``."""
    with open(path, "rb") as f, np.load(f, allow_pickle=False) as archive:
        header = json.loads(archive["header"].tobytes().decode())
        n_t, n, L, _ = header["shape"]
        bits = np.unpackbits(archive["spins_bits"], axis=-1, count=L * L)
        spins = (2 * bits.astype(np.int8) - 1).reshape(n_t, n, L, L)
        observables = {
            key[4:]: archive[key] for key in archive.files if key.startswith("obs_")
        }
        return dict(
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
