"""kernels.memory: glibc's malloc thresholds, set once at the first training step."""

import platform
import sys

import numpy as np
import pytest

from ml4phys.nn import layers, models
from ml4phys.nn.kernels import memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.fixture
def fresh(monkeypatch):
    """As in a new process: not applied yet, no user variables."""
    monkeypatch.setattr(memory, "_applied", [])
    for name in memory._USER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class _Recorder:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")
def test_sets_both_thresholds_once(fresh, monkeypatch):
    libc = _Recorder()
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: libc)
    assert memory.keep_freed_memory() is True
    assert libc.calls == [
        (memory._M_MMAP_THRESHOLD, 32 * 2**20),
        (memory._M_TRIM_THRESHOLD, 64 * 2**20),
    ]
    assert memory.keep_freed_memory() is False  # once per process
    assert len(libc.calls) == 2


@pytest.mark.parametrize("name", memory._USER_VARIABLES)
def test_the_users_own_settings_win(fresh, monkeypatch, name):
    libc = _Recorder()
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: libc)
    monkeypatch.setenv(name, "131072")
    assert memory.keep_freed_memory() is False
    assert libc.calls == []


def test_off_glibc_nothing_is_called(fresh, monkeypatch):
    libc = _Recorder()
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: libc)
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: ("", ""))
    assert memory.keep_freed_memory() is False
    assert libc.calls == []


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")
def test_the_first_training_step_applies_it(fresh, monkeypatch):
    libc = _Recorder()
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: libc)
    net = models.Sequential([layers.Dense(1, input_shape=(2,))], seed=0)
    net.compile(loss="mse", optimizer="sgd")
    assert libc.calls == []  # building and compiling change nothing
    net.train_on_batch(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))
    assert len(libc.calls) == 2
