from keywatch.cli import main

raise SystemExit(main())
