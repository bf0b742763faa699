"""pytest setup for the doctests of src/ml4phys (collected with ``--doctest-modules``).

A doctest that reads MNIST skips, as the tests do, when ``ML4PHYS_DATA`` holds no copy.
"""

import pytest

NEEDS_MNIST = ("ml4phys.data.mnist.load_data",)


@pytest.fixture(autouse=True)
def _doctest_data(request):
    if (
        type(request.node).__name__ == "DoctestItem"
        and request.node.name in NEEDS_MNIST
    ):
        from ml4phys.data import mnist

        if mnist.find() is None:
            pytest.skip("MNIST not found: set ML4PHYS_DATA to a folder with mnist/")
