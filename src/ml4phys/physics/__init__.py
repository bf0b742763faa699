"""Physics that feeds the networks: the 2D Ising model (Monte Carlo, observables, exact results).

Submodules load on demand (``from ml4phys.physics import ising``), so importing this package
is cheap.
"""
