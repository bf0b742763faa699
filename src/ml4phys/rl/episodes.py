"""Episodes: running a policy in environments, returns-to-go, the agents' train loop.

An episode is the lecture's trajectory (s_0, a_0, r_1, s_1, a_1, r_2, ...): arrays of
the observations seen, the actions taken and the rewards received after each action.
``collect`` runs a batch of episodes in lockstep, one environment per episode (the
environments of a ``gymnasium.vector.SyncVectorEnv``, or copies of one environment), so
a network policy is called once per time step for the whole batch.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np

from ..common.progress import progress_bar
from ..nn import callbacks as _callbacks

__all__ = [
    "Episode",
    "collect",
    "returns_to_go",
    "environments",
    "Agent",
    "StopAtMeanReturn",
]


@dataclass
class Episode:
    """observations ``(T, *obs_shape)``, actions (T,), rewards (T,); reward t follows
    action t.
    """

    observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray

    @property
    def total_return(self) -> float:
        return float(self.rewards.sum())

    def __len__(self):
        return len(self.actions)


def returns_to_go(rewards, gamma):
    """G_t = sum_{t' >= t} gamma^(t' - t) r_t', the return credited to action t."""
    backward = np.asarray(rewards, float)[::-1].tolist()  # r_{T-1}, ..., r_0
    # G_t = r_t + gamma G_{t+1}, from the end; accumulate runs the loop in C
    returns = itertools.accumulate(backward, lambda g, r: r + gamma * g)
    return np.fromiter(returns, float, len(backward))[::-1]


def environments(env, n):
    """n environments to run in lockstep: a SyncVectorEnv's own, or copies of env."""
    if hasattr(env, "envs"):  # gymnasium.vector.SyncVectorEnv
        if len(env.envs) < n:
            raise ValueError(
                f"the vector environment has {len(env.envs)} environments, "
                f"{n} are needed"
            )
        return list(env.envs[:n])
    return [env] + [copy.deepcopy(env) for _ in range(n - 1)]


def collect(envs, policy, seeds):
    """Run one episode in each environment; ``policy(obs_batch) -> actions``.

    Parameters
    ----------
    envs : list of gymnasium.Env
    policy : callable
        observations of shape ``(n_active, *obs_shape)`` -> actions (n_active,)
    seeds : list of int or None, one per environment, passed to ``reset``

    Returns
    -------
    list of Episode, in the order of ``envs``
    """
    obs = [np.asarray(env.reset(seed=seed)[0]) for env, seed in zip(envs, seeds)]
    trace = [([], [], []) for _ in envs]
    active = list(range(len(envs)))
    while active:
        # np.array of a list of arrays: np.stack's result at a fraction of its overhead
        actions = np.asarray(policy(np.array([obs[i] for i in active])))
        still = []
        # numpy integers, not Python ints: gymnasium's Discrete.contains checks them
        # faster (an int goes through np.iinfo on every step)
        for i, action in zip(active, actions):
            observations, taken, rewards = trace[i]
            observations.append(obs[i])
            taken.append(action)
            ob, reward, terminated, truncated, _ = envs[i].step(action)
            rewards.append(reward)
            obs[i] = np.asarray(ob)
            if not (terminated or truncated):
                still.append(i)
        active = still
    return [Episode(np.array(o), np.array(a), np.array(r, float)) for o, a, r in trace]


class Agent:
    """The train loop every agent shares: episodes in batches, progress, callbacks.

    Subclasses define ``act(obs, greedy=True)`` and ``_train_batch(envs, seeds) -> list
    of Episode`` (run episodes and learn from them); ``batch_episodes`` is their batch
    size.
    """

    batch_episodes = 1

    def train(self, env, episodes, seed=None, callbacks=None, progress=True):
        """Train for ``episodes`` episodes; returns the list of episode returns.

        Parameters
        ----------
        env : gymnasium.Env or gymnasium.vector.SyncVectorEnv
        episodes : int
        seed : int, optional
            Seeds the agent's generator and the environments' resets (episode k gets
            seed + k), so a run is a function of its seed.
        callbacks : list of ml4phys.nn.callbacks.Callback, optional
            ``on_epoch_end(episode, logs)`` after every episode with logs ``return`` and
            ``mean_return`` (over the last 100 episodes); setting
            ``agent.stop_training`` stops.
        progress : bool or tqdm-like factory
            A progress bar showing the mean return.
        """
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        envs = environments(env, self.batch_episodes)
        callbacks = list(callbacks or [])
        for cb in callbacks:
            cb.set_model(self)
            cb.on_train_begin()
        returns, self.stop_training = [], False
        self.episode_lengths = []  # steps of every episode, for experiments
        with progress_bar(progress, episodes, "episodes", leave=False) as bar:
            while len(returns) < episodes and not self.stop_training:
                n = min(self.batch_episodes, episodes - len(returns))
                seeds = [
                    None if seed is None else seed + len(returns) + k for k in range(n)
                ]
                for episode in self._train_batch(envs[:n], seeds):
                    returns.append(episode.total_return)
                    self.episode_lengths.append(len(episode))
                    logs = {
                        "return": returns[-1],
                        "mean_return": float(np.mean(returns[-100:])),
                    }
                    for cb in callbacks:
                        cb.on_epoch_end(len(returns) - 1, logs)
                bar.update(n)
                bar.set_postfix(mean_return=f"{np.mean(returns[-100:]):.3g}")
        for cb in callbacks:
            cb.on_train_end({"returns": returns})
        return returns


class StopAtMeanReturn(_callbacks.Callback):
    """Stops training once the mean return over the last ``window`` episodes reaches
    ``threshold``; ``solved_at`` is then the number of episodes played (else None).
    """

    def __init__(self, threshold, window=100):
        super().__init__()
        self.threshold, self.window = threshold, window
        self.returns, self.solved_at = [], None

    def on_epoch_end(self, epoch, logs=None):
        self.returns.append(logs["return"])
        if (
            len(self.returns) >= self.window
            and np.mean(self.returns[-self.window :]) >= self.threshold
        ):
            self.solved_at = epoch + 1
            self.model.stop_training = True
