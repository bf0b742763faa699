"""What every experiment shares: its ``Result``, a progress helper, and config helpers.

An experiment is a module with ``NAME``, ``DESCRIPTION``, a ``Config`` dataclass and
``run(config, progress=None) -> Result``. ``run`` is a function of its config (seed
included): it never prints, shows or saves. The command line saves the figures and the
numbers; in a notebook, ``result.figures['cost']`` displays itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..common.progress import progress_bar

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


def config_dict(config):
    """The config as a JSON-able dict (tuples become lists)."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in dataclasses.asdict(config).items()
    }
