r"""Parameter sweeps over any experiment, from a laptop to a cluster (on Dask).

    import ml4phys
    table = ml4phys.sweep("fit2d", {"eta": [1, 3, 10], "batchsize": [100, 1000]},
                          seeds=range(3), fixed={"batches": 500}, out="sweeps/eta")
    ml4phys sweep fit2d --grid eta=1,3,10 --grid batchsize=100,1000 --seeds 0-2 \\
        --batches 500 --backend dask --jobs 4 --out sweeps/eta

Each point is one ``run(Config)``; its folder ``OUT/points/<hash>`` (a stable hash of
experiment, config and seed) holds config.json, its figures and results.json, written
atomically. An interrupted sweep (Ctrl-C, a lost worker, a killed job) resumes where it
stopped: finished points are skipped, missing and failed ones recomputed. A point that
raises is recorded with its traceback in error.json and the others go on. The table
(OUT/table.csv, and OUT/table.parquet when asked: one row per point with its parameters,
seed, numbers, wall time, host and state) comes back as a pandas DataFrame; OUT/summary/
holds each metric against each parameter (seeds as error bars) and, for two parameters,
heat maps. Backends and the SLURM example: ``ml4phys.sweeps.backends`` and docs/sweep.md.

``ml4phys.sweep`` is ``sweep`` below. Sweeps need the ``[sweep]`` extra (pandas, and
pyarrow for Parquet): ``pip install "ml4phys[sweep]"``.
"""

from __future__ import annotations

import importlib
import io
import types
from pathlib import Path

from .. import lab
from ..common.optional import require
from . import backends
from .points import Point, expand, point_hash
from .processes import SweepBusyError, stop_stale_workers
from .store import (
    folder_status,
    point_state,
    read_json,
    read_row,
    write_bytes,
    write_json,
    write_png,
)

__all__ = [
    "Point",
    "SweepBusyError",
    "expand",
    "folder_status",
    "point_hash",
    "sweep",
]

FORMATS = ("csv", "parquet")


def experiment_module(experiment):
    """A lab name ('fit2d'), a dotted module path, or a module -> the module."""
    if isinstance(experiment, types.ModuleType):
        return experiment
    if "." in experiment:
        return importlib.import_module(experiment)
    return lab.get(experiment)


def sweep(
    experiment,
    grid=None,
    *,
    seeds=None,
    fixed=None,
    ranges=None,
    random=0,
    random_seed=0,
    backend=None,
    jobs=None,
    address=None,
    cluster=None,
    out=None,
    formats=("csv",),
    progress=True,
    save_figures=True,
    summary=True,
):
    """Run every point of a grid (x random draws x seeds) and return the table.

    Parameters
    ----------
    experiment : str or module
        A lab experiment's name ('fit2d'), a module path, or the module itself.
    grid : dict, key -> list of values
        Config fields to vary; the sweep is their product. One value fixes the field.
    seeds : iterable of int, optional
        Seeds per point (default: the Config's seed).
    fixed : dict, optional
        Config values shared by every point, e.g. ``{"quick": True}``.
    ranges, random, random_seed :
        ``random`` points drawn from ``ranges`` (key -> (lo, hi) or (lo, hi, 'log')),
        reproducibly from ``random_seed``; combined with ``grid`` as a product.
    backend : 'local' or 'dask', optional
        Default: 'dask' when ``address`` or ``cluster`` is given, else 'local'.
    jobs : int, optional
        Worker processes (local pool or LocalCluster); default: the number of cores.
    address : str or dask.distributed.Client, optional
        A running Dask scheduler ('tcp://host:8786') or a Client (dask backend).
    cluster : path, optional
        A dask_jobqueue YAML file (dask backend), see docs/sweep.md.
    out : path, optional
        The sweep's folder (default ``ml4phys-sweeps/<experiment>``).
    formats : iterable of {'csv', 'parquet'}
        The table's files: OUT/table.csv, OUT/table.parquet (needs pyarrow).
    progress : bool or a tqdm-like factory
        The progress bar over points (finished points count from the start).
    save_figures, summary : bool
        Save each point's figures; draw the summary figures.

    Returns
    -------
    pandas.DataFrame
        One row per point of this sweep; ``state`` is 'done', 'failed' or 'lost'.
        ``table.attrs`` holds ``computed`` (points run now), ``out``, ``params`` (the
        swept keys), ``failed`` (points not done) and ``formats`` (the table's files).

    Raises
    ------
    ml4phys.common.optional.MissingDependency
        Without pandas, or without pyarrow when ``formats`` holds 'parquet' (before any
        point runs).
    """
    backend = _backend(backend, address, cluster)
    formats = _check_formats(formats)
    module = experiment_module(experiment)
    name = getattr(module, "NAME", module.__name__)
    points = expand(
        name,
        module.Config,
        grid,
        seeds=None if seeds is None else list(seeds),
        fixed=fixed,
        ranges=ranges,
        random=random,
        random_seed=random_seed,
    )
    points = list({point.hash: point for point in points}.values())
    out = Path(out) if out is not None else Path("ml4phys-sweeps") / name
    _record_sweep(out, name, module.__name__, points)
    folders = {point.hash: out / "points" / point.hash for point in points}
    todo = [point for point in points if point_state(folders[point.hash]) != "done"]
    stop_stale_workers(folders[point.hash] for point in todo)  # orphans of a killed run
    tasks = [_task(module, name, p, folders[p.hash], save_figures) for p in todo]
    bar = _bar(progress, len(points), len(points) - len(todo), name)
    states = _execute(tasks, backend, jobs, address, cluster, bar)
    params = list((grid or {}).keys()) + list(ranges or {})
    table = _table(points, folders, states, params)
    _write_table(out, table, formats)
    if summary:
        _write_summary(out, table, params)
    failed = int((table["state"] != "done").sum())
    table.attrs.update(
        computed=len(todo), out=str(out), params=params, failed=failed, formats=formats
    )
    return table


