"""Reinforcement learning: CartPole-v1 solved by REINFORCE + baseline (issue 10, W9).

W9   CartPole-v1 until the mean return over 100 consecutive episodes reaches 475:
     wall time from the first reset to solved, in seconds (lower is better). Policy
     4-64-2 tanh + softmax, Adam 1e-2, discount 0.99, one update per batch of 8
     episodes, returns-to-go standardized per batch; the same initial weights (copied
     from ml4phys), environment seeds and hyperparameters for every peer. ml4phys is
     its ``PolicyGradient`` agent (the 8 episodes in lockstep: one network call per
     time step for the active episodes). The peer is the issue's anchor, PyTorch's
     lean loop: episodes one after another, each action from one forward pass on one
     observation under no_grad, one update per 8 episodes ("pytorch"); the same loop
     with ml4phys's network is shown beside it ("ml4phys-lean").
W9c  The same, with PyTorch run inside ml4phys's lockstep loop (only the network's
     forward and update differ from ml4phys): the comparison that leaves only the
     libraries' per-call costs, which CartPole's own step (both pay it) dilutes.
     Each measured repetition is one seed, cycling through 0-4, so the median over 5
     repetitions is the median over seeds 0-4; the episodes to solve per seed are
     printed. Budget: 3,000 episodes.
W9b  predict_on_batch on one observation (the 4-64-2 policy): microseconds per call,
     against the same PyTorch module under torch.no_grad().

Issue target for W9: ml4phys's median wall time <= 0.5x PyTorch's (ratio >= 2).
"""

from __future__ import annotations

import itertools
import time
import timeit

import numpy as np
from harness import Workload

from ml4phys.lab.cartpole import SOLVED, policy_network
from ml4phys.nn import optimizers
from ml4phys.rl.episodes import Episode, StopAtMeanReturn
from ml4phys.rl.policy_gradient import PolicyGradient, advantages

GAMMA, LEARNING_RATE, BATCH, BUDGET = 0.99, 1e-2, 8, 3000


def _env():
    import gymnasium as gym

    return gym.make("CartPole-v1")


class TorchREINFORCE(PolicyGradient):
    """The same agent with a PyTorch policy: probabilities() and update() differ."""

    def __init__(self, net, seed):
        import torch

        self.torch = torch
        w1, b1, w2, b2 = net.get_weights()
        self.policy = torch.nn.Sequential(
            torch.nn.Linear(4, 64), torch.nn.Tanh(), torch.nn.Linear(64, 2)
        )
        with torch.no_grad():  # torch keeps w as (n_out, n_in)
            for layer, w, b in ((self.policy[0], w1, b1), (self.policy[2], w2, b2)):
                layer.weight.copy_(torch.from_numpy(w.T))
                layer.bias.copy_(torch.from_numpy(b))
        self.optimizer = torch.optim.Adam(
            self.policy.parameters(), lr=LEARNING_RATE, eps=1e-7
        )
        self.gamma, self.baseline, self.normalize = GAMMA, True, True
        self.batch_episodes, self.preprocess = BATCH, (lambda obs: obs)
        self.rng = np.random.default_rng(seed)

    def probabilities(self, observations):
        with self.torch.no_grad():
            x = self.torch.from_numpy(np.asarray(observations, np.float32))
            return self.torch.softmax(self.policy(x), dim=-1).numpy()

    def update(self, episodes):
        torch = self.torch
        x = torch.from_numpy(
            np.concatenate([e.observations for e in episodes]).astype(np.float32)
        )
        actions = torch.from_numpy(
            np.concatenate([e.actions for e in episodes]).astype(int)
        )
        weight = torch.from_numpy(
            advantages(episodes, GAMMA, normalize=True).astype(np.float32)
        )
        log_pi = torch.log_softmax(self.policy(x), dim=-1)
        loss = -(weight * log_pi[torch.arange(len(actions)), actions]).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


def _ml4phys_agent(seed):
    return PolicyGradient(
        policy_network(seed),
        optimizer=optimizers.Adam(LEARNING_RATE),
        gamma=GAMMA,
        normalize=True,
        batch_episodes=BATCH,
        seed=seed,
    )


def _torch_agent(seed):
    return TorchREINFORCE(policy_network(seed), seed)


