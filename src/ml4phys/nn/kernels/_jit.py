"""numba's njit, compiled on first call, where numba is installed; else None.

Nothing here imports numba until a kernel first runs, so ``import ml4phys`` and runs that
use no compiled kernel (a Dense net) never pay numba's import time. Compiled functions
are cached on disk (``cache=True``): only the first run after an install compiles. The
thread count of ``parallel=True`` kernels is numba's (``NUMBA_NUM_THREADS``).
"""

from __future__ import annotations

import importlib.util

NUMBA = importlib.util.find_spec("numba") is not None


class _Compiled:
    """A function compiled with numba the first time it is called."""

    def __init__(self, function, parallel, fastmath):
        self.function, self.parallel, self.compiled = function, parallel, None
        self.fastmath = fastmath
        self.__doc__, self.__name__ = function.__doc__, function.__name__

    def __call__(self, *args):
        if self.compiled is None:
            import numba

            # the kernel modules import prange from here; numba must see its own
            self.function.__globals__["prange"] = numba.prange
            self.compiled = numba.njit(
                cache=True, parallel=self.parallel, fastmath=self.fastmath
            )(self.function)
        return self.compiled(*args)


def njit(parallel=False, fastmath=False):
    """Decorator: @njit(cache=True, parallel=..., fastmath=...) on first call, or None
    without numba. ``fastmath`` lets sums be reordered (and so vectorized).
    """

    def decorate(function):
        return _Compiled(function, parallel, fastmath) if NUMBA else None

    return decorate


def prange(*args):
    """numba.prange inside compiled code; the plain range when run by Python."""
    return range(*args)
