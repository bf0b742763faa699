"""What the LSTM and GRU kernels share: a tanh that a compiled loop can vectorize, and
the rule for compiling a whole time loop.

A Python loop over time costs a few NumPy calls a step; on a small net (the lecture's
LSTMs of 20-50 units, W6) those calls are the time. There the whole loop is one compiled
call, its product a step on numba's BLAS (SciPy's OpenBLAS). That is safe only while
OpenBLAS runs each product on one thread: below ``ONE_THREAD`` multiply-adds (its
GEMM_MULTITHREAD_THRESHOLD, 4, times 65536). Above it the products would wake SciPy's
OpenBLAS threads beside NumPy's (W7 with two threads: 2.3 times slower), so larger nets
keep a Python loop over NumPy's products with one compiled pass a step.

numba's tanh and exp are scalar libm calls (17 ns each, against 0.7 ns for this one in
a vectorized loop):

    tanh(x) = x p(x^2) / q(x^2)  for |x| <= 9.5, +-1 beyond (tanh(9.5) = 1 - 1.1e-8)

a weighted least-squares fit of the relative error (Loeb's iteration), evaluated in
float64: within 1.07 ulp of float32 (NumPy's own float32 tanh: 1.36). The tests hold it
to 1.1 ulp on every float32 of [0.25, 1) and [4, 16) and on grids of [-20, 20] and of
tiny values; float64 nets keep NumPy's tanh.
"""

from __future__ import annotations

import numpy as np

from ._jit import NUMBA, njit

ONE_THREAD = 4 * 65536

P0, P1, P2 = 0.9999999662599072, 0.13347944055307676, 3.456441292489263e-3
P3, P4 = 1.9971965593750332e-5, 1.2488383478768704e-8
Q1, Q2 = 0.46681249085179405, 0.025727668553069648
Q3, Q4 = 3.221900780691318e-4, 7.41831730704605e-7
CLAMP = 9.5


@njit(divisions="numpy")
def tanh_rational(x):
    """tanh(x) of a float32, in float64 arithmetic: a loop over it is vectorized."""
    x = min(max(x, -CLAMP), CLAMP)
    s = x * x
    return (
        x
        * (P0 + s * (P1 + s * (P2 + s * (P3 + s * P4))))
        / (1.0 + s * (Q1 + s * (Q2 + s * (Q3 + s * Q4))))
    )


def whole_loop(matrix, batchsize, dtype=None):
    """True if a step's product matrix @ (.., batchsize) runs on one OpenBLAS thread
    (and, given a dtype, if it is float32: the rational tanh is float32's).
    """
    return (
        NUMBA
        and (dtype is None or dtype == np.float32)
        and matrix.flags.c_contiguous
        and matrix.size * batchsize < ONE_THREAD
    )
