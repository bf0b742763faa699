"""What every experiment shares: its ``Result``, a progress helper, and config helpers.

An experiment is a module with ``NAME``, ``DESCRIPTION``, a ``Config`` dataclass and
``run(config, progress=None) -> Result``. ``run`` is a function of its config (seed
included): it never prints, shows or saves. The command line saves the figures and the
numbers; in a notebook, ``result.figures['cost']`` displays itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

__all__ = ["Result", "progress_bar", "config_dict"]


@dataclass
class Result:
    """The outcome of an experiment.

    numbers : dict
        JSON-able values (floats, ints, lists, nested dicts): what results.json holds.
    figures : dict
        name -> matplotlib Figure; saved as ``<name>.png``.
    """

    numbers: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


class _Silent:
    def update(self, n=1): ...
    def set_postfix(self, *args, **kwargs): ...
    def close(self): ...
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def progress_bar(progress, total, desc):
    """``progress(total=..., desc=...)`` (a tqdm-like factory) or a silent stand-in."""
    if progress is None:
        return _Silent()
    return progress(total=total, desc=desc)


def config_dict(config):
    """The config as a JSON-able dict (tuples become lists)."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in dataclasses.asdict(config).items()
    }
