import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from ml4phys.nn import layers, models, optimizers
from ml4phys.nn.gradcheck import numerical_gradient
from ml4phys.rl import envs
from ml4phys.rl.episodes import Episode, StopAtMeanReturn, returns_to_go
from ml4phys.rl.policy_gradient import PolicyGradient, TabularPolicyGradient, advantages

PAYOFF = np.array([0.8, 0.3])  # probability that arm a pays reward 1


class Bandit(gym.Env):
    """Two-armed bandit: one state, one step, reward 1 with probability PAYOFF[a]."""

    observation_space = spaces.Discrete(1)
    action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return 0, {}

    def step(self, action):
        reward = float(self.np_random.random() < PAYOFF[action])
        return 0, reward, True, False, {}


def test_returns_to_go_discount_the_future():
    np.testing.assert_allclose(returns_to_go([1.0, 0.0, 2.0], 0.5), [1.5, 1.0, 2.0])
    assert returns_to_go([], 0.9).shape == (0,)


def test_returns_to_go_repeat_the_loop_bit_for_bit():
    rewards = np.random.default_rng(0).normal(size=500)
    expected, running = np.empty(500), 0.0
    for t in range(499, -1, -1):
        running = rewards[t] + 0.99 * running  # G_t = r_t + gamma G_{t+1}
        expected[t] = running
    np.testing.assert_array_equal(returns_to_go(rewards, 0.99), expected)


def test_baseline_is_the_batch_mean_per_time_step():
    episodes = [
        Episode(np.zeros(2), np.zeros(2), np.array([1.0, 1.0])),
        Episode(np.zeros(1), np.zeros(1), np.array([3.0])),
    ]
    # G = [2, 1] and [3]; b_0 = 2.5, b_1 = 1
    np.testing.assert_allclose(advantages(episodes, 1.0), [-0.5, 0.0, 0.5])
    normalized = advantages(episodes, 1.0, normalize=True)
    assert abs(normalized.mean()) < 1e-12 and normalized.std() == pytest.approx(1.0)


@pytest.mark.parametrize("baseline", [False, True])
def test_bandit_update_equals_exact_expected_gradient(baseline):
    agent = TabularPolicyGradient(1, 2, baseline=baseline, batch_episodes=8, seed=0)
    agent.theta[0] = [0.3, -0.2]
    pi = agent.probabilities()[0]
    # d E[R] / d theta_a' = sum_a pi_a rbar_a (delta_aa' - pi_a')
    exact = pi * (PAYOFF - pi @ PAYOFF)
    if baseline:  # the batch mean includes the episode itself: E = (1 - 1/N) exact
        exact *= 1 - 1 / agent.batch_episodes
    env_list = [Bandit() for _ in range(8)]
    from ml4phys.rl.episodes import collect
    from ml4phys.rl.policy_gradient import _sample

    grads = []
    for k in range(600):
        episodes = collect(
            env_list,
            lambda s: _sample(agent.probabilities(s), agent.rng),
            [1000 * k + i for i in range(8)],
        )
        grads.append(agent.gradient(episodes)[0])
    grads = np.array(grads)
    standard_error = grads.std(axis=0) / np.sqrt(len(grads))
    assert np.all(np.abs(grads.mean(axis=0) - exact) < 4 * standard_error)
    assert abs(grads.mean(axis=0).sum()) < 1e-12  # softmax gradients sum to zero


def test_tabular_agent_learns_the_better_arm():
    agent = TabularPolicyGradient(1, 2, learning_rate=1.0, batch_episodes=8, seed=0)
    returns = agent.train(Bandit(), episodes=400, seed=0, progress=False)
    assert agent.probabilities()[0, 0] > 0.9
    assert agent.act(0) == 0
    assert np.mean(returns[-100:]) > 0.7


def _network(seed=0):
    net = models.Sequential(seed=seed, dtype="float64")
    net.add(layers.Dense(5, activation="tanh", input_shape=(3,)))
    net.add(layers.Dense(2, activation="softmax"))
    return net


def test_network_agent_sample_weight_gradient_equals_weighted_finite_differences():
    rng = np.random.default_rng(2)
    net = _network()
    agent = PolicyGradient(
        net, optimizer=optimizers.SGD(learning_rate=1.0), gamma=0.9, baseline=True
    )
    episodes = [
        Episode(rng.normal(size=(n, 3)), rng.integers(0, 2, n), rng.normal(size=n))
        for n in (4, 2, 3)
    ]
    x = np.concatenate([e.observations for e in episodes])
    actions = np.concatenate([e.actions for e in episodes])
    weight = advantages(episodes, 0.9, baseline=True)

    def cost():  # C = <w_t * (-log pi(a_t|s_t))>, the mean over all steps
        p = net.predict_on_batch(x)
        return np.mean(weight * -np.log(p[np.arange(len(x)), actions]))

    expected = {name: numerical_gradient(cost, p) for name, p in net.params.items()}
    before = {name: p.copy() for name, p in net.params.items()}
    loss = agent.update(episodes)
    assert loss == pytest.approx(
        np.mean(
            weight * -np.log(_network().predict_on_batch(x)[np.arange(len(x)), actions])
        )
    )
    for name, p in net.params.items():  # SGD with learning rate 1: the step is -grad
        np.testing.assert_allclose(
            before[name] - p, expected[name], rtol=1e-6, atol=1e-9, err_msg=name
        )


