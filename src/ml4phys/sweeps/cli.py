"""``ml4phys sweep NAME [options]`` and ``ml4phys sweep --status DIR``.

The experiment's Config fields are options too (``--quick``, ``--batches 50``): they fix
a value for every point. A field whose name clashes with a sweep option (fit2d's
``grid``) is set with a one-value grid: ``--grid grid=50``. Exit status: 0 when every
point is done, 1 when some failed or were lost (the table says which), or on an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from .. import options
from . import experiment_module, sweep
from .points import parse_grid, parse_range, parse_seeds
from .store import folder_status

__all__ = ["main"]


def main(name, status, argv, debug=False) -> int:
    """Run a sweep of experiment ``name`` with options ``argv``, or show ``status``."""
    if status is not None:
        if name is not None or argv:
            raise ValueError("--status DIR takes no experiment or other options")
        return show_status(Path(status))
    if name is None or name in ("-h", "--help"):
        _parser(None).print_help()
        return 0
    module = experiment_module(name)
    args = _parser(module).parse_args(argv)
    grid = dict(parse_grid(text) for text in args.grid)
    ranges = dict(parse_range(text) for text in args.range)
    fixed = {key: getattr(args, key) for key in _config_options(module)}
    options.check_values(module.NAME, module.Config, fixed)
    try:
        table = sweep(
            module,
            grid,
            seeds=None if args.seeds is None else parse_seeds(args.seeds),
            fixed=fixed,
            ranges=ranges,
            random=args.random,
            random_seed=args.random_seed,
            backend=args.backend,
            jobs=args.jobs,
            address=args.address,
            cluster=args.cluster,
            out=args.out,
            formats=args.format or ["csv"],
            progress=not args.no_progress,
            save_figures=not args.no_figures,
            summary=not args.no_summary,
        )
    except KeyboardInterrupt:
        print(
            "\nml4phys sweep: interrupted; the finished points are kept, run the same "
            "command again to compute the rest",
            file=sys.stderr,
        )
        return 130
    return _report(table)


# long by design: an argparse option table (CONTRIBUTING.md, Sizes)
def _parser(module):
    name = getattr(module, "NAME", "NAME")
    parser = argparse.ArgumentParser(
        prog=f"ml4phys sweep {name}",
        description=__doc__.splitlines()[0],
        epilog="The experiment's own options fix a value for every point.",
    )
    add = parser.add_argument
    add(
        "--grid",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="vary a Config field over values (repeat for a product; tuple fields: "
        "A,B/C,D)",
    )
    add(
        "--random",
        type=int,
        default=0,
        metavar="N",
        help="N random points from --range",
    )
    add(
        "--range",
        action="append",
        default=[],
        metavar="KEY=LO:HI[:log]",
        help="a range to draw --random points from (uniform, or log-uniform)",
    )
    add("--random-seed", type=int, default=0, help="seed of the random draws")
    add(
        "--seeds",
        metavar="0-4",
        help="seeds per point: 0-4 or 0,2,5 (default: the Config's seed)",
    )
    add(
        "--backend",
        choices=["local", "dask"],
        help="local (default) or dask (the default with --address or --cluster)",
    )
    add("--jobs", type=int, help="worker processes (default: the number of cores)")
    add("--address", help="dask: a running scheduler, e.g. tcp://host:8786")
    add("--cluster", type=Path, help="dask: a dask_jobqueue YAML file (docs/sweep.md)")
    add("--out", type=Path, help=f"the sweep's folder (default: ml4phys-sweeps/{name})")
    add(
        "--format",
        action="append",
        choices=["csv", "parquet"],
        help="the table's file, repeatable: csv (default) or parquet (needs pyarrow: "
        'pip install "ml4phys[sweep]")',
    )
    add("--no-progress", action="store_true", help="no progress bar")
    add("--no-figures", action="store_true", help="do not save each point's figures")
    add("--no-summary", action="store_true", help="no summary figures")
    if module is not None:
        skip = {f.name for f in dataclasses.fields(module.Config)} - set(
            _config_options(module)
        )
        options.add_config_options(parser, name, module.Config, skip=skip)
    return parser


_SWEEP_OPTIONS = {
    "grid",
    "random",
    "range",
    "random_seed",
    "seeds",
    "backend",
    "jobs",
    "address",
    "cluster",
    "out",
    "format",
    "no_progress",
    "no_figures",
    "no_summary",
    "help",
    "status",
    "debug",
}


def _config_options(module):
    """The Config fields that get their own option (not clashing with the sweep's)."""
    return [
        f.name
        for f in dataclasses.fields(module.Config)
        if f.name not in _SWEEP_OPTIONS
    ]


def _report(table):
    counts = table["state"].value_counts().to_dict()
    out = table.attrs["out"]
    print(
        f"{len(table)} points ({table.attrs['computed']} computed now): "
        + ", ".join(f"{count} {state}" for state, count in counts.items())
    )
    for _, row in table[table["state"] != "done"].iterrows():
        params = {key: row[key] for key in table.attrs["params"]}
        where = _params({"params": params, "seed": row["seed"]})
        error = f": {row['error']}" if row["error"] else ""
        print(f"  {row['state']:6s} {row['hash']} {where}{error}")
    files = " and ".join(f"table.{f}" for f in table.attrs["formats"])
    print(f"table in {out}/{files}; points in {out}/points/")
    return 0 if counts.get("done", 0) == len(table) else 1


def show_status(out):
    """Print done / running / failed / missing for the points under ``out``."""
    if not (out / "points").is_dir() and not (out / "sweep.json").exists():
        raise ValueError(f"{out} is not a sweep folder (no points/ or sweep.json)")
    groups = folder_status(out)
    print(f"{out}: " + ", ".join(f"{len(v)} {k}" for k, v in groups.items()))
    for detail in groups["running"]:
        stale = "  (process gone)" if detail.get("stale") else ""
        print(
            f"  running {detail['hash']} {_params(detail)} on {detail.get('host')} "
            f"pid {detail.get('pid')}{stale}"
        )
    for detail in groups["failed"]:
        print(f"  failed  {detail['hash']} {_params(detail)}: {detail.get('error')}")
    sys.stdout.flush()
    return 0 if not (groups["failed"] or groups["running"] or groups["missing"]) else 1


def _params(detail):
    params = ", ".join(f"{k}={v}" for k, v in (detail.get("params") or {}).items())
    return f"({params}, seed={detail.get('seed')})"