def _backend(backend, address, cluster):
    """The backend's name, checked against the Dask-only arguments."""
    backend = backend or (
        "dask" if address is not None or cluster is not None else "local"
    )
    if backend not in ("local", "dask"):
        raise ValueError(f"unknown backend {backend!r}; known: local, dask")
    if backend == "local" and (address is not None or cluster is not None):
        raise ValueError("--address and --cluster are for --backend dask")
    return backend


def _check_formats(formats):
    """The table formats as a tuple; pandas (and pyarrow for Parquet) must be there."""
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(
            f"sweep: formats must be some of {', '.join(FORMATS)}, received {formats}"
        )
    require("pandas", extra="sweep", feature="ml4phys sweep (its table)")
    if "parquet" in formats:
        require("pyarrow", extra="sweep", feature="--format parquet")
    return formats


def _task(module, name, point, folder, save_figures):
    """What a worker needs to run one point (plain values: it is pickled)."""
    return {
        "module": module.__name__,
        "experiment": name,
        "config": point.config,
        "seed": point.seed,
        "params": point.params,
        "hash": point.hash,
        "folder": str(folder),
        "save_figures": save_figures,
    }


def _bar(progress, total, initial, name):
    """A tqdm bar over points; ``progress`` is True/False or a tqdm-like factory."""
    if callable(progress):
        return progress(total=total, initial=initial, desc=f"sweep {name}")
    # tqdm itself, for a bar that starts at ``initial`` (progress_bar has none)
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=f"sweep {name}",
        unit="point",
        disable=not progress,
    )


def _execute(tasks, backend, jobs, address, cluster, bar):
    with bar:
        if not tasks:
            return {}
        if backend == "local":
            return backends.run_local(tasks, jobs, bar)
        return backends.run_dask(tasks, jobs, address, cluster, bar)


def _record_sweep(out, name, module, points):
    """OUT/sweep.json: experiment and every point hash of the sweeps into this folder."""
    previous = read_json(out / "sweep.json") or {}
    hashes = list(dict.fromkeys(previous.get("points", []) + [p.hash for p in points]))
    write_json(
        out / "sweep.json", {"experiment": name, "module": module, "points": hashes}
    )


def _table(points, folders, states, params):
    """The DataFrame of every point, the swept parameters and the seed first."""
    import pandas as pd  # pandas (the [sweep] extra) loads when a sweep runs

    rows = []
    for point in points:
        row = read_row(point, folders[point.hash])
        if states.get(point.hash) == "lost" and row["state"] != "done":
            row["state"] = "lost"  # a worker may die after writing results.json: done
        rows.append(row)
    table = pd.DataFrame(rows)
    first = [p for p in params if p in table.columns] + ["seed"]
    return table[first + [c for c in table.columns if c not in first]]


def _write_table(out, table, formats):
    """OUT/table.csv and/or OUT/table.parquet, atomically."""
    if "csv" in formats:
        write_bytes(out / "table.csv", table.to_csv(index=False).encode())
    if "parquet" in formats:
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        write_bytes(out / "table.parquet", buffer.getvalue())


def _write_summary(out, table, params):
    """OUT/summary/*.png: each metric against each parameter, and heat maps."""
    from .summary import summary_figures  # matplotlib: only when the summary is drawn

    for figure_name, figure in summary_figures(table, params).items():
        write_png(out / "summary" / f"{figure_name}.png", figure)
