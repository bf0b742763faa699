"""Tabular Q-learning (lecture: "Q-learning").

Q(s, a) estimates the discounted return of taking a in s and acting greedily afterwards.
After each step (s, a, r, s') it moves toward the Bellman target:

    Q(s, a) <- Q(s, a) + alpha * (r + gamma * max_a' Q(s', a') - Q(s, a))

(no future term when the episode terminated at s'). Actions are epsilon-greedy.
"""

from __future__ import annotations

import numpy as np

from ..common import checks
from .episodes import Agent, Episode

__all__ = ["TabularQLearning"]


class TabularQLearning(Agent):
    """Q-table agent with epsilon-greedy exploration.

    Parameters
    ----------
    n_states, n_actions : int
        Observations must be integers in 0..n_states-1.
    learning_rate : float
        alpha of the update.
    gamma : float
        Discount factor.
    epsilon : float
        Probability of a random action while training.
    initial_q : float
        Starting value of every Q(s, a); optimistic values explore more.
    """

    def __init__(
        self,
        n_states,
        n_actions,
        learning_rate=0.5,
        gamma=0.95,
        epsilon=0.1,
        initial_q=0.0,
        seed=None,
    ):
        where = "TabularQLearning"
        for name, value in (("n_states", n_states), ("n_actions", n_actions)):
            checks.positive_int(name, value, where=where)
        for name, value in (("learning_rate", learning_rate), ("gamma", gamma)):
            checks.probability(name, value, where=where)
        checks.probability("epsilon", epsilon, where=where)
        self.q = np.full((n_states, n_actions), float(initial_q))
        self.learning_rate, self.gamma, self.epsilon = learning_rate, gamma, epsilon
        self.rng = np.random.default_rng(seed)

    def act(self, obs, greedy=True):
        if not greedy and self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.q.shape[1]))
        q = self.q[int(obs)]
        best = np.flatnonzero(q == q.max())
        return int(best[0] if greedy else self.rng.choice(best))  # random among ties

    def update(self, s, a, reward, s_next, terminated):
        target = reward + (0.0 if terminated else self.gamma * self.q[s_next].max())
        self.q[s, a] += self.learning_rate * (
            target - self.q[s, a]
        )  # TD step toward target

    def _train_batch(self, envs, seeds):
        (env,), (seed,) = envs, seeds
        s, _ = env.reset(seed=seed)
        states, actions, rewards = [], [], []
        while True:
            a = self.act(s, greedy=False)
            s_next, reward, terminated, truncated, _ = env.step(a)
            self.update(int(s), a, reward, int(s_next), terminated)
            states.append(s), actions.append(a), rewards.append(reward)
            s = s_next
            if terminated or truncated:
                return [
                    Episode(
                        np.array(states), np.array(actions), np.array(rewards, float)
                    )
                ]

    def greedy_path(self, env, seed=None, max_steps=None):
        """Positions visited acting greedily from ``reset``; whether it terminated."""
        s, _ = env.reset(seed=seed)
        path = [int(s)]
        for _ in range(max_steps or getattr(env, "max_steps", 1000)):
            s, _, terminated, truncated, _ = env.step(self.act(s))
            path.append(int(s))
            if terminated or truncated:
                return path, bool(terminated)
        return path, False
