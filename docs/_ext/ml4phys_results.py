"""Sphinx extension: the Results page, generated from the committed runs.

Each folder ``docs/results/<run-id>/`` holds what ``ml4phys run NAME --out FOLDER`` wrote
(``results.json`` and the PNG figures) and, optionally, ``notes.rst``: the commentary on
that run, included as written. ``docs/results/manifest.txt`` lists the runs in the order
of the page (``<run-id>  ml4phys run ...``, see ``docs/record_results.py``); folders not
listed come after, sorted. On ``builder-inited`` this writes ``docs/results.rst``.
"""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

HEADER = """\
Results
=======

Measured results of the lab's experiments: for each run, the command that produced it,
the machine it ran on, its numbers and its figures, read from the ``results.json`` that
``ml4phys run`` wrote. The runs live in ``docs/results/<run-id>/``; to measure them
again, ``python docs/record_results.py`` reruns the commands of
``docs/results/manifest.txt`` (``--only RUN-ID`` for one). Times are wall times on the
machine named, which may have been shared with other work.

.. contents:: Runs
   :local:
   :depth: 1

"""


def read_manifest(path):
    """[(run_id, command), ...] from manifest.txt: ``run-id  ml4phys run ...`` lines."""
    entries = []
    if not path.exists():
        return entries
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        run_id, _, command = line.partition(" ")
        entries.append((run_id, command.strip()))
    return entries


def run_folders(results_dir):
    """The run folders in page order: the manifest's first, then the others, sorted.

    A folder counts when it holds results.json or notes.rst (a run not recorded here
    yet, whose notes keep an earlier measurement)."""
    listed = [run_id for run_id, _ in read_manifest(results_dir / "manifest.txt")]
    present = {p.name for p in results_dir.iterdir()
               if (p / "results.json").exists() or (p / "notes.rst").exists()}
    order = [r for r in listed if r in present] + sorted(present - set(listed))
    return [results_dir / run_id for run_id in order]


def display_command(command):
    """The recorded command without the output folder and progress options."""
    words, shown, skip = shlex.split(command), [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--out":
            skip = True
        elif not (word.startswith("--out=") or word == "--no-progress"):
            shown.append(word)
    return shlex.join(shown)


def format_value(value):
    """A number or a list as short text: floats to 4 significant digits."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    values = list(value)
    flat = _flatten(values)
    if len(flat) <= 8:
        return "[" + ", ".join(format_value(v) for v in values) + "]"
    numeric = [v for v in flat if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numeric) == len(flat):
        finite = [v for v in numeric if math.isfinite(v)]
        summary = f"{len(flat)} values, first {format_value(flat[0])}, last {format_value(flat[-1])}"
        if finite:
            summary += f", min {format_value(min(finite))}, max {format_value(max(finite))}"
        return summary
    return f"{len(flat)} values: " + ", ".join(format_value(v) for v in flat[:4]) + ", ..."


def _flatten(values):
    flat = []
    for v in values:
        flat.extend(_flatten(v) if isinstance(v, (list, tuple)) else [v])
    return flat


def _rst_cell(text):
    return str(text).replace("|", "\\|").replace("*", "\\*").replace("`", "\\`") or " "


def numbers_table(numbers):
    """A list-table of the run's numbers (nested dicts flattened to ``a.b``)."""
    rows = list(_items(numbers))
    if not rows:
        return ""
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 70", "",
             "   * - number", "     - value"]
    for key, value in rows:
        lines += [f"   * - ``{key}``", f"     - {_rst_cell(format_value(value))}"]
    return "\n".join(lines) + "\n"


def _items(numbers, prefix=""):
    for key, value in numbers.items():
        if isinstance(value, dict) and value and len(json.dumps(value)) > 80:
            yield from _items(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def machine_text(machine):
    if not machine:
        return "not recorded"
    parts = [machine.get("processor", "?"), f"{machine.get('cores', '?')} cores",
             machine.get("platform", "?"), f"Python {machine.get('python', '?')}",
             f"NumPy {machine.get('numpy', '?')}"]
    threads = [f"{k}={machine[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
               if k in machine]
    return ", ".join(parts + threads)


def wall_time(seconds):
    if seconds is None:
        return "not recorded"
    minutes, seconds = divmod(float(seconds), 60)
    return f"{int(minutes)} min {seconds:.0f} s" if minutes else f"{seconds:.1f} s"


def run_section(folder, srcdir, command=None):
    """The rst of one run: title, notes, command, machine, numbers, figures."""
    path = folder / "results.json"
    record = json.loads(path.read_text()) if path.exists() else None
    name = record.get("experiment", folder.name) if record else folder.name
    title = f"{name}" if name == folder.name else f"{name}: {folder.name}"
    out = [f".. _results-{folder.name}:", "", title, "-" * len(title), ""]
    notes = folder / "notes.rst"
    if notes.exists():
        out += [notes.read_text().rstrip(), ""]
    command = record.get("command") if record else command
    if command:
        out += [".. code-block:: bash", "", f"   {display_command(command)}", ""]
    if record is None:
        out += [".. note::", "",
                "   Not recorded in this store yet: "
                f"``python docs/record_results.py --only {folder.name}``.", ""]
        return "\n".join(out) + "\n"
    out += [f":Finished: {record.get('finished', 'not recorded')}",
            f":Wall time: {wall_time(record.get('seconds'))}",
            f":Machine: {_rst_cell(machine_text(record.get('machine')))}",
            f":Code: ml4phys {record.get('ml4phys_version', '?')}"
            + (f", commit ``{record['commit']}``" if record.get("commit") else ""), ""]
    table = numbers_table(record.get("numbers", {}))
    if table:
        out += [table]
    relative = folder.relative_to(srcdir).as_posix()
    for png in sorted(folder.glob("*.png")):
        out += [f".. figure:: /{relative}/{png.name}", "   :width: 600px", "",
                f"   ``{png.stem}``", ""]
    return "\n".join(out) + "\n"


def write_results_page(srcdir, results_dir="results", target="results.rst"):
    """Generate ``target`` from the runs in ``results_dir`` (both relative to srcdir)."""
    srcdir = Path(srcdir)
    folder = srcdir / results_dir
    commands = dict(read_manifest(folder / "manifest.txt"))
    sections = ([run_section(run, srcdir, commands.get(run.name)) for run in run_folders(folder)]
                if folder.exists() else [])
    text = HEADER + ("\n".join(sections) if sections else "No runs recorded yet.\n")
    path = srcdir / target
    if not path.exists() or path.read_text() != text:  # unchanged: no rebuild
        path.write_text(text)
    return path


def _builder_inited(app):
    write_results_page(app.srcdir, app.config.ml4phys_results_dir)


def setup(app):
    app.add_config_value("ml4phys_results_dir", "results", "env")
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
