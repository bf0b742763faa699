"""Every kernel test runs with the kernels the switch selects (ML4PHYS_KERNELS), and the
fast ones are compared with the references by switching inside the test.
"""

import pytest

from ml4phys.nn import kernels


@pytest.fixture
def both():
    """Call f under the fast kernels and under the references: (fast, reference)."""
    before = kernels.active()

    def run(f):
        try:
            kernels.use("fast")
            fast = f()
            kernels.use("numpy")
            return fast, f()
        finally:
            kernels.use(before)

    return run
