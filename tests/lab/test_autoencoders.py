import json

import matplotlib.image

from ml4phys.cli import main


def _run(name, tmp_path):
    assert main(["run", name, "--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    return json.loads((tmp_path / "results.json").read_text())["numbers"]


def test_quick_conv_autoencoder_rebuilds_circles(tmp_path):
    numbers = _run("autoencoder", tmp_path)
    (result,) = numbers["bottlenecks"].values()
    assert result["numbers_at_bottleneck"] == 7 * 7 * 4
    # far below a constant image, and the cost fell during training
    assert result["test_cost"] < numbers["cost_of_constant_image"] / 5
    assert result["test_cost"] < result["initial_cost"] / 5
    low, median, high = result["single_image_cost_min_median_max"]
    assert low <= median <= high
    for name in ("cost", "examples"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3


def test_quick_denoising_lowers_the_cost_of_noisy_inputs(tmp_path):
    numbers = _run("denoising", tmp_path)
    for sigma, result in numbers["noise"].items():
        assert (
            abs(result["noisy_input_cost"] - float(sigma) ** 2)
            < 0.2 * float(sigma) ** 2
        )
        assert result["output_cost"] < result["noisy_input_cost"] / 4
    for name in ("examples", "cost_vs_noise"):
        assert matplotlib.image.imread(tmp_path / f"{name}.png").ndim == 3
