"""Sphinx configuration of the exactmtl documentation (MyST markdown, myst-nb notebooks).

Built offline in CI with warnings as errors:  python -m sphinx -W -b html docs docs/_build/html
The claim catalogue is generated from proofs/ at build time (_ext/claim_catalogue.py), the API
reference from the docstrings (autodoc), and the notebooks in notebooks/ are copied into
docs/_notebooks/ and executed at build time so that their outputs are rendered
(EXACTMTL_DOCS_EXECUTE=0 renders them without outputs, for a quick local build).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "exactmtl"
author = "the exactmtl developers"
copyright = "2026, the exactmtl developers"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "claim_catalogue",
]

# MyST: $...$ maths, ::: fences, heading anchors for links to "§3.6"-style sections.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# Notebooks: executed at build time (no network is used by any notebook), fail on error.
nb_execution_mode = "off" if os.environ.get("EXACTMTL_DOCS_EXECUTE") == "0" else "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_merge_streams = True

# autodoc: numpy-style docstrings, members in source order, no import of optional extras fails.
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False}
autodoc_typehints = "none"
autodoc_inherit_docstrings = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True  # "Attributes" as fields: no second description of dataclass fields
# numpy docstrings name types such as "exact number >= 0" that are not Python objects:
suppress_warnings = ["ref.python", "myst.header", "autodoc.import_object",
                     "mystnb.unknown_mime_type"]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
html_theme = "alabaster"
html_static_path: list[str] = []
html_title = "exactmtl"


_LITERAL = re.compile(r"(``.+?``|:[a-z:]+:`[^`]+`|`[^`]+`_?)")
_PAIRED = re.compile(
    r"(?<![\w*])(\*\*[^*\s](?:[^*]*[^*\s])?\*\*|\*[^*\s](?:[^*]*[^*\s])?\*)(?![\w*])")


def _escape_plain(text: str) -> str:
    """Escape the characters that plain-text mathematics in docstrings uses but RST reads as
    markup: ``|x|`` (a substitution) and a lone ``*`` (emphasis); paired ``*em*``/``**strong**``
    and literals are kept."""
    out = []
    for i, part in enumerate(_LITERAL.split(text)):
        if i % 2:
            out.append(part)
            continue
        part = part.replace("|", "\\|")
        pieces = _PAIRED.split(part)
        out.append("".join(p if j % 2 else p.replace("*", "\\*") for j, p in enumerate(pieces)))
    return "".join(out)


def _sanitise_docstring(app, what, name, obj, options, lines) -> None:
    """Make numpy-style docstrings written as plain text safe for RST (runs after napoleon):
    escape stray markup characters outside literals, doctests and literal blocks, and end a
    field list with a blank line before an unindented paragraph."""
    out: list[str] = []
    in_field = in_doctest = in_literal = False
    literal_indent = 0
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if in_literal and stripped and indent <= literal_indent:
            in_literal = False
        if stripped.startswith(">>>"):
            in_doctest = True
        elif not stripped:
            in_doctest = False
        if in_field and stripped and not line.startswith((" ", ":")):
            out.append("")
            in_field = False
        if line.startswith(":") and not stripped.startswith("::"):
            in_field = True
        elif not stripped:
            in_field = False
        if not (in_doctest or in_literal):
            if stripped.startswith(".. "):
                out.append(line)
            elif stripped.startswith(("* ", "- ")):
                head = line[:indent + 2]
                out.append(head + _escape_plain(line[indent + 2:]))
            else:
                out.append(_escape_plain(line))
        else:
            out.append(line)
        if stripped.endswith("::") and not in_doctest and not in_literal:
            in_literal, literal_indent = True, indent
    lines[:] = out
    if os.environ.get("EXACTMTL_DOCS_DEBUG") and name.endswith(os.environ["EXACTMTL_DOCS_DEBUG"]):
        print("\n".join(out))


_SECTIONS = {"Parameters", "Returns", "Yields", "Raises", "Attributes", "Other Parameters",
             "Warns", "Methods", "See Also", "Notes", "References", "Examples", "Receives"}
_ENTRY_SECTIONS = {"Parameters", "Attributes", "Other Parameters"}
_ENTRY = re.compile(r"^\*{0,2}\w+(, *\*{0,2}\w+)*( *: .*)?$")


def _close_sections(app, what, name, obj, options, lines) -> None:
    """Before napoleon: the project's docstrings often continue with prose or doctests after a
    Parameters section without a new header; napoleon would read them as parameters. Insert
    the header that ends the section (Notes for prose, Examples for doctests)."""
    out: list[str] = []
    section = None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        stripped = line.strip()
        if stripped in _SECTIONS and nxt.strip() and set(nxt.strip()) == {"-"}:
            section = stripped
            out.append(line)
            continue
        after_blank = bool(out) and not out[-1].strip()
        if section and stripped and not line.startswith(" ") and after_blank:
            if stripped.startswith(">>>") and section != "Examples":
                out += ["Examples", "--------"]
                section = "Examples"
            elif section in _ENTRY_SECTIONS and not _ENTRY.match(stripped):
                out += ["Notes", "-----"]
                section = "Notes"
        out.append(line)
    lines[:] = out


def setup(app) -> None:
    app.connect("autodoc-process-docstring", _close_sections, priority=400)
    app.connect("autodoc-process-docstring", _sanitise_docstring, priority=600)


def _copy_notebooks() -> None:
    """Copy notebooks/*.ipynb into docs/_notebooks/ (the Sphinx source must live in docs/)."""
    target = HERE / "_notebooks"
    target.mkdir(exist_ok=True)
    wanted = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    for old in target.glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    for name in sorted(wanted):
        src, dst = ROOT / "notebooks" / name, target / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)


_copy_notebooks()
