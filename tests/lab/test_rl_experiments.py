import json

import matplotlib.image

from ml4phys.cli import main


def _run(name, tmp_path, *options):
    assert main(["run", name, "--quick", "--no-progress", "--out", str(tmp_path),
                 *options]) == 0
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
