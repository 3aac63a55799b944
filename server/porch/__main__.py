from porch.cli import main

raise SystemExit(main())
