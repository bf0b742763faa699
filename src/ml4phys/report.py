"""What the ``ml4phys`` command prints: a run's headline numbers, the list of experiments.

The end of ``ml4phys run`` prints a short aligned table: the experiment's ``HEADLINES``
(pattern of a number's path, such as ``h=1.0/*/relative_error``, -> a few words), or,
without them, its first scalar numbers; the full record stays in results.json.
``ml4phys list`` reads the wall times of the recorded runs in ``docs/results/`` (a run of
the default command, and one of ``--quick`` in ``docs/results/quick/``).
"""

from __future__ import annotations

import json
import math
import os
import platform
import shlex
import subprocess
from fnmatch import fnmatch
from pathlib import Path

import numpy as np

__all__ = [
    "COMMON_WORDS",
    "RESULTS",
    "commit",
    "footer",
    "format_number",
    "format_seconds",
    "headline_rows",
    "headline_table",
    "load_average",
    "machine",
    "recorded_seconds",
    "shown_command",
]

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"  # a source checkout

COMMON_WORDS = {
    "final_cost": "cost after training",
    "initial_cost": "cost before training",
    "test_accuracy": "fraction of test images classified right",
    "validation_accuracy": "fraction of validation images right",
    "train_accuracy": "fraction of training images right",
    "test_error": "fraction of test images classified wrong",
    "relative_error": "|E - E0| / |E0| against exact diagonalization",
    "energy_per_site": "variational energy per site E/N",
    "exact_energy_per_site": "exact ground-state energy per site E0/N",
    "seconds": "wall time",
}


def _scalar_leaves(numbers, prefix=()):
    for key, value in numbers.items():
        path = prefix + (str(key),)
        if isinstance(value, dict):
            yield from _scalar_leaves(value, path)
        elif value is None or isinstance(value, (bool, int, float, str)):
            yield path, value


def headline_rows(numbers, headlines=None, limit=12):
    """([(name, value, words)], count left out): the numbers worth a line of their own."""
    rows = []
    for path, value in _scalar_leaves(numbers):
        joined = "/".join(path)
        if headlines:
            words = next((w for p, w in headlines.items() if fnmatch(joined, p)), None)
            if words is None:
                continue
        else:
            words = COMMON_WORDS.get(path[-1], "")
        rows.append((" / ".join(path), value, words))
    return rows[:limit], max(0, len(rows) - limit)


def format_number(value):
    """Floats to 4 significant digits (6 where 4 would round to a whole number)."""
    if isinstance(value, float) and math.isfinite(value):
        text = f"{value:.4g}"
        return f"{value:.6g}" if float(text) == round(value) != value else text
    return str(value)


def headline_table(numbers, headlines=None):
    """The headline numbers as aligned lines: name, value, a few words."""
    rows, left_out = headline_rows(numbers, headlines)
    if not rows:
        return []
    name_width = max(len(name) for name, _, _ in rows)
    values = [format_number(value) for _, value, _ in rows]
    value_width = max(len(v) for v in values)
    lines = [
        f"  {name:<{name_width}}  {value:>{value_width}}  {words}".rstrip()
        for (name, _, words), value in zip(rows, values)
    ]
    if left_out:
        lines.append(f"  ... and {left_out} more numbers in results.json")
    return lines


def shown_command(words):
    """A recorded command without its output folder and progress options."""
    shown, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--out":
            skip = True
        elif not (word.startswith("--out=") or word == "--no-progress"):
            shown.append(word)
    return shlex.join(shown)


def footer(command, version, commit=None):
    """A figure's footer: the command (no --out), the version and the commit."""
    parts = [shown_command(shlex.split(command)), f"ml4phys {version}"]
    return " · ".join(parts + ([f"commit {commit}"] if commit else []))


def recorded_seconds(results=RESULTS):
    """{command: seconds} of the runs recorded under ``results`` (and ``results/quick``)."""
    found = {}
    for path in sorted(results.glob("*/results.json")) + sorted(
        results.glob("quick/*/results.json")
    ):
        try:
            record = json.loads(path.read_text())
            command = shown_command(shlex.split(record["command"]))
            found.setdefault(command, float(record["seconds"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a record being written, or of an older form: no time to show
    return found


def format_seconds(seconds):
    """Seconds as a reader wants them: "0.4 s", "12 s", "3 min", "1.5 h"; "-" if None."""
    if seconds is None:
        return "-"
    if seconds < 0.1:
        return "< 0.1 s"
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes / 60:.1f} h"


def commit():
    """The short git commit of this source checkout (``+`` if src/ has changes), or None."""
    here = Path(__file__).resolve().parent
    if not (here.parents[1] / ".git").exists():
        return None  # an installed copy, not a checkout
    try:
        head = _git(here, "rev-parse", "--short", "HEAD")
        dirty = _git(here, "status", "--porcelain", "--", str(here))
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+" if dirty else "") if head else None


def _git(cwd, *args):
    """What ``git ARGS`` prints in ``cwd``, stripped; raises if git fails or hangs."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
    ).stdout.strip()


def machine(load_before=None):
    """Where a run happened, for results.json: the numbers mean little without it.

    ``load_before``: the load average when the run started (now is the other end).
    """
    threads = {
        key: os.environ[key]
        for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
        if key in os.environ
    }
    return {
        "platform": platform.platform(),
        "processor": _cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        **threads,
        "load_average": [load_before, load_average()],
    }


def load_average():
    """The 1-minute load average (None where the OS has none): a busy machine's seconds
    are not a quiet one's.
    """
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
