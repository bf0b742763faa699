"""A sweep's folder: one subfolder per point, what a worker writes there, and the table.

    OUT/sweep.json                   experiment, hashes of every point swept into OUT
    OUT/points/<hash>/config.json    experiment, config, seed, swept params
    OUT/points/<hash>/running.json   host, pid, parent pid, start, while a worker runs it
    OUT/points/<hash>/*.png          the experiment's figures
    OUT/points/<hash>/results.json   numbers, seconds, host: written last, so it marks done
    OUT/points/<hash>/error.json     error and traceback of a point that raised
    OUT/table.csv, OUT/table.parquet, OUT/summary/*.png

Every file is written atomically (temporary file, then rename), so a killed worker leaves
either a whole file or none. ``run_point`` runs in the worker process and imports NumPy
(through the experiment) only when called, after the pool's initializer set the threads.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import time
import traceback
from pathlib import Path

from ..common.files import write_atomic
from ..plots.save import save_png
from .points import make_config

__all__ = ["folder_status", "init_worker", "point_state", "read_row", "run_point"]

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def init_worker(threads, parent_pid=None):
    """Pool initializer: end with the sweep's process; BLAS threads per worker process
    (before NumPy is imported).
    """
    from .processes import die_with_parent

    die_with_parent(parent_pid)
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(threads)


def write_bytes(path, data):
    """Write ``data`` to ``path`` atomically (a temporary file, then a rename)."""
    write_atomic(path, lambda f: f.write(data))


def write_png(path, figure, footer=None):
    """Save a matplotlib Figure as PNG, atomically (the writer ``ml4phys run`` uses)."""
    save_png(figure, path, footer=footer)


def write_json(path, record):
    write_bytes(path, (json.dumps(record, indent=2, default=str) + "\n").encode())


def read_json(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def run_point(task):
    """Run one point in this process and write its folder; returns its state.

    ``task`` holds ``module`` (the experiment's import name), ``experiment``, ``config``
    (JSON form), ``seed``, ``params``, ``hash``, ``folder`` and ``save_figures``. An
    exception from the experiment is written to error.json, not raised: the sweep goes on.
    """
    folder = Path(task["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    host, start = socket.gethostname(), time.time()
    header = {
        key: task[key] for key in ("experiment", "config", "seed", "params", "hash")
    }
    write_json(folder / "config.json", header)
    running = {"host": host, "pid": os.getpid(), "parent": os.getppid()}
    write_json(folder / "running.json", {**running, "start": start})
    try:
        module = importlib.import_module(task["module"])
        config = make_config(module.Config, task["config"])
        start = time.time()  # wall time of run() alone, not of the imports
        result = module.run(config)
        seconds = time.time() - start
        _write_results(folder, header, result, seconds, host, task["save_figures"])
        state = "done"
    except Exception as error:  # noqa: BLE001 - any failure of the point is recorded
        write_json(
            folder / "error.json",
            {
                "error": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc(),
                "host": host,
                "seconds": round(time.time() - start, 4),
            },
        )
        state = "failed"
    finally:
        (folder / "running.json").unlink(missing_ok=True)
    return {"hash": task["hash"], "state": state}


def _write_results(folder, header, result, seconds, host, save_figures):
    """The finished point's figures (if wanted) and results.json; any old error goes."""
    for name, figure in result.figures.items() if save_figures else ():
        write_png(folder / f"{name}.png", figure)
    (folder / "error.json").unlink(missing_ok=True)
    write_json(
        folder / "results.json",
        {
            **header,
            "numbers": result.numbers,
            "seconds": round(seconds, 4),
            "host": host,
        },
    )


def point_state(folder):
    """'done', 'failed', 'running' or 'missing', from the files in the point's folder."""
    folder = Path(folder)
    if (folder / "results.json").exists():
        return "done"
    if (folder / "error.json").exists():
        return "failed"
    if (folder / "running.json").exists():
        return "running"
    return "missing"


def _flatten(numbers, prefix=""):
    """Nested dicts become 'a.b' columns; lists become JSON text (one cell each)."""
    flat = {}
    for key, value in numbers.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, (list, tuple)):
            flat[f"{prefix}{key}"] = json.dumps(value)
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def read_row(point, folder):
    """One table row: params, seed, numbers, seconds, host, state, error, hash."""
    row = {
        key: ",".join(map(str, value)) if isinstance(value, (list, tuple)) else value
        for key, value in point.params.items()
    }
    row["seed"] = point.seed
    state = point_state(folder)
    record = read_json(Path(folder) / "results.json") if state == "done" else None
    error = read_json(Path(folder) / "error.json") if state == "failed" else None
    for key, value in _flatten(record["numbers"] if record else {}).items():
        row[f"result.{key}" if key in row else key] = value
    row["seconds"] = (record or error or {}).get("seconds")
    row["host"] = (record or error or {}).get("host")
    row["state"] = state
    row["error"] = error["error"] if error else None
    row["hash"] = point.hash
    return row


def folder_status(out):
    """Every point folder under ``out/points`` grouped by state, with details."""
    groups = {"done": [], "failed": [], "running": [], "missing": []}
    listed = (read_json(Path(out) / "sweep.json") or {}).get("points", [])
    seen = set()
    for folder in sorted((Path(out) / "points").glob("*/")):
        state = point_state(folder)
        config = read_json(folder / "config.json") or {}
        detail = {
            "hash": folder.name,
            "params": config.get("params", {}),
            "seed": config.get("seed"),
        }
        if state == "failed":
            detail["error"] = (read_json(folder / "error.json") or {}).get("error")
        if state == "running":
            detail.update(read_json(folder / "running.json") or {})
            detail["stale"] = _is_gone(detail)
        groups[state].append(detail)
        seen.add(folder.name)
    groups["missing"] += [{"hash": key} for key in listed if key not in seen]
    return groups


def _is_gone(running):
    """True when the running point's process was on this host and no longer exists."""
    if running.get("host") != socket.gethostname() or "pid" not in running:
        return False
    try:
        os.kill(running["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
