r"""
Reinforcement learning in a maze
================================

An agent learns from rewards alone. Two methods of the lecture, each on a random maze
with treasure chests (``ml4phys.rl.envs.Maze``, a ``gymnasium`` environment):

* **policy gradient** (REINFORCE): a softmax policy :math:`\pi_\theta(a|s)` is improved
  along

  .. math::

     \nabla_\theta E[R] = E\Big[\sum_t \nabla_\theta \log \pi_\theta(a_t|s_t)\,
     (G_t - b_t)\Big],

  with :math:`G_t` the (discounted) return after step t and :math:`b_t` a baseline;
* **Q-learning**: Q(s, a), the return of action a in state s, moves toward the Bellman
  target, :math:`Q(s, a) \leftarrow Q(s, a) + \alpha\,(r + \gamma \max_{a'} Q(s', a') -
  Q(s, a))`.

Both run here in the quick forms of the ``maze-policy-gradient`` and ``q-learning``
experiments.

The formulas and the code behind it: :doc:`/topics/reinforcement`.
"""

# %%
# Policy gradient
# ---------------
from ml4phys.lab import maze_policy_gradient, q_learning

result = maze_policy_gradient.run(maze_policy_gradient.Config(quick=True))
print(result.numbers)
result.figures["returns"]
# sphinx_gallery_thumbnail_number = 2

# %%
# The learned action probabilities (arrows) and trajectories of the stochastic policy,
# before and after training:
[result.figures["policy"], result.figures["trajectories"]]

# %%
# Q-learning
# ----------
# One chest ends the episode; Q(s, a) converges to gamma^(steps to the chest - 1), and
# the greedy path follows the largest Q-values.
result = q_learning.run(q_learning.Config(quick=True))
print(
    {
        key: result.numbers[key]
        for key in (
            "greedy_steps",
            "shortest_steps",
            "initial_mean_steps",
            "final_mean_steps",
        )
    }
)
result.figures["q_values"]
