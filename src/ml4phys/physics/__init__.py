"""Physics models: Monte Carlo of the Ising model, neural-network quantum states."""
