"""No orphans: kill -9 of a sweep takes its workers (and the resource tracker) with it,
and a resumed sweep never runs a point beside a stale worker (Linux: /proc is read).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ml4phys
from ml4phys.sweeps import processes

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="needs Linux's /proc"
)

ROOT = Path(__file__).resolve().parents[2]
TOY = "tests.sweeps.experiment_for_tests"


def session_members(sid):
    """Pids of the live (non-zombie) processes of session ``sid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state, ppid, pgrp, sid
            members.append(int(entry.name))
    return members


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_kill_9_of_a_sweep_leaves_no_orphan_and_the_resumed_sweep_completes(
    backend, tmp_path
):
    if backend == "dask":
        pytest.importorskip("dask.distributed")
    out = tmp_path / "sweep"
    script = (
        "import ml4phys\n"
        f"ml4phys.sweep({TOY!r}, {{'x': list(range(8))}}, fixed={{'sleep': 0.4}}, "
        f"backend={backend!r}, jobs=2, out={str(out)!r}, progress=False, "
        "summary=False)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    sweep = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        running = lambda: list(out.glob("points/*/running.json"))
        assert wait_for(lambda: len(running()) >= 1, 60), "no point started"
        assert len(session_members(sweep.pid)) >= 3  # the sweep, 2 workers, ...
        os.kill(sweep.pid, signal.SIGKILL)
        sweep.wait()
        assert wait_for(lambda: not session_members(sweep.pid), 5), (
            f"orphans after 5 s: {session_members(sweep.pid)}"
        )
    finally:
        for pid in session_members(sweep.pid):
            os.kill(pid, signal.SIGKILL)
    table = ml4phys.sweep(
        TOY,
        {"x": list(range(8))},
        fixed={"sleep": 0.4},
        jobs=2,
        out=out,
        progress=False,
        summary=False,
    )
    assert len(table) == 8 and table["hash"].is_unique
    assert (table["state"] == "done").all()
    assert sorted(table["x"]) == list(range(8))
    assert not list(out.glob("points/*/running.json"))
    assert not list(out.rglob("*.tmp"))  # nothing half-written left behind


def fake_running_point(out, worker_pid, parent_pid):
    """A point folder whose running.json names ``worker_pid`` run by ``parent_pid``."""
    table = ml4phys.sweep(TOY, {"x": [1.0]}, jobs=1, out=out, progress=False)
    folder = out / "points" / table["hash"].item()
    (folder / "results.json").unlink()
    record = {"host": socket.gethostname(), "pid": worker_pid, "parent": parent_pid}
    (folder / "running.json").write_text(json.dumps(record))
    return folder


def test_a_resumed_sweep_kills_a_stale_worker_first(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a sweep that died: its pid is free
    stale = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        fake_running_point(tmp_path / "s", stale.pid, gone.pid)
        table = ml4phys.sweep(TOY, {"x": [1.0]}, jobs=1, out=tmp_path / "s")
        assert stale.wait(timeout=5) == -signal.SIGKILL  # killed before the rerun
        assert table["state"].item() == "done" and table.attrs["computed"] == 1
    finally:
        stale.kill()


def test_a_point_run_by_a_live_sweep_is_not_run_twice(tmp_path):
    sweep = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        fake_running_point(tmp_path / "s", worker.pid, sweep.pid)
        with pytest.raises(processes.SweepBusyError, match=f"process {worker.pid}"):
            ml4phys.sweep(TOY, {"x": [1.0]}, jobs=1, out=tmp_path / "s")
        assert worker.poll() is None  # left alone
    finally:
        sweep.kill()
        worker.kill()


def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import sys; from ml4phys.sweeps.processes import die_with_parent; "
        "print(die_with_parent(int(sys.argv[1])), flush=True); import time; "
        "time.sleep(60)', str(os.getpid())])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    child_pid = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() in ("prctl", "watchdog")
    parent.kill()
    parent.wait()
    assert wait_for(lambda: not processes.alive(child_pid), 5)
