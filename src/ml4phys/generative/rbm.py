"""Restricted Boltzmann machine (lecture: "Learning a probability distribution").

Energy E(v, h) = -a.v - b.h - v.W.h for binary visible units, or
``E(v, h) = |v - a|^2 / 2 - b.h - v.W.h`` for Gaussian visible units of unit variance;
hidden units are binary. p(v, h) = exp(-E(v, h)) / Z, and summing out h gives the free
energy: p(v) = exp(-F(v)) / Z. Shapes: v (batchsize, n_visible), h (batchsize, n_hidden),
W (n_visible, n_hidden), a (n_visible,), b (n_hidden,). Training follows the gradient of
the log-likelihood, dlogL/dW = <v h>_data - <v h>_model, with the model average from a
short Gibbs chain (contrastive divergence, CD-k) or from persistent chains (PCD), in
``training.py``; optionally centered, a different parametrization of the gradient only:
the parameters stored stay the ordinary W, a, b. Partition functions (exact and AIS) live
in ``partition.py``, files in ``saving.py``.
"""

from __future__ import annotations

import numpy as np

from ..common import checks
from . import partition, saving, training
from ._math import sigmoid, softplus

__all__ = ["RBM", "load_rbm"]


class RBM:
    """Restricted Boltzmann machine with binary hidden units.

    Parameters
    ----------
    n_visible, n_hidden : int
        Layer sizes.
    visible : {'binary', 'gaussian'}
        Binary (Bernoulli) visible units, or Gaussian ones of unit variance.
    seed : int, optional
        Seeds the weights (normal, std 0.01) and every sampling step.
    dtype : numpy dtype
        float32 (fast, default) or float64 (exact checks).
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        visible: str = "binary",
        seed=None,
        dtype=np.float32,
    ):
        for name, value in (("n_visible", n_visible), ("n_hidden", n_hidden)):
            checks.positive_int(name, value, where="RBM")
        if visible not in ("binary", "gaussian"):
            raise ValueError(
                f"RBM: visible must be 'binary' or 'gaussian', received {visible!r}"
            )
        self.n_visible, self.n_hidden, self.visible = (
            int(n_visible),
            int(n_hidden),
            visible,
        )
        self.seed, self.dtype = seed, checks.float_dtype("dtype", dtype, where="RBM")
        self.rng = np.random.default_rng(seed)
        self.params = {
            "W": self.rng.normal(0.0, 0.01, (n_visible, n_hidden)).astype(self.dtype),
            "a": np.zeros(n_visible, self.dtype),  # visible biases
            "b": np.zeros(n_hidden, self.dtype),  # hidden biases
        }
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.chains = (
            None  # persistent chains (PCD): visible states, (n_chains, n_visible)
        )
        self.chains_h = None  # and their p(h|v), so the next step needs no extra matmul
        self.hidden_mean = None  # running mean of p(h|v_data), for the sparsity target
        self.offsets = (
            None  # centering: running means {'v': mu, 'h': lambda} of the data
        )

    # ---- conditionals and energies -------------------------------------------------
    def prob_h_given_v(self, v):
        """p(h_j = 1 | v) = sigmoid(b_j + (v W)_j), shape (batchsize, n_hidden)."""
        return sigmoid(
            self._check(v, self.n_visible, "v") @ self.params["W"] + self.params["b"]
        )

    def prob_v_given_h(self, h):
        """Binary: p(v_i = 1 | h) = sigmoid(a_i + (W h)_i); Gaussian: the mean a + W h."""
        z = self._check(h, self.n_hidden, "h") @ self.params["W"].T + self.params["a"]
        return z if self.visible == "gaussian" else sigmoid(z)

    def sample_h_given_v(self, v):
        """Binary hidden states drawn from p(h | v)."""
        return self._bernoulli(self.prob_h_given_v(v))

    def sample_v_given_h(self, h):
        """Visible states drawn from p(v | h)."""
        mean = self.prob_v_given_h(h)
        if self.visible == "gaussian":
            return mean + self.rng.standard_normal(mean.shape, dtype=self.dtype)
        return self._bernoulli(mean)

    def energy(self, v, h):
        """E(v, h) = -a.v - b.h - v.W.h (Gaussian: ``|v - a|^2/2`` replaces -a.v); (batchsize,)."""
        v, h = self._check(v, self.n_visible, "v"), self._check(h, self.n_hidden, "h")
        W, b = self.params["W"], self.params["b"]
        return self._visible_term(v) - h @ b - np.sum((v @ W) * h, axis=1)

    def free_energy(self, v):
        """F(v) = -log sum_h exp(-E(v, h)) = visible term - sum_j softplus(b_j + (v W)_j)."""
        v = self._check(v, self.n_visible, "v")
        x = v @ self.params["W"] + self.params["b"]
        return self._visible_term(v) - softplus(x).sum(axis=1)

    def _visible_term(self, v):
        a = self.params["a"]
        if self.visible == "gaussian":
            return 0.5 * np.sum((v - a) ** 2, axis=1)
        return -(v @ a)

    # ---- sampling --------------------------------------------------------------------
    def gibbs_step(self, v):
        """One block Gibbs sweep v -> h ~ p(h|v) -> v' ~ p(v|h)."""
        return self.sample_v_given_h(self.sample_h_given_v(v))

    def sample(self, n: int, gibbs_steps: int = 1000, init=None):
        """``n`` visible samples from ``n`` chains run in parallel (one batch).

        Parameters
        ----------
        n : int
            Number of chains (ignored when ``init`` is given).
        gibbs_steps : int
            Block Gibbs sweeps per chain.
        init : ndarray, shape (n, n_visible), optional
            Start states; default: random (Bernoulli(1/2) or standard normal).

        Returns
        -------
        v : ndarray, shape (n, n_visible)
        """
        if init is None:
            if self.visible == "gaussian":
                v = self.rng.standard_normal((n, self.n_visible), dtype=self.dtype)
            else:
                v = (self.rng.random((n, self.n_visible)) < 0.5).astype(self.dtype)
        else:
            v = self._check(init, self.n_visible, "init").copy()
        for _ in range(gibbs_steps):
            v = self.gibbs_step(v)
        return v

    def reconstruct(self, v):
        """Mean-field reconstruction p(v | h = p(h|v)): deterministic, (batchsize, n_visible)."""
        return self.prob_v_given_h(self.prob_h_given_v(v))

    def _bernoulli(self, p):
        return (self.rng.random(p.shape, dtype=self.dtype) < p).astype(self.dtype)

    def _check(self, x, n, what):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != n:
            raise ValueError(
                f"{self!r}: expected {what} of shape (batchsize, {n}), "
                f"received {x.shape}"
            )
        return x.astype(self.dtype, copy=False)

    # ---- training (generative/training.py) ------------------------------------------
    def gradient(
        self,
        v,
        k: int = 1,
        persistent: bool = False,
        weight_decay: float = 0.0,
        sparsity_target=None,
        sparsity_cost: float = 0.1,
        centering: bool = False,
    ):
        """The negative log-likelihood gradient by CD-k or PCD-k, in ``self.grads``.

        See ``ml4phys.generative.training.gradient`` for the parameters.
        """
        return training.gradient(
            self,
            v,
            k,
            persistent,
            weight_decay,
            sparsity_target,
            sparsity_cost,
            centering,
        )

    def fit(
        self,
        x,
        epochs: int = 1,
        batch_size: int = 100,
        k: int = 1,
        persistent: bool = False,
        learning_rate: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        sparsity_target=None,
        sparsity_cost: float = 0.1,
        centering: bool = False,
        optimizer=None,
        shuffle: bool = True,
        log_likelihood=None,
        ais=None,
        monitor_data=None,
        eval_every=None,
        progress=None,
    ):
        """Train by CD-k (``persistent=False``) or PCD-k; returns the history dict.

        See ``ml4phys.generative.training.fit`` for the parameters and the history.
        """
        options = dict(locals())  # the arguments as passed, by name
        del options["self"], options["x"]
        return training.fit(self, x, **options)

    # ---- likelihoods -----------------------------------------------------------------
    def pseudo_log_likelihood(self, v, exact: bool = False) -> float:
        """Mean over samples of ``sum_i log p(v_i | v_-i)``, in nats (binary visible units).

        ``exact=False`` flips one random unit per sample and multiplies by n_visible (an
        unbiased estimate, scikit-learn's ``score_samples``); ``exact=True`` sums all units.
        """
        if self.visible != "binary":
            raise ValueError(
                f"{self!r}: the pseudo-log-likelihood needs binary visible units"
            )
        return partition.pseudo_log_likelihood(
            self, self._check(v, self.n_visible, "v"), exact
        )

    def log_partition_exact(self) -> float:
        """log Z by enumerating the smaller layer (binary) or the hidden layer (Gaussian)."""
        return partition.log_partition_exact(self)

    def log_partition_ais(
        self, n_chains: int = 100, n_betas: int = 10000, data=None, seed=None
    ):
        """(log Z, its standard error) by annealed importance sampling; see partition.py."""
        return partition.log_partition_ais(
            self, n_chains, n_betas, data=data, seed=seed
        )

    def log_likelihood(self, x, log_z=None) -> float:
        """Mean log p(x) = -<F(x)> - log Z, in nats; exact log Z unless ``log_z`` given."""
        if log_z is None:
            log_z = self.log_partition_exact()
        return float(-np.mean(self.free_energy(x).astype(np.float64)) - log_z)

    # ---- saving ----------------------------------------------------------------------
    def save(self, path):
        """One .npz file (header, W, a, b, persistent chains), written atomically."""
        saving.save_rbm(self, path)

    @classmethod
    def load(cls, path, *, allow_nonfinite=False):
        """The RBM in ``path`` (see ``load_rbm``)."""
        return load_rbm(path, allow_nonfinite=allow_nonfinite)

    def __repr__(self):
        return (
            f"RBM({self.n_visible}, {self.n_hidden}, visible={self.visible!r}, "
            f"dtype={self.dtype.name})"
        )


def load_rbm(path, *, allow_nonfinite=False):
    """The RBM saved by ``RBM.save``.

    Raises
    ------
    ValueError
        For a file that ``ml4phys.generative.saving.read_rbm`` refuses (see there: not
        an RBM file, a newer version, or NaN/inf unless ``allow_nonfinite=True``).
    """
    header, arrays = saving.read_rbm(path, allow_nonfinite=allow_nonfinite)
    rbm = RBM(
        header["n_visible"],
        header["n_hidden"],
        header["visible"],
        seed=header["seed"],
        dtype=header["dtype"],
    )
    for name in rbm.params:
        rbm.params[name][...] = arrays[name]
    if "chains" in arrays:
        rbm.chains, rbm.chains_h = arrays["chains"], arrays["chains_h"]
    return rbm