class LeanLoop:
    """The issue's anchor loop around an agent's ``probabilities`` and ``update``:
    episodes one after another, one forward pass per action, an update per batch.
    """

    def __init__(self, agent):
        self.agent = agent

    def _episode(self, env, seed):
        obs, _ = env.reset(seed=seed)
        observations, actions, rewards, done = [], [], [], False
        while not done:
            p = self.agent.probabilities(obs[None])[0]
            action = int(self.agent.rng.random() * (p[0] + p[1]) > p[0])
            observations.append(obs)
            actions.append(action)
            obs, reward, terminated, truncated, _ = env.step(action)
            rewards.append(reward)
            done = terminated or truncated
        return Episode(np.array(observations), np.array(actions), np.array(rewards))

    def train(self, env, episodes, seed, callbacks, progress=False):
        self.agent.rng = np.random.default_rng(seed)
        stop = callbacks[0]
        stop.set_model(self)
        self.stop_training, returns = False, []
        while len(returns) < episodes and not self.stop_training:
            batch = [self._episode(env, seed + len(returns) + k) for k in range(BATCH)]
            self.agent.update(batch)
            for episode in batch:
                returns.append(episode.total_return)
                stop.on_epoch_end(len(returns) - 1, {"return": returns[-1]})
        return returns


def _solve_runner(make_agent, episodes_log, budget):
    """First call: a short warm-up; then one seed per call, cycling through 0-4."""
    seeds = itertools.chain([None], itertools.cycle(range(5)))

    def run():
        seed = next(seeds)
        agent = make_agent(0 if seed is None else seed)
        stop = StopAtMeanReturn(SOLVED)
        start = time.perf_counter()
        agent.train(
            _env(),
            16 if seed is None else budget,
            seed=seed or 0,
            callbacks=[stop],
            progress=False,
        )
        seconds = time.perf_counter() - start
        if seed is not None:
            episodes_log.append(f"seed {seed}: {stop.solved_at or 'not solved'}")
        return seconds

    return run


def _forward_runner(predict, x, number=20000):
    def run():
        return timeit.timeit(lambda: predict(x), number=number) / number * 1e6

    return run


def workloads(quick=False):
    try:
        import gymnasium  # noqa: F401
        import torch  # noqa: F401 - W9b imports it again where it uses it
    except ImportError:
        print("benchmarks/rl.py: gymnasium or torch is not installed; W9 skipped")
        return []
    budget = 40 if quick else BUDGET
    return [_w9(budget), _w9c(budget), _w9b(2000 if quick else 20000)]


def _w9(budget):
    """W9: CartPole solved, each peer in the lean loop."""
    log_ml4phys = []
    log_lean, log_torch_lean = [], []
    return Workload(
        name="W9",
        title=f"CartPole-v1 REINFORCE+baseline to solved (budget {budget} "
        "episodes), one seed per repetition; peers in the lean loop",
        unit="s",
        higher_is_better=False,
        target=2.0,
        runners={
            "ml4phys": _solve_runner(_ml4phys_agent, log_ml4phys, budget),
            "ml4phys-lean": _solve_runner(
                lambda seed: LeanLoop(_ml4phys_agent(seed)), log_lean, budget
            ),
            "pytorch": _solve_runner(
                lambda seed: LeanLoop(_torch_agent(seed)), log_torch_lean, budget
            ),
        },
        notes={
            "ml4phys episodes to solve": log_ml4phys,
            "ml4phys-lean episodes to solve": log_lean,
            "pytorch (lean loop) episodes to solve": log_torch_lean,
        },
    )


def _w9c(budget):
    """W9c: CartPole solved, PyTorch inside ml4phys's lockstep loop."""
    log_ml4phys_c, log_torch = [], []
    return Workload(
        name="W9c",
        title=f"the same, PyTorch inside ml4phys's lockstep loop (budget {budget})",
        unit="s",
        higher_is_better=False,
        runners={
            "ml4phys": _solve_runner(_ml4phys_agent, log_ml4phys_c, budget),
            "pytorch": _solve_runner(_torch_agent, log_torch, budget),
        },
        notes={
            "ml4phys episodes to solve": log_ml4phys_c,
            "pytorch episodes to solve": log_torch,
        },
    )


def _w9b(number):
    """W9b: one forward pass of the policy on one observation."""
    import torch

    net = policy_network(0)
    torch_agent = TorchREINFORCE(net, 0)
    x = np.random.default_rng(0).normal(size=(1, 4)).astype(np.float32)
    x_torch = torch.from_numpy(x)

    def torch_forward(x):
        with torch.no_grad():
            return torch.softmax(torch_agent.policy(x), dim=-1)

    return Workload(
        name="W9b",
        title="predict_on_batch on one observation, 4-64-2 policy",
        unit="us/call",
        higher_is_better=False,
        runners={
            "ml4phys": _forward_runner(net.predict_on_batch, x, number),
            "pytorch": _forward_runner(torch_forward, x_torch, number),
        },
    )
