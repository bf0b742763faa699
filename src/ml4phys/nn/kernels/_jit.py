"""numba's njit where numba is installed, else None: callers then use the NumPy path.

Compiled functions are cached on disk (``cache=True``), so only the first run after an
install pays the compile time. Their thread count is numba's (``NUMBA_NUM_THREADS``, by
default the number of cores).
"""

from __future__ import annotations

try:
    import numba

    NUMBA = True
except ImportError:  # pragma: no cover - numba is optional
    numba = None
    NUMBA = False


def njit(parallel=False):
    """@njit(cache=True, parallel=...) with numba, else a decorator that returns None."""

    def decorate(function):
        if not NUMBA:
            return None
        return numba.njit(cache=True, parallel=parallel, fastmath=False)(function)

    return decorate


prange = numba.prange if NUMBA else range
