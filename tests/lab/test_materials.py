import json

import matplotlib.image
import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import materials


def test_quick_conv_net_beats_composition_on_the_chain(tmp_path, monkeypatch):
    monkeypatch.setenv("ML4PHYS_DATA", str(tmp_path / "data"))
    out = tmp_path / "out"
    assert (
        main(["run", "materials", "--quick", "--no-progress", "--out", str(out)]) == 0
    )
    chain = json.loads((out / "results.json").read_text())["numbers"]["chain"]
    trained = chain[str(chain["train_size"])]
    # the arrangement says more than the composition: at the training size the conv
    # net beats the composition-only baseline on energy and gap
    for name in ("energy", "gap"):
        assert trained[name]["conv"] < trained[name]["composition"], name
    # energy per site is learned to a few percent of its spread, at every size
    for size in ("16", "32"):
        assert chain[size]["energy"]["conv"] < 0.05 * chain[size]["energy"]["scale"]
    assert matplotlib.image.imread(out / "error_chain.png").shape[0] > 100


def test_bond_fractions_of_known_arrangements():
    chain = np.array([[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0]], np.int8)
    assert np.allclose(materials.bond_fractions(chain), [[1, 0], [0, 0], [0.25, 0.25]])
    square = np.zeros((1, 4, 4), np.int8)
    assert np.allclose(materials.bond_fractions(square), [[0, 1]])


def test_unknown_lattice_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown lattices"):
        materials.run(materials.Config(lattices=("hexagonal",), epochs=1))
