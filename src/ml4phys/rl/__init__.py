"""Reinforcement learning (lecture: "learning from rare rewards"): environments, agents.

    from ml4phys.rl import envs, policy_gradient, q_learning, dqn

Importing ``ml4phys.rl.envs`` registers ``ml4phys/Maze-v0``, ``ml4phys/GridWorld-v0``
and ``ml4phys/Walker-v0`` with gymnasium. This module imports nothing heavy.
"""
