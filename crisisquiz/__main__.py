"""``python -m crisisquiz``: the same as the ``crisisquiz`` command."""

from crisisquiz.cli import main

raise SystemExit(main())
