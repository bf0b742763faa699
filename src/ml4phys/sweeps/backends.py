"""Where the points run: ``local`` (a process pool) or ``dask`` (dask.distributed).

Both take the tasks of ``store.run_point`` and return ``{hash: state}``, with state
'done', 'failed' (the experiment raised; recorded in error.json) or 'lost' (the worker
died, the pool broke, or the job was cancelled: nothing recorded, the next invocation
recomputes it). Nothing here schedules work across machines itself: that is Dask's job.

- local: ``concurrent.futures.ProcessPoolExecutor`` with ``jobs`` spawned processes
  (default: the number of cores) and ``cores // jobs`` BLAS threads each, so that
  processes x threads = cores. ``jobs=1`` runs the points one by one in this process.
- dask: a ``Client`` at ``address`` (a scheduler already running, or a Client object),
  a ``dask_jobqueue`` cluster described by a small YAML file (see docs/sweep.md), or
  else a ``LocalCluster`` of ``jobs`` worker processes with one thread each.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .store import THREAD_VARIABLES, init_worker, run_point

__all__ = ["cluster_from_yaml", "run_dask", "run_local"]


def _outcome(future):
    try:
        return future.result()["state"]
    except Exception:  # noqa: BLE001 - a broken pool or a lost worker, not the point
        return "lost"


def run_local(tasks, jobs=None, bar=None):
    """Run ``tasks`` in a pool of ``jobs`` processes; ``bar`` is a tqdm-like bar.

    A worker that dies breaks the whole pool: the points it had started are lost, and
    the points no worker had started yet go to a fresh pool.
    """
    cores = os.cpu_count() or 1
    jobs = jobs or cores
    if jobs == 1:
        states = {}
        for task in tasks:
            states[task["hash"]] = run_point(task)["state"]
            bar.update()
        return states
    threads = max(1, cores // jobs)  # processes x threads = cores
    states, remaining = {}, tasks
    while remaining:
        start = time.time()
        states.update(_run_pool(remaining, jobs, threads, bar))
        retry = [
            task
            for task in remaining
            if states[task["hash"]] == "lost" and not _started_since(task, start)
        ]
        if len(retry) == len(remaining):
            break  # no progress at all: do not try forever
        remaining = retry
    if states and all(state == "lost" for state in states.values()):
        raise RuntimeError(
            "the sweep's worker processes died before finishing any point (see the "
            "messages above): the experiment crashed its process (memory?), or a script "
            "called the sweep outside `if __name__ == '__main__':` (the workers are "
            "spawned and import the script; or use jobs=1)"
        )
    return states


def _started_since(task, start):
    """Whether a worker began this point (wrote running.json) after ``start``."""
    try:
        return os.path.getmtime(Path(task["folder"]) / "running.json") >= start - 1
    except OSError:
        return False


def _run_pool(tasks, jobs, threads, bar):
    # spawn, not fork: each worker starts clean and reads the thread settings at import
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=context,
        initializer=init_worker,
        initargs=(threads, os.getpid()),  # workers end when this process ends
    )
    states = {}
    try:
        futures = {pool.submit(run_point, task): task["hash"] for task in tasks}
        for future in as_completed(futures):
            states[futures[future]] = _outcome(future)
            if states[futures[future]] != "lost":
                bar.update()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return states


def run_dask(tasks, jobs=None, address=None, cluster=None, bar=None):
    """Run ``tasks`` on Dask: at ``address``, on the cluster of a YAML file, or locally."""
    try:
        # Dask (the [dask] extra) loads only for --backend dask
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise RuntimeError(
            "the dask backend needs Dask: pip install 'ml4phys[dask]'"
        ) from None

    states = {}
    with _client(jobs, address, cluster) as client:
        futures = {
            client.submit(
                run_point,
                task,
                pure=False,
                key=f"ml4phys-point-{task['hash']}-{os.urandom(4).hex()}",
            ): task["hash"]
            for task in tasks
        }
        try:
            for future in dask_completed(list(futures)):
                states[futures[future]] = _outcome(future)
                if states[futures[future]] != "lost":
                    bar.update()
        finally:
            client.cancel([f for f in futures if not f.done()])
    return states


@contextlib.contextmanager
def _client(jobs, address, cluster):
    from dask.distributed import Client  # the [dask] extra

    if address is not None and not isinstance(address, str):
        yield address  # a Client the caller made and will close
        return
    with contextlib.ExitStack() as stack:
        if address is not None:
            client = stack.enter_context(Client(address))
        else:
            if cluster is not None:
                made = cluster_from_yaml(cluster)
            else:
                made = _local_cluster(jobs or os.cpu_count() or 1)
            client = stack.enter_context(Client(stack.enter_context(made)))
        yield client


@contextlib.contextmanager
def _local_cluster(jobs):
    """A LocalCluster of ``jobs`` one-thread workers with cores // jobs BLAS threads each.

    The workers (and those the nanny restarts) inherit this process's environment and
    Dask's pre-spawn settings, so both hold the thread counts while the cluster lives.
    """
    import dask  # the [dask] extra, as below
    from dask.distributed import LocalCluster

    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    saved = {v: os.environ.get(v) for v in THREAD_VARIABLES}
    os.environ.update({v: threads for v in THREAD_VARIABLES})
    try:
        environ = {
            f"distributed.nanny.pre-spawn-environ.{v}": threads
            for v in THREAD_VARIABLES
        }
        with (
            dask.config.set(environ),
            LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
        ):
            yield cluster
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value


def cluster_from_yaml(path):
    """A dask_jobqueue cluster from a YAML file, scaled to its ``jobs``.

    ``kind`` names the class (slurm, pbs, sge, lsf, htcondor, moab, oar, or local),
    ``jobs`` how many batch jobs to start (``cluster.scale(jobs=...)``); every other key
    goes to the class as a keyword (``cores``, ``memory``, ``processes``, ``walltime``,
    ``queue``, ``account``, ``job_extra_directives``, ``job_script_prologue``, ...).
    """
    import yaml  # PyYAML comes with Dask (the [dask] extra)

    with open(path) as f:
        spec = yaml.safe_load(f) or {}
    kind = str(spec.pop("kind", "slurm")).lower()
    jobs = int(spec.pop("jobs", 1))
    if kind == "local":
        from dask.distributed import LocalCluster  # the [dask] extra

        return LocalCluster(n_workers=jobs, **spec)
    import dask_jobqueue  # the [dask] extra

    classes = {
        "slurm": "SLURMCluster",
        "pbs": "PBSCluster",
        "sge": "SGECluster",
        "lsf": "LSFCluster",
        "htcondor": "HTCondorCluster",
        "moab": "MoabCluster",
        "oar": "OARCluster",
    }
    if kind not in classes:
        raise ValueError(
            f"{path}: unknown cluster kind {kind!r}; known: "
            f"{', '.join([*classes, 'local'])}"
        )
    made = getattr(dask_jobqueue, classes[kind])(**spec)
    made.scale(jobs=jobs)
    return made
