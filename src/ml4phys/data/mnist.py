"""MNIST, the lecture's handwritten digits ("Handwriting recognition"), from the
original files.

``load_data()`` returns ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays of
shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,), like
``keras.datasets.mnist``. The four gzipped IDX files are looked for in an explicit
``data_dir=``, else in ``$ML4PHYS_DATA/mnist/``, then in the user cache
``~/.cache/ml4phys/mnist/`` (XDG-aware); if missing they are downloaded into the cache
(or into ``data_dir``) from standard mirrors. Every file, found or downloaded, is
checked against its published SHA-256 (``ml4phys.common.store`` does the work).
``as_float``, ``one_hot`` and ``lecture_split`` give what the networks eat:
float32 pixels in [0, 1] and one-hot labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common import store
from ..common.idx import IDXFormatError
from ..common.store import ChecksumError

__all__ = [
    "FILES",
    "MIRRORS",
    "SHA256",
    "ChecksumError",
    "IDXFormatError",
    "MNISTNotFoundError",
    "as_float",
    "fetch",
    "find",
    "lecture_split",
    "load_data",
    "one_hot",
    "read_folder",
]

NAME = "mnist"
_SPEC = store.DATASETS[NAME]
# role -> file name, in the order (train images, train labels, test images, test labels)
FILES = _SPEC.files
# Published SHA-256 of the .gz files (torchvision's prototype datasets, _CHECKSUMS).
SHA256 = _SPEC.sha256
MIRRORS = _SPEC.mirrors
IMAGE_SHAPE = _SPEC.image_shape
NUM_CLASSES = _SPEC.num_classes


class MNISTNotFoundError(store.DatasetNotFoundError):
    """No intact copy of the MNIST files was found, and none could be downloaded."""


def find(data_dir=None) -> Path | None:
    """The first folder of the search order holding all four files intact, else None.

    A folder whose files differ from the published ones is passed over with a warning.
    """
    return store.find(NAME, data_dir, checksums=SHA256)


def load_data(
    data_dir=None,
    download=True,
    progress=True,
    *,
    refresh=False,
    mirrors=None,
    checksums=None,
    timeout=30.0,
):
    """Load MNIST as uint8 arrays, finding or downloading the files (Keras' signature).

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder holding the four ``.gz`` files. When given, it is the only place looked
        at, and a download goes there. Otherwise ``$ML4PHYS_DATA/mnist/``, then the user
        cache are searched, and a download goes into the cache.
    download : bool
        Download missing or corrupt files; with False, they raise at once.
    progress : bool
        Show a progress bar while downloading.
    refresh : bool
        Download the four files again (into ``data_dir`` or the user cache).
    mirrors : sequence of str, optional
        Base URLs to download from, in order (``http(s)://`` or ``file://``); default
        ``MIRRORS``.
    checksums : dict, optional
        File name -> hex SHA-256 that every file, local or downloaded, must have;
        default ``SHA256`` (the published ones).
    timeout : float
        Seconds before an unresponsive mirror is given up.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : ndarrays of uint8
        Shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,); pixels 0..255
        (0 = background), labels 0..9.

    Raises
    ------
    MNISTNotFoundError
        (a FileNotFoundError) when no intact copy exists and none could be downloaded;
        the message lists where it looked, what was wrong, and how to provide the files.
    IDXFormatError
        When a file with the expected checksum is inconsistent (custom ``checksums``).

    Notes
    -----
    Every file is checked against its SHA-256 before it is read. A folder holding a
    corrupt file is passed over with a warning (``store.CacheWarning``), so a bad copy
    in ``$ML4PHYS_DATA`` never hides a good one in the cache; a corrupt file in the
    download folder is set aside as ``<file>.bad`` and downloaded again.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_data(download=False)
    >>> x_train.shape, y_train.shape, x_test.shape, x_train.dtype
    ((60000, 28, 28), (60000,), (10000, 28, 28), dtype('uint8'))
    >>> as_float(x_train[:2]).shape                 # floats in [0, 1], one row per image
    (2, 784)
    >>> one_hot(y_train[:2]).shape
    (2, 10)
    """
    folder = fetch(
        data_dir,
        progress,
        download=download,
        refresh=refresh,
        mirrors=mirrors,
        checksums=checksums,
        timeout=timeout,
    )
    return read_folder(folder)


def fetch(
    data_dir=None,
    progress=True,
    *,
    download=True,
    refresh=False,
    mirrors=None,
    checksums=None,
    timeout=30.0,
) -> Path:
    """Make sure the four files are present and intact; return their folder.

    Finds the files as ``load_data`` does, checking every file against its published
    SHA-256, and downloads what is missing or corrupt. This is ``ml4phys data mnist``.

    Raises
    ------
    MNISTNotFoundError
        When no intact copy exists and none could be downloaded.
    """
    try:
        return store.fetch(
            NAME,
            data_dir,
            download=download,
            refresh=refresh,
            progress=progress,
            mirrors=MIRRORS if mirrors is None else mirrors,
            checksums=SHA256 if checksums is None else checksums,
            timeout=timeout,
        )
    except store.DatasetNotFoundError as err:
        raise MNISTNotFoundError(str(err)) from None


def read_folder(folder):
    """Read and cross-check the four IDX files in ``folder`` (as ``load_data``)."""
    return store.read_folder(NAME, folder)


def as_float(x, shape="flat") -> np.ndarray:
    """Pixels 0..255 as float32 in [0, 1], flattened or as one-channel images.

    Parameters
    ----------
    x : ndarray of uint8, shape (n, height, width) or (n, height * width)
        Images as ``load_data`` returns them (square images when flat).
    shape : {"flat", "image"}
        ``"flat"``: shape (n, height * width), for Dense networks (784 for MNIST).
        ``"image"``: shape (n, height, width, 1), NHWC for Conv2D.

    Returns
    -------
    ndarray of float32
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise TypeError(
            f"as_float expects integer pixels 0..255, received dtype "
            f"{x.dtype} (already converted?)"
        )
    if shape == "flat":
        out_shape = (len(x), int(np.prod(x.shape[1:])))  # explicit: -1 fails for n = 0
    elif shape == "image":
        if x.ndim == 2:
            side = int(round(np.sqrt(x.shape[1])))
            if side * side != x.shape[1]:
                raise ValueError(f"as_float: {x.shape[1]} pixels are not square")
            out_shape = (len(x), side, side, 1)
        else:
            out_shape = (*x.shape[:3], 1)
    else:
        raise ValueError(
            f"as_float: shape must be 'flat' or 'image', received {shape!r}"
        )
    return np.divide(x, 255, dtype=np.float32).reshape(out_shape)


def one_hot(y, num_classes=NUM_CLASSES) -> np.ndarray:
    """Labels 0..9, shape (n,), as one-hot float32 rows, shape (n, num_classes)."""
    from ml4phys.nn.utils import to_categorical

    return to_categorical(y, num_classes, dtype="float32")


def lecture_split(
    seed=0,
    shape="flat",
    data_dir=None,
    download=True,
    progress=True,
    n_train=45_000,
    n_validation=5_000,
):
    """The lecture's sets: 45,000 training, 5,000 validation and 10,000 test images.

    The 60,000 official training images are shuffled with ``seed``; the first
    ``n_train`` become the training set, the next ``n_validation`` the validation
    set (the remaining 10,000 are left out, as in the lecture's numbers). The test set
    is the official 10,000 test images, in their order.

    Returns
    -------
    (x_train, y_train), (x_val, y_val), (x_test, y_test)
        x float32 in [0, 1], shape (n, 784) or (n, 28, 28, 1) (see ``as_float``);
        y one-hot float32, shape (n, 10).
    """
    (x_all, y_all), (x_test, y_test) = load_data(data_dir, download, progress)
    if n_train + n_validation > len(x_all):
        raise ValueError(
            f"lecture_split: n_train + n_validation = "
            f"{n_train + n_validation} exceeds the {len(x_all)} images"
        )
    order = np.random.default_rng(seed).permutation(len(x_all))
    train, val = order[:n_train], order[n_train : n_train + n_validation]
    return tuple(
        (as_float(x, shape), one_hot(y))
        for x, y in (
            (x_all[train], y_all[train]),
            (x_all[val], y_all[val]),
            (x_test, y_test),
        )
    )
