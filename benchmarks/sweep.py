"""Parameter sweeps (issue 13): the cost of a point, and the speed-up of a parallel sweep.

S1  overhead per point, local pool of 2 processes: a trivial experiment (this module's
    own ``run``, which returns at once) swept over 16 and over 256 points; the marginal
    cost (T256 - T16) / 240 is what the sweep adds per point (hashing, point folder, config
    and results files, pickling, the pool); the fixed start-up (spawning the workers,
    their imports, table) goes into the notes.
S2  the same on Dask: a LocalCluster of 2 worker processes, started by each sweep.
S3  a 16-point fit2d sweep (eta x batchsize x 2 seeds, 1000 batches each) with 2
    processes against a serial loop of ``fit2d.run`` in one process: the speed-up.

There is no peer library: the runners are ``{"ml4phys": ...}`` only, so the table shows
the medians and no ratio. Each repetition sweeps into a fresh temporary folder (a sweep
into a used folder would find its points done).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass

from harness import Workload

from ml4phys.lab.base import Result

NAME = "trivial"


@dataclass
class Config:
    x: int = 0
    seed: int = 0


def run(config: Config, progress=None) -> Result:
    """The trivial experiment of S1 and S2: no work at all."""
    return Result(numbers={"x": config.x})


def _sweep_seconds(n_points, backend):
    import ml4phys

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        table = ml4phys.sweep(
            sys.modules[__name__],
            {"x": list(range(n_points))},
            backend=backend,
            jobs=2,
            out=out,
            progress=False,
            save_figures=False,
            summary=False,
        )
        seconds = time.perf_counter() - start
    assert (table["state"] == "done").all()
    return seconds


def _overhead_workload(name, backend, title, quick):
    small, large = (4, 32) if quick else (16, 256)
    notes = {}

    def run_ml4phys():
        t_small, t_large = (
            _sweep_seconds(small, backend),
            _sweep_seconds(large, backend),
        )
        per_point = (t_large - t_small) / (large - small)
        notes["fixed start-up (last run)"] = (
            f"{t_small - small * per_point:.2f} s per "
            f"sweep; {large} points took {t_large:.2f} s"
        )
        return per_point * 1e3

    return Workload(
        name=name,
        title=title,
        unit="ms/point",
        higher_is_better=False,
        runners={"ml4phys": run_ml4phys},
        notes=notes,
    )


# stays whole: the sweep, its serial and parallel runs and their notes, side by side
def _speedup_workload(quick):
    from ml4phys.lab import fit2d
    from ml4phys.sweeps import expand
    from ml4phys.sweeps.points import make_config

    batches = 30 if quick else 1000
    fixed = {"batches": batches, "grid": 20}
    grid = {"eta": [1.0, 3.0], "batchsize": [50, 100, 200, 400]}
    notes = {}

    def run_ml4phys():
        import ml4phys

        points = expand("fit2d", fit2d.Config, grid, seeds=[0, 1], fixed=fixed)
        start = time.perf_counter()
        for point in points:  # the serial loop a user would write
            fit2d.run(make_config(fit2d.Config, point.config))
        serial = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            ml4phys.sweep(
                "fit2d",
                grid,
                seeds=[0, 1],
                fixed=fixed,
                jobs=2,
                out=out,
                progress=False,
                save_figures=False,
                summary=False,
            )
            parallel = time.perf_counter() - start
        notes["last run"] = (
            f"serial loop {serial:.2f} s, sweep with 2 processes "
            f"{parallel:.2f} s ({len(points)} points)"
        )
        return serial / parallel

    return Workload(
        name="S3",
        title=f"16-point fit2d sweep ({batches} batches), 2 processes vs serial loop",
        unit="speed-up",
        higher_is_better=True,
        runners={"ml4phys": run_ml4phys},
        notes=notes,
    )


def workloads(quick=False):
    found = [
        _overhead_workload(
            "S1", "local", "sweep overhead per point, local pool of 2 processes", quick
        )
    ]
    try:
        import dask.distributed  # noqa: F401

        found.append(
            _overhead_workload(
                "S2",
                "dask",
                "sweep overhead per point, Dask LocalCluster of 2 workers",
                quick,
            )
        )
    except ImportError:
        pass
    found.append(_speedup_workload(quick))
    return found
