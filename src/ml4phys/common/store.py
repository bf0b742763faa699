"""The data-set store: IDX data sets (MNIST, Fashion-MNIST) found, checked, downloaded.

``load_dataset(name)`` returns ``((x_train, y_train), (x_test, y_test))`` as uint8
arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,), like
``keras.datasets.<name>.load_data()``. The four gzipped IDX files are looked for in
``data_dir=`` alone when given, else in ``$ML4PHYS_DATA/<name>/`` and then the user cache
(see ``paths``). Every file found is checked against its published SHA-256 before it is
read: a folder holding a bad file is passed over (with a warning) so that it never hides
a good copy further down the search order; a bad file in the folder that downloads go to
(the user cache, or ``data_dir``) is set aside as ``<file>.bad`` and downloaded again.
It imports nothing of ml4phys, so ``nn`` may use it (``ml4phys.nn.datasets``).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from . import paths
from ._store_messages import not_found_message
from .datasets import DATASETS, IDXDataset
from .download import DownloadError, download_file, sha256_file
from .idx import IDXFormatError, read_idx

__all__ = [
    "CacheWarning",
    "ChecksumError",
    "DatasetNotFoundError",
    "IDXFormatError",
    "fetch",
    "find",
    "get",
    "load_dataset",
    "read_folder",
]


class DatasetNotFoundError(FileNotFoundError):
    """No good copy of the files was found, and none could be downloaded."""


class ChecksumError(ValueError):
    """A local file differs from the published one."""


class CacheWarning(UserWarning):
    """A cached or local data file failed its check and was passed over or set aside."""


def get(name) -> IDXDataset:
    """The registry entry of data set ``name`` (``"mnist"``, ``"fashion_mnist"``)."""
    if isinstance(name, IDXDataset):
        return name
    if name not in DATASETS:
        raise ValueError(
            f"dataset name must be one of {', '.join(map(repr, DATASETS))}, "
            f"received {name!r}"
        )
    return DATASETS[name]


def _problems(folder: Path, spec: IDXDataset, checksums) -> dict:
    """File name -> what is wrong with it ("missing" or a checksum mismatch)."""
    problems = {}
    for file in spec.files.values():
        path = folder / file
        if not path.is_file():
            problems[file] = "missing"
            continue
        try:
            digest = sha256_file(path)
        except OSError as err:
            problems[file] = f"unreadable ({err.strerror or err})"
            continue
        if digest != checksums[file]:
            problems[file] = (
                f"SHA-256 {digest} differs from the published {checksums[file]}"
            )
    return problems


def _target(spec: IDXDataset, data_dir) -> Path:
    """Where downloads go: ``data_dir``, else the user cache."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    return paths.cache_dir(spec.name)


def _warn(message: str) -> None:
    """A CacheWarning attributed to the first caller outside ml4phys."""
    package = str(Path(__file__).resolve().parents[1])
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CacheWarning, stacklevel=level)


def _set_aside(path: Path, why: str) -> None:
    """Rename a bad file to ``<file>.bad`` (replacing an older one) and say so."""
    bad = path.with_name(path.name + ".bad")
    path.replace(bad)
    _warn(f"{path}: {why}; set aside as {bad.name} and downloaded again")


def find(
    name, data_dir=None, *, checksums=None, set_aside=False, report=None
) -> Path | None:
    """The first folder of the search order holding all files, each intact; else None.

    A folder with a corrupt file is passed over with a ``CacheWarning``. With
    ``set_aside=True``, corrupt files in the download folder are renamed to
    ``<file>.bad`` (so that a download replaces them). ``report``, a dict, receives
    ``folder -> {file: problem}`` for every folder passed over.
    """
    spec = get(name)
    checksums = spec.sha256 if checksums is None else checksums
    target = _target(spec, data_dir)
    for origin, folder in paths.candidate_dirs(spec.name, data_dir):
        problems = _problems(folder, spec, checksums)
        if not problems:
            return folder
        bad = {f: why for f, why in problems.items() if why != "missing"}
        if report is not None:
            report[folder] = problems
        if not bad:
            continue
        if set_aside and folder == target:
            for file, why in bad.items():
                _set_aside(folder / file, why)
            continue
        if data_dir is None:  # else the caller's error says it
            lines = "; ".join(f"{file}: {why}" for file, why in bad.items())
            _warn(f"{spec.title} in {folder} ({origin}) passed over: {lines}")
    return None


