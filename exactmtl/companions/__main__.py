"""``python -m exactmtl.companions [--markdown]``: every joint-vs-separate report side by side."""

from exactmtl.jointsep import main

raise SystemExit(main())
