"""`python -m seedreader` runs the command line."""

from seedreader.cli import main

raise SystemExit(main())
