"""The README's Python blocks run as written: each is complete (it makes or loads its
data) or says in its first line that it is an excerpt.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(
    r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), re.MULTILINE | re.DOTALL
)


def _is_excerpt(block):
    return block.lstrip().lower().startswith("# excerpt")


def test_the_readme_has_python_blocks_and_marks_its_excerpts():
    assert len(BLOCKS) >= 4
    assert sum(map(_is_excerpt, BLOCKS)) >= 1


@pytest.mark.parametrize(
    "block",
    [b for b in BLOCKS if not _is_excerpt(b)],
    ids=lambda b: b.strip().splitlines()[0][:40],
)
def test_readme_block_runs_as_written(block, tmp_path):
    if "gymnasium" in block:
        pytest.importorskip("gymnasium")
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
    )
    done = subprocess.run(
        [sys.executable, "-c", block],
        cwd=tmp_path,  # blocks may write files (rbm.npz)
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