def test_network_agent_learns_the_walker():
    net = models.Sequential(seed=0)
    net.add(layers.Dense(2, activation="softmax", input_shape=(6,)))
    agent = PolicyGradient(
        net,
        optimizer=optimizers.Adam(0.1),
        gamma=0.9,
        preprocess=lambda s: np.eye(6)[s.astype(int)],
        seed=0,
    )
    stop = StopAtMeanReturn(0.9, window=16)
    agent.train(
        envs.Walker(length=6, max_steps=12),
        episodes=800,
        seed=0,
        callbacks=[stop],
        progress=False,
    )
    assert stop.solved_at is not None
    assert all(agent.act(s) == 1 for s in range(5))  # always step right


def test_batches_run_in_a_sync_vector_env_and_report_progress():
    vector = gym.vector.SyncVectorEnv([lambda: envs.Walker(length=4, max_steps=8)] * 4)
    net = models.Sequential(seed=0)
    net.add(layers.Dense(2, activation="softmax", input_shape=(1,)))
    calls = []

    class Bar:  # a tqdm-like factory records what the progress bar shows
        def __init__(self, total, desc):
            calls.append(("total", total))

        def update(self, n=1):
            calls.append(("update", n))

        def set_postfix(self, **values):
            calls.append(("postfix", values["mean_return"]))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    agent = PolicyGradient(
        net, batch_episodes=4, preprocess=lambda s: np.asarray(s, float).reshape(-1, 1)
    )
    returns = agent.train(vector, episodes=10, seed=1, progress=Bar)
    assert len(returns) == 10 and len(agent.episode_lengths) == 10
    assert [c for c in calls if c[0] != "postfix"] == [
        ("total", 10),
        ("update", 4),
        ("update", 4),
        ("update", 2),
    ]
    assert calls[-1] == ("postfix", f"{np.mean(returns):.3g}")


def test_episode_seeds_make_training_reproducible():
    def train():
        agent = TabularPolicyGradient(7 * 7, 4, batch_episodes=4)
        returns = agent.train(
            envs.Maze(size=7, n_chests=2, max_steps=30), 12, seed=5, progress=False
        )
        return returns, agent.theta

    (r1, t1), (r2, t2) = train(), train()
    assert r1 == r2 and 0 < sum(r1) < 24  # some chests found, not all: theta moved
    np.testing.assert_array_equal(t1, t2)
    assert np.any(t1 != 0)


def test_sampling_follows_the_probabilities():
    from ml4phys.rl.policy_gradient import _sample

    p = np.tile([0.2, 0.0, 0.5, 0.3], (20000, 1))
    counts = np.bincount(_sample(p, np.random.default_rng(0)), minlength=4) / 20000
    np.testing.assert_allclose(counts, [0.2, 0.0, 0.5, 0.3], atol=0.01)
    assert _sample(np.array([[0.0, 1.0, 0.0]]), np.random.default_rng(1))[0] == 1


def test_sampling_inverts_the_cdf_as_written_out():
    # one uniform u per row, scaled by the total; the action is #{a : cdf[a] < u}
    from ml4phys.rl.policy_gradient import _sample

    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(3), size=1000).astype(np.float32)
    p[:10] = [0.0, 1.0, 0.0]  # zero-probability actions are never taken
    cdf = np.cumsum(p, axis=1)
    u = np.random.default_rng(7).random(len(p))[:, None] * cdf[:, -1:]
    expected = (cdf < u).sum(axis=1)
    np.testing.assert_array_equal(_sample(p, np.random.default_rng(7)), expected)
    assert np.all(expected[:10] == 1)


def test_collect_in_lockstep_equals_one_episode_at_a_time():
    # the lockstep loop (one policy call per time step for all active episodes) must
    # record what stepping each environment on its own records
    from ml4phys.rl.episodes import collect

    def policy(observations):  # deterministic, so the two runs can be compared
        return (observations[:, 2] > 0).astype(int)

    seeds = [3, 4, 5]
    episodes = collect([gym.make("CartPole-v1") for _ in seeds], policy, seeds)
    for episode, seed in zip(episodes, seeds):
        env = gym.make("CartPole-v1")
        obs, done, rewards, observations = env.reset(seed=seed)[0], False, [], []
        while not done:
            observations.append(obs)
            obs, reward, terminated, truncated, _ = env.step(int(policy(obs[None])[0]))
            rewards.append(reward)
            done = terminated or truncated
        np.testing.assert_array_equal(episode.observations, observations)
        np.testing.assert_array_equal(episode.rewards, rewards)
        assert episode.observations.dtype == np.float32 and len(episode) == len(rewards)
    assert len({len(e) for e in episodes}) > 1  # the episodes ended at different steps
