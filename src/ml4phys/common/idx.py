"""The IDX file format of MNIST (LeCun et al.), read and written with full validation.

An IDX file is a big-endian header followed by the array, row-major:
bytes 0-1 zero, byte 2 the element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64), byte 3 the number of dimensions d, then d int32 sizes.
MNIST images are magic 0x00000803 (uint8, 3 dims: n, 28, 28), labels 0x00000801.
Files ending in ``.gz`` are gzip-compressed. Every defect raises ``IDXFormatError``
naming the file and what is wrong.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from .files import write_atomic

__all__ = ["DTYPES", "IDXFormatError", "read_idx", "write_idx"]

# type code (byte 2 of the magic number) -> big-endian NumPy dtype
DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(ValueError):
    """An IDX file is corrupt, truncated or unexpected; the message names the file."""


def _read_bytes(path: Path) -> bytes:
    """The decompressed content of ``path`` (gzip if its name ends in .gz)."""
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except gzip.BadGzipFile as err:  # wrong magic bytes, CRC or length
        raise IDXFormatError(f"{path}: not a valid gzip file ({err})") from None
    except EOFError:  # the gzip stream stops early
        raise IDXFormatError(
            f"{path}: truncated gzip file (the compressed stream "
            "ends before its end marker)"
        ) from None
    except zlib.error as err:
        raise IDXFormatError(f"{path}: corrupt gzip data ({err})") from None


def read_idx(path, expected_ndim: int | None = None, expected_dtype=None) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a NumPy array.

    Parameters
    ----------
    path : str or Path
        The file; a name ending in ``.gz`` is decompressed.
    expected_ndim : int, optional
        Raise unless the file declares this many dimensions.
    expected_dtype : dtype, optional
        Raise unless the file's element type is this one (e.g. ``np.uint8``).

    Returns
    -------
    ndarray, shape as declared in the header
        In native byte order.

    Raises
    ------
    IDXFormatError
        Bad magic number, unexpected type or dimensions, a header or data shorter than
        declared (truncated), bytes after the data, or a broken gzip stream.
    FileNotFoundError
        When ``path`` does not exist.
    """
    path = Path(path)
    data = _read_bytes(path)
    dtype, ndim = _element_type(path, data, expected_ndim, expected_dtype)
    shape, header, expected = _shape(path, data, dtype, ndim)
    array = np.frombuffer(data, dtype, count=expected // dtype.itemsize, offset=header)
    return array.reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _element_type(path, data, expected_ndim, expected_dtype):
    """(dtype, ndim) from the 4-byte magic number, checked against the expectations."""
    if len(data) < 4:
        raise IDXFormatError(
            f"{path}: truncated: {len(data)} bytes, shorter than the "
            "4-byte magic number"
        )
    zero, type_code, ndim = struct.unpack(">HBB", data[:4])
    magic = int.from_bytes(data[:4], "big")
    if zero != 0 or type_code not in DTYPES:
        raise IDXFormatError(
            f"{path}: bad magic number 0x{magic:08X}: not an IDX file "
            "(expected 0x000008NN to 0x00000ENN)"
        )
    dtype = DTYPES[type_code]
    wanted = None if expected_dtype is None else np.dtype(expected_dtype)
    if wanted is not None and dtype != wanted.newbyteorder(">"):
        raise IDXFormatError(
            f"{path}: magic number 0x{magic:08X} declares element "
            f"type {dtype.name}, expected {wanted.name}"
        )
    if expected_ndim is not None and ndim != expected_ndim:
        raise IDXFormatError(
            f"{path}: magic number 0x{magic:08X} declares {ndim} "
            f"dimensions, expected {expected_ndim}"
        )
    return dtype, ndim


def _shape(path, data, dtype, ndim):
    """(shape, header bytes, data bytes) from the header, checked against the file size."""
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(
            f"{path}: truncated header: {len(data)} bytes, expected "
            f"{header} for {ndim} dimensions"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise IDXFormatError(
            f"{path}: truncated: the header declares shape {shape} "
            f"({expected} bytes of data), found {found} bytes"
        )
    if found > expected:
        raise IDXFormatError(
            f"{path}: {found - expected} unexpected bytes after the "
            f"data of shape {shape}"
        )
    return shape, header, expected


def write_idx(path, array) -> Path:
    """Write ``array`` as an IDX file (gzipped if ``path`` ends in .gz), atomically.

    Parameters
    ----------
    path : str or Path
        Destination; the file appears only when complete.
    array : array_like
        Of dtype uint8, int8, int16, int32, float32 or float64; at most 255 dimensions.

    Returns
    -------
    Path
        The written file.
    """
    path, array = Path(path), np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in DTYPES.items()}
    if array.dtype.newbyteorder("=") not in codes:
        raise ValueError(
            f"write_idx: dtype {array.dtype} has no IDX type code "
            f"(known: {', '.join(dt.name for dt in DTYPES.values())})"
        )
    code = codes[array.dtype.newbyteorder("=")]
    header = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    payload = header + np.ascontiguousarray(array, DTYPES[code]).tobytes()
    if path.suffix == ".gz":
        payload = gzip.compress(payload, mtime=0)
    write_atomic(path, lambda f: f.write(payload))
    return path
