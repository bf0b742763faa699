"""Environments of the lecture's reinforcement learning, as ``gymnasium.Env`` classes.

``Maze``: the course's grid world, walls, a start and treasure chests that pay reward 1
once each, within a step limit. ``GridWorld``: the small world of the deep
policy-gradient tutorial, a fresh random layout each episode, seen as an image.
``Walker``: a walker on a line that must reach a target. Actions on grids: 0 up,
1 down, 2 left, 3 right; a move into a wall leaves the agent in place. Positions are
(row, column); ``render()`` returns an RGB array of shape (height, width, 3), uint8.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from ..common import checks
from .grids import MOVES, _draw, _reachable, random_maze, shortest_path_length

__all__ = [
    "Maze",
    "GridWorld",
    "Walker",
    "MOVES",
    "random_maze",
    "register_envs",
    "shortest_path_length",
]


class _GridEnv(gym.Env):
    """Shared moves and rendering of the grid worlds."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def _move(self, action):
        if not self.action_space.contains(action):
            raise ValueError(
                f"{type(self).__name__}: expected an action in 0..3, "
                f"received {action!r}"
            )
        r, c = self.position + MOVES[int(action)]
        if not self.walls[r, c]:
            self.position = np.array([r, c])

    def _cells(self):
        cells = np.where(self.walls, "wall", "floor").astype(object)
        for r, c in self._targets():
            cells[r, c] = self._target_name
        cells[tuple(self.position)] = "agent"
        return cells

    def render(self):
        return _draw(self._cells(), self.scale)


class Maze(_GridEnv):
    """The course's maze: collect treasure chests within ``max_steps`` steps.

    Parameters
    ----------
    size : int
        Odd side length of the grid (walls included), e.g. 11.
    n_chests : int
        Chests placed on free cells; each gives reward 1 the first time it is entered.
    max_steps : int
        The episode is truncated after this many steps; it terminates when every chest
        is collected.
    layout_seed : int or None
        The layout (walls and chests) comes from this seed, the same in every episode,
        so a table indexed by position can learn it. None draws a fresh layout at every
        ``reset`` from the environment's generator (seeded by ``reset(seed=...)``).
    observation : {'position', 'image'}
        'position': the index row * size + column (``Discrete(size**2)``); 'image': a
        (size, size, 3) float32 array of walls, chests and agent.
    """

    _target_name = "chest"

    def __init__(
        self,
        size=11,
        n_chests=3,
        max_steps=80,
        layout_seed=0,
        observation="position",
        render_mode=None,
        scale=8,
    ):
        if checks.positive_int("size", size, where="Maze") < 5 or size % 2 == 0:
            raise ValueError(f"Maze: size must be odd and >= 5, received size={size}")
        if observation not in ("position", "image"):
            raise ValueError(
                f"Maze: observation must be 'position' or 'image', received "
                f"{observation!r}"
            )
        self.size, self.n_chests, self.max_steps = size, n_chests, max_steps
        self.layout_seed, self.observation = layout_seed, observation
        self.render_mode, self.scale = render_mode, scale
        self.action_space = spaces.Discrete(4)
        if observation == "position":
            self.observation_space = spaces.Discrete(size * size)
        else:
            self.observation_space = spaces.Box(0.0, 1.0, (size, size, 3), np.float32)
        self.start = np.array([1, 1])
        if layout_seed is not None:
            self._new_layout(np.random.default_rng(layout_seed))

    def _new_layout(self, rng):
        self.walls = random_maze(self.size, rng)
        free = np.argwhere(~self.walls)
        free = free[(free != self.start).any(axis=1)]
        if self.n_chests > len(free):
            raise ValueError(
                f"Maze: {self.n_chests} chests do not fit on {len(free)} free cells"
            )
        self.chests = free[rng.choice(len(free), self.n_chests, replace=False)]

    def _targets(self):
        return self.chests[~self.collected]

    def _obs(self):
        if self.observation == "position":
            return int(self.position[0] * self.size + self.position[1])
        image = np.zeros((self.size, self.size, 3), np.float32)
        image[..., 0] = self.walls
        for r, c in self._targets():
            image[r, c, 1] = 1.0
        image[tuple(self.position) + (2,)] = 1.0
        return image

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if self.layout_seed is None:
            self._new_layout(self.np_random)
        self.position = self.start.copy()
        self.collected = np.zeros(self.n_chests, bool)
        self.steps = 0
        return self._obs(), {}

    def step(self, action):
        self._move(action)
        self.steps += 1
        hit = (self.chests == self.position).all(axis=1) & ~self.collected
        reward = float(hit.sum())  # a chest pays once
        self.collected |= hit
        terminated = bool(self.collected.all())
        truncated = self.steps >= self.max_steps and not terminated
        return (
            self._obs(),
            reward,
            terminated,
            truncated,
            {"chests": int(self.collected.sum())},
        )