def fetch(
    name,
    data_dir=None,
    *,
    download=True,
    refresh=False,
    progress=True,
    mirrors=None,
    checksums=None,
    timeout=30.0,
) -> Path:
    """Make sure a good copy of the files is present; return its folder.

    Parameters
    ----------
    name : str
        ``"mnist"`` or ``"fashion_mnist"``.
    data_dir : str or Path, optional
        The only folder looked at, and where a download goes. Otherwise
        ``$ML4PHYS_DATA/<name>/`` and the user cache are searched, and a download goes
        into the cache.
    download : bool
        Download missing or bad files; with False they raise at once.
    refresh : bool
        Download every file again into the download folder (each replaced only once
        its copy is complete and verified).
    progress : bool
        Show a progress bar while downloading.
    mirrors : sequence of str, optional
        Base URLs (``http(s)://`` or ``file://``); default: the registry's.
    checksums : dict, optional
        File name -> hex SHA-256; default: the published ones.
    timeout : float
        Seconds before an unresponsive mirror is given up.

    Raises
    ------
    DatasetNotFoundError
        (a FileNotFoundError) when no good copy exists and none could be downloaded;
        the message lists each folder looked at, what was wrong there, and what to do.
    """
    spec = get(name)
    checksums = spec.sha256 if checksums is None else checksums
    mirrors = spec.mirrors if mirrors is None else mirrors
    report = {}
    if not refresh:
        folder = find(
            spec,
            data_dir,
            checksums=checksums,
            set_aside=download,
            report=report,
        )
        if folder is not None:
            return folder
    if not download:
        why = "download disabled (download=False)"
        raise DatasetNotFoundError(not_found_message(spec, data_dir, why, report))
    return _download(spec, data_dir, mirrors, checksums, progress, timeout, refresh)


def load_dataset(name, data_dir=None, **options):
    """Load an IDX data set as uint8 arrays, finding or downloading its files.

    Parameters
    ----------
    name : str
        ``"mnist"`` or ``"fashion_mnist"``.
    data_dir : str or Path, optional
        See ``fetch``; ``options`` (download, refresh, progress, mirrors, checksums,
        timeout) too.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : ndarrays of uint8
        Shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,) (Keras' shapes);
        pixels 0..255, labels 0..9.
    """
    spec = get(name)
    return read_folder(spec, fetch(spec, data_dir, **options))


def read_folder(name, folder):
    """Read and cross-check the four IDX files of data set ``name`` in ``folder``."""
    spec, folder = get(name), Path(folder)
    arrays = []
    for split in ("train", "test"):
        images_path = folder / spec.files[f"{split}_images"]
        labels_path = folder / spec.files[f"{split}_labels"]
        images = read_idx(images_path, expected_ndim=3, expected_dtype=np.uint8)
        if images.shape[1:] != spec.image_shape:
            raise IDXFormatError(
                f"{images_path}: images of {images.shape[1]}x{images.shape[2]} "
                f"pixels, expected {'x'.join(map(str, spec.image_shape))}"
            )
        labels = read_idx(labels_path, expected_ndim=1, expected_dtype=np.uint8)
        if len(labels) != len(images):
            raise IDXFormatError(
                f"{labels_path}: holds {len(labels)} labels, but "
                f"{images_path.name} holds {len(images)} images"
            )
        if labels.size and labels.max() >= spec.num_classes:
            raise IDXFormatError(
                f"{labels_path}: label {labels.max()} found, expected "
                f"0..{spec.num_classes - 1}"
            )
        arrays.append((images, labels))
    return tuple(arrays)


def _download(spec, data_dir, mirrors, checksums, progress, timeout, refresh) -> Path:
    """Download missing (or, with refresh, all) files; a failure leaves nothing."""
    target = _target(spec, data_dir)
    created = [p for p in (target, *target.parents) if not p.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        for file in spec.files.values():
            if refresh or not (target / file).is_file():
                download_file(file, target, mirrors, checksums[file], progress, timeout)
    except DownloadError as err:
        for folder in created:  # innermost first: remove what we made
            try:
                folder.rmdir()
            except OSError:
                break
        lines = [f"download of {err.filename} failed:"]
        lines += [f"  {url}: {reason}" for url, reason in err.attempts]
        why = "\n".join(lines)
        raise DatasetNotFoundError(not_found_message(spec, data_dir, why)) from None
    except OSError as err:  # e.g. the cache folder is not writable
        why = f"cannot write to {target}: {err}"
        raise DatasetNotFoundError(not_found_message(spec, data_dir, why)) from None
    return target


if __name__ == "__main__":  # python -m ml4phys.common.store NAME [DATA_DIR]
    import sys

    print(fetch(sys.argv[1], *sys.argv[2:3]))
