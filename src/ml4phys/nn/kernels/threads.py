"""The two halves of a batch on two threads, for conv nets: kernels and products by halves.

Conv nets spend much of their time in compiled kernels that run on one thread (plane
sums, pooling, col2im, column copies) beside products that OpenBLAS splits poorly when
one side is only a few dozen channels wide: the second core idles or waits. Every
sample's output depends on that sample alone, so a kernel can compute the two halves of
the batch at once, on numba's threads (``*_halves``, a ``prange`` over the halves): the
sums on the image plane or along rows, max pooling, and, for layers with several input
channels, all three products with their columns (each half made chunk by chunk while it
is in the core's cache, numba's BLAS calls) and the input gradient's col2im.

Two facts of 2-core machines decide how (``benchmarks/README.md``, "The second core for
the kernels"): a thread woken from sleep for each kernel costs tens of microseconds, so
the halves run on numba's OpenMP threads, which wait for work by spinning; and an idle
OpenBLAS worker spins too, after every product it ran on two threads, and halves beside
it run 4 times slower than one thread. So the halves are a choice for a whole training
step: ``step`` runs it with the BLASes (NumPy's and SciPy's, numba's) on one thread. The
products that do not run by halves (Dense layers, a one-channel image's im2col product)
then lose the second thread, so a step takes the halves only where the largest of those
has at most ``PRODUCT_LIMIT`` multiply-adds per sample (W4: 3,430, its Dense layer;
W11: 194,688, its first conv layer; a Dense layer of 1,000 units on 3,136 inputs is
over it).

The numbers are those of a run on one thread, up to the rounding of the products: a
kernel gives each sample what it gives it alone, the compiled sums over the batch (the
plane's kernel gradient) keep their one order, but a product on half the rows may round
its last bit otherwise (OpenBLAS picks its kernels by the matrices' sizes), and a kernel
gradient by halves adds its terms in another order. The threads
are the BLAS's (``OPENBLAS_NUM_THREADS``) and numba's (``NUMBA_NUM_THREADS``), at most 2:
with one, or with the reference kernels, ``step`` changes nothing.
"""

from __future__ import annotations

import contextlib
import contextvars

from . import fast
from ._jit import NUMBA, njit, prange

__all__ = ["PRODUCT_LIMIT", "halves", "step"]

# multiply-adds per sample, at most, of a network's largest product not run by halves
PRODUCT_LIMIT = 2**18

_halves = contextvars.ContextVar("ml4phys_kernel_halves", default=False)
_made = {}  # the BLAS's thread controller and numba's threading layer, found once


def halves():
    """True inside a ``step`` that runs the kernels on the two halves of each batch."""
    return _halves.get()


@contextlib.contextmanager
def step(largest_product):
    """One training step of a conv net whose largest product not run by halves has
    ``largest_product`` multiply-adds per sample: with the BLAS on one thread and the
    kernels on two batch halves where that product is small (``PRODUCT_LIMIT``) and two
    threads are given.
    """
    if halves() or largest_product > PRODUCT_LIMIT or not _two_threads():
        yield
        return
    token = _halves.set(True)
    try:
        with _controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        _halves.reset(token)


def _two_threads():
    """Fast compiled kernels, two BLAS threads and two numba threads that spin (OpenMP
    or TBB; numba's fallback layer sleeps between tasks: no gain).
    """
    if not (NUMBA and fast()):
        return False
    import numba

    blas = [lib["num_threads"] for lib in _controller().info()]
    if min(blas, default=1) < 2 or numba.config.NUMBA_NUM_THREADS < 2:
        return False
    if "layer" not in _made:
        _made["layer"] = _threading_layer()
    return _made["layer"] in ("omp", "tbb")


def _threading_layer():
    """The layer numba's parallel loops run on, started by a first tiny loop."""
    import numba
    import numpy as np

    _count(np.zeros(2))
    return numba.threading_layer()


@njit(parallel=True)
def _count(x):
    for k in prange(len(x)):
        x[k] = k


def _controller():
    """NumPy's BLAS and SciPy's (numba's BLAS calls in compiled code run on SciPy's
    OpenBLAS: loaded here, so that the limit holds both).
    """
    if "controller" not in _made:
        import scipy.linalg  # noqa: F401
        from threadpoolctl import ThreadpoolController

        _made["controller"] = ThreadpoolController().select(user_api="blas")
    return _made["controller"]
