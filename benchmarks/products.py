"""The matrix products of W3's big layer, NumPy (OpenBLAS) against torch (MKL).

    python benchmarks/products.py [threads]

Prints the median time of the forward product (100x784 @ 784x800) and of the weight
gradient (784x100 @ 100x800) for each library, on the same float32 arrays.
"""

import os
import statistics
import sys
import time


def median_ms(f, repeats=7, number=100):
    f()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - start) / number * 1e3)
    return statistics.median(times)


def main(threads):
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = threads  # before NumPy and torch load their BLAS
    import numpy as np
    import torch

    torch.set_num_threads(int(threads))
    rng = np.random.default_rng(0)
    y = rng.random((100, 784), dtype=np.float32)
    w = rng.random((784, 800), dtype=np.float32)
    delta = rng.random((100, 800), dtype=np.float32)
    dw = np.empty_like(w)
    ty, tw, td = (torch.from_numpy(a) for a in (y, w, delta))
    print(f"threads: {threads}")
    print(
        f"forward y @ w      numpy {median_ms(lambda: y @ w):.3f} ms   "
        f"torch {median_ms(lambda: ty @ tw):.3f} ms"
    )
    print(
        f"gradient y.T @ d   numpy {median_ms(lambda: np.matmul(y.T, delta, out=dw)):.3f} "
        f"ms   torch {median_ms(lambda: ty.T @ td):.3f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "1")
