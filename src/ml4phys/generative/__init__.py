"""Generative, energy-based models: the restricted Boltzmann machine (lecture: "Learning a
probability distribution"), with CD/PCD training, Gibbs sampling, and exact and AIS
partition functions. Submodules load on first use, so importing this package stays fast::

    from ml4phys.generative import RBM, load_rbm
"""

__all__ = ["RBM", "load_rbm"]


def __getattr__(name):
    if name in __all__:
        from . import rbm

        return getattr(rbm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
