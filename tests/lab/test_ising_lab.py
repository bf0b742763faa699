"""Quick runs of the Ising experiments, their numbers asserted, and `ml4phys data ising`."""

import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import ising_confusion, ising_pca, ising_phases
from ml4phys.physics.ising import T_C


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ML4PHYS_DATA", str(tmp_path / "data"))


def test_ising_phases_quick():
    result = ising_phases.run(ising_phases.Config(quick=True))
    for L in (8, 12):
        numbers = result.numbers[f"L{L}"]
        assert numbers["test_accuracy"] > 0.8
        assert numbers["accuracy_far_from_T_c"] > 0.9
    assert abs(result.numbers["L12"]["T_star"] - T_C) < 0.3
    assert len(result.numbers["T_star"]) == 2
    assert set(result.figures) == {"outputs", "accuracy", "crossing"}


def test_ising_phases_reads_the_crossing_on_the_probe_temperatures():
    with_probes = ising_phases.run(ising_phases.Config(quick=True, sizes=(8,)))
    without = ising_phases.run(ising_phases.Config(quick=True, sizes=(8,), probes=0))
    # the same training data and network: only where T* is read differs
    assert with_probes.numbers["L8"]["T_star_grid"] == without.numbers["L8"]["T_star"]
    assert with_probes.numbers["L8"]["T_star"] != without.numbers["L8"]["T_star"]
    assert abs(with_probes.numbers["L8"]["T_star"] - T_C) < 0.3
    assert len(with_probes.numbers["L8"]["T_star_each_network"]) == 2  # quick: 2 nets
    labels = with_probes.figures["outputs"].axes[0].get_legend_handles_labels()[1]
    assert "L=8: ordered, probes" in labels
    assert (
        "L=8: ordered, probes"
        not in without.figures["outputs"].axes[0].get_legend_handles_labels()[1]
    )


def test_ising_phases_conv_model_classifies_the_phases():
    result = ising_phases.run(ising_phases.Config(quick=True, model="conv"))
    for L in (8, 12):
        assert result.numbers[f"L{L}"]["test_accuracy"] > 0.85
        assert result.numbers[f"L{L}"]["accuracy_far_from_T_c"] > 0.95
    assert all(abs(t - T_C) < 0.5 for t in result.numbers["T_star"])
    with pytest.raises(ValueError, match="'dense' or 'conv'"):
        ising_phases.run(ising_phases.Config(quick=True, model="lstm"))
    assert len(result.numbers["L8"]["T_star_each_network"]) == 1  # conv: one net
    with pytest.raises(ValueError, match="--networks must be 1 or more"):
        ising_phases.run(ising_phases.Config(quick=True, networks=-1))


def test_ising_confusion_quick_finds_the_inner_maximum():
    result = ising_confusion.run(ising_confusion.Config(quick=True))
    accuracy = np.array(result.numbers["accuracy"])
    assert len(accuracy) == 9 and np.all(accuracy > 0.5)
    assert abs(result.numbers["T_c_confusion"] - T_C) < 0.3


def test_inner_maximum_of_a_w():
    c = np.linspace(1, 3, 9)
    w = np.array([1.0, 0.8, 0.7, 0.8, 0.95, 0.8, 0.7, 0.8, 1.0])
    assert ising_confusion.inner_maximum(c, w) == 2.0  # symmetric: on the point
    peak = 1 - (c - 2.1) ** 2  # a parabola's vertex, exactly
    peak[[0, -1]] = 1.5
    assert abs(ising_confusion.inner_maximum(c, peak) - 2.1) < 1e-9


def test_ising_pca_quick():
    result = ising_pca.run(ising_pca.Config(quick=True))
    numbers = result.numbers
    assert numbers["pc1_uniformity"] > 0.99  # the first component is uniform
    assert numbers["explained_variance_ratio"][0] > 0.3
    assert numbers["explained_variance_ratio"][1] < 0.1
    assert abs(numbers["T_c_pca"] - T_C) < 0.3


def test_cli_run_and_data_ising(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["run", "ising-pca", "--quick", "--no-progress", "--out", str(out)]) == 0
    )
    assert (out / "projection.png").exists()
    record = json.loads((out / "results.json").read_text())
    assert record["numbers"]["pc1_uniformity"] > 0.99
    assert (
        main(
            [
                "data",
                "ising",
                "--L",
                "4",
                "--temperatures",
                "1.5,3.0",
                "--n-samples",
                "8",
                "--equilibration",
                "20",
                "--data-dir",
                str(tmp_path / "d"),
            ]
        )
        == 0
    )
    assert len(list((tmp_path / "d").glob("ising_L4_*.npz"))) == 1
    assert "2 temperatures x 8 configurations" in capsys.readouterr().out
    assert main(["data", "ising", "--temperatures", "hot"]) == 1


def test_crossing_of_a_logistic_curve():
    from ml4phys.lab import _ising

    t = np.linspace(1, 3.5, 40)
    curve = 1 / (1 + np.exp((t - 2.3) / 0.05))
    assert abs(_ising.crossing(t, curve) - 2.3) < 1e-6
    steep = (t < 2.3).astype(float)  # a step: the two bracketing points
    assert abs(_ising.crossing(t, steep) - 2.3) < 0.07
    assert np.isnan(_ising.crossing(t, np.ones_like(t)))


def test_crossing_ignores_a_plateau_below_one():
    """An ordered plateau at 0.96 (a large lattice, an imperfect network) and a sharp
    drop: a logit line through the whole 0.02 < y < 0.98 range crosses far from the
    drop (it did: 2.69 for a curve crossing at 2.29); the crossover fit does not.
    """
    from ml4phys.lab import _ising

    t = np.linspace(1, 3.5, 40)
    curve = np.where(t < 2.25, 0.96, 1 / (1 + np.exp((t - 2.3) / 0.03)))
    assert abs(_ising.crossing(t, curve) - 2.3) < 0.01
    inside = (curve > 0.02) & (curve < 0.98)  # what the old estimator fitted
    slope, intercept = np.polyfit(
        t[inside], np.log(curve[inside] / (1 - curve[inside])), 1
    )
    assert abs(-intercept / slope - 2.3) > 0.1
    noisy = curve.copy()
    noisy[t > 2.7] = 0.03  # a high-T tail that is not zero
    assert abs(_ising.crossing(t, noisy) - 2.3) < 0.01
