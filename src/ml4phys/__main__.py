from ml4phys.cli import main

raise SystemExit(main())
