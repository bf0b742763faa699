"""Restricted Boltzmann machine (lecture: "Learning a probability distribution").

Energy E(v, h) = -a.v - b.h - v.W.h for binary visible units, or
``E(v, h) = |v - a|^2 / 2 - b.h - v.W.h`` for Gaussian visible units of unit variance;
hidden units are binary. p(v, h) = exp(-E(v, h)) / Z, and summing out h gives the free
energy: p(v) = exp(-F(v)) / Z. Shapes: v (batchsize, n_visible), h (batchsize, n_hidden),
W (n_visible, n_hidden), a (n_visible,), b (n_hidden,). Training follows the gradient of
the log-likelihood, dlogL/dW = <v h>_data - <v h>_model, with the model average from a
short Gibbs chain (contrastive divergence, CD-k) or from persistent chains (PCD).
Optionally centered (Montavon & Mueller 2012; Melchior, Fischer & Wiskott, JMLR 17, 2016):
the gradient is taken in the parametrization E = -(v - mu).W.(h - lambda) - ..., with
offsets mu, lambda the running means of v and p(h|v) on the data; the parameters stored
stay the ordinary W, a, b, so the model (and sampling) is unchanged, only training is.
Partition functions (exact and AIS) live in ``partition.py``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..common import checks
from ..nn import optimizers
from . import partition, saving
from ._math import sigmoid, softplus
from .saving import load_rbm

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

    # ---- training --------------------------------------------------------------------
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
        """The negative log-likelihood gradient, estimated by CD-k or PCD-k.

        Overwrites and returns ``self.grads`` (optimizers minimize, so this is
        -dlogL/dtheta plus the penalties). ``v`` is one batch, (batchsize, n_visible).
        ``centering=True``: the step of the centered parametrization, written as a step
        of W, a, b (see ``_center``).
        """
        v_data = self._check(v, self.n_visible, "v")
        batchsize = len(v_data)
        h_data = self.prob_h_given_v(v_data)  # positive phase: exact average over h
        if persistent:
            if self.chains is None or len(self.chains) != batchsize:
                self.chains = self.sample(batchsize, gibbs_steps=0)
                self.chains_h = self.prob_h_given_v(self.chains)
            v_model, h_prob = self.chains, self.chains_h
        else:
            v_model, h_prob = v_data, h_data
        for _ in range(k):  # negative phase: k block Gibbs sweeps
            v_model = self.sample_v_given_h(self._bernoulli(h_prob))
            h_prob = self.prob_h_given_v(v_model)
        if persistent:
            self.chains, self.chains_h = v_model, h_prob
        # dlogL/dW = <v h>_data - <v h>_model, as one matmul:
        # [v_data; v_model]^T @ [h_data; -h_model] / batchsize
        v_both = np.concatenate([v_data, v_model])
        h_both = np.concatenate([h_data, -h_prob])
        np.matmul(v_both.T, h_both, out=self.grads["W"])
        self.grads["W"] *= -1.0 / batchsize  # the NEGATIVE log-likelihood gradient
        mean_v_data, mean_h_data = v_data.mean(axis=0), h_data.mean(axis=0)
        # dlogL/da = <v>_data - <v>_model (binary: -dE/da = v; Gaussian: v - a)
        self.grads["a"][...] = v_model.mean(axis=0) - mean_v_data
        self.grads["b"][...] = h_prob.mean(axis=0) - mean_h_data  # <h>_model - <h>_data
        if centering:
            self._center(mean_v_data, mean_h_data)
        if weight_decay:  # L2 penalty weight_decay |W|^2 / 2
            self.grads["W"] += weight_decay * self.params["W"]
        if sparsity_target is not None:
            self._sparsity(mean_v_data, mean_h_data, sparsity_target, sparsity_cost)
        return self.grads

    def _center(self, mean_v, mean_h, rate=0.01):
        """Turn the gradient into the centered one (Melchior et al. 2016, their Alg. 1).

        With E = -(v - mu).W.(h - lambda) - a_c.(v - mu) - b_c.(h - lambda), i.e.
        a = a_c - W lambda and b = b_c - W^T mu, the centered gradient is
            dW_c = <(v - mu)(h - lambda)>_data - <...>_model = dW - mu db^T - da lambda^T
        and a step of (W, a_c, b_c) moves a by da - dW_c lambda and b by db - dW_c^T mu.
        The offsets follow the data: mu <- mu + rate (<v>_batch - mu), lambda likewise.
        """
        if self.offsets is None:
            self.offsets = {"v": mean_v.copy(), "h": mean_h.copy()}
        else:
            self.offsets["v"] += rate * (mean_v - self.offsets["v"])
            self.offsets["h"] += rate * (mean_h - self.offsets["h"])
        mu, lam = self.offsets["v"], self.offsets["h"]
        grad_w, grad_a, grad_b = self.grads["W"], self.grads["a"], self.grads["b"]
        grad_w -= np.outer(mu, grad_b) + np.outer(grad_a, lam)  # uses a, b grads before
        grad_a -= grad_w @ lam
        grad_b -= grad_w.T @ mu

    def _sparsity(self, mean_v, mean_h, target, cost):
        """Hinton's guide, sect. 11: running q_j, penalty gradient cost (q_j - p) on the
        input of hidden unit j (its bias, and its weights times <v_i>)."""
        if self.hidden_mean is None:
            self.hidden_mean = mean_h.copy()
        self.hidden_mean += 0.1 * (
            mean_h - self.hidden_mean
        )  # q <- 0.9 q + 0.1 q_batch
        excess = cost * (self.hidden_mean - target)
        self.grads["b"] += excess
        self.grads["W"] += np.outer(mean_v, excess)

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

        Parameters
        ----------
        x : ndarray, shape (n_samples, n_visible)
        k : int
            Gibbs sweeps of the negative phase per update.
        persistent : bool
            PCD: the chains (one per sample of a batch) continue from update to update,
            instead of starting at the batch (CD).
        learning_rate, momentum : float
            Of the default optimizer, SGD.
        weight_decay : float
            L2 penalty ``weight_decay |W|^2 / 2`` added to the cost.
        sparsity_target, sparsity_cost : float
            Push the running mean activation of every hidden unit toward the target.
        centering : bool
            Centered gradient (offsets: running data means of v and p(h|v)); it learns
            much faster on data whose units are often on, such as Ising spins.
        optimizer : ml4phys.nn optimizer, optional
            Default SGD(learning_rate, momentum); pass one object across calls to keep
            its momentum.
        log_likelihood : {None, 'exact', 'ais'}
            Also record the mean log-likelihood of ``monitor_data`` (AIS: ``ais`` holds
            keyword arguments of ``log_partition_ais``).
        monitor_data : ndarray, optional
            Data the history is measured on (default: the first 1000 samples of x).
        eval_every : int, optional
            Record the history every this many batches (default: after each epoch).
        progress : None, True or a tqdm-like factory
            A progress bar over the batches.

        Returns
        -------
        history : dict
            'step' (batches done), 'reconstruction_error' (mean squared, per unit),
            'pseudo_log_likelihood' (binary only, nats per sample), and 'log_likelihood'
            (+ 'log_likelihood_std' for AIS) when asked.
        """
        x = self._check(x, self.n_visible, "x")
        _check_fit(x, epochs, batch_size, k, learning_rate, momentum, weight_decay)
        if optimizer is None:
            optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
        monitor = (
            x[:1000]
            if monitor_data is None
            else self._check(monitor_data, self.n_visible, "monitor")
        )
        n_batches = int(np.ceil(len(x) / batch_size))
        history = {"step": []}
        bar = _progress(progress, epochs * n_batches)
        last_finite = _LastFinite(self.params)
        step = 0
        try:
            for _ in range(epochs):
                order = self.rng.permutation(len(x)) if shuffle else np.arange(len(x))
                for start in range(0, len(x), batch_size):
                    batch = x[order[start : start + batch_size]]
                    self.gradient(
                        batch,
                        k,
                        persistent,
                        weight_decay,
                        sparsity_target,
                        sparsity_cost,
                        centering,
                    )
                    last_finite.save()
                    optimizer.apply(self.params, self.grads)
                    if not last_finite.check_or_restore():
                        return _stopped(history, step, optimizer)
                    step += 1
                    bar.update(1)
                    if eval_every and step % eval_every == 0:
                        self._record(history, step, monitor, log_likelihood, ais)
                if not eval_every:
                    self._record(history, step, monitor, log_likelihood, ais)
        finally:
            bar.close()
        return history

    def _record(self, history, step, monitor, log_likelihood, ais):
        def add(key, value):
            history.setdefault(key, []).append(float(value))

        history["step"].append(step)
        add("reconstruction_error", np.mean((monitor - self.reconstruct(monitor)) ** 2))
        if self.visible == "binary":
            add("pseudo_log_likelihood", self.pseudo_log_likelihood(monitor))
        if log_likelihood == "exact":
            add("log_likelihood", self.log_likelihood(monitor))
        elif log_likelihood == "ais":
            log_z, std = self.log_partition_ais(**{"data": monitor, **(ais or {})})
            add("log_likelihood", self.log_likelihood(monitor, log_z=log_z))
            add("log_likelihood_std", std)
        elif log_likelihood is not None:
            raise ValueError(
                f"log_likelihood must be None, 'exact' or 'ais', "
                f"received {log_likelihood!r}"
            )

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
        return saving.load_rbm(path, allow_nonfinite=allow_nonfinite)

    def __repr__(self):
        return (
            f"RBM({self.n_visible}, {self.n_hidden}, visible={self.visible!r}, "
            f"dtype={self.dtype.name})"
        )


