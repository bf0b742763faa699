"""nqs-tfim, nqs-heisenberg, nqs-anatomy: quick runs through the CLI, numbers asserted."""

import json

import matplotlib.image
import pytest

from ml4phys.cli import main
from ml4phys.lab import nqs_anatomy


def _run(name, tmp_path, *options):
    assert (
        main(
            ["run", name, "--quick", "--no-progress", *options, "--out", str(tmp_path)]
        )
        == 0
    )
    return json.loads((tmp_path / "results.json").read_text())["numbers"]


def _pngs(tmp_path, names):
    for name in names:
        assert matplotlib.image.imread(tmp_path / f"{name}.png").shape[0] > 100


def test_quick_nqs_tfim_ranks_mean_field_jastrow_rbm(tmp_path):
    numbers = _run("nqs-tfim", tmp_path)["h=1.0"]
    assert numbers["exact_energy_per_site"] == pytest.approx(
        -1.2814577, abs=1e-6
    )  # N = 8
    errors = [
        numbers[label]["relative_error"]
        for label in ("mean field", "Jastrow", "RBM alpha=1")
    ]
    assert errors[2] < 1e-3  # about 5e-5 after 100 SR iterations
    assert errors[0] > errors[1] > errors[2]
    assert errors[0] > 5e-3  # a product state misses the entanglement
    _pngs(tmp_path, ["energy", "relative_error"])


def test_quick_nqs_heisenberg_energy_and_correlations(tmp_path):
    numbers = _run("nqs-heisenberg", tmp_path)["N=8"]
    assert numbers["exact_energy_per_site"] == pytest.approx(-0.4563867, abs=1e-6)
    assert numbers["relative_error"] < 5e-3
    assert numbers["correlation_exact"][0] == pytest.approx(0.25)
    assert numbers["correlation_exact"][1] < -0.1  # antiferromagnetic neighbours
    assert numbers["correlation_max_abs_error"] < 5e-3
    _pngs(tmp_path, ["energy", "correlations"])


def test_quick_nqs_anatomy_overlap_grows(tmp_path):
    numbers = _run("nqs-anatomy", tmp_path)
    assert numbers["overlap_initial"] < 0.9
    assert numbers["overlap_final"] > 0.999
    assert numbers["relative_error"] < 1e-3
    _pngs(tmp_path, ["filters", "overlap"])
    with pytest.raises(ValueError, match="N <= 16"):
        nqs_anatomy.run(nqs_anatomy.Config(n_sites=18))
