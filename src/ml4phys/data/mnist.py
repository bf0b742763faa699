"""MNIST, the lecture's handwritten digits ("Handwriting recognition"), from the
original files.

``load_data()`` returns ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays of
shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,), like
``keras.datasets.mnist``. The four gzipped IDX files are looked for in an explicit
``data_dir=``, else in ``$ML4PHYS_DATA/mnist/``, then in the user cache
``~/.cache/ml4phys/mnist/`` (XDG-aware); if missing they are downloaded into the cache
(or into ``data_dir``) from standard mirrors, each checked against its published
SHA-256. ``as_float``, ``one_hot`` and ``lecture_split`` give what the networks eat:
float32 pixels in [0, 1] and one-hot labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import paths
from .download import DownloadError, download_file, sha256_file
from .idx import IDXFormatError, read_idx

__all__ = [
    "load_data",
    "fetch",
    "find",
    "read_folder",
    "as_float",
    "one_hot",
    "lecture_split",
    "MNISTNotFoundError",
    "ChecksumError",
    "IDXFormatError",
    "FILES",
    "SHA256",
    "MIRRORS",
]

NAME = "mnist"
# role -> file name, in the order (train images, train labels, test images, test labels)
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# Published SHA-256 of the .gz files (torchvision's prototype datasets, _CHECKSUMS).
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501  (a SHA-256)
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501  (a SHA-256)
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)  # plain http: SHA-256 guards it
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


class MNISTNotFoundError(FileNotFoundError):
    """The MNIST files are nowhere to be found and could not be downloaded."""


class ChecksumError(ValueError):
    """A local MNIST file differs from the published one."""


def find(data_dir=None) -> Path | None:
    """The first folder of the search order that holds all four files, else None."""
    for _, folder in paths.candidate_dirs(NAME, data_dir):
        if all((folder / name).is_file() for name in FILES.values()):
            return folder
    return None


def load_data(
    data_dir=None,
    download=True,
    progress=True,
    *,
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
        Download missing files; with False, missing files raise at once.
    progress : bool
        Show a progress bar while downloading.
    mirrors : sequence of str, optional
        Base URLs to download from, in order (``http(s)://`` or ``file://``); default
        ``MIRRORS``.
    checksums : dict, optional
        File name -> hex SHA-256 that a downloaded file must have; default ``SHA256``.
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
        (a FileNotFoundError) when the files are missing and could not be downloaded;
        the message lists where it looked and how to provide the files.
    IDXFormatError
        When a file is corrupt, truncated or inconsistent; the message names it.

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
    folder = find(data_dir)
    if folder is None:
        if not download:
            why = "download disabled (download=False)"
            raise MNISTNotFoundError(_not_found_message(data_dir, why))
        folder = _download(data_dir, mirrors, checksums or SHA256, progress, timeout)
    return read_folder(folder)


def fetch(
    data_dir=None, progress=True, *, mirrors=None, checksums=None, timeout=30.0
) -> Path:
    """Make sure the four files are present and intact; return their folder.

    Finds the files as ``load_data`` does (downloading what is missing) and checks every
    file against its published SHA-256. This is ``ml4phys data mnist``.

    Raises
    ------
    MNISTNotFoundError
        When the files are missing and could not be downloaded.
    ChecksumError
        When a file found locally differs from the published one.
    """
    checksums = checksums or SHA256
    folder = find(data_dir)
    if folder is None:
        folder = _download(data_dir, mirrors, checksums, progress, timeout)
    for name in FILES.values():
        digest = sha256_file(folder / name)
        if digest != checksums[name]:
            raise ChecksumError(
                f"{folder / name}: SHA-256 {digest} differs from the "
                f"published {checksums[name]}; delete the file and "
                "run `ml4phys data mnist` again"
            )
    return folder


def read_folder(folder):
    """Read and cross-check the four IDX files in ``folder`` (as ``load_data``)."""
    folder = Path(folder)
    arrays = []
    for split in ("train", "test"):
        images_path = folder / FILES[f"{split}_images"]
        labels_path = folder / FILES[f"{split}_labels"]
        images = read_idx(images_path, expected_ndim=3, expected_dtype=np.uint8)
        if images.shape[1:] != IMAGE_SHAPE:
            raise IDXFormatError(
                f"{images_path}: images of {images.shape[1]}x"
                f"{images.shape[2]} pixels, expected 28x28"
            )
        labels = read_idx(labels_path, expected_ndim=1, expected_dtype=np.uint8)
        if len(labels) != len(images):
            raise IDXFormatError(
                f"{labels_path}: holds {len(labels)} labels, but "
                f"{images_path.name} holds {len(images)} images"
            )
        if labels.size and labels.max() >= NUM_CLASSES:
            raise IDXFormatError(
                f"{labels_path}: label {labels.max()} found, expected digits 0..9"
            )
        arrays.append((images, labels))
    return tuple(arrays)


def _download(data_dir, mirrors, checksums, progress, timeout) -> Path:
    """Download missing files into data_dir or the cache; a failure leaves nothing."""
    mirrors = MIRRORS if mirrors is None else mirrors
    if data_dir is not None:
        target = Path(data_dir).expanduser()
    else:
        target = paths.cache_dir(NAME)
    created = [p for p in (target, *target.parents) if not p.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in FILES.values():
            if not (target / name).is_file():
                download_file(name, target, mirrors, checksums[name], progress, timeout)
    except DownloadError as err:
        for folder in created:  # innermost first: remove what we made
            try:
                folder.rmdir()
            except OSError:
                break
        lines = [f"download of {err.filename} failed:"]
        lines += [f"  {url}: {reason}" for url, reason in err.attempts]
        why = "\n".join(lines)
        raise MNISTNotFoundError(_not_found_message(data_dir, why)) from None
    except OSError as err:  # e.g. the cache folder is not writable
        raise MNISTNotFoundError(
            _not_found_message(data_dir, f"cannot write to {target}: {err}")
        ) from None
    return target


def _not_found_message(data_dir, why: str) -> str:
    """Where we looked, why no download, and how to provide the files."""
    lines = [f"MNIST not found: looked for {', '.join(FILES.values())} in"]
    origins = paths.candidate_dirs(NAME, data_dir)
    if data_dir is None and not any(o.startswith("$") for o, _ in origins):
        lines.append(f"  ${paths.ENV_VAR}: not set")
    for origin, folder in origins:
        missing = [n for n in FILES.values() if not (folder / n).is_file()]
        state = (
            "folder does not exist"
            if not folder.is_dir()
            else f"missing {', '.join(missing)}"
        )
        lines.append(f"  {origin}: {folder} ({state})")
    lines.append(f"Not downloaded: {why}")
    if data_dir is not None:
        lines.append(
            f"To provide the files: put the four files into {data_dir}, or "
            f"run `ml4phys data mnist --data-dir {data_dir}` while online."
        )
    else:
        lines.append(
            "To provide the files: run `ml4phys data mnist` while online "
            f"(downloads into {paths.cache_dir(NAME)}), or put the four files "
            f"into DIR/mnist/ and set {paths.ENV_VAR}=DIR, or pass data_dir=."
        )
    return "\n".join(lines)


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