def _check_fit(x, epochs, batch_size, k, learning_rate, momentum, weight_decay):
    """RBM.fit's arguments, checked once before training."""
    checks.finite_array("x", x, where="RBM.fit")
    checks.non_negative_int("epochs", epochs, where="RBM.fit")
    checks.positive_int("batch_size", batch_size, where="RBM.fit")
    checks.positive_int("k", k, where="RBM.fit")
    checks.positive_number("learning_rate", learning_rate, where="RBM.fit")
    checks.probability("momentum", momentum, where="RBM.fit", open_right=True)
    checks.positive_number(
        "weight_decay", weight_decay, where="RBM.fit", allow_zero=True
    )


class _LastFinite:
    """A copy of the parameters from before each update, to fall back on."""

    def __init__(self, params):
        self.params = params
        self.saved = {name: value.copy() for name, value in params.items()}

    def save(self):
        for name, value in self.params.items():
            np.copyto(self.saved[name], value)

    def check_or_restore(self) -> bool:
        """True if every parameter is finite; else put the saved ones back."""
        if checks.all_finite(*self.params.values()):
            return True
        for name, value in self.saved.items():
            np.copyto(self.params[name], value)
        return False


def _stopped(history, step, optimizer):
    """Stop as nn's fit does: a warning, the last finite parameters, the history kept."""
    warnings.warn(
        f"RBM.fit stopped at update {step + 1}: the parameters became NaN or infinite; "
        f"the parameters are the last finite ones. Try a smaller learning rate (now "
        f"{optimizer.learning_rate:g})",
        RuntimeWarning,
        stacklevel=3,
    )
    history["stopped_at"] = step
    return history


def _progress(progress, total):
    if progress is None or progress is False:
        return _Silent()
    if progress is True:
        from tqdm.auto import tqdm as progress
    return progress(total=total, desc="RBM")


class _Silent:
    def update(self, n=1): ...
    def close(self): ...
