import numpy as np
import pytest

from ml4phys.nn import layers, models, optimizers
from ml4phys.rl import envs
from ml4phys.rl.dqn import DQN, ReplayBuffer
from ml4phys.rl.q_learning import TabularQLearning


def test_q_update_is_the_bellman_step():
    agent = TabularQLearning(3, 2, learning_rate=0.5, gamma=0.9)
    agent.q[2] = [1.0, 2.0]
    agent.update(0, 1, reward=1.0, s_next=2, terminated=False)
    assert agent.q[0, 1] == pytest.approx(0.5 * (1.0 + 0.9 * 2.0))
    agent.update(1, 0, reward=1.0, s_next=2, terminated=True)  # no future after the end
    assert agent.q[1, 0] == pytest.approx(0.5)


def test_greedy_path_reaches_the_chest_of_a_small_fixed_maze():
    env = envs.Maze(size=7, n_chests=1, max_steps=60, layout_seed=3)
    agent = TabularQLearning(49, 4, learning_rate=0.5, gamma=0.9, epsilon=0.2, seed=0)
    returns = agent.train(env, episodes=300, seed=0, progress=False)
    path, reached = agent.greedy_path(env, seed=0)
    assert reached
    chest = env.chests[0]
    assert path[-1] == chest[0] * 7 + chest[1]
    assert np.mean(returns[-50:]) > 0.9
    # the greedy path is a shortest path: the maze is perfect, so its length is fixed
    assert len(path) - 1 == envs.shortest_path_length(env.walls, (1, 1), chest)


def test_replay_buffer_keeps_the_newest_transitions():
    buffer = ReplayBuffer(3, (1,))
    for k in range(5):
        buffer.add([k], k, float(k), [k + 1], False)
    assert buffer.size == 3 and sorted(buffer.actions) == [2, 3, 4]
    obs, actions, *_ = buffer.sample(10, np.random.default_rng(0))
    assert set(actions) <= {2, 3, 4} and np.all(obs[:, 0] == actions)


def _q_net(n_in, n_actions, seed=0):
    net = models.Sequential(seed=seed, dtype="float64")
    net.add(layers.Dense(n_actions, input_shape=(n_in,)))
    return net


def test_dqn_update_fits_the_taken_action_toward_the_target_network():
    agent = DQN(
        _q_net(3, 2), optimizer=optimizers.SGD(0.1), gamma=0.5, batch_size=4, seed=0
    )
    agent.buffer = ReplayBuffer(4, (3,))
    rng = np.random.default_rng(1)
    for k in range(4):
        agent.buffer.add(rng.normal(size=3), k % 2, 1.0, rng.normal(size=3), k == 3)
    agent.rng = np.random.default_rng(5)
    idx = np.random.default_rng(5).integers(4, size=4)
    b = agent.buffer
    q_next = agent.target.predict_on_batch(b.next_obs[idx]).max(axis=1)
    y = agent.model.predict_on_batch(b.obs[idx]).copy()
    y[np.arange(4), b.actions[idx]] = 1.0 + 0.5 * ~b.terminated[idx] * q_next
    expected = agent.model.test_on_batch(b.obs[idx], y)
    w_before = agent.model.get_weights()[0].copy()
    assert agent.update() == pytest.approx(expected)
    assert not np.allclose(agent.model.get_weights()[0], w_before)
    assert np.allclose(agent.target.get_weights()[0], w_before)  # target frozen
    agent.sync_target()
    np.testing.assert_array_equal(
        agent.target.get_weights()[0], agent.model.get_weights()[0]
    )


def test_dqn_epsilon_schedule_is_linear_then_flat():
    agent = DQN(
        _q_net(2, 2), epsilon_start=1.0, epsilon_end=0.1, epsilon_decay_steps=100
    )
    values = []
    for steps in (0, 50, 100, 1000):
        agent.steps = steps
        values.append(agent.epsilon)
    np.testing.assert_allclose(values, [1.0, 0.55, 0.1, 0.1])


def test_dqn_learns_the_walker():
    net = models.Sequential(seed=0)
    net.add(layers.Dense(16, activation="relu", input_shape=(5,)))
    net.add(layers.Dense(2))
    agent = DQN(
        net,
        optimizer=optimizers.Adam(0.01),
        gamma=0.9,
        batch_size=32,
        learning_starts=100,
        target_update_interval=50,
        epsilon_decay_steps=1000,
        preprocess=lambda s: np.eye(5)[np.asarray(s, int).ravel()],
        seed=0,
    )
    agent.train(
        envs.Walker(length=5, max_steps=20), episodes=150, seed=0, progress=False
    )
    assert [agent.act(s) for s in range(4)] == [1, 1, 1, 1]
