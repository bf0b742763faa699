"""ising-rbm: the quick run's numbers asserted, and the CLI writes its figures."""

import json

import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import ising_rbm


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ML4PHYS_DATA", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def quick():
    return ising_rbm.run(ising_rbm.Config(quick=True))


def test_quick_run_reproduces_the_thermodynamics(quick):
    numbers = quick.numbers
    assert numbers["temperatures"] == pytest.approx([1.0, 2.27, 3.54])
    mc = numbers["monte_carlo"]
    assert mc["energy"][0] < -1.99 and mc["abs_magnetization"][0] > 0.99  # ordered
    assert mc["specific_heat_peak_T"] == pytest.approx(2.27)
    big, small = numbers["hidden_64"], numbers["hidden_4"]
    # 64 hidden units after 2000 CD-2 steps: E within 0.08, |m| within 0.06 everywhere
    # (measured: |dE| = 0.000, 0.017, 0.036; |d|m|| <= 0.027)
    assert big["max_abs_dE"] < 0.08
    assert big["max_abs_dm"] < 0.06
    assert abs(big["dE"][0]) < 0.01  # the ordered phase is easy
    assert 0.7 < big["specific_heat_peak_ratio"] < 1.3
    # 4 hidden units miss the energy at T_c badly (measured 0.30) and far more than 64
    assert small["max_abs_dE_near_T_c"] > 0.15
    assert small["max_abs_dE_near_T_c"] > 3 * big["max_abs_dE_near_T_c"]
    for machine in (big, small):  # error bars are there and small
        assert 0 < max(machine["energy_err"]) < 0.02
    assert set(quick.figures) == {
        "energy",
        "abs_magnetization",
        "specific_heat",
        "errors",
    }


def test_rbm_samples_are_spins_with_the_model_observables():
    config = ising_rbm.Config(L=4, chains=50, burn_in=5, records=4, spacing=2)
    rbm = ising_rbm.RBM(16, 2, seed=0)
    rbm.params["a"][...] = 20.0  # every visible unit on: all up
    values = ising_rbm.observables(rbm, config, temperature=1.0)
    assert values["energy"] == -2.0
    assert values["abs_magnetization"] == 1.0 and values["specific_heat"] == 0.0
    assert values["positive_fraction"] == 1.0


def test_cli_writes_figures_and_numbers(tmp_path):
    out = tmp_path / "out"
    assert (
        main(["run", "ising-rbm", "--quick", "--no-progress", "--out", str(out)]) == 0
    )
    for name in ("energy", "abs_magnetization", "specific_heat", "errors"):
        assert (out / f"{name}.png").exists()
    record = json.loads((out / "results.json").read_text())
    assert np.isfinite(record["numbers"]["hidden_4"]["max_abs_dE"])
