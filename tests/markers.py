"""Shared test conditions: whether the MNIST files are where ML4PHYS_DATA points."""

import os
from pathlib import Path

import pytest

HAVE_MNIST = (
    Path(os.environ.get("ML4PHYS_DATA", "/nonexistent"))
    / "mnist"
    / "t10k-labels-idx1-ubyte.gz"
).is_file()
needs_mnist = pytest.mark.skipif(
    not HAVE_MNIST, reason="MNIST absent: set ML4PHYS_DATA=DIR with DIR/mnist/"
)
