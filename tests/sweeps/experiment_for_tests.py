"""A test-only experiment for the sweep tests: instant, and it can raise or kill its process.

Not in ml4phys.lab (so ``ml4phys list`` does not show it); sweeps reach it by its module
path ``tests.sweeps.experiment_for_tests``.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from ml4phys.lab.base import Result

NAME = "sweep-test"
DESCRIPTION = "instant experiment for the sweep tests"


@dataclass
class Config:
    x: float = 0.0
    n: int = 1
    fail_at: float = -1.0  # raise ValueError when x == fail_at
    die_at: float = -1.0  # SIGKILL this process when x == die_at and `marker` exists
    marker: str = ""
    sleep: float = 0.0
    seed: int = 0


def run(config: Config, progress=None) -> Result:
    if config.x == config.fail_at:
        raise ValueError(f"x = {config.x} is the failing point")
    if config.x == config.die_at and config.marker and Path(config.marker).exists():
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(config.sleep)
    return Result(
        numbers={
            "y": config.x**2 + config.n + 0.1 * config.seed,
            "nested": {"z": -config.x},
            "list": [config.n, config.seed],
            "omp_threads": int(os.environ.get("OMP_NUM_THREADS", "0")),
        }
    )
