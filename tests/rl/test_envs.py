import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from ml4phys.rl import envs, grids

ENVS = [
    lambda: (
        gym.make(
            "ml4phys/Maze-v0", size=7, n_chests=2, max_steps=20, render_mode="rgb_array"
        ).unwrapped
    ),
    lambda: (
        gym.make(
            "ml4phys/Maze-v0",
            size=7,
            n_chests=2,
            max_steps=20,
            layout_seed=None,
            observation="image",
            render_mode="rgb_array",
        ).unwrapped
    ),
    lambda: gym.make("ml4phys/GridWorld-v0", size=6, render_mode="rgb_array").unwrapped,
    lambda: gym.make("ml4phys/Walker-v0", length=5, render_mode="rgb_array").unwrapped,
]


@pytest.mark.parametrize("make_env", ENVS)
def test_env_passes_gymnasiums_checker(make_env):
    check_env(make_env())


@pytest.mark.parametrize("make_env", ENVS)
def test_same_seed_gives_same_layout_and_episode(make_env):
    def episode(seed):
        env = make_env()
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        frames, observations, rewards = [env.render()], [np.asarray(obs)], []
        for _ in range(15):
            obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            frames.append(env.render())
            observations.append(np.asarray(obs))
            rewards.append(reward)
            if terminated or truncated:
                break
        return frames, observations, rewards

    first, second = episode(3), episode(3)
    for a, b in zip(first, second):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


def test_render_is_an_rgb_array():
    env = envs.Maze(size=9, scale=4)
    env.reset(seed=0)
    image = env.render()
    assert image.shape == (36, 36, 3) and image.dtype == np.uint8
    assert tuple(image[1 * 4, 1 * 4]) == grids._COLORS["agent"]


def test_random_maze_is_connected_and_bordered():
    walls = envs.random_maze(11, np.random.default_rng(1))
    assert (
        walls[0].all() and walls[-1].all() and walls[:, 0].all() and walls[:, -1].all()
    )
    free = np.argwhere(~walls)
    assert all(envs._reachable(walls, free[0], cell) for cell in free)
    assert (
        len(free) == 2 * 25 - 1
    )  # a perfect maze on 5x5 rooms: 25 rooms + 24 passages


def test_chest_pays_once_and_episode_terminates():
    env = envs.Maze(size=5, n_chests=1, max_steps=50)
    env.reset(seed=0)
    env.chests = np.array([[1, 2]])  # next to the start (1, 1)
    env.walls[1, 2] = False
    obs, reward, terminated, truncated, info = env.step(3)  # right
    assert (reward, terminated, truncated, info["chests"]) == (1.0, True, False, 1)
    assert obs == 1 * 5 + 2


def test_maze_truncates_after_max_steps():
    env = envs.Maze(size=7, n_chests=1, max_steps=3)
    env.reset(seed=0)
    env.chests = np.array([[5, 5]])
    results = [env.step(0) for _ in range(3)]  # up, into the border wall
    assert [r[3] for r in results] == [False, False, True]
    assert all(r[0] == 1 * 7 + 1 for r in results)


def test_registered_with_gymnasium():
    env = gym.make("ml4phys/Maze-v0", size=7, n_chests=1)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    assert gym.make("ml4phys/GridWorld-v0").observation_space.shape == (7, 7, 3)
    assert gym.make("ml4phys/Walker-v0").action_space.n == 2


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="size must be odd"):
        envs.Maze(size=8)
    with pytest.raises(ValueError, match="observation must be"):
        envs.Maze(observation="pixels")
