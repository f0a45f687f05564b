"""``python -m mbaxis``: the ``mbaxis`` command."""

from mbaxis.cli import main

raise SystemExit(main())
