"""No orphans: worker processes end with their parent, and a resumed sweep never runs a
point beside a stale worker still computing it.

- ``die_with_parent(parent_pid)`` runs first in every pool worker: on Linux the kernel
  sends the worker SIGKILL when its parent dies, however it dies (``prctl`` with
  ``PR_SET_PDEATHSIG``, through ctypes); elsewhere a daemon thread polls the parent's pid
  (a watchdog). A parent already gone before that line ran is caught by comparing pids.
  With the workers gone, multiprocessing's resource tracker sees its pipe close and ends.
- ``stop_stale_workers(folders)``: a point whose running.json names a live process on
  this host whose sweep (its parent) is dead is an orphan of a killed sweep: it is
  killed, and the point recomputed. A point whose sweep is alive belongs to another
  sweep running now: ``SweepBusyError``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

__all__ = ["SweepBusyError", "die_with_parent", "stop_stale_workers"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class SweepBusyError(RuntimeError):
    """Another sweep, alive, is running points in the same folder."""


def die_with_parent(parent_pid=None) -> str:
    """Make this process end when ``parent_pid`` (default: its parent now) ends.

    Returns how: ``"prctl"`` (Linux) or ``"watchdog"`` (a polling thread).
    """
    parent_pid = os.getppid() if parent_pid is None else int(parent_pid)
    how = "prctl" if _set_pdeathsig(signal.SIGKILL) else "watchdog"
    if how == "watchdog":
        thread = threading.Thread(
            target=_watch, args=(parent_pid,), name="ml4phys-watchdog", daemon=True
        )
        thread.start()
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)
    return how


def _set_pdeathsig(sig) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid, interval=0.5):
    while os.getppid() == parent_pid:
        time.sleep(interval)
    os._exit(1)  # the parent is gone: stop at once, write nothing more


def alive(pid) -> bool:
    """Whether a process ``pid`` exists on this host (and is not a zombie)."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, TypeError):
        return True  # exists, but not ours to signal (or an odd pid): assume alive
    try:  # a killed orphan stays a zombie until some process reaps it
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stop_stale_workers(folders, timeout=5.0) -> list[int]:
    """Kill orphaned workers still running points of ``folders``; return their pids.

    Raises SweepBusyError when a point is run by a worker whose sweep is alive.
    """
    host, killed = socket.gethostname(), []
    for folder in folders:
        record = _read(Path(folder) / "running.json")
        if not record or record.get("host") != host or "pid" not in record:
            continue
        pid, parent = record["pid"], record.get("parent")
        if pid == os.getpid() or not alive(pid):
            continue
        if parent is not None and alive(parent) and parent != os.getpid():
            raise SweepBusyError(
                f"{folder}: this point is being computed by process {pid} of another "
                f"sweep (process {parent}), running now in the same folder; wait for it "
                "to finish or stop it"
            )
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in killed) and time.monotonic() < deadline:
        time.sleep(0.05)
    return killed


def _read(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
