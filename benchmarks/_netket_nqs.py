"""NetKet's side of W12 (run by benchmarks/nqs.py in a Python that has netket; NetKet is
never a dependency of ml4phys). Prints one JSON line: seconds and final relative error.

TFIM chain N = 16, periodic, h/J = 1; RBM alpha = 1 with real parameters; MetropolisLocal,
100 chains, one sweep (N steps) between samples, 2 sweeps discarded per iteration, 1,000
samples; SR with diagonal shift 0.01 and a Cholesky solve. NetKet's SR solves S x = 2 Re F
(its gradient of E), ml4phys's S x = F, so NetKet's learning rate is half ml4phys's.
"""

import json
import sys
import time


# stays whole: NetKet's VMC script as its documentation writes it (run in NetKet's own venv)
def main(n_sites, n_iter, n_samples, learning_rate, diag_shift, seed, exact_energy):
    import netket as nk  # here, so that benchmarks/run.py can import this file
    import numpy as np

    graph = nk.graph.Chain(n_sites, pbc=True)
    hilbert = nk.hilbert.Spin(s=0.5, N=n_sites)
    # NetKet: H = -h sum sigma^x + J sum sigma^z sigma^z, so J = -1 is ml4phys's J = 1
    hamiltonian = nk.operator.Ising(hilbert=hilbert, graph=graph, h=1.0, J=-1.0)
    sampler = nk.sampler.MetropolisLocal(hilbert, n_chains=100)
    model = nk.models.RBM(alpha=1, param_dtype=float)
    state = nk.vqs.MCState(
        sampler,
        model,
        n_samples=n_samples,
        n_discard_per_chain=2,
        seed=seed,
        sampler_seed=seed,
    )
    sr = nk.optimizer.SR(diag_shift=diag_shift, solver=nk.optimizer.solver.cholesky)
    driver = nk.VMC(
        hamiltonian,
        nk.optimizer.Sgd(learning_rate=learning_rate / 2),
        variational_state=state,
        preconditioner=sr,
    )
    start = time.perf_counter()
    driver.run(n_iter=1, show_progress=False)  # includes JAX compilation
    first = time.perf_counter()
    driver.run(n_iter=n_iter - 1, show_progress=False)
    end = time.perf_counter()
    psi = state.to_array(normalize=True)
    energy = float(np.real(np.vdot(psi, hamiltonian.to_sparse() @ psi)))
    print(
        json.dumps(
            {
                "seconds": end - start,
                "first_iteration_seconds": first - start,
                "relative_error": abs(energy - exact_energy) / abs(exact_energy),
                "netket": nk.__version__,
            }
        )
    )


if __name__ == "__main__":
    main(*(float(a) if "." in a or "e" in a else int(a) for a in sys.argv[1:]))
