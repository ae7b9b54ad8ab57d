from dockwise.cli import main

raise SystemExit(main())
