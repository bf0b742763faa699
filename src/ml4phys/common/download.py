"""Downloading a data file from a list of mirrors, checked against its published
SHA-256.

Each attempt streams into a hidden temporary file beside the destination (with a tqdm
progress bar), hashes it on the way, and only a file whose SHA-256 matches is moved into
place (``os.replace``, atomic). A failed, interrupted or corrupt download leaves nothing
behind, and the next mirror is tried. Works with ``http(s)://`` and ``file://`` URLs.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from .files import clean_stale, create_private

__all__ = ["ChecksumMismatch", "DownloadError", "download_file", "sha256_file"]

CHUNK = 1 << 16


class ChecksumMismatch(ValueError):
    """A file's SHA-256 differs from the published one."""


class DownloadError(OSError):
    """No mirror delivered a good copy; ``attempts`` holds ``(url, reason)`` pairs."""

    def __init__(self, filename: str, attempts: list[tuple[str, str]]):
        self.filename, self.attempts = filename, attempts
        tried = "; ".join(f"{url}: {why}" for url, why in attempts) or "no mirrors"
        self.message = f"could not download {filename} ({tried})"
        super().__init__(self.message)

    def __str__(self):
        return self.message


def sha256_file(path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(
    filename: str, dest_dir, mirrors, sha256: str, progress=True, timeout: float = 30.0
) -> Path:
    """Download ``filename`` into ``dest_dir`` from the first mirror with a good copy.

    Parameters
    ----------
    filename : str
        Name of the file on every mirror and in ``dest_dir``.
    dest_dir : str or Path
        Existing destination folder.
    mirrors : sequence of str
        Base URLs, tried in order; the file's URL is ``mirror + "/" + filename``.
    sha256 : str
        The published hex SHA-256 the file must have.
    progress : bool
        Show a tqdm progress bar (on stderr).
    timeout : float
        Seconds to wait for a mirror's connection or data before giving up on it.

    Returns
    -------
    Path
        ``dest_dir / filename``, complete and verified.

    Raises
    ------
    DownloadError
        When every mirror failed; its message gives each URL and why.
    """
    dest = Path(dest_dir) / filename
    attempts = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        try:
            _fetch_verified(url, dest, sha256.lower(), progress, timeout)
            return dest
        except (OSError, ValueError, http.client.HTTPException) as err:
            attempts.append((url, _reason(err)))
    raise DownloadError(filename, attempts)


def _reason(err: BaseException) -> str:
    """A short reason for a failed attempt."""
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err) or type(err).__name__


def _fetch_verified(url: str, dest: Path, sha256: str, progress, timeout: float):
    """Stream ``url`` into a temporary file, check length and SHA-256, then move it."""
    from tqdm.auto import tqdm

    clean_stale(dest)  # .part files of downloads that were killed
    fd, tmp = create_private(dest, ".part")
    try:
        digest, size = hashlib.sha256(), 0
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(url, timeout=timeout) as r,
        ):
            length = r.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=dest.name,
                disable=not progress,
                leave=False,
            ) as bar:
                while chunk := r.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
            if total is not None and size != total:
                raise OSError(f"incomplete: received {size} of {total} bytes")
            if digest.hexdigest() != sha256:
                raise ChecksumMismatch(
                    f"SHA-256 {digest.hexdigest()} differs from the published {sha256}"
                )
            out.flush()
            os.replace(tmp, dest)  # atomic, while still locked: it appears complete
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
