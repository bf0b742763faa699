"""One file per RBM: NumPy's .npz with a JSON header ``__ml4phys__`` (format name, version,
sizes, visible type, seed, dtype), the parameters W, a, b, and the persistent chains if
any. Written atomically (``ml4phys.nn.saving.write_atomic``); foreign files are refused
with a clear error.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from ..nn.saving import write_atomic

__all__ = ["FORMAT", "VERSION", "load_rbm", "save_rbm"]

FORMAT, VERSION = "ml4phys-rbm", 1


def save_rbm(rbm, path):
    """Write ``rbm`` to ``path`` (one .npz file), through a temporary file and a rename."""
    header = {"format": FORMAT, "version": VERSION, "n_visible": rbm.n_visible,
              "n_hidden": rbm.n_hidden, "visible": rbm.visible, "seed": rbm.seed,
              "dtype": rbm.dtype.name}
    arrays = dict(rbm.params)
    if rbm.chains is not None:
        arrays.update(chains=rbm.chains, chains_h=rbm.chains_h)
    arrays["__ml4phys__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    write_atomic(path, lambda f: np.savez(f, **arrays))


def load_rbm(path):
    """The RBM saved by ``RBM.save``.

    Raises
    ------
    ValueError
        For a file that is not an ml4phys RBM file (no header, another format, not a
        readable .npz) or one written by a newer version.
    """
    from .rbm import RBM

    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        header = json.loads(arrays.pop("__ml4phys__").tobytes().decode())
    except FileNotFoundError:
        raise
    except KeyError:
        raise ValueError(f"{path} is not an ml4phys RBM file (no ml4phys header)") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, UnicodeDecodeError,
            AttributeError) as error:  # np.load takes unknown bytes for a pickle
        raise ValueError(f"{path} is not a readable ml4phys RBM file ({error})") from None
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not an ml4phys RBM file (format "
                         f"{header.get('format')!r}, expected {FORMAT!r})")
    if header.get("version", 0) > VERSION:
        raise ValueError(f"{path} was written by a newer ml4phys (RBM file version "
                         f"{header['version']}, this one reads up to {VERSION})")
    rbm = RBM(header["n_visible"], header["n_hidden"], header["visible"],
              seed=header["seed"], dtype=header["dtype"])
    for name in rbm.params:
        rbm.params[name][...] = arrays[name]
    if "chains" in arrays:
        rbm.chains, rbm.chains_h = arrays["chains"], arrays["chains_h"]
    return rbm
