"""Checks of arguments, run once at public entry points (API and CLI), never in hot loops.

Each check returns the value (converted where that is its job, e.g. ``positive_int``
returns an ``int``) or raises ``ValueError`` / ``TypeError`` with a message that names
the argument, what was received, and what is allowed::

    >>> positive_int("batch_size", -5, where="fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: batch_size must be a positive int, received -5

``name`` is what the user typed: an argument (``"batch_size"``) or a command-line option
(``"--batches"``); ``where`` (optional) the function or command that received it.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

__all__ = [
    "all_finite",
    "finite_array",
    "finite_number",
    "float_dtype",
    "labels_in_range",
    "non_negative_int",
    "one_of",
    "positive_int",
    "positive_number",
    "probability",
    "spins",
    "spins_trusted",
]


def _prefix(where):
    return f"{where}: " if where else ""


def _plain(value):
    """A NumPy scalar as the Python number it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name, value, *, where=None) -> int:
    """An int >= 1 (NumPy integers too; not bools, floats or strings)."""
    if not _is_int(value) or value < 1:
        raise (ValueError if _is_int(value) else TypeError)(
            f"{_prefix(where)}{name} must be a positive int, received {value!r}"
        )
    return int(value)


def non_negative_int(name, value, *, where=None) -> int:
    """An int >= 0."""
    if not _is_int(value) or value < 0:
        raise (ValueError if _is_int(value) else TypeError)(
            f"{_prefix(where)}{name} must be an int >= 0, received {value!r}"
        )
    return int(value)


def _real(name, value, where, what) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{_prefix(where)}{name} must be {what}, received {value!r}")
    return float(value)


def finite_number(name, value, *, where=None) -> float:
    """A finite real number."""
    number = _real(name, value, where, "a finite number")
    if not np.isfinite(number):
        raise ValueError(
            f"{_prefix(where)}{name} must be a finite number, received {value!r}"
        )
    return number


def positive_number(name, value, *, where=None, allow_zero=False) -> float:
    """A finite number > 0 (>= 0 with ``allow_zero``)."""
    what = "a finite number >= 0" if allow_zero else "a positive finite number"
    number = _real(name, value, where, what)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{_prefix(where)}{name} must be {what}, received {value!r}")
    return number


def probability(name, value, *, where=None, open_right=False) -> float:
    """A number in [0, 1] ([0, 1) with ``open_right``, e.g. a dropout rate)."""
    interval = "[0, 1)" if open_right else "[0, 1]"
    number = _real(name, value, where, f"a number in {interval}")
    if not 0 <= number <= 1 or (open_right and number == 1):
        raise ValueError(
            f"{_prefix(where)}{name} must be a number in {interval}, received {value!r}"
        )
    return number


def one_of(name, value, allowed, *, where=None):
    """``value`` if it is one of ``allowed`` (compared with ==)."""
    try:
        ok = value in allowed
    except TypeError:  # unhashable value against a set
        ok = False
    if not ok:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(
            f"{_prefix(where)}{name} must be one of {choices}, received {value!r}"
        )
    return value


def float_dtype(name, value, *, where=None) -> np.dtype:
    """``np.dtype(value)`` if it is float32 or float64."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(
            f"{_prefix(where)}{name} must be 'float32' or 'float64', received {value!r}"
        ) from None
    if dtype not in (np.float32, np.float64):
        raise TypeError(
            f"{_prefix(where)}{name} must be 'float32' or 'float64', received "
            f"{dtype.name!r} (a network of integers cannot learn: its weights round to 0)"
        )
    return dtype


def _sum_finite(array) -> bool:
    """Whether the sum is finite: NaN and inf propagate into it, and it needs no
    temporary array as large as the data (only a sum that overflows finite values makes
    it False for nothing, and callers then look closer).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(array.sum()))


