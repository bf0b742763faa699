"""numba loads only where a compiled kernel runs: a dense net never pays its import."""

import subprocess
import sys

CHECK = """
import sys
from ml4phys.lab import fit2d
fit2d.run(fit2d.Config(quick=True))
print(sorted(name for name in ("numba", "llvmlite") if name in sys.modules))
"""


def test_fit2d_imports_neither_numba_nor_llvmlite():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
