"""Run the benchmarks: ml4phys and its peers, each peer in its own process, with ratios.

    python benchmarks/run.py                 # every workload
    python benchmarks/run.py --only W1,W3    # some of them
    python benchmarks/run.py --quick         # small sizes: checks that the runners work
    python benchmarks/run.py --slow          # also the workloads that take hours (mnist.py)

Each topic module here (dense.py, conv.py, ...) defines ``workloads(quick)``. For every
workload, ``harness.measure`` starts one worker process per peer (this script with
``--worker``), and the rounds alternate between them. Every peer gets the same number of
threads (``--threads``, default 2): NumPy's BLAS and numba through environment variables
set before NumPy is imported, PyTorch through ``torch.set_num_threads``.
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
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def _parser():
    """The options of run.py (and of its own worker processes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated workload names, e.g. W1,W3")
    parser.add_argument("--repeats", type=_positive, default=5)
    parser.add_argument(
        "--processes",
        type=_positive,
        default=1,
        help="fresh worker pairs per workload, one after the other, rounds pooled",
    )
    parser.add_argument(
        "--settle",
        type=_seconds,
        default=None,
        help="seconds of pause before each measured round (default: harness's 0.5)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--slow", action="store_true", help="also the opt-in workloads that take hours"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # run.py's own workers
    parser.add_argument("--module", help=argparse.SUPPRESS)
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    return parser


def _positive(text):
    """A positive int (--repeats, --processes), said by argparse before any work."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, received {text}")
    return value


def _seconds(text):
    """Seconds, zero or more (--settle), said by argparse before any work."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be seconds >= 0, received {text}")
    return value


# stays whole: the options and the one loop over workloads and peers
def main(argv=None):
    args = _parser().parse_args(argv)
    for var in THREAD_VARIABLES:
        os.environ[var] = str(args.threads)
    os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3, where installed
    sys.path.insert(0, str(HERE))
    if args.worker:
        return _worker(args)

    import harness
    import numpy as np

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}; "
        f"threads per peer: {args.threads}; each peer in its own process"
    )
    print(
        f"numpy {np.__version__}, python {platform.python_version()}, "
        f"ML4PHYS_KERNELS={os.environ.get('ML4PHYS_KERNELS', '(unset: fast)')}"
    )
    only = set(args.only.split(",")) if args.only else None
    workloads = [w for w in _workloads(args) if only is None or w.name in only]
    worker_args = ["--threads", str(args.threads)]
    worker_args += ["--quick"] * args.quick + ["--slow"] * args.slow
    settle = harness.SETTLE_SECONDS if args.settle is None else args.settle
    results = {}
    for workload in workloads:
        print(f"\n{workload.name}: {workload.title} ...", flush=True)
        r = harness.measure(workload, args.repeats, worker_args, args.processes, settle)
        results[workload.name] = r
        for peer, value in r["medians"].items():
            print(
                f"  {peer:10s} median {value:.4g} {workload.unit}   samples "
                + " ".join(f"{v:.4g}" for v in r["samples"][peer])
                + f"   peak {r['extras'][peer]['peak_mib']:.0f} MiB"
            )
        for peer, ratio in r["ratios"].items():
            print(f"  ml4phys / {peer}: {ratio:.2f}x")
        if r["extras"].get("ml4phys", {}).get("torch_imported"):
            print("  warning: the ml4phys worker imported torch")
        for key, value in workload.notes.items():
            print(f"  {key}: {value}")
    print("\n" + harness.table(workloads, results))
    return 0


def _workloads(args, modules=None):
    """Every module's workloads (or those of ``modules``), each tagged with its module."""
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.stem in ("run", "harness") or path.stem.startswith("_"):
            continue
        if modules is not None and path.stem not in modules:
            continue
        module = importlib.import_module(path.stem)
        if not hasattr(module, "workloads"):
            continue
        options = {"quick": args.quick}
        if "slow" in inspect.signature(module.workloads).parameters:
            options["slow"] = args.slow
        try:
            for workload in module.workloads(**options):
                workload.module = path.stem
                found.append(workload)
        except Exception as error:  # noqa: BLE001  e.g. no MNIST here: the others run
            print(
                f"skipped benchmarks/{path.name}: {type(error).__name__}: "
                f"{str(error).splitlines()[0]}"
            )
    return found


def _worker(args):
    """One peer of one workload, in this process: see harness.serve."""
    import harness

    if args.peer != "ml4phys":
        import torch

        torch.set_num_threads(args.threads)
    else:
        _load_compiled_kernels()
    (workload,) = [w for w in _workloads(args, {args.module}) if w.name == args.worker]
    harness.serve(workload, args.peer)
    return 0


def _load_compiled_kernels():
    """Load numba and its LLVM runtime (one compiled kernel, col2im, run once on a 3 x 3
    image) before the worker's memory baseline, as the PyTorch worker imports torch before
    its own: the table's peak memory is then each peer's training memory, libraries apart
    (numba's runtime: ~130 MiB, torch's import: ~190 MiB, see README.md).
    """
    import numpy as np

    from ml4phys.nn.kernels import im2col

    if im2col.compiled():
        dcols = np.zeros((1, 18), np.float32)
        dx = np.empty((1, 3, 3, 2), np.float32)
        im2col.col2im(dcols, (3, 3), (1, 1), ((0, 0), (0, 0)), dx)


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
