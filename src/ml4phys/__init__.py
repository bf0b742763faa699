"""ml4phys: the lecture 'Machine Learning for Physicists' as a neural-network lab.

Layers: ``ml4phys.nn`` (the engine), then ``data``, ``analysis``, ``generative``, ``rl``,
``physics``, ``plots``, and on top ``lab`` with the ``ml4phys`` command.
"""

__version__ = "0.1.0"
