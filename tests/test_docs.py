"""The documentation promises: every claim is in the catalogue, every Source cites a page and a
section of docs/ that exist, nothing cites a file outside the repository."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from exactmtl.proofcheck import PROVENANCE_TAGS, discover, provenance_tag

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PROOF_FILES = sorted(p for p in (ROOT / "proofs").glob("*.py") if not p.name.startswith("_"))
PROOFS = discover([ROOT / "proofs"])
OUTSIDE = re.compile(r"\bSPEC\b|\bTHEORY(?:-main)?\b|\.\./shared|/work/shared|shared/[A-Z]")
CITE = re.compile(r"\((docs/[\w/]+\.md)\)")
SECTION = re.compile(r"§\s*([A-Z]?\.?\d+(?:\.\d+)?)")


def _headings(page: Path) -> set[str]:
    """The section numbers of a docs page: '## 3.6 The rate gap' -> '3.6', '## A.3 ...'."""
    out = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#{1,4} ([A-Z]?\.?\d+(?:\.\d+)?) ", line)
        if m:
            out.add(m.group(1))
    return out


def source_problems(source: str) -> list[str]:
    """Why a Source field does not cite the documentation properly ([] when it does)."""
    problems = []
    if OUTSIDE.search(source):
        problems.append(f"cites a file outside the repository: {OUTSIDE.search(source).group()}")
    cites = list(CITE.finditer(source))
    if not cites:
        problems.append("cites no documentation page '(docs/<page>.md)'")
    start = 0
    for c in cites:
        page = ROOT / c.group(1)
        segment = source[start:c.start()]
        start = c.end()
        if not page.is_file():
            problems.append(f"{c.group(1)} does not exist")
            continue
        heads = _headings(page)
        for sec in SECTION.findall(segment.split(";")[-1] if ";" in segment else segment):
            if sec not in heads:
                problems.append(f"{c.group(1)} has no section {sec}")
    return problems


def test_source_checker_can_fail():
    assert source_problems("main construction §3.6 (docs/main_construction.md).") == []
    assert source_problems("SPEC B.5; THEORY-main 3.5.")
    assert "has no section 9.9" in source_problems("main construction §9.9 "
                                                  "(docs/main_construction.md)")[0]
    assert "does not exist" in source_problems("x §1 (docs/nowhere.md)")[0]
    assert source_problems("see ../shared/SPEC.md (docs/conventions.md)")


@pytest.mark.parametrize("proof", PROOFS, ids=[p.id for p in PROOFS])
def test_source_cites_the_docs_and_provenance_is_given(proof):
    assert source_problems(proof.fields["Source"]) == [], proof.path.name
    assert provenance_tag(proof.fields) in PROVENANCE_TAGS, proof.path.name
    tag = provenance_tag(proof.fields)
    if proof.id.startswith("M") and tag == "reference":
        assert "arXiv 2606.16028" in proof.fields["Source"], proof.path.name
        assert "reference construction" in proof.fields["Source"], proof.path.name
    if proof.id.startswith("D"):
        assert re.search(r"arXiv \d{4}\.\d{4,5}", proof.fields["Source"]), proof.path.name


def test_proof_docstrings_do_not_cite_outside():
    for path in PROOF_FILES:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert not OUTSIDE.search(doc), f"{path.name}: {OUTSIDE.search(doc).group()}"


def test_package_readme_notebooks_and_docs_do_not_cite_outside():
    files = [*ROOT.glob("exactmtl/**/*.py"), ROOT / "README.md", ROOT / "CONTRIBUTING.md",
             *ROOT.glob("notebooks/*.ipynb"), *DOCS.glob("*.md")]
    bad = []
    for f in files:
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                bad.append(f"{f.relative_to(ROOT)}:{i}: {line.strip()[:80]}")
    assert not bad, "\n".join(bad)


def _catalogue():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import claim_catalogue
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return claim_catalogue


def test_every_claim_file_is_in_the_catalogue():
    cat = _catalogue()
    entries = cat.catalogue_entries(ROOT / "proofs")
    assert len(entries) == len(PROOF_FILES) == len(PROOFS)
    assert [e["id"] for e in entries] == [p.id for p in PROOFS]
    assert sorted(e["file"] for e in entries) == sorted(f"proofs/{p.name}" for p in PROOF_FILES)
    for e in entries:
        for key in ("Statement", "Check", "Range", "Falsifier", "Source", "Provenance"):
            assert e["fields"].get(key), (e["id"], key)


def test_catalogue_refuses_a_broken_file(tmp_path):
    cat = _catalogue()
    (tmp_path / "x1_ok.py").write_text((ROOT / "proofs" / "a9_centred_waves.py").read_text())
    (tmp_path / "x2_bad.py").write_text('"""X2 -- no fields."""\n')
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=r"x2_bad\.py"):
        cat.catalogue_entries(tmp_path)


def test_docs_pages_are_in_the_toctree_and_sections_numbered():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in ("conventions", "main_construction", "theorems", "companions", "user_claims",
                 "validate", "catalogue", "notebooks", "api"):
        assert (DOCS / f"{page}.md").is_file() and f"\n{page}\n" in index, page
    heads = _headings(DOCS / "main_construction.md")
    for sec in ("2.6", "2.7", "2.8", "3.1", "3.4", "3.5", "3.6", "3.7", "4.1", "4.3", "4.4"):
        assert sec in heads, sec
    assert {"A.1", "A.3", "A.6", "A.10"} <= _headings(DOCS / "conventions.md")
    assert {"D.1", "D.2", "D.3", "D.4", "D.5"} <= _headings(DOCS / "companions.md")
    nbs = (DOCS / "notebooks.md").read_text(encoding="utf-8")
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"_notebooks/{nb.stem}\n" in nbs, nb.name
