"""``python -m ml4phys``: the ``ml4phys`` command."""

from ml4phys.cli import main

raise SystemExit(main())
