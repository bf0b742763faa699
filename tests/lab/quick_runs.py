"""Running an experiment the way the lab's command-line tests do."""

import json

from ml4phys.cli import main


def run_quick(name, tmp_path, *options):
    """``ml4phys run NAME --quick --no-progress OPTIONS --out tmp_path`` exits 0: its numbers."""
    argv = ["run", name, "--quick", "--no-progress", *options, "--out", str(tmp_path)]
    assert main(argv) == 0
    return json.loads((tmp_path / "results.json").read_text())["numbers"]
