"""ml4phys.sweep (package ml4phys.sweeps): grids, stable hashes, resume, failures, backends."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ml4phys
from ml4phys.cli import main
from ml4phys.lab import fit2d
from ml4phys.sweeps import expand, point_hash
from ml4phys.sweeps.points import parse_seeds

TOY = "tests.sweeps.experiment_for_tests"
ROOT = Path(__file__).resolve().parents[2]
# a tiny fit2d: a few dozen batches of a small net, no figures
TINY = {"batches": 30, "batchsize": 20, "hidden": (5,), "grid": 5}


def _numbers(table):
    """The table without what differs from run to run (wall time, host)."""
    return table.drop(columns=["seconds", "host"]).reset_index(drop=True)


def test_grid_values_take_the_config_types_and_seeds_are_innermost():
    points = expand(
        "fit2d",
        fit2d.Config,
        {"eta": "1,3", "hidden": "20,30/5"},
        seeds=parse_seeds("0-1"),
        fixed={"quick": "true"},
    )
    assert len(points) == 2 * 2 * 2
    first = points[0]
    assert first.params == {"eta": 1.0, "hidden": (20, 30)}
    assert isinstance(first.config["eta"], float) and first.config["quick"] is True
    assert [p.seed for p in points[:2]] == [0, 1]
    assert points[2].params["hidden"] == (5,)
    assert parse_seeds("0,3,7-8") == [0, 3, 7, 8]
    with pytest.raises(ValueError, match="no field 'etaa'"):
        expand("fit2d", fit2d.Config, {"etaa": [1]})
    with pytest.raises(ValueError, match="batches: cannot read"):
        expand("fit2d", fit2d.Config, {"batches": "ten"})


def test_random_points_are_reproducible_and_inside_the_range():
    draw = lambda seed: expand(
        "fit2d",
        fit2d.Config,
        ranges={"eta": (0.01, 10, "log"), "batches": "10:20"},
        random=5,
        random_seed=seed,
    )
    first, again = draw(0), draw(0)
    assert [p.hash for p in first] == [p.hash for p in again]
    assert [p.hash for p in first] != [p.hash for p in draw(1)]
    assert all(0.01 <= p.params["eta"] <= 10 for p in first)
    assert all(
        isinstance(p.params["batches"], int) and 10 <= p.params["batches"] <= 20
        for p in first
    )


def _python_output(code, **env):
    """What ``python -c code`` prints (stripped), in a fresh process on this checkout."""
    env = {**os.environ, **env, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_hashes_are_stable_across_processes_and_sessions():
    config = {"x": 1.5, "n": 2, "hidden": [20, 30], "name": "bump"}
    here = point_hash("sweep-test", config, 3)
    code = (
        "from ml4phys.sweeps import point_hash; print(point_hash('sweep-test', "
        "{'name': 'bump', 'hidden': [20, 30], 'n': 2, 'x': 1.5}, 3))"
    )
    there = _python_output(code, PYTHONHASHSEED="123")
    assert here == there == "4e20d6c719762a4b"  # and the same as when this was written
    assert here != point_hash("sweep-test", config, 4)


def test_sweep_writes_points_table_and_summary_and_shares_finished_points(tmp_path):
    table = ml4phys.sweep(
        TOY,
        {"x": [0, 1, 2], "n": [1, 2]},
        seeds=[0, 1],
        jobs=1,
        out=tmp_path,
        formats=("csv", "parquet"),
        progress=False,
    )
    assert len(table) == 12 and table.attrs["computed"] == 12
    assert (table["state"] == "done").all()
    row = table[(table["x"] == 2) & (table["n"] == 1) & (table["seed"] == 1)].iloc[0]
    assert row["y"] == pytest.approx(5.1) and row["nested.z"] == -2.0
    assert json.loads(row["list"]) == [1, 1]
    folder = tmp_path / "points" / row["hash"]
    assert json.loads((folder / "config.json").read_text())["config"]["x"] == 2.0
    assert json.loads((folder / "results.json").read_text())["numbers"]["y"] == row["y"]
    import pandas as pd

    assert pd.read_csv(tmp_path / "table.csv").shape == table.shape
    assert (
        pd.read_parquet(tmp_path / "table.parquet")["y"].tolist() == table["y"].tolist()
    )
    assert (tmp_path / "summary" / "y.png").exists()
    assert (tmp_path / "summary" / "y_heatmap.png").exists()
    # a second sweep into the same folder reuses the 4 points it shares with the first
    again = ml4phys.sweep(
        TOY,
        {"x": [2, 3], "n": [1, 2]},
        seeds=[0],
        jobs=1,
        out=tmp_path,
        progress=False,
        summary=False,
    )
    assert again.attrs["computed"] == 2 and (again["state"] == "done").all()


def test_cli_random_points_and_seeds(tmp_path, capsys):
    argv = [
        "sweep",
        TOY,
        "--random",
        "3",
        "--range",
        "x=1:100:log",
        "--grid",
        "n=1,2",
        "--seeds",
        "0-1",
        "--jobs",
        "1",
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    assert main(argv) == 0
    assert "12 points (12 computed now): 12 done" in capsys.readouterr().out
    import pandas as pd

    table = pd.read_csv(tmp_path / "table.csv")
    assert list(table.columns[:3]) == ["n", "x", "seed"]
    assert table["x"].nunique() == 3 and table["x"].between(1, 100).all()
    assert (tmp_path / "summary" / "y_heatmap.png").exists()
    assert main([*argv, "--no-summary"]) == 0  # again: nothing left to compute
    assert "(0 computed now)" in capsys.readouterr().out


def test_a_failing_point_is_recorded_and_the_others_complete(tmp_path, capsys):
    code = main(
        [
            "sweep",
            TOY,
            "--grid",
            "x=0,1,2,3",
            "--fail-at",
            "2",
            "--jobs",
            "1",
            "--out",
            str(tmp_path),
            "--no-progress",
            "--no-summary",
        ]
    )
    assert code == 1
    assert "3 done, 1 failed" in capsys.readouterr().out
    states = {
        json.loads((f / "config.json").read_text())["params"]["x"]: (
            "done" if (f / "results.json").exists() else "failed"
        )
        for f in (tmp_path / "points").iterdir()
    }
    assert states == {0.0: "done", 1.0: "done", 2.0: "failed", 3.0: "done"}
    failed = next(
        f for f in (tmp_path / "points").iterdir() if (f / "error.json").exists()
    )
    error = json.loads((failed / "error.json").read_text())
    assert error["error"] == "ValueError: x = 2.0 is the failing point"
    assert (
        "Traceback" in error["traceback"]
        and "experiment_for_tests.py" in error["traceback"]
    )
    assert main(["sweep", "--status", str(tmp_path)]) == 1
    assert "3 done, 1 failed" in capsys.readouterr().out


def test_local_pool_and_dask_local_cluster_give_the_same_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    grid = {"eta": [1.0, 3.0, 10.0], "batchsize": [10, 20]}
    kwargs = {
        "seeds": [0, 1],
        "fixed": TINY,
        "jobs": 2,
        "progress": False,
        "save_figures": False,
        "summary": False,
    }
    local = ml4phys.sweep(
        "fit2d", grid, backend="local", out=tmp_path / "local", **kwargs
    )
    # a scheduler already running, reached by its address (as on a cluster)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = ml4phys.sweep(
            "fit2d",
            grid,
            address=cluster.scheduler_address,
            out=tmp_path / "dask",
            **kwargs,
        )
    assert len(local) == 12 and (local["state"] == "done").all()
    assert local["final_cost"].nunique() > 6  # the points really differ
    assert _numbers(local).equals(_numbers(dask))


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_killing_a_worker_loses_no_finished_point(backend, tmp_path, capsys):
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    marker = tmp_path / "kill-worker"
    marker.touch()
    grid = {"x": list(range(12))}
    fixed = {"die_at": 5.0, "marker": str(marker), "sleep": 0.05}
    # Dask: a lost worker's points fail at once instead of being retried on the other
    # worker, so the first sweep ends with points missing, as a killed batch job would.
    # local: the broken pool loses the points in flight, a fresh pool runs the rest.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        first = ml4phys.sweep(
            TOY,
            grid,
            fixed=fixed,
            backend=backend,
            jobs=2,
            out=tmp_path / "sweep",
            progress=False,
            summary=False,
        )
    lost = first[first["state"] != "done"]
    threads = first.loc[first["state"] == "done", "omp_threads"]
    assert (threads == max(1, os.cpu_count() // 2)).all()  # processes x threads = cores
    assert first.loc[first["x"] == 5, "state"].item() == "lost"
    assert set(lost["state"]) == {"lost"} and 1 <= len(lost) <= 4
    points = tmp_path / "sweep" / "points"
    finished = {
        h: (points / h / "results.json").stat().st_mtime_ns
        for h in first.loc[first["state"] == "done", "hash"]
    }
    assert all((points / h / "results.json").exists() for h in finished)

    main(["sweep", "--status", str(tmp_path / "sweep")])
    status = capsys.readouterr().out
    assert f"{12 - len(lost)} done" in status and "(process gone)" in status

    marker.unlink()  # the worker no longer dies
    second = ml4phys.sweep(
        TOY,
        grid,
        fixed=fixed,
        jobs=1,
        out=tmp_path / "sweep",
        progress=False,
        summary=False,
    )
    assert second.attrs["computed"] == len(lost)
    assert (second["state"] == "done").all()
    assert {
        h: (points / h / "results.json").stat().st_mtime_ns for h in finished
    } == finished


def test_a_slurm_cluster_comes_from_a_small_yaml_file(tmp_path):
    pytest.importorskip("dask_jobqueue")
    from ml4phys.sweeps.backends import cluster_from_yaml

    spec = tmp_path / "slurm.yaml"
    spec.write_text(
        "kind: slurm\njobs: 0\ncores: 16\nprocesses: 8\nmemory: 32GB\n"
        "walltime: '02:00:00'\nqueue: standard\naccount: myproject\n"
        "job_script_prologue: ['export OMP_NUM_THREADS=2']\n"
    )
    cluster = cluster_from_yaml(spec)  # no job is submitted: jobs = 0
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    for line in (
        "#SBATCH -p standard",
        "#SBATCH -A myproject",
        "#SBATCH -t 02:00:00",
        "export OMP_NUM_THREADS=2",
        "--nworkers 8",
    ):
        assert line in script
    spec.write_text("kind: nosuch\n")
    with pytest.raises(ValueError, match="unknown cluster kind 'nosuch'"):
        cluster_from_yaml(spec)


def test_ml4phys_sweep_is_callable_and_imports_stay_light():
    code = (
        "import sys, ml4phys; assert callable(ml4phys.sweep); "
        "print(sorted(m for m in ('numpy', 'pandas', 'dask') if m in sys.modules))"
    )
    loaded = _python_output(code)
    assert loaded == "[]"  # NumPy, pandas and Dask load when a sweep runs, not before


def test_parquet_without_pyarrow_names_the_extra_before_any_point_runs(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    argv = ["sweep", TOY, "--grid", "x=0,1", "--format", "parquet"]
    assert main([*argv, "--out", str(tmp_path), "--no-progress"]) == 1
    error = capsys.readouterr().err
    assert "--format parquet needs pyarrow" in error
    assert 'pip install "ml4phys[sweep]"' in error
    assert not (tmp_path / "points").exists()


def test_csv_is_the_default_table(tmp_path):
    table = ml4phys.sweep(TOY, {"x": [0]}, jobs=1, out=tmp_path, progress=False)
    assert table.attrs["formats"] == ("csv",)
    assert (tmp_path / "table.csv").exists()
    assert not (tmp_path / "table.parquet").exists()
