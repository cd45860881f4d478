from keywatch_ops.cli import main

raise SystemExit(main())
