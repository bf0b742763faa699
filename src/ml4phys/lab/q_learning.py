"""Tabular Q-learning in the maze: Q-values, the greedy path, and the effect of epsilon
and of the discount factor gamma.

The maze has one chest (the episode ends there), so the position is the whole state and
Q(s, a) converges to gamma^(steps to the chest - 1). One run with the configured epsilon
and gamma gives the heat map and the greedy path; a sweep over epsilon (at that gamma)
and over gamma (at that epsilon) gives the mean episode length during training (steps to
the chest, or max_steps) and the number of steps the greedy policy needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..plots import rl as rl_plots
from ..plots import training as training_plots
from ..rl import envs
from ..rl.q_learning import TabularQLearning
from .base import Result, progress_bar

NAME = "q-learning"
DESCRIPTION = "tabular Q-learning in a maze: Q-values, greedy path, epsilon and gamma"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    size: int = 11
    max_steps: int = 1000  # long enough for the first, random walks to find the chest
    episodes: int = 300
    learning_rate: float = 0.5
    gamma: float = 0.9
    epsilon: float = 0.1
    initial_q: float = 0.0  # > 0: optimistic start, which explores systematically
    epsilons: tuple = (0.01, 0.05, 0.1, 0.2, 0.4)
    gammas: tuple = (0.5, 0.8, 0.9, 0.95, 0.99)
    layout_seed: int = 1
    seed: int = 0
    quick: bool = False  # a 7x7 maze, 150 episodes, 3 values per sweep


def _train(env, config, episodes, epsilon, gamma, progress=None):
    agent = TabularQLearning(
        env.size**2,
        4,
        learning_rate=config.learning_rate,
        gamma=gamma,
        epsilon=epsilon,
        initial_q=config.initial_q,
        seed=config.seed,
    )
    agent.train(env, episodes, seed=config.seed, progress=progress)
    path, reached = agent.greedy_path(env, seed=0)
    return agent, np.array(agent.episode_lengths), path, reached


def _sweep(env, config, episodes, name, values, bar):
    """Mean episode length over training and greedy steps to the chest, per value."""
    mean_length, greedy_steps = [], []
    for value in values:
        epsilon, gamma = (
            (value, config.gamma) if name == "epsilon" else (config.epsilon, value)
        )
        _, lengths, path, reached = _train(env, config, episodes, epsilon, gamma)
        mean_length.append(float(lengths.mean()))
        greedy_steps.append(len(path) - 1 if reached else None)
        bar.update()
    return mean_length, greedy_steps


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    size, episodes = (7, 150) if config.quick else (config.size, config.episodes)
    epsilons = config.epsilons[1:4] if config.quick else config.epsilons
    gammas = config.gammas[1:4] if config.quick else config.gammas
    env = envs.Maze(
        size=size,
        n_chests=1,
        max_steps=config.max_steps,
        layout_seed=config.layout_seed,
    )
    agent, lengths, path, reached = _train(
        env, config, episodes, config.epsilon, config.gamma
    )
    with progress_bar(progress, len(epsilons) + len(gammas), NAME) as bar:
        eps_length, eps_steps = _sweep(env, config, episodes, "epsilon", epsilons, bar)
        gamma_length, gamma_steps = _sweep(env, config, episodes, "gamma", gammas, bar)
    cells = np.stack(np.divmod(np.array(path), size), axis=1)
    tail = max(1, episodes // 10)
    numbers = {
        "greedy_reaches_chest": reached,
        "greedy_steps": len(path) - 1,
        "shortest_steps": envs.shortest_path_length(
            env.walls, env.start, env.chests[0]
        ),
        "initial_mean_steps": float(lengths[:tail].mean()),  # first 10% of episodes
        "final_mean_steps": float(lengths[-tail:].mean()),  # last 10%, epsilon-greedy
        "epsilon_sweep": {
            "epsilon": list(epsilons),
            "mean_steps": eps_length,
            "greedy_steps": eps_steps,
        },
        "gamma_sweep": {
            "gamma": list(gammas),
            "mean_steps": gamma_length,
            "greedy_steps": gamma_steps,
        },
    }
    figures = {
        "steps": training_plots.cost_curves(
            {"steps to the chest": lengths},
            xlabel="episode",
            ylabel="steps per episode",
            logy=True,
            smooth=max(1, episodes // 30),
        ),
        "q_values": rl_plots.q_values(env.walls, agent.q, cells, env.chests),
        "epsilon": rl_plots.success_curves(
            {f"gamma = {config.gamma:g}": (epsilons, eps_length)},
            xlabel="epsilon",
            ylabel="mean steps per episode during training",
        ),
        "gamma": rl_plots.success_curves(
            {f"epsilon = {config.epsilon:g}": (gammas, gamma_length)},
            xlabel="discount gamma",
            ylabel="mean steps per episode during training",
        ),
    }
    return Result(numbers=numbers, figures=figures)
