"""Generative, energy-based models: the restricted Boltzmann machine (lecture: "Learning a
probability distribution"), with CD/PCD training, Gibbs sampling, and exact and AIS
partition functions::

    from ml4phys.generative import RBM, load_rbm
"""

from .rbm import RBM, load_rbm

__all__ = ["RBM", "load_rbm"]
