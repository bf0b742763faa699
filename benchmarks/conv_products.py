"""The three products of W11's 32 -> 32 layer (batch 100), whole and in chunks, on two
BLAS threads and on one.

    python benchmarks/conv_products.py

The layer's column matrix is 57,600 x 288 (rows: the 100 x 24 x 24 output pixels;
columns: the 3 x 3 x 32 window), its kernel 288 x 32. Prints GFLOP/s (the best of 5) of
the forward product cols @ w, the kernel gradient's cols^T @ dz and the input
gradient's dz @ w^T (into a buffer), over the whole matrix or over chunks of 1 or 8
samples' rows (576 each), with NumPy's BLAS on 2 threads and on 1: whether two one-thread
products side by side (``kernels.threads``) can match one product on two threads.
"""

import time

import numpy as np
from threadpoolctl import threadpool_limits

ROWS, COLUMNS, C_OUT, PER_SAMPLE = 57_600, 288, 32, 576


def best_seconds(f, repeats=5):
    f()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rng = np.random.default_rng(0)
    cols = rng.standard_normal((ROWS, COLUMNS), dtype=np.float32)
    w = rng.standard_normal((COLUMNS, C_OUT), dtype=np.float32)
    dz = rng.standard_normal((ROWS, C_OUT), dtype=np.float32)
    dcols = np.empty((ROWS, COLUMNS), np.float32)
    gflop = 2 * ROWS * COLUMNS * C_OUT / 1e9

    def chunked(product, step):
        def run():
            for start in range(0, ROWS, step):
                product(slice(start, start + step))

        return run

    products = {
        "forward cols @ w": lambda s: cols[s] @ w,
        "kernel gradient cols^T @ dz": lambda s: cols[s].T @ dz[s],
        "input gradient dz @ w^T": lambda s: np.matmul(dz[s], w.T, out=dcols[s]),
    }
    chunks = {"whole": ROWS, "8 samples": 8 * PER_SAMPLE, "1 sample": PER_SAMPLE}
    print(f"GFLOP/s, {gflop:.2f} GFLOP a product; threads 2 / 1")
    for name, product in products.items():
        cells = []
        for label, step in chunks.items():
            rates = []
            for threads in (2, 1):
                with threadpool_limits(threads, user_api="blas"):
                    rates.append(gflop / best_seconds(chunked(product, step)))
            cells.append(f"{label} {rates[0]:.0f} / {rates[1]:.0f}")
        print(f"{name:30s} " + ", ".join(cells))


if __name__ == "__main__":
    main()
