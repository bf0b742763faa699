"""Assertions shared by the tests that hold whole models to finite differences."""

from numpy.testing import assert_allclose

from ml4phys.nn.gradcheck import numerical_gradient


def assert_grads_match_finite_differences(grads, params, cost):
    """grads[name] equals d cost() / d params[name] by central differences, for every
    parameter (float64, rtol 1e-5, atol 1e-8).
    """
    for name, param in params.items():
        assert_allclose(
            grads[name],
            numerical_gradient(cost, param),
            rtol=1e-5,
            atol=1e-8,
            err_msg=name,
        )
