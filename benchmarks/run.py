"""Run the benchmarks: ml4phys and its peers side by side, in one run, with ratios.

    python benchmarks/run.py                 # every workload
    python benchmarks/run.py --only W1,W3    # some of them
    python benchmarks/run.py --quick         # small sizes: checks that the runners work
    python benchmarks/run.py --slow          # also the workloads that take hours (mnist.py)

Each topic module here (dense.py, conv.py, ...) defines ``workloads(quick)``. Every peer
gets the same number of threads (``--threads``, default 2): NumPy's BLAS through
threadpoolctl-free environment variables set before NumPy is imported, PyTorch through
``torch.set_num_threads``.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated workload names, e.g. W1,W3")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--slow", action="store_true", help="also the opt-in workloads that take hours"
    )
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    os.environ.setdefault(
        "KERAS_BACKEND", "torch"
    )  # Keras 3, where installed, on torch
    sys.path.insert(0, str(HERE))

    import harness
    import numpy as np

    try:
        import torch

        torch.set_num_threads(args.threads)
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}; "
        f"threads per peer: {args.threads}"
    )
    print(
        f"numpy {np.__version__}, torch {torch_version}, python {platform.python_version()}"
    )

    only = set(args.only.split(",")) if args.only else None
    workloads = []
    for path in sorted(HERE.glob("*.py")):
        if path.stem in ("run", "harness"):
            continue
        module = importlib.import_module(path.stem)
        if not hasattr(module, "workloads"):
            continue
        options = {"quick": args.quick}
        if "slow" in inspect.signature(module.workloads).parameters:
            options["slow"] = args.slow
        try:
            workloads += [
                w for w in module.workloads(**options) if only is None or w.name in only
            ]
        except Exception as error:  # e.g. no MNIST here: the others still run
            print(
                f"skipped benchmarks/{path.name}: {type(error).__name__}: "
                f"{str(error).splitlines()[0]}"
            )
    results = {}
    for workload in workloads:
        print(f"\n{workload.name}: {workload.title} ...", flush=True)
        results[workload.name] = harness.measure(workload, repeats=args.repeats)
        r = results[workload.name]
        for peer, value in r["medians"].items():
            print(
                f"  {peer:10s} median {value:.4g} {workload.unit}   samples "
                + " ".join(f"{v:.4g}" for v in r["samples"][peer])
            )
        for peer, ratio in r["ratios"].items():
            print(f"  ml4phys / {peer}: {ratio:.2f}x")
        for key, value in workload.notes.items():
            print(f"  {key}: {value}")
    print("\n" + harness.table(workloads, results))
    return 0


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown cpu"


if __name__ == "__main__":
    raise SystemExit(main())
