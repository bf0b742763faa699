"""fit2d's homework knobs and comparison grid, through the command line."""

import json

import matplotlib.image
import pytest

from ml4phys.cli import main
from ml4phys.lab import fit2d


def _run_fit2d(tmp_path, *options):
    """``ml4phys run fit2d --quick`` with ``options`` into tmp_path: its numbers."""
    argv = ["run", "fit2d", "--quick", "--out", str(tmp_path), "--no-progress"]
    assert main([*argv, *options]) == 0
    return json.loads((tmp_path / "results.json").read_text())["numbers"]


def test_fit2d_compare_grid(tmp_path):
    numbers = _run_fit2d(tmp_path, "--compare", "eta=1,10 hidden=20x30,10")
    assert (
        numbers["final_cost"] < 0.5 * numbers["cost_of_mean"]
    )  # the plain run is kept
    runs = numbers["compare"]
    assert [r["knobs"] for r in runs] == [
        {"eta": 1.0, "hidden": [20, 30]},
        {"eta": 1.0, "hidden": [10]},
        {"eta": 10.0, "hidden": [20, 30]},
        {"eta": 10.0, "hidden": [10]},
    ]
    for r in runs:  # every combination learns something of the bump
        assert r["final_cost"] < numbers["cost_of_mean"]
    for name in ("cost", "function", "compare_cost", "compare_grid"):
        picture = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert picture.ndim == 3 and picture.shape[0] > 100


def test_fit2d_linear_output_and_init_scale(tmp_path):
    numbers = _run_fit2d(
        tmp_path,
        "--output-activation",
        "linear",
        "--eta",
        "0.05",
        "--compare",
        "init_scale=0.3,3",
    )
    assert numbers["final_cost"] < numbers["cost_of_mean"]
    assert [r["knobs"]["init_scale"] for r in numbers["compare"]] == [0.3, 3.0]


def test_parse_compare_types_and_errors():
    assert fit2d.parse_compare("eta=1,3 hidden=20x30,5") == [
        ("eta", [1.0, 3.0]),
        ("hidden", [(20, 30), (5,)]),
    ]
    assert fit2d.parse_compare("output-activation=sigmoid,linear") == [
        ("output_activation", ["sigmoid", "linear"])
    ]
    with pytest.raises(ValueError, match="cannot vary"):
        fit2d.parse_compare("speed=1")
    with pytest.raises(ValueError, match="at most two"):
        fit2d.parse_compare("eta=1 seed=1 batches=5")
