"""Files written atomically: a crash or a full disk never leaves half a file under its name.

``write_atomic(path, write)`` writes into a hidden temporary file beside ``path``
(``.<name>.<random>.tmp``) and renames it over ``path`` only once it is complete, so a
reader sees the old file or the new one, never a mix, even under ``kill -9``:

- the file's mode follows the umask (0644 under the usual umask 022), as a file made by
  ``open`` would; ``tempfile.mkstemp`` would give 0600;
- a writer holds an advisory lock (``flock``) on its temporary file while it writes, so
  the next write to the same place removes the temporaries of writers that died (their
  locks died with them) and leaves those of live writers alone;
- a full disk (``ENOSPC``) or a quota raises ``OSError`` naming the file, says that the
  previous file is unchanged, and leaves no temporary behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; stale temporaries are then left alone
    fcntl = None

__all__ = ["clean_stale", "create_private", "write_atomic"]

SUFFIXES = (".tmp", ".part")  # write_atomic's and the downloader's temporaries


def create_private(path: Path, suffix: str = ".tmp"):
    """Create and lock a new hidden temporary file beside ``path``: ``(fd, tmp_path)``.

    Created with ``os.open(..., 0o666)``, so the umask sets its mode; locked with
    ``flock`` so that ``clean_stale`` can tell a live writer from a dead one.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, tmp


def clean_stale(path) -> list[Path]:
    """Remove the temporaries that dead writers left beside ``path``; return them.

    A temporary whose lock can be taken has no live writer (a lock dies with its
    process); one still locked belongs to a write in progress and is kept.
    """
    path = Path(path)
    if fcntl is None or not path.parent.is_dir():
        return []
    removed = []
    for suffix in SUFFIXES:
        for tmp in path.parent.glob(f".{_glob_escape(path.name)}.*{suffix}"):
            try:
                fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # locked: a write in progress
                os.close(fd)
                continue
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
            os.close(fd)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def write_atomic(path, write):
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it to ``path``.

    Raises
    ------
    OSError
        When the file cannot be written (full disk, quota, permissions); the message
        names ``path`` and says the previous file, if any, is unchanged.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    fd, tmp = create_private(path)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.replace(tmp, path)  # while still locked: clean_stale leaves it alone
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
            kept = (
                "the previous file is unchanged" if path.exists() else "nothing written"
            )
            raise OSError(
                err.errno, f"could not write {path}: {os.strerror(err.errno)} ({kept})"
            ) from err
        raise
