import pytest


@pytest.fixture
def rbm_digits():
    """Skip, with the reason, where neither MNIST nor scikit-learn's digits are at hand."""
    from ml4phys.lab import _rbm_data

    try:
        _rbm_data.load_binary_digits(quick=True)
    except FileNotFoundError as error:
        pytest.skip(str(error))
