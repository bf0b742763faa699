"""CartPole-v1 (gymnasium) with ``ml4phys.nn`` networks: REINFORCE with baseline, DQN.

REINFORCE: policy 4-64-2 (tanh, softmax), Adam, discount 0.99, one update per batch of 8
episodes run in lockstep, returns-to-go standardized per batch (the baseline). DQN: a
4-64-64-2 relu Q-network, Adam 5e-4, replay of 50,000 steps, target network copied every
500 steps, epsilon from 1 to 0.05 over 10,000 steps.
Reported per seed: the episodes until the mean return over 100 consecutive episodes
reaches 475 (gymnasium's "solved"), or None within the budget, and the wall time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..plots import training as training_plots
from ..rl.dqn import DQN
from ..rl.episodes import StopAtMeanReturn
from ..rl.policy_gradient import PolicyGradient
from .base import Result, progress_bar

NAME = "cartpole"
DESCRIPTION = "CartPole-v1 with REINFORCE + baseline and with DQN, episodes to solve"

SOLVED = 475.0  # gymnasium's reward threshold for CartPole-v1


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    seeds: tuple = (0, 1, 2)
    max_episodes: int = 3000  # REINFORCE's budget per seed
    learning_rate: float = 0.01
    batch_episodes: int = 8
    dqn: bool = True  # also train DQN
    dqn_episodes: int = 1500  # DQN's budget per seed (seed 0 solves at 870)
    seed: int = 0  # unused: the seeds above drive each run
    quick: bool = False  # one seed, 40 and 10 episodes: checks the pipeline


def policy_network(seed):
    """The benchmark's policy: 4-64-2, tanh hidden layer, softmax output."""
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(64, activation="tanh", input_shape=(4,)))
    net.add(layers.Dense(2, activation="softmax"))
    return net


def _q_network(seed):
    net = models.Sequential(seed=seed)
    net.add(layers.Dense(64, activation="relu", input_shape=(4,)))
    net.add(layers.Dense(64, activation="relu"))
    net.add(layers.Dense(2))
    return net


def _make_env():
    import gymnasium as gym  # 0.25 s to import, and ``ml4phys list`` imports every experiment

    return gym.make("CartPole-v1")


def _train(agent, episodes, seed):
    stop = StopAtMeanReturn(SOLVED)
    start = time.perf_counter()
    returns = agent.train(
        _make_env(), episodes, seed=seed, callbacks=[stop], progress=False
    )
    return returns, stop.solved_at, time.perf_counter() - start


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    seeds = config.seeds[:1] if config.quick else config.seeds
    budget = 40 if config.quick else config.max_episodes
    dqn_budget = 10 if config.quick else config.dqn_episodes
    curves, numbers = {}, {"reinforce": {}, "dqn": {}}
    with progress_bar(progress, len(seeds) * (1 + config.dqn), NAME) as bar:
        for seed in seeds:
            agent = PolicyGradient(
                policy_network(seed),
                optimizer=optimizers.Adam(config.learning_rate),
                gamma=0.99,
                normalize=True,
                batch_episodes=config.batch_episodes,
                seed=seed,
            )
            returns, solved_at, seconds = _train(agent, budget, seed)
            numbers["reinforce"][f"seed {seed}"] = _summary(returns, solved_at, seconds)
            curves[f"REINFORCE, seed {seed}"] = returns
            bar.update()
            if config.dqn:
                agent = DQN(
                    _q_network(seed),
                    optimizer=optimizers.Adam(5e-4),
                    gamma=0.99,
                    buffer_size=50_000,
                    learning_starts=1000,
                    target_update_interval=500,
                    epsilon_decay_steps=10_000,
                    seed=seed,
                )
                returns, solved_at, seconds = _train(agent, dqn_budget, seed)
                numbers["dqn"][f"seed {seed}"] = _summary(returns, solved_at, seconds)
                curves[f"DQN, seed {seed}"] = returns
                bar.update()
    for method in ("reinforce", "dqn"):
        solved = [r["solved_at"] for r in numbers[method].values()]
        if solved:
            numbers[method]["all_solved"] = all(s is not None for s in solved)
            if all(s is not None for s in solved):
                numbers[method]["median_episodes_to_solve"] = float(np.median(solved))
    figures = {
        "returns": training_plots.cost_curves(
            curves,
            xlabel="episode",
            ylabel="return",
            logy=False,
            smooth=20,
            title=f"CartPole-v1 (solved: mean of 100 episodes >= {SOLVED:g})",
        )
    }
    return Result(numbers=numbers, figures=figures)


def _summary(returns, solved_at, seconds):
    return {
        "solved_at": solved_at,
        "episodes": len(returns),
        "seconds": round(seconds, 3),
        "last_100_mean_return": float(np.mean(returns[-100:])),
    }
