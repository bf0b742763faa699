"""A network policy on random grid worlds: does it generalize to unseen layouts?

The deep policy-gradient tutorial's setting: every episode is a fresh ``GridWorld``
layout (walls, start, goal), seen as an image; REINFORCE with per-batch standardized
returns trains the network. The success rate (goal reached within the step limit) of
the stochastic policy is measured on layouts drawn from other seeds than the training
episodes, at intervals during training.

Network: the course's three Conv2D layers of 10 channels with 5x5 kernels, Dense 20 and
a softmax over the 4 actions, when ``ml4phys.nn.layers.Conv2D`` exists; without it (the
conv layers not yet in this installation) a Flatten-Dense(64)-softmax policy stands in,
and ``numbers['network']`` says which one ran.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..plots import rl as rl_plots
from ..rl import envs
from ..rl.episodes import collect
from ..rl.policy_gradient import PolicyGradient, _sample
from .base import Result, progress_bar

NAME = "maze-deep-policy-gradient"
DESCRIPTION = "network policy on random grid worlds: success on unseen layouts"

EVAL_SEED = 10**6  # evaluation layouts use seeds from here on; training uses 0, 1, ...


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    size: int = 6  # grid side, border walls included
    wall_density: float = 0.15
    max_steps: int = 24
    episodes: int = 4000
    batch_episodes: int = 32
    learning_rate: float = 0.003
    gamma: float = 0.95
    eval_every: int = 500  # training episodes between evaluations
    eval_episodes: int = 200  # unseen layouts per evaluation
    conv: bool = True  # the course's conv policy, if Conv2D is available
    seed: int = 0
    quick: bool = False  # 1536 episodes, evaluations of 100 layouts


def policy_network(size, conv, seed):
    """The conv policy of the course, or the dense stand-in; returns (model, name)."""
    net = models.Sequential(seed=seed)
    conv_layer = getattr(layers, "Conv2D", None) if conv else None
    if conv_layer is not None:
        net.add(
            conv_layer(
                10, 5, padding="same", activation="relu", input_shape=(size, size, 3)
            )
        )
        net.add(conv_layer(10, 5, padding="same", activation="relu"))
        net.add(conv_layer(10, 5, padding="same", activation="relu"))
        net.add(layers.Flatten())
        net.add(layers.Dense(20, activation="relu"))
        name = "conv 3x(10 channels, 5x5), dense 20"
    else:
        net.add(layers.Flatten(input_shape=(size, size, 3)))
        net.add(layers.Dense(64, activation="relu"))
        name = "dense 64" + ("" if not conv else " (Conv2D not available)")
    net.add(layers.Dense(4, activation="softmax"))
    return net, name


def success_rate(agent, config, n):
    """Fraction of n unseen layouts where the stochastic policy reaches the goal."""
    worlds = [
        envs.GridWorld(config.size, config.wall_density, config.max_steps)
        for _ in range(n)
    ]
    episodes = collect(
        worlds,
        lambda s: _sample(agent.probabilities(s), agent.rng),
        list(range(EVAL_SEED, EVAL_SEED + n)),
    )
    return float(np.mean([e.total_return for e in episodes]))


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def run(config: Config, progress=None) -> Result:
    episodes, every, n_eval = (
        (1536, 768, 100)
        if config.quick
        else (config.episodes, config.eval_every, config.eval_episodes)
    )
    net, network = policy_network(config.size, config.conv, config.seed)
    agent = PolicyGradient(
        net,
        optimizer=optimizers.Adam(config.learning_rate),
        gamma=config.gamma,
        normalize=True,
        batch_episodes=config.batch_episodes,
        seed=config.seed,
    )
    env = envs.GridWorld(config.size, config.wall_density, config.max_steps)
    trained, rates = [0], [success_rate(agent, config, n_eval)]
    with progress_bar(progress, episodes, NAME) as bar:
        while trained[-1] < episodes:
            chunk = min(every, episodes - trained[-1])
            # training layouts: seeds seed*10^5 + (episodes so far), never EVAL_SEED's
            agent.train(
                env, chunk, seed=config.seed * 10**5 + trained[-1], progress=False
            )
            trained.append(trained[-1] + chunk)
            rates.append(success_rate(agent, config, n_eval))
            bar.update(chunk)
    numbers = {
        "network": network,
        "initial_success": rates[0],
        "final_success": rates[-1],
        "episodes": trained[-1],
        "success_curve": {"episodes": trained, "success": rates},
    }
    figures = {
        "success": rl_plots.success_curves(
            {f"{network}": (trained, rates)},
            xlabel="training episodes",
            ylabel="success rate on unseen layouts",
            title=f"GridWorld {config.size}x{config.size}, {n_eval} unseen layouts",
        )
    }
    return Result(numbers=numbers, figures=figures)
