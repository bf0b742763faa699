"""ml4phys: the lecture 'Machine Learning for Physicists' as a neural-network lab.

Layers: ``ml4phys.nn`` (the engine), then ``data``, ``analysis``, ``generative``, ``rl``,
``physics``, ``plots``, and on top ``lab`` with the ``ml4phys`` command.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # ml4phys.sweep(...) without importing pandas or Dask at ``import ml4phys``
    if name == "sweep":
        import importlib

        return importlib.import_module(".sweep", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
