"""The ``ml4phys`` command: ``list`` | ``run NAME`` | ``sweep NAME`` | ``data mnist|ising``.

``run`` turns the experiment's Config fields into options (``--batchsize 100``,
``--hidden 20,30``, ``--quick``; see ``ml4phys.options``), checks them and the output
folder before any work starts, runs it with a progress bar, saves every figure as
``<out>/<name>.png`` and the numbers as ``<out>/results.json`` (each written atomically),
and prints the headline numbers. A user error prints one line and exits 1; ``--debug``
shows the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from . import __version__, data_command, lab, options, report
from .lab.base import MNIST, TOPICS, config_dict, topic_of
from .plots.save import save_png
from .sweeps import cli as sweeps_cli
from .sweeps.store import write_json


def main(argv=None) -> int:
    """The ``ml4phys`` command; returns the exit status (0, or 1 on a user error)."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "run":
            return _run(args.name, extra, args.debug)
        if args.command == "sweep":
            return sweeps_cli.main(args.name, args.status, extra, args.debug)
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command == "data":
            return data_command.run(args)
        parser.print_help()
        return 0
    except (ValueError, KeyError, OSError, RuntimeError, ArithmeticError) as error:
        if getattr(args, "debug", False):
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"ml4phys: error: {message}", file=sys.stderr)
        return 1


def _parser():
    parser = argparse.ArgumentParser(
        prog="ml4phys", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--version", action="version", version=f"ml4phys {__version__}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "list",
        help="list the experiments: lecture topic, MNIST or not, recorded wall times",
    )
    run = commands.add_parser(
        "run", help="run an experiment (ml4phys run NAME --help)", add_help=False
    )
    run.add_argument("name")
    run.add_argument("--debug", action="store_true", help="show the full traceback")
    sweep = commands.add_parser(
        "sweep",
        help="run an experiment over a grid of settings (ml4phys sweep NAME --help)",
        add_help=False,
    )
    sweep.add_argument("name", nargs="?")
    sweep.add_argument(
        "--status", metavar="DIR", help="show done / running / failed points"
    )
    sweep.add_argument("--debug", action="store_true", help="show the full traceback")
    data = commands.add_parser("data", help="download or check a data set")
    data.add_argument("dataset", choices=["mnist", "ising"])
    data.add_argument(
        "--data-dir",
        help="folder for the files (default: ML4PHYS_DATA or the user cache)",
    )
    data.add_argument(
        "--refresh",
        action="store_true",
        help="download or generate the data again, even if a cached copy exists",
    )
    data.add_argument("--debug", action="store_true", help="show the full traceback")
    data_command.add_ising_options(data)
    return parser


def _list():
    """Each experiment: topic, whether it reads MNIST, recorded wall times, description."""
    seconds = report.recorded_seconds()
    rows = [("experiment", "topic", "MNIST", "full run", "--quick", "what it shows")]
    for name, module in lab.experiments().items():
        full = seconds.get(f"ml4phys run {name}")
        quick = seconds.get(f"ml4phys run {name} --quick")
        rows.append(
            (
                name,
                topic_of(name) or "-",
                MNIST.get(name, "no"),
                report.format_seconds(full),
                report.format_seconds(quick),
                module.DESCRIPTION,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [f"{cell:<{width}}" for cell, width in zip(row, widths)]
        print("  ".join(cells + [row[5]]))
    print(
        "\nTimes are wall times of the runs recorded in docs/results (on 2 shared "
        "cores);\n'-': not recorded. Topics are the pages of the docs' Topics: "
        + ", ".join(TOPICS)
        + "."
    )
    return 0


def _run_parser(name, module):
    parser = argparse.ArgumentParser(
        prog=f"ml4phys run {name}",
        description=module.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("ml4phys-out") / name,
        help="folder for figures and results.json (default: %(default)s)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    options.add_config_options(parser, name, module.Config)
    return parser


def _run(name, argv, debug):
    module = lab.get(name)
    args = _run_parser(name, module).parse_args(argv)
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(module.Config)}
    options.check_values(name, module.Config, values)
    options.check_out_dir(args.out)
    config = module.Config(**values)

    load_before = report.load_average()
    start = time.perf_counter()
    result = module.run(config, progress=None if args.no_progress else tqdm)
    elapsed = time.perf_counter() - start

    command = shlex.join(["ml4phys", "run", name, *argv])
    commit = report.commit()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [args.out / f"{figure_name}.png" for figure_name in result.figures]
    for path, figure in zip(paths, result.figures.values()):
        save_png(figure, path, footer=report.footer(command, __version__, commit))
    record = {
        "experiment": name,
        "ml4phys_version": __version__,
        **_configs(config, result.config or _effective(module, config)),
        "numbers": result.numbers,
        "seconds": round(elapsed, 3),
        "command": command,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": report.machine(load_before),
        **({"commit": commit} if commit else {}),
    }
    write_json(args.out / "results.json", record)
    _print_summary(name, module, result, paths, args.out, elapsed)
    return 0


def _effective(module, config):
    """The config as it runs: the experiment's ``settings(config)`` (or ``effective``)
    applies ``--quick`` and the defaults that depend on other fields.
    """
    for name in ("effective", "settings"):
        if hasattr(module, name):
            return getattr(module, name)(config)
    return None


def _configs(requested, effective):
    """results.json's config: the one that ran, and the one asked for where they differ."""
    asked = config_dict(requested)
    ran = asked if effective is None else config_dict(effective)
    return (
        {"config": ran} if ran == asked else {"config": ran, "requested_config": asked}
    )


def _print_summary(name, module, result, paths, out, elapsed):
    lines = report.headline_table(result.numbers, getattr(module, "HEADLINES", None))
    print(f"\n{name}: done in {elapsed:.1f} s")
    if lines:
        print("\n".join(lines))
    if paths:
        print("figures: " + ", ".join(str(p) for p in paths))
    print(f"numbers: {out / 'results.json'} (all of them, with the config and machine)")
