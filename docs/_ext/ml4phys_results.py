"""Sphinx extension: the Results page, generated from the committed runs.

Each folder ``docs/results/<run-id>/`` holds what ``ml4phys run NAME --out FOLDER`` wrote
(``results.json`` and the PNG figures) and, optionally, ``notes.rst``: the commentary on
that run, included as written. ``docs/results/manifest.txt`` lists the runs in the order
of the page (``<run-id>  ml4phys run ...``, see ``docs/record_results.py``); folders not
listed come after, sorted. On ``builder-inited`` this writes ``docs/results.rst`` (an
index), one page per lecture topic, ``docs/results-topics/<topic>.rst`` (the topics of
``ml4phys.lab.base.TOPICS``), and ``docs/landing-grid.rst``: a grid of one figure per
topic, each linking to its topic page, included by the landing page.
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
machine named, which may have been shared with other work; the code is the commit
named. Runs not recorded here yet show the measurement of an earlier version, with its
date and branch, in their notes: rerunning on the current code can differ in the last
digits (the engine's rounding has changed in places since).

One page per lecture topic:

.. toctree::
   :maxdepth: 1

"""

TOPIC_HEADER = """\
{title}: results
{underline}

Measured results of the experiments of :doc:`/topics/{topic}`, each from the
``results.json`` that ``ml4phys run`` wrote (see :doc:`/results`).

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
    yet, whose notes keep an earlier measurement).
    """
    listed = [run_id for run_id, _ in read_manifest(results_dir / "manifest.txt")]
    present = {
        p.name
        for p in results_dir.iterdir()
        if (p / "results.json").exists() or (p / "notes.rst").exists()
    }
    order = [r for r in listed if r in present] + sorted(present - set(listed))
    return [results_dir / run_id for run_id in order]


def display_command(command):
    """The recorded command without the output folder and progress options."""
    # the same words as the figures' footers
    from ml4phys.report import shown_command

    return shown_command(shlex.split(command))


