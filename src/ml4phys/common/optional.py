"""Optional dependencies: a feature that needs one names the extra that installs it.

    pandas = require("pandas", extra="sweep", feature="ml4phys sweep")

The error is an ``ImportError`` (what Python users expect of a missing module) and a
``RuntimeError`` (what the ``ml4phys`` command prints as a one-line message).
"""

from __future__ import annotations

import importlib
import importlib.util

__all__ = ["MissingDependency", "available", "require"]


class MissingDependency(ImportError, RuntimeError):
    """An optional dependency is not installed; the message says how to install it."""


def available(module):
    """True if ``module`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module, *, extra, feature):
    """The module ``module``, imported, or a ``MissingDependency`` naming ``extra``.

    Parameters
    ----------
    module : str
        The import name ('pyarrow').
    extra : str
        The ml4phys extra that installs it ('sweep').
    feature : str
        What needs it, for the message ('--format parquet').
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module.split(".")[0]:
            raise  # the module is there but one of its own imports failed
        raise MissingDependency(
            f"{feature} needs {module}, which is not installed: "
            f'pip install "ml4phys[{extra}]" (or pip install {module})',
            name=module,
        ) from None
