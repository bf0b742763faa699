"""Policy gradient (REINFORCE) with a table or a network as the policy (lecture: "Policy
gradient", the maze with treasure chests).

The policy pi_theta(a|s) is a softmax over actions. The expected return's gradient is

    grad_theta E[R] = E[ sum_t grad_theta log pi_theta(a_t|s_t) * (G_t - b_t) ]

with G_t the discounted return-to-go after action t and b_t a baseline (it leaves the
mean unchanged and lowers the variance). Updates climb this gradient, estimated from a
batch of episodes.
"""

from __future__ import annotations

import numpy as np

from ..nn import optimizers as _optimizers
from .episodes import Agent, collect, returns_to_go

__all__ = ["TabularPolicyGradient", "PolicyGradient", "advantages"]


def advantages(episodes, gamma, baseline=True, normalize=False):
    """Per step G_t - b_t for a batch of episodes, concatenated: shape (total steps,).

    baseline : subtract b_t, the batch mean of G_t over the episodes that lasted to t.
    normalize : instead, standardize all returns-to-go of the batch (mean 0, std 1), as
        common REINFORCE code does.
    """
    returns = [returns_to_go(e.rewards, gamma) for e in episodes]
    if normalize:
        flat = np.concatenate(returns)
        return (flat - flat.mean()) / (flat.std() + 1e-8)
    if baseline:
        longest = max(len(g) for g in returns)
        sums, counts = np.zeros(longest), np.zeros(longest)
        for g in returns:
            sums[: len(g)] += g
            counts[: len(g)] += 1
        b = sums / counts  # b_t = <G_t>_batch
        returns = [g - b[: len(g)] for g in returns]
    return np.concatenate(returns)


def _sample(probabilities, rng):
    """One action per row of probabilities (batch, n_actions), by inverting the CDF."""
    cdf = np.add.accumulate(probabilities, axis=1)  # cdf[a] = p_0 + ... + p_a
    u = rng.random(len(cdf))
    u *= cdf[:, -1]  # uniform in [0, total): u < cdf[-1]
    return (cdf >= u[:, None]).argmax(axis=1)  # the first a with cdf[a] >= u


class TabularPolicyGradient(Agent):
    """A softmax policy over a table: pi(a|s) = exp(theta[s,a]) / sum_b exp(theta[s,b]).

    Parameters
    ----------
    n_states, n_actions : int
        Observations must be integers in 0..n_states-1 (e.g. ``Maze``'s positions).
    learning_rate : float
        Step eta of theta <- theta + eta * (estimated gradient of E[R]).
    gamma : float
        Discount of the return-to-go.
    baseline : bool
        Subtract the batch-mean return-to-go at each time step.
    batch_episodes : int
        Episodes per update.
    """

    def __init__(
        self,
        n_states,
        n_actions,
        learning_rate=0.5,
        gamma=1.0,
        baseline=True,
        batch_episodes=16,
        seed=None,
    ):
        self.theta = np.zeros((n_states, n_actions))
        self.learning_rate, self.gamma, self.baseline = learning_rate, gamma, baseline
        self.batch_episodes = batch_episodes
        self.rng = np.random.default_rng(seed)

    def probabilities(self, states=None):
        """pi(a|s) for the given states (all if None): shape (n_states, n_actions)."""
        theta = self.theta if states is None else self.theta[np.asarray(states)]
        e = np.exp(theta - theta.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def act(self, obs, greedy=True):
        p = self.probabilities([int(obs)])
        return int(p.argmax()) if greedy else int(_sample(p, self.rng)[0])

    def gradient(self, episodes):
        """The REINFORCE estimate of grad_theta E[R], averaged over the episodes."""
        states = np.concatenate([e.observations for e in episodes]).astype(int)
        actions = np.concatenate([e.actions for e in episodes]).astype(int)
        weight = advantages(episodes, self.gamma, self.baseline)  # G_t - b_t
        # d log pi(a|s) / d theta[s, a'] = delta_{a a'} - pi(a'|s), so
        # grad = sum_t grad log pi(a_t|s_t) * (G_t - b_t)   (lecture: grad log pi * R)
        grad = np.zeros_like(self.theta)
        np.add.at(grad, (states, actions), weight)
        np.add.at(grad, states, -weight[:, None] * self.probabilities(states))
        return grad / len(episodes)

    def update(self, episodes):
        self.theta += self.learning_rate * self.gradient(
            episodes
        )  # gradient ascent on E[R]

    def _train_batch(self, envs, seeds):
        episodes = collect(
            envs, lambda s: _sample(self.probabilities(s.astype(int)), self.rng), seeds
        )
        self.update(episodes)
        return episodes


class PolicyGradient(Agent):
    """REINFORCE with an ``ml4phys.nn`` network as the policy.

    The network maps a batch of observations to action probabilities (a softmax output).
    One update is one ``train_on_batch`` on all steps of a batch of episodes: the
    cross-entropy of the taken actions, -log pi(a_t|s_t), weighted by G_t - b_t through
    ``sample_weight``. Its gradient, -<(G_t - b_t) grad log pi(a_t|s_t)>, is minus the
    policy gradient, so the optimizer's descent is ascent on E[R].

    Parameters
    ----------
    model : ml4phys.nn.Sequential
        Softmax output with one unit per action; compiled here with
        ``categorical_crossentropy`` and ``optimizer``.
    optimizer : str or Optimizer
    gamma : float
    baseline, normalize : bool
        See ``advantages``; ``normalize`` standardizes the batch's returns-to-go.
    batch_episodes : int
        Episodes per update, run in lockstep: one network call per time step.
    preprocess : callable, optional
        Observations (batch, ...) -> network inputs, e.g. one-hot positions.
    """

    def __init__(
        self,
        model,
        optimizer="adam",
        gamma=0.99,
        baseline=True,
        normalize=False,
        batch_episodes=8,
        preprocess=None,
        seed=None,
    ):
        self.model = model
        model.compile(
            optimizer=_optimizers.get(optimizer), loss="categorical_crossentropy"
        )
        self.gamma, self.baseline, self.normalize = gamma, baseline, normalize
        self.batch_episodes = batch_episodes
        self.preprocess = preprocess or (lambda obs: obs)
        self.rng = np.random.default_rng(seed)

    def probabilities(self, observations):
        """pi(a|s) for a batch of observations: shape (batch, n_actions)."""
        return self.model.predict_on_batch(self.preprocess(np.asarray(observations)))

    def act(self, obs, greedy=True):
        p = self.probabilities(np.asarray(obs)[None])
        return int(p.argmax()) if greedy else int(_sample(p, self.rng)[0])

    def update(self, episodes):
        """One optimizer step on the batch; returns the weighted loss."""
        x = self.preprocess(np.concatenate([e.observations for e in episodes]))
        actions = np.concatenate([e.actions for e in episodes]).astype(int)
        y = np.zeros((len(actions), self.model.output_shape[-1]))
        y[np.arange(len(actions)), actions] = 1.0  # one-hot of the taken actions
        weight = advantages(episodes, self.gamma, self.baseline, self.normalize)
        # C = <(G_t - b_t) * (-log pi(a_t|s_t))>: descent on C is ascent on E[R]
        return self.model.train_on_batch(x, y, sample_weight=weight)

    def _train_batch(self, envs, seeds):
        episodes = collect(
            envs, lambda s: _sample(self.probabilities(s), self.rng), seeds
        )
        self.update(episodes)
        return episodes
