from costcmp.cli import main

raise SystemExit(main())
