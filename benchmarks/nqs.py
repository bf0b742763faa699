"""Neural-network quantum states: ml4phys against NetKet (issue 12, W12).

W12   TFIM chain N = 16, h/J = 1, RBM alpha = 1 (real), 1,000 Metropolis samples per
      iteration from 100 chains, 300 SR iterations (diagonal shift 0.01): wall time (s),
      JAX compilation included for NetKet
W12b  the same run's final relative error |E - E0| / |E0|, the trained state's energy
      computed exactly by enumeration: lower is better (each repetition a new seed)

NetKet runs in a separate Python (it needs JAX; it is never a dependency of ml4phys):
the interpreter in ML4PHYS_NETKET_PYTHON, else this one if it imports netket. Without it
only ml4phys runs and the peer is reported missing. Quick mode: N = 8, 30 iterations.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import Workload

from ml4phys.physics.quantum import (
    VMC,
    MetropolisSampler,
    RBMWaveFunction,
    TransverseFieldIsing,
    ground_state,
)

HERE = Path(__file__).resolve().parent
LEARNING_RATE, DIAG_SHIFT, N_SAMPLES, N_CHAINS = 0.1, 0.01, 1000, 100


def _ml4phys(n_sites, n_iter, seed, exact):
    hamiltonian = TransverseFieldIsing(n_sites, h=1.0)
    wf = RBMWaveFunction(n_sites, alpha=1, seed=seed)
    vmc = VMC(
        hamiltonian,
        wf,
        MetropolisSampler(n_sites, N_CHAINS, seed=seed),
        n_samples=N_SAMPLES,
        learning_rate=LEARNING_RATE,
        diag_shift=DIAG_SHIFT,
    )
    start = time.perf_counter()
    vmc.run(n_iter)
    seconds = time.perf_counter() - start
    energy = VMC(hamiltonian, wf).estimate()["energy"]
    return {"seconds": seconds, "relative_error": abs(energy - exact) / abs(exact)}


def _netket_python():
    python = os.environ.get("ML4PHYS_NETKET_PYTHON")
    if python:
        return python
    return sys.executable if importlib.util.find_spec("netket") else None


def _netket(python, n_sites, n_iter, seed, exact):
    args = [
        python,
        str(HERE / "_netket_nqs.py"),
        str(n_sites),
        str(n_iter),
        str(N_SAMPLES),
        repr(LEARNING_RATE),
        repr(DIAG_SHIFT),
        str(seed),
        repr(exact),
    ]
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# stays whole: the NQS rows share one exact energy and their runners, read side by side
def workloads(quick=False):
    n_sites, n_iter = (8, 30) if quick else (16, 300)
    python = _netket_python()
    runs = {"seed": 0}

    def exact():  # computed once, on first use (not when only listed)
        if "exact" not in runs:
            runs["exact"] = ground_state(TransverseFieldIsing(n_sites, h=1.0))[0]
        return runs["exact"]

    def timed(peer):
        def run():
            runs["seed"] += 1
            if peer == "ml4phys":
                out = _ml4phys(n_sites, n_iter, runs["seed"], exact())
            else:
                out = _netket(python, n_sites, n_iter, runs["seed"], exact())
            runs.setdefault(peer, []).append(out)
            return out["seconds"]

        return run

    def error(peer):
        def run():  # the median error of the W12 runs (one if none yet)
            if not runs.get(peer):
                timed(peer)()
            errors = sorted(out["relative_error"] for out in runs[peer])
            return errors[len(errors) // 2]

        return run

    peers = ["ml4phys"] + (["netket"] if python else [])
    if not python:
        print(
            "W12: NetKet not found (set ML4PHYS_NETKET_PYTHON to a Python with netket); "
            "ml4phys runs alone"
        )
    title = (
        f"TFIM N={n_sites}, RBM alpha=1, {N_SAMPLES} samples, {n_iter} SR iterations"
    )
    return [
        Workload(
            name="W12",
            title=title,
            unit="s",
            higher_is_better=False,
            target=1.0,
            runners={peer: timed(peer) for peer in peers},
        ),
        Workload(
            name="W12b",
            title=f"{title}: final relative error",
            unit="rel. error",
            higher_is_better=False,
            target=1.0,
            runners={peer: error(peer) for peer in peers},
        ),
    ]
