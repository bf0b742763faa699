import json

import matplotlib.image

from ml4phys.cli import main


def _run(name, tmp_path, *options):
    assert (
        main(
            ["run", name, "--quick", "--no-progress", "--out", str(tmp_path), *options]
        )
        == 0
    )
    return json.loads((tmp_path / "results.json").read_text())["numbers"]


def _images(tmp_path, names):
    for name in names:
        image = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert image.ndim == 3 and image.shape[0] > 100


def test_quick_maze_policy_gradient_learns_to_collect_both_chests(tmp_path):
    numbers = _run("maze-policy-gradient", tmp_path)
    # a random walk of 40 steps finds about 0.15 chests; the policy finds nearly both
    assert numbers["initial_mean_return"] < 0.5
    assert numbers["final_mean_return"] > 1.8
    _images(tmp_path, ["returns", "policy", "trajectories"])


def test_quick_q_learning_greedy_path_reaches_the_chest_by_a_shortest_path(tmp_path):
    numbers = _run("q-learning", tmp_path)
    assert numbers["greedy_reaches_chest"] is True
    assert numbers["greedy_steps"] == numbers["shortest_steps"]
    assert numbers["final_mean_steps"] < 0.5 * numbers["initial_mean_steps"]
    sweep = numbers["epsilon_sweep"]
    assert len(sweep["mean_steps"]) == len(sweep["epsilon"]) == 3
    _images(tmp_path, ["steps", "q_values", "epsilon", "gamma"])


def test_quick_cartpole_runs_both_agents(tmp_path):
    numbers = _run("cartpole", tmp_path)
    reinforce, dqn = numbers["reinforce"]["seed 0"], numbers["dqn"]["seed 0"]
    assert reinforce["episodes"] == 40 and dqn["episodes"] == 10
    assert reinforce["solved_at"] is None  # 40 episodes cannot average 475 over 100
    # CartPole pays 1 per step: every return lies between 8 and 500
    assert 8 <= reinforce["last_100_mean_return"] <= 500
    assert 8 <= dqn["last_100_mean_return"] <= 500
    _images(tmp_path, ["returns"])


def test_quick_deep_policy_gradient_improves_on_unseen_layouts(tmp_path):
    """Success on unseen layouts rises, averaged over two seeds: a quick run of one seed
    is chaotic (seed 0: +0.15 with the fast kernels, +0.28 with the references, whose
    sums run in another order; seed 1: +0.34 and +0.22), the mean of two is not.
    """
    first = _run("maze-deep-policy-gradient", tmp_path)
    second = _run("maze-deep-policy-gradient", tmp_path / "seed1", "--seed", "1")
    assert first["episodes"] == 1536
    gain = [n["final_success"] - n["initial_success"] for n in (first, second)]
    assert sum(gain) / 2 > 0.15
    assert len(first["success_curve"]["success"]) == 3
    _images(tmp_path, ["success"])
