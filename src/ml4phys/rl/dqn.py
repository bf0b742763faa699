"""Deep Q-learning (DQN, Mnih et al. 2015) with an ``ml4phys.nn`` Q-network.

The network maps an observation to Q(s, a) for every action. Transitions (s, a, r, s',
terminated) go into a replay buffer; every ``train_frequency`` steps a random minibatch
is fitted toward the Bellman targets of a frozen copy of the network (the target
network, refreshed every ``target_update_interval`` steps):

    y(s, a) = r + gamma * (1 - terminated) * max_a' Q_target(s', a')

Only the output of the taken action is trained: the other outputs get their own current
value as target. Exploration is epsilon-greedy, with epsilon falling linearly from
``epsilon_start`` to ``epsilon_end`` over ``epsilon_decay_steps`` steps.
"""

from __future__ import annotations

import copy

import numpy as np

from ..nn import optimizers as _optimizers
from .episodes import Agent, Episode

__all__ = ["DQN", "ReplayBuffer"]


class ReplayBuffer:
    """A ring buffer of transitions: the newest ``capacity`` ones are kept."""

    def __init__(self, capacity, obs_shape):
        self.obs = np.zeros((capacity, *obs_shape), np.float32)
        self.next_obs = np.zeros_like(self.obs)
        self.actions = np.zeros(capacity, int)
        self.rewards = np.zeros(capacity)
        self.terminated = np.zeros(capacity, bool)
        self.capacity, self.size, self.index = capacity, 0, 0

    def add(self, obs, action, reward, next_obs, terminated):
        i = self.index
        self.obs[i], self.actions[i], self.rewards[i] = obs, action, reward
        self.next_obs[i], self.terminated[i] = next_obs, terminated
        self.index = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, rng):
        idx = rng.integers(self.size, size=batch_size)
        return (
            self.obs[idx],
            self.actions[idx],
            self.rewards[idx],
            self.next_obs[idx],
            self.terminated[idx],
        )


class DQN(Agent):
    """Q-network agent with experience replay, a target network and an epsilon schedule.

    Parameters
    ----------
    model : ml4phys.nn.Sequential
        Linear output with one unit per action; compiled here with mean squared error.
    optimizer : str or Optimizer
    gamma : float
    buffer_size, batch_size, learning_starts : int
        Replay capacity, minibatch size, and steps of pure collection before learning.
    train_frequency, target_update_interval : int
        Steps between updates, and between copies into the target network.
    epsilon_start, epsilon_end, epsilon_decay_steps
        The linear epsilon schedule over environment steps.
    preprocess : callable, optional
        Observations (batch, ...) -> network inputs.
    """

    def __init__(
        self,
        model,
        optimizer="adam",
        gamma=0.99,
        buffer_size=10_000,
        batch_size=64,
        learning_starts=500,
        train_frequency=1,
        target_update_interval=250,
        epsilon_start=1.0,
        epsilon_end=0.05,
        epsilon_decay_steps=5_000,
        preprocess=None,
        seed=None,
    ):
        self.model = model
        model.compile(optimizer=_optimizers.get(optimizer), loss="mean_squared_error")
        self.target = copy.deepcopy(model)
        self.gamma, self.batch_size = gamma, batch_size
        self.buffer_size, self.learning_starts = buffer_size, learning_starts
        self.train_frequency = train_frequency
        self.target_update_interval = target_update_interval
        self.epsilon_start, self.epsilon_end = epsilon_start, epsilon_end
        self.epsilon_decay_steps = epsilon_decay_steps
        self.preprocess = preprocess or (lambda obs: obs)
        self.rng = np.random.default_rng(seed)
        self.steps, self.buffer = 0, None

    @property
    def epsilon(self):
        """epsilon after ``steps`` environment steps (linear decay, then constant)."""
        frac = min(1.0, self.steps / self.epsilon_decay_steps)
        return self.epsilon_start + frac * (self.epsilon_end - self.epsilon_start)

    def q_values(self, observations):
        return self.model.predict_on_batch(self.preprocess(np.asarray(observations)))

    def act(self, obs, greedy=True):
        if not greedy and self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.model.output_shape[-1]))
        return int(self.q_values(np.asarray(obs)[None])[0].argmax())

    def update(self):
        """One minibatch step toward the target network's Bellman targets; the loss."""
        obs, actions, rewards, next_obs, terminated = self.buffer.sample(
            self.batch_size, self.rng
        )
        x = self.preprocess(obs)
        q_next = self.target.predict_on_batch(self.preprocess(next_obs)).max(axis=1)
        y = self.model.predict_on_batch(x).copy()  # untaken actions: target = own value
        # y(s, a) = r + gamma (1 - terminated) max_a' Q_target(s', a')
        y[np.arange(len(y)), actions] = rewards + self.gamma * ~terminated * q_next
        return self.model.train_on_batch(x, y)

    def sync_target(self):
        self.target.set_weights(self.model.get_weights())

    def _train_batch(self, envs, seeds):
        (env,), (seed,) = envs, seeds
        obs, _ = env.reset(seed=seed)
        if self.buffer is None:
            self.buffer = ReplayBuffer(self.buffer_size, np.shape(obs))
        trace = ([], [], [])
        while True:
            action = self.act(obs, greedy=False)
            next_obs, reward, terminated, truncated, _ = env.step(action)
            self.buffer.add(obs, action, reward, next_obs, terminated)
            for lst, value in zip(trace, (obs, action, reward)):
                lst.append(value)
            obs = next_obs
            self.steps += 1
            if (
                self.steps >= self.learning_starts
                and self.steps % self.train_frequency == 0
            ):
                self.update()
            if self.steps % self.target_update_interval == 0:
                self.sync_target()
            if terminated or truncated:
                return [
                    Episode(
                        np.array(trace[0]),
                        np.array(trace[1]),
                        np.array(trace[2], float),
                    )
                ]
