"""Kernels: the array work beneath the layers (speed only; the formulas are in layers/).

Each kernel module offers functions whose names say what they compute, a plain NumPy
reference for each, and a fast path (numba where it is installed, else NumPy with better
shapes and buffers) that the tests hold equal to the reference and to PyTorch.

One switch selects the implementation everywhere:

* the environment variable ``ML4PHYS_KERNELS=numpy`` (read when ml4phys is imported)
  runs the references; unset or ``fast`` runs the fast paths;
* ``ml4phys.nn.kernels.use("numpy")`` or ``use("fast")`` changes it at run time.

This switch is the only state here, beside the choice of threads that a training step
makes for its own duration (``threads.step``): no kernel keeps buffers or results
between calls.
"""

from __future__ import annotations

import os

__all__ = ["NAMES", "active", "numba_available", "use"]

NAMES = ("fast", "numpy")
_choice = {"name": None}


def _from_environment():
    name = os.environ.get("ML4PHYS_KERNELS", "fast").strip().lower() or "fast"
    if name not in NAMES:
        raise ValueError(
            f"ML4PHYS_KERNELS must be one of {', '.join(NAMES)}, received {name!r}"
        )
    return name


def use(name):
    """Run the ``"fast"`` kernels or the ``"numpy"`` references from now on."""
    if name not in NAMES:
        raise ValueError(f"kernels.use: name must be one of {NAMES}, received {name!r}")
    _choice["name"] = name


def active():
    """``"fast"`` or ``"numpy"``: the kernels that run now."""
    if _choice["name"] is None:
        _choice["name"] = _from_environment()
    return _choice["name"]


def numba_available():
    """True where numba is installed (the fast paths then use it)."""
    from ._jit import NUMBA

    return NUMBA


def fast():
    """True when the fast paths run (not the references)."""
    return active() == "fast"
