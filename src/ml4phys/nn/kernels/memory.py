"""Memory between batches: glibc's malloc keeps a training step's freed arrays for the next.

Every training step allocates and frees the same large arrays (activations, deltas,
column matrices). glibc's malloc serves a block above its mmap threshold with fresh pages
from the operating system and hands them back when it is freed, and it returns free
memory at the top of its heap beyond a trim threshold. Both thresholds adapt: freeing an
mmapped block raises the mmap threshold to that block's size (at most 32 MiB) and the trim
threshold to twice that. Where they settle depends on the process's history: which
arrays it happened to free first. When they stay low, every batch faults its arrays'
pages in again: W4's benchmark worker with the threshold held at glibc's starting 128 KiB
trained at 5.6-6.6 s per epoch, 2.5 s of it in the kernel, against 2.3-3.1 s and 0.2 s
with the thresholds below (the commands: benchmarks/README.md, "glibc's malloc
thresholds").

``keep_freed_memory`` sets the thresholds to the values glibc's own rule reaches once a
32 MiB block was freed: arrays up to 32 MiB come from the heap, and up to 64 MiB of
freed memory stays there for the next batch. A model calls it at its first training
step. It does nothing off glibc, or where the user set glibc's own variables
(``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``), or a second time.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "keep_freed_memory"]

MMAP_THRESHOLD = 32 * 2**20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # as glibc's rule sets it with the mmap threshold
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)
_USER_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

_applied = []  # [True] once it has run: the process's malloc settings, set once


def keep_freed_memory():
    """Set glibc's mmap and trim thresholds (see the module); True if they were set."""
    if _applied:
        return False
    _applied.append(True)
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    if any(name in os.environ for name in _USER_VARIABLES):
        return False
    libc = ctypes.CDLL(None)
    # glibc fixes both thresholds once either is set: the mmap threshold first
    done = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(done and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
