"""numba's njit, compiled on first call, where numba is installed; else None.

Nothing here imports numba until a kernel first runs, so ``import ml4phys`` and runs that
use no compiled kernel (a Dense net) never pay numba's import time. Compiled functions
are cached on disk (``cache=True``): only the first run after an install compiles.

Every kernel runs on one thread: the matrix products beside it run on the BLAS's threads,
and numba's own thread pool (its OpenMP layer) contends with them for the cores. W10 on
2 cores with both pools at 2 threads: 19.4 s per epoch; with numba's loops serial: 5.6 s.
The exception are the ``*_halves`` wrappers (``parallel=True``): they run a kernel on the
two halves of a batch at once, only inside a training step whose BLAS runs on one thread
(``threads``).
"""

from __future__ import annotations

import importlib.util
import types

NUMBA = importlib.util.find_spec("numba") is not None


class _Compiled:
    """A function compiled with numba the first time it is called.

    It may call other ``_Compiled`` functions of its module: numba sees their dispatchers.
    """

    def __init__(self, function, options):
        self.function, self.options, self.compiled = function, options, None
        self.__doc__, self.__name__ = function.__doc__, function.__name__

    def dispatcher(self):
        if self.compiled is None:
            import numba

            function = self.function
            names = {
                name: function.__globals__[name].dispatcher()
                for name in function.__code__.co_names
                if isinstance(function.__globals__.get(name), _Compiled)
            }
            if "prange" in function.__code__.co_names:
                names["prange"] = (
                    numba.prange
                )  # the loop over parts that runs in parallel
            if names:  # the same code, seeing the callees' dispatchers
                function = types.FunctionType(
                    function.__code__,
                    {**function.__globals__, **names},
                    function.__name__,
                    function.__defaults__,
                    function.__closure__,
                )
            self.compiled = numba.njit(cache=True, **self.options)(function)
        return self.compiled

    def __call__(self, *args):
        return (self.compiled or self.dispatcher())(*args)


prange = range  # numba's prange in compiled functions (``_Compiled.dispatcher``)


def njit(fastmath=False, divisions="python", parallel=False):
    """Decorator: @njit(cache=True, ...) on first call, or None without numba.

    ``fastmath`` lets sums be reordered (and so vectorized). ``divisions="numpy"`` (numba's
    ``error_model``) lets x / 0 give inf instead of raising: without the check for a zero
    divisor a loop with a division can be vectorized. ``parallel`` runs the function's
    ``prange`` loop on numba's threads.
    """
    options = {"fastmath": fastmath, "error_model": divisions}
    if parallel:
        options["parallel"] = True

    def decorate(function):
        return _Compiled(function, options) if NUMBA else None

    return decorate
