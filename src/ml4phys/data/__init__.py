"""The material: 2D functions, images, shapes and MNIST (submodules load lazily).

Submodules, imported on demand so that ``import ml4phys.data`` stays fast:

- ``functions``: target functions of two variables ("Learning a 2D function");
- ``mnist``: the MNIST digits from the original IDX files (reader, cache, downloader,
  float/one-hot helpers and the lecture's 45,000/5,000/10,000 split);
- ``digits``: scikit-learn's bundled 8x8 digits, the offline default.

The IDX format, downloads, search paths and the data-set store live on the ground
floor, ``ml4phys.common`` (``idx``, ``download``, ``paths``, ``store``), so that ``nn``
can use them too; ``from ml4phys.data import idx`` (or ``download``, ``paths``) still
works.
"""

import importlib

__all__ = ["digits", "functions", "mnist"]

_MOVED = ("download", "idx", "paths")


def __getattr__(name):
    if name in _MOVED:  # moved to ml4phys.common
        return importlib.import_module(f"ml4phys.common.{name}")
    raise AttributeError(f"module 'ml4phys.data' has no attribute {name!r}")
