"""The course's tabular policy-gradient agent collecting treasure in a maze.

A softmax table pi(a|s) over the maze's positions, trained with REINFORCE (return-to-go,
batch-mean baseline) on a fixed random maze: return against episode, the learned action
probabilities as arrows, and trajectories of the stochastic policy before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..plots import rl as rl_plots
from ..plots import training as training_plots
from ..rl import envs
from ..rl.episodes import collect
from ..rl.policy_gradient import TabularPolicyGradient, _sample
from .base import Result

NAME = "maze-policy-gradient"
DESCRIPTION = "tabular REINFORCE agent collecting treasure chests in a maze"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    size: int = 11  # odd side length of the maze
    chests: int = 3
    max_steps: int = 80  # steps per episode
    episodes: int = 4000
    batch_episodes: int = 16  # episodes per update
    learning_rate: float = 0.5
    gamma: float = 0.98  # discount: shorter routes to the chests score more
    baseline: bool = True
    layout_seed: int = 0  # which maze
    seed: int = 0
    quick: bool = False  # a 9x9 maze, 2 chests, 40 steps, 800 episodes


def _trajectories(agent, env, n, seed):
    """Paths of (row, column) cells of n episodes of the stochastic policy."""
    paths = []
    for k in range(n):
        episodes = collect(
            [env],
            lambda s: _sample(agent.probabilities(s.astype(int)), agent.rng),
            [seed + k],
        )
        cells = np.append(episodes[0].observations, _last_position(env))
        paths.append(np.stack(np.divmod(cells, env.size), axis=1))
    return paths


def _last_position(env):
    return env.position[0] * env.size + env.position[1]


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    if config.quick:
        size, chests, max_steps, episodes = 9, 2, 40, 800
    else:
        size, chests, max_steps = config.size, config.chests, config.max_steps
        episodes = config.episodes
    env = envs.Maze(
        size=size, n_chests=chests, max_steps=max_steps, layout_seed=config.layout_seed
    )
    agent = TabularPolicyGradient(
        size * size,
        4,
        learning_rate=config.learning_rate,
        gamma=config.gamma,
        baseline=config.baseline,
        batch_episodes=config.batch_episodes,
        seed=config.seed,
    )
    before = _trajectories(agent, env, 5, seed=10_000)
    returns = np.array(agent.train(env, episodes, seed=config.seed, progress=progress))
    after = _trajectories(agent, env, 5, seed=20_000)
    window = max(1, episodes // 10)
    numbers = {
        "initial_mean_return": float(returns[:window].mean()),
        "final_mean_return": float(returns[-window:].mean()),  # last 10% of episodes
        "chests": chests,
        "episodes": int(len(returns)),
    }
    figures = {
        "returns": training_plots.cost_curves(
            {"return per episode": returns},
            xlabel="episode",
            ylabel="return (chests)",
            logy=False,
            smooth=max(1, episodes // 50),
        ),
        "policy": rl_plots.maze_policy(env.walls, agent.probabilities(), env.chests),
        "trajectories": rl_plots.maze_paths(
            env.walls,
            [before, after],
            env.chests,
            titles=["before training", "after training"],
        ),
    }
    return Result(numbers=numbers, figures=figures)
