"""The points of a sweep: grids, random ranges and seeds expanded into configs, each hashed.

A point is one ``run(Config)``: the experiment's full config (defaults, fixed values and
the swept values together, seed included). Its key is a stable hash: SHA-256 of the
canonical JSON of ``{"experiment", "config", "seed"}`` (sorted keys, no spaces), so the
same point gets the same folder in every process, session and machine. Values take the
type of the Config field's default: ``eta=3`` is the float 3.0, ``hidden=20,30`` a tuple.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import random as _random

from ..lab.base import config_dict

__all__ = [
    "Point",
    "convert",
    "expand",
    "parse_grid",
    "parse_range",
    "parse_seeds",
    "point_hash",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclasses.dataclass(frozen=True)
class Point:
    """One point: ``config`` is the full JSON-able config (tuples as lists)."""

    experiment: str
    config: dict
    seed: int
    params: dict  # the swept (and fixed-by-grid) keys with their values, seed excluded

    @property
    def hash(self):
        return point_hash(self.experiment, self.config, self.seed)


def point_hash(experiment, config, seed):
    """16 hex digits of SHA-256 over the canonical JSON of experiment, config and seed."""
    record = {"experiment": experiment, "config": _jsonable(config), "seed": seed}
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    return value


def _fields(config_class):
    return {field.name: field for field in dataclasses.fields(config_class)}


def convert(config_class, key, value):
    """``value`` (a string from the command line, or any Python value) as the field's type."""
    fields = _fields(config_class)
    if key not in fields:
        raise ValueError(
            f"{config_class.__module__}.Config has no field {key!r}; "
            f"fields: {', '.join(fields)}"
        )
    default = fields[key].default
    if (
        default is dataclasses.MISSING
        and fields[key].default_factory is not dataclasses.MISSING
    ):
        default = fields[key].default_factory()
    try:
        return _convert_to(default, value)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{key}: cannot read {value!r} as {type(default).__name__} ({error})"
        ) from None


def _convert_to(default, value):
    if isinstance(default, bool):
        if isinstance(value, str):
            if value.lower() not in _TRUE | _FALSE:
                raise ValueError("expected true/false")
            return value.lower() in _TRUE
        return bool(value)
    if isinstance(default, tuple):
        kind = type(default[0]) if default else int
        if isinstance(value, str):
            return tuple(kind(item) for item in value.split(",") if item)
        return tuple(kind(item) for item in value)
    if isinstance(default, int):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("not an integer")
        return (
            int(float(value)) if isinstance(value, str) and "e" in value else int(value)
        )
    if isinstance(default, float):
        return float(value)
    if default is None or isinstance(default, str):
        return value if default is None else str(value)
    return type(default)(value)


def parse_grid(text):
    """``'key=v1,v2,v3'`` -> ``('key', ['v1', 'v2', 'v3'])``; tuple fields use '/' between
    values (``hidden=20,30/50,50``), so each value stays a comma list.
    """
    key, sep, values = text.partition("=")
    if not sep or not key or not values:
        raise ValueError(f"--grid expects key=v1,v2,..., received {text!r}")
    return key.strip().replace("-", "_"), values


def split_values(config_class, key, values):
    """The grid's values for ``key``, converted to the field's type."""
    if isinstance(values, str):
        default = _fields(config_class).get(key)
        is_tuple = default is not None and isinstance(default.default, tuple)
        values = values.split("/") if is_tuple else values.split(",")
    elif not isinstance(values, (list, tuple, range)):
        values = [values]
    return [convert(config_class, key, value) for value in values]


def parse_range(text):
    """``'key=lo:hi'`` or ``'key=lo:hi:log'`` -> ``('key', (lo, hi, log))``."""
    key, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
        raise ValueError(
            f"--range expects key=lo:hi or key=lo:hi:log, received {text!r}"
        )
    low, high = float(parts[0]), float(parts[1])
    return key.strip().replace("-", "_"), (low, high, len(parts) == 3)


