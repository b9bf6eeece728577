"""Sphinx configuration: API pages from the numpy-style docstrings (``pip install '.[docs]'``).

Build with ``python -m sphinx -b html docs docs/_build`` from the repository root.
"""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import exactmtl

project = "exactmtl"
release = version = exactmtl.__version__
extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
numpydoc_show_class_members = False
autodoc_default_options = {"members": True, "undoc-members": False}
exclude_patterns = ["_build"]
html_theme = "alabaster"