class GridWorld(_GridEnv):
    """The deep policy-gradient tutorial's world: reach the goal in a random layout.

    Each ``reset`` draws walls (each inner cell with probability ``wall_density``), a
    start and a goal connected to it. The observation is a (size, size, 3) float32
    image: walls, goal, agent. Reward 1 on reaching the goal (the episode terminates),
    else 0; truncated after ``max_steps``.
    """

    _target_name = "goal"

    def __init__(
        self, size=7, wall_density=0.2, max_steps=30, render_mode=None, scale=8
    ):
        if size < 4:
            raise ValueError(f"GridWorld: size must be >= 4, received size={size}")
        self.size, self.wall_density, self.max_steps = size, wall_density, max_steps
        self.render_mode, self.scale = render_mode, scale
        self.action_space = spaces.Discrete(4)
        self.observation_space = spaces.Box(0.0, 1.0, (size, size, 3), np.float32)

    def _targets(self):
        return [self.goal]

    def _obs(self):
        image = np.zeros((self.size, self.size, 3), np.float32)
        image[..., 0] = self.walls
        image[tuple(self.goal) + (1,)] = 1.0
        image[tuple(self.position) + (2,)] = 1.0
        return image

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        rng = self.np_random
        while True:  # redraw until the goal can be reached from the start
            walls = rng.random((self.size, self.size)) < self.wall_density
            walls[[0, -1], :] = walls[:, [0, -1]] = True  # the border is wall
            free = np.argwhere(~walls)
            if len(free) < 2:
                continue
            start, goal = free[rng.choice(len(free), 2, replace=False)]
            if _reachable(walls, start, goal):
                break
        self.walls, self.position, self.goal = walls, start.copy(), goal
        self.steps = 0
        return self._obs(), {}

    def step(self, action):
        self._move(action)
        self.steps += 1
        terminated = bool((self.position == self.goal).all())
        truncated = self.steps >= self.max_steps and not terminated
        return self._obs(), float(terminated), terminated, truncated, {}


class Walker(gym.Env):
    """The course's walker reaching a target: positions 0..length-1 on a line.

    Start at 0, target at ``length - 1``; actions 0 (left) and 1 (right). Reward 1 on
    reaching the target (terminated); truncated after ``max_steps``. Observation: the
    position, ``Discrete(length)``.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, length=10, max_steps=40, render_mode=None, scale=8):
        self.length, self.max_steps = length, max_steps
        self.render_mode, self.scale = render_mode, scale
        self.action_space = spaces.Discrete(2)
        self.observation_space = spaces.Discrete(length)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.position, self.steps = 0, 0
        return self.position, {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"Walker: expected an action 0 or 1, received {action!r}")
        self.position = int(
            np.clip(self.position + (1 if action == 1 else -1), 0, self.length - 1)
        )
        self.steps += 1
        terminated = self.position == self.length - 1
        truncated = self.steps >= self.max_steps and not terminated
        return self.position, float(terminated), terminated, truncated, {}

    def render(self):
        cells = np.full((1, self.length), "floor", dtype=object)
        cells[0, -1] = "goal"
        cells[0, self.position] = "agent"
        return _draw(cells, self.scale)


def register_envs():
    """Register ``ml4phys/Maze-v0``, ``ml4phys/GridWorld-v0``, ``ml4phys/Walker-v0``."""
    for name in ("Maze", "GridWorld", "Walker"):
        env_id = f"ml4phys/{name}-v0"
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=f"ml4phys.rl.envs:{name}")


register_envs()
