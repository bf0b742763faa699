"""The image experiments' quick runs through the command line: numbers and PNGs."""

import json

import matplotlib.image
import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.data import images


def run_cli(name, tmp_path, *options):
    assert (
        main(
            ["run", name, "--quick", "--out", str(tmp_path), "--no-progress", *options]
        )
        == 0
    )
    return json.loads((tmp_path / "results.json").read_text())["numbers"]


def assert_pngs(folder, names):
    for name in names:
        picture = matplotlib.image.imread(folder / f"{name}.png")
        assert picture.ndim == 3 and min(picture.shape[:2]) > 100, name


def test_image_quick_learns_the_portrait(tmp_path):
    numbers = run_cli("image", tmp_path)
    assert numbers["layout"] == "2-30-30-20-1"
    assert numbers["samples"] == 300_000
    # a constant picture at the mean brightness scores about 9 dB on this image
    assert numbers["psnr"] > 14.0
    psnrs = [p for _, p in numbers["psnr_curve"]]
    assert psnrs[-1] > psnrs[0] + 3
    assert numbers["grid_cost"] == pytest.approx(
        10 ** (-numbers["psnr"] / 10), rel=1e-6
    )
    assert_pngs(tmp_path, ["snapshots", "psnr", "cost"])


def test_image_from_a_file_and_saved_model(tmp_path):
    picture = np.zeros((20, 30, 3))
    picture[5:15, 10:20] = 1.0  # a white square
    path = tmp_path / "square.png"
    matplotlib.image.imsave(path, picture)
    model = tmp_path / "net.npz"
    numbers = run_cli(
        "image",
        tmp_path / "out",
        "--image",
        str(path),
        "--samples",
        "100000",
        "--save-model",
        str(model),
    )
    assert numbers["image_shape"] == [20, 30]
    assert numbers["psnr"] > 10.0
    anatomy = run_cli(
        "image-anatomy",
        tmp_path / "anatomy",
        "--image",
        str(path),
        "--model",
        str(model),
    )
    assert anatomy["psnr"] == pytest.approx(numbers["psnr"], abs=1e-3)


def test_image_anatomy_quick(tmp_path):
    numbers = run_cli("image-anatomy", tmp_path)
    assert numbers["last_hidden_neurons"] == 20
    assert numbers["hidden_neurons"] == 80
    costs = np.array(numbers["pruning_costs"])
    # greedy removals may lower the cost a little (a neuron can hurt), never by much
    assert np.all(np.diff(costs) >= -0.05 * costs[0])
    assert costs[-1] > 2 * costs[0]
    n = numbers["removable_before_cost_doubles"]
    assert 0 < n < 80
    assert np.all(costs[: n + 1] <= 2 * costs[0]) and costs[n + 1] > 2 * costs[0]
    assert sum(numbers["removed_per_layer_at_doubling"].values()) == n
    assert numbers["pruned_psnr"] < numbers["psnr"]
    # deleting weights loses quality, the more the more is deleted
    assert all(v < numbers["psnr"] + 0.5 for v in numbers["deletion_psnr"].values())
    assert_pngs(tmp_path, ["single_neurons", "deleted_weights", "pruning", "pruned"])


def test_load_image_shrinks_and_grays(tmp_path):
    image = images.load_image(size=100)
    assert image.dtype == np.float32 and max(image.shape) <= 100
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert images.psnr(image, image) == float("inf")


def test_full_and_quick_settings():
    from ml4phys.lab import image

    full = image.resolve(image.Config(full=True))
    assert full.hidden == (500, 500, 300) and full.samples == 20_000_000
    assert image.resolve(image.Config()) == image.Config()  # the lecture's scale
    assert image.layout_name(image.Config()) == "2-150-150-100-1"
    assert (
        image.checkpoints(4000, 8)[-1] == 4000 and image.checkpoints(4000, 8)[0] == 40
    )
