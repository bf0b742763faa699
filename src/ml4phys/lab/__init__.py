"""The lecture's experiments, one module each; ``experiments()`` finds them all.

from ml4phys.lab import fit2d
result = fit2d.run(fit2d.Config(quick=True))
result.numbers, result.figures["cost"]
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["experiments", "get"]


def experiments():
    """Map of experiment name -> module, for every module here that defines ``NAME``."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            found[module.NAME] = module
    return dict(sorted(found.items()))


def get(name):
    """The experiment module called ``name``; a clear error lists the known ones."""
    known = experiments()
    if name not in known:
        raise KeyError(f"unknown experiment {name!r}; known: {', '.join(known)}")
    return known[name]
