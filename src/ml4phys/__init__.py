"""ml4phys: the lecture 'Machine Learning for Physicists' as a neural-network lab.

Layers: ``ml4phys.nn`` (the engine), then ``data``, ``analysis``, ``generative``, ``rl``,
``physics``, ``plots``, and on top ``lab`` with the ``ml4phys`` command.
"""

__version__ = "0.1.0"


def sweep(experiment, grid=None, **options):
    """Run an experiment over a grid of settings: see ``ml4phys.sweeps.sweep``."""
    # pandas and Dask load when a sweep runs, not at ``import ml4phys``
    from .sweeps import sweep as run_sweep

    return run_sweep(experiment, grid, **options)