def format_value(value):
    """A number or a list as short text: floats to 4 significant digits."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = f"{value:.4g}"
        if float(text) == round(value) != value:  # 0.99998 is not 1
            text = f"{value:.6g}"
        return text
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    values = list(value)
    flat = _flatten(values)
    rows = [v for v in values if isinstance(v, (list, tuple))]
    if len(flat) > 10 and len(rows) == len(values) and len({len(r) for r in rows}) == 1:
        return (
            f"{len(rows)} rows of {len(rows[0])}: first {format_value(rows[0])}, "
            f"last {format_value(rows[-1])}"
        )
    if len(flat) <= 10:
        return "[" + ", ".join(format_value(v) for v in values) + "]"
    numeric = [
        v for v in flat if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]
    if len(numeric) == len(flat):
        finite = [v for v in numeric if math.isfinite(v)]
        summary = (
            f"{len(flat)} values, first {format_value(flat[0])},"
            f" last {format_value(flat[-1])}"
        )
        if finite:
            summary += (
                f", min {format_value(min(finite))}, max {format_value(max(finite))}"
            )
        return summary
    return (
        f"{len(flat)} values: " + ", ".join(format_value(v) for v in flat[:4]) + ", ..."
    )


def _flatten(values):
    flat = []
    for v in values:
        flat.extend(_flatten(v) if isinstance(v, (list, tuple)) else [v])
    return flat


def _rst_cell(text):
    return str(text).replace("|", "\\|").replace("*", "\\*").replace("`", "\\`") or " "


def _grouped(numbers):
    """(single [(name, value)], matrices {grandparent: [(label, row dict)]}, records
    [(path, list of dicts)]): the numbers sorted into the kinds of table they make.
    """
    groups, records = {}, []  # parent path -> [(key, value)]
    for path, value in _leaves(numbers):
        if _is_records(value):
            records.append((path, value))
        else:
            groups.setdefault(path[:-1], []).append((path[-1], value))
    siblings = {}  # grandparent -> its child groups
    for parent in groups:
        if parent:
            siblings.setdefault(parent[:-1], []).append(parent)
    single, matrices = [], {}
    for parent, items in groups.items():
        if parent and len(siblings[parent[:-1]]) >= 2:
            matrices.setdefault(parent[:-1], []).append((parent[-1], dict(items)))
        else:
            single += [(".".join(parent + (k,)), v) for k, v in items]
    return single, matrices, records


def numbers_table(numbers):
    """The run's numbers as rst tables.

    Nested dicts are flattened to ``a.b.c``. Sibling dicts (``eta.0.3``, ``eta.1``, ...)
    become one table, a row per dict and a column per key; equal-length lists side by
    side (a sweep: ``epsilon``, ``mean_steps``) and lists of dicts become a table with a
    row per entry. Everything else goes into a two-column table of name and value.
    """
    single, matrices, records = _grouped(numbers)
    tables = []
    if single:
        tables.append(
            _list_table(
                ["number", "value"],
                [[f"``{k}``", format_value(v)] for k, v in single],
                "30 70",
            )
        )
    for grandparent, rows in matrices.items():
        keys = list(dict.fromkeys(k for _, row in rows for k in row))
        table = _list_table(
            [" "] + [f"``{k}``" for k in keys],
            [
                [f"``{label}``"]
                + [format_value(row[k]) if k in row else " " for k in keys]
                for label, row in rows
            ],
        )
        tables.append(_caption(grandparent) + table)
    for path, rows in records:
        flat = [dict((".".join(p), v) for p, v in _leaves(row)) for row in rows]
        keys = list(dict.fromkeys(k for row in flat for k in row))
        tables.append(
            _caption(path)
            + _list_table(
                [f"``{k}``" for k in keys],
                [
                    [format_value(row[k]) if k in row else " " for k in keys]
                    for row in flat
                ],
            )
        )
    return "\n".join(tables)


def _caption(path):
    return f"``{'.'.join(path)}``:\n\n" if path else ""


def _is_records(value):
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(v, dict) and v for v in value)
    )


def _leaves(numbers, prefix=()):
    """(path, value) for every value that is not a dict; equal-length lists side by side
    (two or more, 2 to 50 entries) come as one list of dicts.
    """
    lengths = [len(v) for v in numbers.values() if isinstance(v, list)]
    common = max(set(lengths), key=lengths.count) if lengths else 0
    columns = [
        k
        for k, v in numbers.items()
        if isinstance(v, list)
        and len(v) == common
        and not any(isinstance(x, (list, dict)) for x in v)
    ]
    if len(columns) >= 2 and 2 <= common <= 50:
        yield (
            prefix + ("table",) if not prefix else prefix,
            [{k: numbers[k][i] for k in columns} for i in range(common)],
        )
    else:
        columns = []
    for key, value in numbers.items():
        if key in columns:
            continue
        if isinstance(value, dict) and value:
            yield from _leaves(value, prefix + (str(key),))
        else:
            yield prefix + (str(key),), value


def _list_table(header, rows, widths=None):
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {widths}")
    lines.append("")
    for row in [header] + rows:
        cells = [" ".join(str(c).split()) for c in row]  # one line per cell
        cells = [c if c.startswith("``") else _rst_cell(c) for c in cells]
        lines += [f"   * - {cells[0] or ' '}"] + [f"     - {c}" for c in cells[1:]]
    return "\n".join(lines) + "\n"


def machine_text(machine):
    if not machine:
        return "not recorded"
    parts = [
        machine.get("processor", "?"),
        f"{machine.get('cores', '?')} cores",
        machine.get("platform", "?"),
        f"Python {machine.get('python', '?')}",
        f"NumPy {machine.get('numpy', '?')}",
    ]
    threads = [
        f"{k}={machine[k]}"
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
        if k in machine
    ]
    load = machine.get("load_average")
    if isinstance(load, list) and len(load) == 2 and None not in load:
        threads.append(f"load average {load[0]} before the run, {load[1]} after")
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
        out += [
            ".. note::",
            "",
            "   Not recorded in this store yet: "
            f"``python docs/record_results.py --only {folder.name}``.",
            "",
        ]
        return "\n".join(out) + "\n"
    out += [
        f":Finished: {record.get('finished', 'not recorded')}",
        f":Wall time: {wall_time(record.get('seconds'))}",
        f":Machine: {_rst_cell(machine_text(record.get('machine')))}",
        f":Code: ml4phys {record.get('ml4phys_version', '?')}"
        + (f", commit ``{record['commit']}``" if record.get("commit") else ""),
        "",
    ]
    table = numbers_table(record.get("numbers", {}))
    if table:
        out += [table]
    out += _figures_rst(folder, srcdir)
    return "\n".join(out) + "\n"


def _figures_rst(folder, srcdir):
    """The rst lines of a run's PNGs, one figure each, captioned with the figure's name."""
    relative = folder.relative_to(srcdir).as_posix()
    out = []
    for png in sorted(folder.glob("*.png")):
        out += [
            f".. figure:: /{relative}/{png.name}",
            "   :width: 600px",
            "",
            f"   ``{png.stem}``",
            "",
        ]
    return out


def _topic_of(folder, commands):
    """The topic key of a run: its experiment's, from results.json or the manifest."""
    from ml4phys.lab.base import topic_of

    path = folder / "results.json"
    if path.exists():
        name = json.loads(path.read_text()).get("experiment", folder.name)
    else:
        words = shlex.split(commands.get(folder.name, "")) or ["", "", folder.name]
        name = words[2] if len(words) > 2 else folder.name
    return topic_of(name) or "other"


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:  # unchanged: no rebuild
        path.write_text(text)


