"""One file per RBM: NumPy's .npz with a JSON header ``__ml4phys__`` (format name, version,
sizes, visible type, seed, dtype), the parameters W, a, b, and the persistent chains if
any. Written atomically (``ml4phys.common.files.write_atomic``); foreign files are refused
with a clear error.
"""

from __future__ import annotations

import json

import numpy as np

from ..common.files import write_atomic
from ..nn.saving import read_archive
from ..nn.validation import check_loaded_weights

__all__ = ["FORMAT", "VERSION", "read_rbm", "save_rbm"]

FORMAT, VERSION = "ml4phys-rbm", 1


def save_rbm(rbm, path):
    """Write ``rbm`` to ``path`` (one .npz file), through a temporary file and a rename."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "n_visible": rbm.n_visible,
        "n_hidden": rbm.n_hidden,
        "visible": rbm.visible,
        "seed": rbm.seed,
        "dtype": rbm.dtype.name,
    }
    arrays = dict(rbm.params)
    if rbm.chains is not None:
        arrays.update(chains=rbm.chains, chains_h=rbm.chains_h)
    arrays["__ml4phys__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    write_atomic(path, lambda f: np.savez(f, **arrays))


def read_rbm(path, *, allow_nonfinite=False):
    """The header and the arrays of an RBM file, checked (``load_rbm`` builds the RBM).

    Returns
    -------
    header : dict
        n_visible, n_hidden, visible, seed, dtype (and format, version).
    arrays : dict
        W, a, b, and chains, chains_h when the file has persistent chains.

    Raises
    ------
    ValueError
        For a file that is not an ml4phys RBM file (no header, another format, not a
        readable .npz), one written by a newer version, or one whose parameters hold
        NaN or inf (unless ``allow_nonfinite=True``).
    """
    header, arrays = read_archive(path, "RBM", FORMAT, VERSION)
    check_loaded_weights(path, arrays, allow_nonfinite)
    return header, arrays
