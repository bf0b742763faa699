"""The ``ml4phys`` command: ``list`` | ``run NAME`` | ``sweep NAME`` | ``data mnist|ising``.

``run`` turns the experiment's Config fields into options (``--batchsize 100``,
``--hidden 20,30``, ``--quick``), runs it with a progress bar, saves every figure as
``<out>/<name>.png`` and the numbers as ``<out>/results.json`` (each written atomically),
and prints the numbers. A user error prints one line and exits 1; ``--debug`` shows the
traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import __version__


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
            from .sweeps.cli import main as sweep

            return sweep(args.name, args.status, extra, args.debug)
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command == "data":
            return _data(args)
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
    commands.add_parser("list", help="list the experiments")
    run = commands.add_parser(
        "run", help="run an experiment (ml4phys run NAME --help)", add_help=False
    )
    run.add_argument("name")
    run.add_argument("--debug", action="store_true")
    sweep = commands.add_parser(
        "sweep",
        help="run an experiment over a grid of settings (ml4phys sweep NAME --help)",
        add_help=False,
    )
    sweep.add_argument("name", nargs="?")
    sweep.add_argument(
        "--status", metavar="DIR", help="show done / running / failed points"
    )
    sweep.add_argument("--debug", action="store_true")
    data = commands.add_parser("data", help="download or check a data set")
    data.add_argument("dataset", choices=["mnist", "ising"])
    data.add_argument(
        "--data-dir",
        help="folder for the files (default: ML4PHYS_DATA or the user cache)",
    )
    data.add_argument("--debug", action="store_true")
    _add_ising_options(data)
    return parser


def _add_ising_options(data):
    group = data.add_argument_group(
        "ising (Monte Carlo configurations, cached as .npz)"
    )
    group.add_argument("--L", type=int, default=20, help="lattice size (default: 20)")
    group.add_argument(
        "--temperatures",
        default="1.0:3.5:40",
        help="START:STOP:COUNT or T1,T2,... (default: %(default)s)",
    )
    group.add_argument(
        "--n-samples",
        type=int,
        default=1000,
        help="configurations per temperature (default: 1000)",
    )
    group.add_argument("--equilibration", type=int, default=500)
    group.add_argument(
        "--spacing",
        type=int,
        default=None,
        help="updates between samples (default: ceil(2 tau) per T)",
    )
    group.add_argument(
        "--algorithm", choices=["auto", "metropolis", "wolff"], default="auto"
    )
    group.add_argument("--seed", type=int, default=0)


def _list():
    from . import lab

    for name, module in lab.experiments().items():
        print(f"{name:24s} {module.DESCRIPTION}")
    return 0


def _run(name, argv, debug):
    from . import lab
    from .lab.base import config_dict

    module = lab.get(name)
    parser = argparse.ArgumentParser(
        prog=f"ml4phys run {name}", description=module.__doc__
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("ml4phys-out") / name,
        help="folder for figures and results.json (default: %(default)s)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    for field in dataclasses.fields(module.Config):
        _add_option(parser, field)
    args = parser.parse_args(argv)
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(module.Config)}
    config = module.Config(**values)

    progress = None
    if not args.no_progress:
        from tqdm.auto import tqdm as progress
    load_before = _load_average()
    start = time.perf_counter()
    result = module.run(config, progress=progress)
    elapsed = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    for figure_name, figure in result.figures.items():
        _save_figure(figure, args.out / f"{figure_name}.png")
    record = {
        "experiment": name,
        "ml4phys_version": __version__,
        "config": config_dict(config),
        "numbers": result.numbers,
        "seconds": round(elapsed, 3),
        "command": shlex.join(["ml4phys", "run", name, *argv]),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {**_machine(), "load_average": [load_before, _load_average()]},
    }
    _write_text(args.out / "results.json", json.dumps(record, indent=2) + "\n")
    for key, value in result.numbers.items():
        print(f"{key:24s} {_short(value)}")
    print(
        f"{len(result.figures)} figures and results.json in {args.out} ({elapsed:.1f} s)"
    )
    return 0


def _machine():
    """Where a run happened, for results.json: the numbers mean little without it."""
    import os
    import platform

    import numpy as np

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
    }


def _load_average():
    """The 1-minute load average (None where the OS has none): a busy machine's seconds
    are not a quiet one's.
    """
    import os

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
    import platform

    return platform.processor() or "unknown"


def _add_option(parser, field):
    option = "--" + field.name.replace("_", "-")
    default = field.default
    if isinstance(default, bool):
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            action=argparse.BooleanOptionalAction,
        )
    elif isinstance(default, tuple):
        kind = type(default[0]) if default else int
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            metavar="A,B,...",
            type=lambda text: tuple(kind(v) for v in text.split(",") if v),
            help=f"comma-separated (default: {','.join(map(str, default))})",
        )
    else:
        kind = type(default) if default is not None else str
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            type=kind,
            help="(default: %(default)s)",
        )


def _save_figure(figure, path):
    from .common.files import write_atomic

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    write_atomic(path, lambda f: f.write(buffer.getvalue()))


def _write_text(path, text):
    from .common.files import write_atomic

    write_atomic(path, lambda f: f.write(text.encode()))


def _short(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    text = json.dumps(value)
    return text if len(text) < 70 else text[:67] + "..."


def _data(args):
    if args.dataset == "mnist":
        from .data import mnist

        folder = mnist.fetch(data_dir=args.data_dir)
        print(f"MNIST is in {folder}")
    elif args.dataset == "ising":
        return _data_ising(args)
    return 0


def _data_ising(args):
    from tqdm.auto import tqdm

    from .physics import sampling

    temperatures = _temperature_list(args.temperatures)
    start = time.perf_counter()
    samples, path = sampling.dataset(
        args.L,
        temperatures,
        args.n_samples,
        equilibration=args.equilibration,
        spacing=args.spacing,
        algorithm=args.algorithm,
        seed=args.seed,
        data_dir=args.data_dir,
        progress=tqdm,
    )
    n_t, n = samples.spins.shape[:2]
    print(
        f"{n_t} temperatures x {n} configurations of {args.L}x{args.L} in {path} "
        f"({time.perf_counter() - start:.1f} s)"
    )
    print(
        f"{'T':>6s} {'tau':>6s} {'spacing':>7s} {'energy':>9s} {'|m|':>7s}  algorithm"
    )
    obs = samples.observables
    for i, t in enumerate(samples.temperatures):
        print(
            f"{t:6.3f} {samples.tau[i]:6.2f} {samples.spacing[i]:7d} "
            f"{obs['energy'][i]:9.4f} {obs['abs_magnetization'][i]:7.4f}  "
            f"{samples.algorithm[i]}"
        )
    return 0


def _temperature_list(text):
    """'1.0:3.5:40' (linspace) or '1.5,2.0,3.0' -> list of floats."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            import numpy as np

            return np.linspace(float(start), float(stop), int(count)).tolist()
        return [float(v) for v in text.split(",") if v]
    except ValueError:
        raise ValueError(
            f"--temperatures: expected START:STOP:COUNT or T1,T2,..., received {text!r}"
        ) from None