def all_finite(*arrays) -> bool:
    """Whether every number in every array is finite (integers always are)."""
    for array in arrays:
        array = np.asarray(array)
        if array.dtype.kind not in "fc" or _sum_finite(array):
            continue
        if not np.isfinite(array).all():
            return False
    return True


def finite_array(name, x, *, where=None):
    """``np.asarray(x)``, numeric, without NaN or inf; the error gives the first bad index.

    Examples
    --------
    >>> finite_array("x", [[0.0, 1.0], [float("nan"), 2.0]], where="fit")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: fit: x holds NaN at index (1, 0) (1 non-finite value of 4); remove ...
    """
    array = np.asarray(x)
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"{_prefix(where)}{name} must be an array of numbers, received dtype "
            f"{array.dtype}"
        )
    if array.dtype.kind in "fc" and not _sum_finite(array):
        bad = ~np.isfinite(array)
        if bad.any():
            index = np.unravel_index(int(np.argmax(bad)), array.shape)
            index = tuple(int(i) for i in index)
            where_text = index[0] if len(index) == 1 else index
            value = array[index]
            text = "NaN" if np.isnan(value) else str(value)
            count = int(bad.sum())
            raise ValueError(
                f"{_prefix(where)}{name} holds {text} at index {where_text} "
                f"({count} non-finite value{'s' * (count > 1)} of {array.size}); "
                "remove or replace them before training"
            )
    return array


def labels_in_range(name, y, n_classes, *, where=None):
    """Integer class labels 0 .. n_classes - 1 (floats must be whole numbers).

    Returns the labels as an integer array.
    """
    labels = np.asarray(y)
    if labels.dtype.kind not in "biuf":
        raise TypeError(
            f"{_prefix(where)}{name} must hold integer class labels, received dtype "
            f"{labels.dtype}"
        )
    if labels.size == 0:
        return labels.astype(np.intp)
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            bad = _plain(labels.reshape(-1)[int(np.argmin(whole.reshape(-1)))])
            raise ValueError(
                f"{_prefix(where)}{name} must hold integer class labels 0..{n_classes - 1}, "
                f"received {bad!r} (one-hot labels need loss='categorical_crossentropy')"
            )
    low, high = labels.min(), labels.max()
    if low < 0 or high >= n_classes:
        bad = _plain(low if low < 0 else high)
        raise ValueError(
            f"{_prefix(where)}{name} must hold class labels 0..{n_classes - 1} "
            f"(the network has {n_classes} outputs), received {bad!r}"
        )
    return labels.astype(np.intp, copy=False)


def spins(name, s, *, where=None):
    """An array of spins +-1; 0/1 (bits) are refused with a hint to use 2 s - 1."""
    s = np.asarray(s)
    if s.dtype.kind not in "biuf":
        raise TypeError(
            f"{_prefix(where)}{name} must hold spins +-1, received dtype {s.dtype}"
        )
    ok = (s == 1) | (s == -1)
    if not ok.all():
        bad = _plain(s.reshape(-1)[int(np.argmin(ok.reshape(-1)))])
        hint = ""
        if ((s == 0) | (s == 1)).all():
            hint = " (0/1 values: convert bits to spins with 2 * s - 1)"
        raise ValueError(
            f"{_prefix(where)}{name} must hold spins +1 or -1, received {bad!r}{hint}"
        )
    return s


@contextlib.contextmanager
def spins_trusted(*objects):
    """Within this block, ``objects`` (wave functions, Hamiltonians) skip their spin
    checks: for loops whose configurations are +-1 by construction (Metropolis chains,
    an enumerated basis), so that the check runs at the entry point and not per step.
    """
    saved = [getattr(obj, "spins_trusted", False) for obj in objects]
    for obj in objects:
        with contextlib.suppress(AttributeError):
            obj.spins_trusted = True
    try:
        yield
    finally:
        for obj, value in zip(objects, saved):
            with contextlib.suppress(AttributeError):
                obj.spins_trusted = value
