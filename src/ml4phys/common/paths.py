"""Where ml4phys looks for data files, and where it keeps the ones it downloads.

Search order for a data set ``name`` (e.g. ``"mnist"``):

1. an explicit folder ``data_dir=`` (used alone: nothing else is searched);
2. ``$ML4PHYS_DATA/<name>/`` when the environment variable ``ML4PHYS_DATA`` is set;
3. the user cache ``$XDG_CACHE_HOME/ml4phys/<name>/`` (by default
   ``~/.cache/ml4phys/<name>/``),
   which is also where downloads go.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "cache_dir", "cache_root", "candidate_dirs"]

ENV_VAR = "ML4PHYS_DATA"


def cache_root() -> Path:
    """The user cache: ``$XDG_CACHE_HOME/ml4phys``, else ``~/.cache/ml4phys``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "ml4phys"  # XDG spec: a relative value is ignored


def cache_dir(name: str) -> Path:
    """The cache folder of data set ``name`` (it may not exist yet)."""
    return cache_root() / name


def candidate_dirs(name: str, data_dir=None) -> list[tuple[str, Path]]:
    """The folders to search for data set ``name``, in order, with their origins.

    Parameters
    ----------
    name : str
        Folder name of the data set under ``$ML4PHYS_DATA`` and the cache (``"mnist"``).
    data_dir : str or Path, optional
        An explicit folder holding the files; when given, it is the only candidate.

    Returns
    -------
    list of (str, Path)
        ``(origin, folder)`` pairs; origin is ``"data_dir="``, ``"$ML4PHYS_DATA"`` or
        ``"user cache"``, for messages.
    """
    if data_dir is not None:
        return [("data_dir=", Path(data_dir).expanduser())]
    found = []
    env = os.environ.get(ENV_VAR, "")
    if env:
        found.append((f"${ENV_VAR}", Path(env).expanduser() / name))
    found.append(("user cache", cache_dir(name)))
    return found
