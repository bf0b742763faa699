"""numba's njit, compiled on first call, where numba is installed; else None.

Nothing here imports numba until a kernel first runs, so ``import ml4phys`` and runs that
use no compiled kernel (a Dense net) never pay numba's import time. Compiled functions
are cached on disk (``cache=True``): only the first run after an install compiles.

Every kernel runs on one thread: the matrix products beside it run on the BLAS's threads,
and numba's own thread pool (its OpenMP layer) contends with them for the cores. W10 on
2 cores with both pools at 2 threads: 19.4 s per epoch; with numba's loops serial: 5.6 s.
"""

from __future__ import annotations

import importlib.util

NUMBA = importlib.util.find_spec("numba") is not None


class _Compiled:
    """A function compiled with numba the first time it is called."""

    def __init__(self, function, fastmath):
        self.function, self.fastmath, self.compiled = function, fastmath, None
        self.__doc__, self.__name__ = function.__doc__, function.__name__

    def __call__(self, *args):
        if self.compiled is None:
            import numba

            self.compiled = numba.njit(cache=True, fastmath=self.fastmath)(
                self.function
            )
        return self.compiled(*args)


def njit(fastmath=False):
    """Decorator: @njit(cache=True, fastmath=...) on first call, or None without numba.
    ``fastmath`` lets sums be reordered (and so vectorized).
    """

    def decorate(function):
        return _Compiled(function, fastmath) if NUMBA else None

    return decorate
