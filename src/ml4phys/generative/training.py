"""Training an RBM: the contrastive-divergence gradient (CD-k, PCD-k) and the fit loop.

dlogL/dW = <v h>_data - <v h>_model: the data average is exact over h (p(h|v)), the
model average comes from k block Gibbs sweeps started at the batch (CD) or continued
from the previous update (PCD, persistent chains). Optionally centered (Montavon &
Mueller 2012; Melchior, Fischer & Wiskott, JMLR 17, 2016) and with a sparsity target
(Hinton's practical guide, sect. 11). ``fit`` feeds the batches of
``ml4phys.nn.batching.epoch_batches`` (those of ``Sequential.fit``) to an ``ml4phys.nn``
optimizer, so the engine's optimizers (momentum, Adam, ...) train RBMs too.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..common import checks
from ..common.progress import progress_bar
from ..nn import optimizers
from ..nn.batching import epoch_batches

__all__ = ["fit", "gradient"]

LOG_LIKELIHOODS = (None, "exact", "ais")


def gradient(
    rbm,
    v,
    k=1,
    persistent=False,
    weight_decay=0.0,
    sparsity_target=None,
    sparsity_cost=0.1,
    centering=False,
):
    """The negative log-likelihood gradient of ``rbm``, estimated by CD-k or PCD-k.

    Overwrites and returns ``rbm.grads`` (optimizers minimize, so this is -dlogL/dtheta
    plus the penalties). ``v`` is one batch, (batchsize, n_visible). ``centering=True``:
    the step of the centered parametrization, written as a step of W, a, b (see
    ``_center``). The other parameters: see ``fit``.
    """
    v_data = rbm._check(v, rbm.n_visible, "v")
    batchsize = len(v_data)
    h_data = rbm.prob_h_given_v(v_data)  # positive phase: exact average over h
    v_model, h_prob = _negative_phase(rbm, v_data, h_data, k, persistent)
    grads = rbm.grads
    # dlogL/dW = <v h>_data - <v h>_model, as one matmul:
    # [v_data; v_model]^T @ [h_data; -h_model] / batchsize
    v_both = np.concatenate([v_data, v_model])
    h_both = np.concatenate([h_data, -h_prob])
    np.matmul(v_both.T, h_both, out=grads["W"])
    grads["W"] *= -1.0 / batchsize  # the NEGATIVE log-likelihood gradient
    mean_v_data, mean_h_data = v_data.mean(axis=0), h_data.mean(axis=0)
    # dlogL/da = <v>_data - <v>_model (binary: -dE/da = v; Gaussian: v - a)
    grads["a"][...] = v_model.mean(axis=0) - mean_v_data
    grads["b"][...] = h_prob.mean(axis=0) - mean_h_data  # <h>_model - <h>_data
    if centering:
        _center(rbm, mean_v_data, mean_h_data)
    if weight_decay:  # L2 penalty weight_decay |W|^2 / 2
        grads["W"] += weight_decay * rbm.params["W"]
    if sparsity_target is not None:
        _sparsity(rbm, mean_v_data, mean_h_data, sparsity_target, sparsity_cost)
    return grads


def _negative_phase(rbm, v_data, h_data, k, persistent):
    """k block Gibbs sweeps from the batch (CD) or the persistent chains (PCD)."""
    if persistent:
        if rbm.chains is None or len(rbm.chains) != len(v_data):
            rbm.chains = rbm.sample(len(v_data), gibbs_steps=0)
            rbm.chains_h = rbm.prob_h_given_v(rbm.chains)
        v_model, h_prob = rbm.chains, rbm.chains_h
    else:
        v_model, h_prob = v_data, h_data
    for _ in range(k):
        v_model = rbm.sample_v_given_h(rbm._bernoulli(h_prob))
        h_prob = rbm.prob_h_given_v(v_model)
    if persistent:
        rbm.chains, rbm.chains_h = v_model, h_prob
    return v_model, h_prob


def _center(rbm, mean_v, mean_h, rate=0.01):
    """Turn the gradient into the centered one (Melchior et al. 2016, their Alg. 1).

    With E = -(v - mu).W.(h - lambda) - a_c.(v - mu) - b_c.(h - lambda), i.e.
    a = a_c - W lambda and b = b_c - W^T mu, the centered gradient is
        dW_c = <(v - mu)(h - lambda)>_data - <...>_model = dW - mu db^T - da lambda^T
    and a step of (W, a_c, b_c) moves a by da - dW_c lambda and b by db - dW_c^T mu.
    The offsets follow the data: mu <- mu + rate (<v>_batch - mu), lambda likewise.
    """
    if rbm.offsets is None:
        rbm.offsets = {"v": mean_v.copy(), "h": mean_h.copy()}
    else:
        rbm.offsets["v"] += rate * (mean_v - rbm.offsets["v"])
        rbm.offsets["h"] += rate * (mean_h - rbm.offsets["h"])
    mu, lam = rbm.offsets["v"], rbm.offsets["h"]
    grad_w, grad_a, grad_b = rbm.grads["W"], rbm.grads["a"], rbm.grads["b"]
    grad_w -= np.outer(mu, grad_b) + np.outer(grad_a, lam)  # uses a, b grads before
    grad_a -= grad_w @ lam
    grad_b -= grad_w.T @ mu


def _sparsity(rbm, mean_v, mean_h, target, cost):
    """Hinton's guide, sect. 11: running q_j, penalty gradient cost (q_j - p) on the
    input of hidden unit j (its bias, and its weights times <v_i>).
    """
    if rbm.hidden_mean is None:
        rbm.hidden_mean = mean_h.copy()
    rbm.hidden_mean += 0.1 * (mean_h - rbm.hidden_mean)  # q <- 0.9 q + 0.1 q_batch
    excess = cost * (rbm.hidden_mean - target)
    rbm.grads["b"] += excess
    rbm.grads["W"] += np.outer(mean_v, excess)


def fit(
    rbm,
    x,
    epochs=1,
    batch_size=100,
    k=1,
    persistent=False,
    learning_rate=0.1,
    momentum=0.0,
    weight_decay=0.0,
    sparsity_target=None,
    sparsity_cost=0.1,
    centering=False,
    optimizer=None,
    shuffle=True,
    log_likelihood=None,
    ais=None,
    monitor_data=None,
    eval_every=None,
    progress=None,
):
    """Train ``rbm`` by CD-k (``persistent=False``) or PCD-k; returns the history dict.

    Parameters
    ----------
    rbm : ml4phys.generative.RBM
    x : ndarray, shape (n_samples, n_visible)
    epochs, batch_size : int
        Passes over ``x``, and samples per update.
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
    shuffle : bool
        A fresh random order of ``x`` every epoch (from ``rbm.rng``).
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
    x = rbm._check(x, rbm.n_visible, "x")
    _check_fit(x, epochs, batch_size, k, learning_rate, momentum, weight_decay)
    if log_likelihood not in LOG_LIKELIHOODS:
        raise ValueError(
            f"log_likelihood must be None, 'exact' or 'ais', received {log_likelihood!r}"
        )
    if optimizer is None:
        optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    if monitor_data is not None:
        monitor_data = rbm._check(monitor_data, rbm.n_visible, "monitor")
    monitor = x[:1000] if monitor_data is None else monitor_data
    cd = (k, persistent, weight_decay, sparsity_target, sparsity_cost, centering)
    history, step = {"step": []}, 0
    n_batches = -(-len(x) // batch_size)
    last_finite = _LastFinite(rbm.params)
    with progress_bar(progress, epochs * n_batches, "RBM") as bar:
        for _ in range(epochs):
            for idx in epoch_batches(len(x), batch_size, rbm.rng, shuffle):
                grads = gradient(rbm, x[idx], *cd)
                last_finite.save()
                optimizer.apply(rbm.params, grads)
                if not last_finite.check_or_restore():
                    return _stopped(history, step, optimizer)
                step += 1
                bar.update(1)
                if eval_every and step % eval_every == 0:
                    _record(rbm, history, step, monitor, log_likelihood, ais)
            if not eval_every:
                _record(rbm, history, step, monitor, log_likelihood, ais)
    return history


def _record(rbm, history, step, monitor, log_likelihood, ais):
    """Append the measures of ``monitor`` after ``step`` batches to ``history``."""

    def add(key, value):
        history.setdefault(key, []).append(float(value))

    history["step"].append(step)
    add("reconstruction_error", np.mean((monitor - rbm.reconstruct(monitor)) ** 2))
    if rbm.visible == "binary":
        add("pseudo_log_likelihood", rbm.pseudo_log_likelihood(monitor))
    if log_likelihood == "exact":
        add("log_likelihood", rbm.log_likelihood(monitor))
    elif log_likelihood == "ais":
        log_z, std = rbm.log_partition_ais(**{"data": monitor, **(ais or {})})
        add("log_likelihood", rbm.log_likelihood(monitor, log_z=log_z))
        add("log_likelihood_std", std)


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
        stacklevel=4,  # _stopped < training.fit < RBM.fit < the caller
    )
    history["stopped_at"] = step
    return history