def parse_seeds(text):
    """``'0-4'`` -> [0, 1, 2, 3, 4]; ``'0,3,7-8'`` -> [0, 3, 7, 8]."""
    seeds = []
    for part in str(text).split(","):
        first, sep, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last if sep else first)
        except ValueError:
            raise ValueError(
                f"--seeds expects e.g. 0-4 or 0,2,5, received {text!r}"
            ) from None
        if low < 0 or high < low:
            raise ValueError(
                f"--seeds: {part.strip()!r} is no range of seeds >= 0 (write it "
                f"low-high, e.g. 0-4), received {text!r}"
            )
        seeds += list(range(low, high + 1))
    return seeds


def _random_points(config_class, ranges, n, seed):
    """``n`` points drawn uniformly (or log-uniformly) from ``ranges``; reproducible."""
    rng = _random.Random(seed)
    points = []
    for _ in range(n):
        point = {}
        for key, (low, high, log) in ranges.items():
            if log and (low <= 0 or high <= 0):
                raise ValueError(f"--range {key}: a log range needs lo, hi > 0")
            value = (
                math.exp(rng.uniform(math.log(low), math.log(high)))
                if log
                else rng.uniform(low, high)
            )
            kind = (
                _fields(config_class)[key].default
                if key in _fields(config_class)
                else 0.0
            )
            point[key] = convert(
                config_class,
                key,
                round(value)
                if isinstance(kind, int) and not isinstance(kind, bool)
                else value,
            )
        points.append(point)
    return points


def expand(
    experiment,
    config_class,
    grid=None,
    *,
    seeds=None,
    fixed=None,
    ranges=None,
    random=0,
    random_seed=0,
):
    """Every point: the product of the grid, the random draws and the seeds.

    Parameters
    ----------
    experiment : str
        The experiment's name (part of each hash).
    config_class : the experiment's Config dataclass
    grid : dict, key -> list of values (or a comma string)
    seeds : list of int, or None for the Config's default seed
    fixed : dict, key -> value for every point
    ranges : dict, key -> (lo, hi) or (lo, hi, 'log'); with ``random`` points drawn from them

    Returns
    -------
    list of Point, in grid order (the last key varies fastest, seeds innermost)
    """
    fields = _fields(config_class)
    base = {
        key: convert(config_class, key, value) for key, value in (fixed or {}).items()
    }
    axes = {
        key: split_values(config_class, key, values)
        for key, values in (grid or {}).items()
    }
    ranges = {key: _range_tuple(key, spec) for key, spec in (ranges or {}).items()}
    for key in ranges:
        convert(config_class, key, 0)  # raises for an unknown field
    if ranges and random <= 0:
        raise ValueError("--range needs --random N (how many points to draw)")
    if seeds is not None and "seed" not in fields:
        raise ValueError(f"{experiment}: its Config has no 'seed' field to vary")
    if "seed" in axes or "seed" in ranges:
        raise ValueError("vary the seed with --seeds (seeds=...), not as a grid key")
    if seeds is None:
        seeds = [base.get("seed", fields["seed"].default)] if "seed" in fields else [0]
    draws = (
        _random_points(config_class, ranges, random, random_seed) if ranges else [{}]
    )
    points = []
    for values in itertools.product(*axes.values()):
        for draw in draws:
            params = {**dict(zip(axes, values)), **draw}
            for seed in seeds:
                settings = {**base, **params}
                if "seed" in fields:
                    settings["seed"] = seed
                config = config_class(**settings)
                points.append(Point(experiment, config_dict(config), int(seed), params))
    return points


def _range_tuple(key, spec):
    if isinstance(spec, str):
        return parse_range(f"{key}={spec}")[1]
    low, high, *rest = spec
    return float(low), float(high), bool(rest and rest[0] in ("log", True))


def make_config(config_class, config_json):
    """The Config back from its JSON form (lists become tuples where the default is one)."""
    fields = _fields(config_class)
    values = {
        key: tuple(value)
        if isinstance(value, list)
        and key in fields
        and isinstance(fields[key].default, tuple)
        else value
        for key, value in config_json.items()
    }
    return config_class(**values)
