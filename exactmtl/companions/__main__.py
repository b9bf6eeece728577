"""``python -m exactmtl.companions [--markdown]``: every joint-vs-separate report side by side.

Ctrl-C exits 130 with one line; a closed pipe (``| head``) exits 141 without a traceback.
"""

from exactmtl._cliargs import run
from exactmtl.jointsep import main

raise SystemExit(run(main, None, "python -m exactmtl.companions"))
