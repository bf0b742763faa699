"""Rerun the commands of docs/results/manifest.txt into docs/results/<run-id>/.

Each manifest line is ``<run-id>  ml4phys run NAME [options]``. A run writes its
``results.json`` and PNG figures to a temporary folder; when it succeeds they replace the
run's previous ones (its ``notes.rst``, the commentary, stays). The code of this
checkout is used (``src/`` goes first on PYTHONPATH), and the commit is added to
results.json. The Results page of the docs is generated from these folders.

    python docs/record_results.py                  # every run (slow: hours for some)
    python docs/record_results.py --only fit2d,universality
    python docs/record_results.py --list           # the runs, with their state
    OPENBLAS_NUM_THREADS=1 nice -n 10 python docs/record_results.py --only ising-pca
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

sys.path.insert(0, str(ROOT / "src"))  # this checkout's ml4phys, as its runs use
from ml4phys.sweeps.processes import die_with_parent  # noqa: E402


def read_manifest(path=None):
    """[(run_id, words of the command), ...], in the manifest's order."""
    path = path or RESULTS / "manifest.txt"
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        run_id, _, command = line.partition(" ")
        words = shlex.split(command)
        if words[:2] != ["ml4phys", "run"] or len(words) < 3:
            raise SystemExit(
                f"{path}:{number}: expected '<run-id>  ml4phys run NAME ...'"
            )
        entries.append((run_id, words))
    return entries


def _commit():
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def record(run_id, words, timeout=None):
    """Run one command into RESULTS/run_id; return the seconds it took."""
    folder, scratch = RESULTS / run_id, RESULTS / f".{run_id}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
    )
    command = [
        sys.executable,
        "-m",
        "ml4phys",
        *words[1:],
        "--no-progress",
        "--out",
        str(scratch),
    ]
    start = time.perf_counter()
    try:
        # the run ends with this script, however it ends (no orphan writing results)
        subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            check=True,
            timeout=timeout,
            preexec_fn=die_with_parent,
        )
        record = json.loads((scratch / "results.json").read_text())
        record["commit"] = _commit()
        (scratch / "results.json").write_text(json.dumps(record, indent=2) + "\n")
        folder.mkdir(parents=True, exist_ok=True)
        for old in [*folder.glob("*.png"), folder / "results.json"]:
            old.unlink(missing_ok=True)
        for new in scratch.iterdir():
            shutil.move(str(new), folder / new.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return time.perf_counter() - start


def record_quick(names, timeout=None):
    """``ml4phys run NAME --quick`` for each name: only its results.json is kept, in
    RESULTS/quick/NAME/ (``ml4phys list`` shows its wall time); returns the failed.
    """
    failed = []
    for name in names:
        run_id = f"quick/{name}"
        print(f"== {run_id}", flush=True)
        try:
            seconds = record(run_id, ["ml4phys", "run", name, "--quick"], timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            print(f"== {run_id}: FAILED", flush=True)
            failed.append(run_id)
            continue
        for png in (RESULTS / run_id).glob("*.png"):
            png.unlink()  # the figures of the full runs are the ones shown
        print(f"== {run_id}: {seconds:.1f} s", flush=True)
    return failed


def _parser():
    """The options of this script."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated run ids (default: all)")
    parser.add_argument(
        "--missing", action="store_true", help="only runs not recorded yet"
    )
    parser.add_argument("--list", action="store_true", help="list the runs and stop")
    parser.add_argument(
        "--quick",
        metavar="NAMES",
        help="record `ml4phys run NAME --quick` of these experiments (comma-separated, "
        "or 'all') into results/quick/NAME/, for the times `ml4phys list` shows",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds per run before it is stopped"
    )
    return parser


def _selected(entries, only, missing):
    """The manifest entries that ``--only`` (comma-separated ids) and ``--missing`` keep."""
    if only:
        wanted = only.split(",")
        unknown = set(wanted) - {run_id for run_id, _ in entries}
        if unknown:
            raise SystemExit(f"not in the manifest: {', '.join(sorted(unknown))}")
        entries = [(r, w) for r, w in entries if r in wanted]
    if missing:
        entries = [
            (r, w) for r, w in entries if not (RESULTS / r / "results.json").exists()
        ]
    return entries


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.quick:
        sys.path.insert(0, str(ROOT / "src"))  # the ml4phys of this checkout
        from ml4phys import lab

        names = (
            list(lab.experiments()) if args.quick == "all" else args.quick.split(",")
        )
        failed = record_quick(names, args.timeout)
        print(f"failed: {', '.join(failed)}" if failed else "all recorded")
        return 1 if failed else 0
    entries = _selected(read_manifest(), args.only, args.missing)
    failed = []
    for run_id, words in entries:
        done = (RESULTS / run_id / "results.json").exists()
        if args.list:
            print(
                f"{run_id:28s} {'recorded' if done else 'missing ':8s}  {shlex.join(words)}"
            )
            continue
        print(f"== {run_id}: {shlex.join(words)}", flush=True)
        try:
            print(
                f"== {run_id}: {record(run_id, words, args.timeout):.1f} s", flush=True
            )
        except (
            subprocess.CalledProcessError,
            subprocess.TimeoutExpired,
            OSError,
        ) as error:
            print(f"== {run_id}: FAILED ({error})", flush=True)
            failed.append(run_id)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
