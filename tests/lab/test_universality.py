"""Hand-built networks: truth tables, step sums and shapes, through the command line."""

import itertools
import json

import matplotlib.image
import numpy as np
import pytest

from ml4phys.cli import main
from ml4phys.lab import universality


def test_universality_quick(tmp_path):
    assert (
        main(
            ["run", "universality", "--quick", "--out", str(tmp_path), "--no-progress"]
        )
        == 0
    )
    numbers = json.loads((tmp_path / "results.json").read_text())["numbers"]
    truth = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
    for gate, table in truth.items():
        assert np.allclose(numbers["logic"][gate]["table"], table, atol=1e-3), gate
        assert numbers["logic"][gate]["max_error"] < 1e-4  # sigmoid(-10) = 4.5e-5
    errors = numbers["steps_1d"]["rms_error"]
    assert all(
        b < a / 2 for a, b in itertools.pairwise(errors)
    )  # faster than 1/neurons
    assert errors[-1] < 0.03
    for shape in ("quarter", "square", "polygon"):
        assert numbers["shapes"][shape]["accuracy"] > 0.98, shape
    assert numbers["shapes"]["bump"]["center"] > 0.95
    assert numbers["shapes"]["bump"]["at_3_radii"] < 0.3
    for name in ("steps_1d", "logic", "shapes"):
        picture = matplotlib.image.imread(tmp_path / f"{name}.png")
        assert picture.ndim == 3 and picture.shape[0] > 100


@pytest.mark.parametrize("w", [10.0, 50.0])
def test_xor_by_hand_for_large_w(w):
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    xor = universality.logic_networks(w)["XOR"]
    out = xor.forward(corners)[:, 0]
    assert np.allclose(out, [0, 1, 1, 0], atol=2 / (1 + np.exp(w / 2)) + 1e-12)


def test_polygon_half_planes_point_inward():
    normals, offsets = universality.polygon_half_planes(universality.POLYGON)
    centroid = universality.POLYGON.mean(axis=0)
    assert np.all(normals @ centroid > offsets)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0)
    # each vertex lies on its two edges' lines
    k = np.arange(len(normals))
    assert np.allclose(np.sum(normals * universality.POLYGON, axis=1), offsets)
    assert np.allclose(
        np.sum(normals[k - 1] * universality.POLYGON, axis=1), offsets[k - 1]
    )
