"""The cost of numba's compile: the first training step on a fresh copy of the code.

    python benchmarks/first_run.py

Copies ``src/`` to a temporary folder (so no compiled kernel is cached there), then runs a
small conv net and a small recurrent net twice each, every run in a new process: the
first process compiles the kernels and caches them, the second loads them from the cache.
Prints the CPU time (``time.process_time``) of the first and the second training step.
With two threads (the environment's ``OPENBLAS_NUM_THREADS`` and ``NUMBA_NUM_THREADS``)
the simple conv net also compiles its kernels' batch halves (``kernels.threads``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NETS = {
    "conv (Conv2D 6@5x5, max pooling, Conv2D 16@5x5, Conv2D 1@3x3, Dense)": """
net.add(layers.Conv2D(6, 5, activation="relu", padding="same", input_shape=(28, 28, 1)))
net.add(layers.MaxPooling2D(2))
net.add(layers.Conv2D(16, 5, activation="relu"))
net.add(layers.Conv2D(1, 3, padding="same"))
net.add(layers.Flatten())
net.add(layers.Dense(10, activation="softmax"))
x = np.zeros((100, 28, 28, 1), np.float32)
y = np.eye(10, dtype=np.float32)[np.zeros(100, int)]
net.compile(loss="categorical_crossentropy", optimizer=optimizers.Adam())
""",
    "the lecture's simple conv net (Conv2D 7@5x5, average pooling 4, Dense)": """
net.add(layers.Conv2D(7, 5, activation="relu", padding="same", input_shape=(28, 28, 1)))
net.add(layers.AveragePooling2D(4))
net.add(layers.Flatten())
net.add(layers.Dense(10, activation="softmax"))
x = np.zeros((100, 28, 28, 1), np.float32)
y = np.eye(10, dtype=np.float32)[np.zeros(100, int)]
net.compile(loss="categorical_crossentropy", optimizer=optimizers.SGD(1.0))
""",
    "recurrent (LSTM 8 + GRU 8 + Dense)": """
net.add(layers.LSTM(8, return_sequences=True, input_shape=(10, 2)))
net.add(layers.GRU(8))
net.add(layers.Dense(1))
x, y = np.zeros((4, 10, 2), np.float32), np.zeros((4, 1), np.float32)
net.compile(loss="mean_squared_error", optimizer=optimizers.Adam())
""",
}

STEPS = """
import time
import numpy as np
from ml4phys.nn import layers, models, optimizers
net = models.Sequential(seed=0)
{build}
start = time.process_time()
net.train_on_batch(x, y)
first = time.process_time()
net.train_on_batch(x, y)
print(first - start, time.process_time() - first)
"""


def main():
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(  # without __pycache__: nothing compiled is carried over
            ROOT / "src",
            Path(folder) / "src",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        env = {**os.environ, "PYTHONPATH": str(Path(folder) / "src")}
        print("| net | first step, no cache | first step, cached | second step |")
        print("|---|---|---|---|")
        for name, build in NETS.items():
            code = STEPS.format(build=build)
            runs = [
                subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                for _ in range(2)
            ]
            (compile_s, _), (cached_s, later_s) = (map(float, r) for r in runs)
            print(
                f"| {name} | {compile_s:.2f} s | {cached_s:.2f} s "
                f"| {1000 * later_s:.1f} ms |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
