"""``python -m exactmtl`` is the ``exactmtl`` command."""

import sys

from exactmtl.cli import main

sys.exit(main())