def write_results_page(srcdir, results_dir="results", target="results.rst"):
    """Generate ``target`` (the index) and one page per topic under results-topics/.

    Returns the path of the index; the topic pages are listed in its toctree.
    """
    from ml4phys.lab.base import TOPICS

    srcdir = Path(srcdir)
    folder = srcdir / results_dir
    commands = dict(read_manifest(folder / "manifest.txt"))
    by_topic = {}
    for run in run_folders(folder) if folder.exists() else []:
        by_topic.setdefault(_topic_of(run, commands), []).append(run)
    titles = {key: title for key, (title, _) in TOPICS.items()}
    order = [key for key in TOPICS if key in by_topic] + sorted(
        set(by_topic) - set(TOPICS)
    )
    for key in order:
        title = titles.get(key, "Other experiments")
        sections = [
            run_section(run, srcdir, commands.get(run.name)) for run in by_topic[key]
        ]
        header = TOPIC_HEADER.format(
            title=title, underline="=" * (len(title) + 9), topic=key
        )
        if key not in titles:
            header = header.replace(
                f"the experiments of :doc:`/topics/{key}`", "other experiments"
            )
        _write(srcdir / "results-topics" / f"{key}.rst", header + "\n".join(sections))
    toc = "".join(f"   results-topics/{key}\n" for key in order)
    text = (
        HEADER + (toc if order else "") + ("" if order else "\nNo runs recorded yet.\n")
    )
    path = srcdir / target
    _write(path, text)
    _write(srcdir / "landing-grid.rst", landing_grid(srcdir, by_topic, titles))
    return path


# the figure each topic shows on the landing page: (run-id, figure), first found wins
LANDING = {
    "neurons": ("network-picture", "outputs"),
    "universality": ("universality", None),
    "learning-functions": ("fit2d", "function"),
    "mnist": ("mnist-robustness", None),
    "convolutional": ("mnist-conv", "filters"),
    "unsupervised": ("autoencoder", None),
    "recurrent": ("oscillators", None),
    "boltzmann": ("rbm-mnist", "filters"),
    "phases": ("ising-phases", None),
    "quantum": ("nqs-tfim", "energy"),
    "reinforcement": ("maze-policy-gradient", None),
}


def landing_grid(srcdir, by_topic, titles):
    """rst of a grid of figures, one per topic with a recorded figure, each a link."""
    cells = []
    for key, runs in by_topic.items():
        if key not in titles:
            continue
        run_id, figure = LANDING.get(key, (None, None))
        run = next((r for r in runs if r.name == run_id), runs[0])
        pngs = sorted(run.glob("*.png"))
        png = next((p for p in pngs if p.stem == figure), pngs[0] if pngs else None)
        if png is None:
            continue
        relative = png.relative_to(srcdir).as_posix()
        cells += [
            f".. figure:: /{relative}",
            f"   :target: topics/{key}.html",
            f"   :alt: {titles[key]}: {run.name}, {png.stem}",
            "",
            f"   :doc:`topics/{key}`",
            "",
        ]
    if not cells:
        return "No runs recorded yet.\n"
    return (
        ".. container:: ml4phys-grid\n\n"
        + "\n".join("   " + line if line else "" for line in cells)
        + "\n"
    )


def _builder_inited(app):
    write_results_page(app.srcdir, app.config.ml4phys_results_dir)


def setup(app):
    app.add_config_value("ml4phys_results_dir", "results", "env")
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
