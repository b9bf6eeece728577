"""Sphinx extension: the claim catalogue and the list of validate quantities, generated at
build time from ``proofs/`` and ``exactmtl.validate.QUANTITIES`` so that they cannot drift.

Directives (MyST: a ``{claim-catalogue}`` fence):

* ``claim-catalogue`` -- a summary table (id, title, provenance) and, per claim, its fields
  (Statement, Check, Range, Falsifier, Source, Provenance), checks and falsifiers. A proof file
  that cannot be loaded fails the build (it would otherwise be missing from the catalogue).
* ``validate-quantities`` -- a table of the quantities ``exactmtl.validate`` knows.

Text from the proof files is inserted as literal text nodes (never parsed as markup), so a
docstring cannot break the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("Statement", "Check", "Range", "Falsifier", "Source", "Provenance")


def catalogue_entries(proof_dir: Path | None = None) -> list[dict[str, Any]]:
    """One dict per proof file (id, title, file, fields, checks, falsifiers, provenance).

    Raises ``ExtensionError`` when a file in the folder cannot be loaded, so the docs build
    fails instead of silently leaving the claim out.
    """
    from exactmtl.proofcheck import discover, provenance_tag

    folder = proof_dir or ROOT / "proofs"
    broken: list = []
    proofs = discover([folder], broken=broken)
    if broken:
        raise ExtensionError("claim catalogue: " + "; ".join(b.message for b in broken))
    return [{
        "id": p.id,
        "title": p.claim.title,
        "file": p.path.relative_to(folder.resolve().parent).as_posix()
        if folder.resolve() in p.path.parents else p.path.name,
        "fields": dict(p.fields),
        "provenance": provenance_tag(p.fields),
        "checks": [f.__name__ for f in p.checks],
        "falsifiers": [f.__name__ for f in p.falsifiers],
    } for p in proofs]


def anchor(claim_id: str) -> str:
    return "claim-" + claim_id.lower().replace(".", "-")


def _table(header: list[str], rows: list[list[nodes.Node | str]],
           widths: list[int]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for target, cells in ((head, [header]), (body, rows)):
        for cells_row in cells:
            row = nodes.row()
            for cell in cells_row:
                entry = nodes.entry()
                para = nodes.paragraph()
                para += cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
                entry += para
                row += entry
            target += row
    return table


class ClaimCatalogue(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        entries = catalogue_entries()
        self.env.note_dependency(str(ROOT / "proofs"))
        for path in sorted((ROOT / "proofs").glob("*.py")):
            self.env.note_dependency(str(path))
        out: list[nodes.Node] = []
        summary = []
        for e in entries:
            ref = nodes.reference("", e["id"], refid=anchor(e["id"]), internal=True)
            summary.append([ref, e["title"], e["provenance"]])
        out.append(nodes.paragraph(text=f"{len(entries)} claims, generated from proofs/ at "
                                        "build time."))
        out.append(_table(["id", "title", "provenance"], summary, [8, 60, 12]))
        for e in entries:
            rubric = nodes.rubric(text=f"{e['id']} -- {e['title']}", ids=[anchor(e["id"])])
            out.append(rubric)
            flist = nodes.field_list()
            items = [(k, e["fields"][k]) for k in FIELDS if k in e["fields"]]
            items += [("File", e["file"]), ("Checks", ", ".join(e["checks"])),
                      ("Falsifiers", ", ".join(e["falsifiers"]))]
            for name, text in items:
                field = nodes.field()
                field += nodes.field_name(text=name)
                body = nodes.field_body()
                body += nodes.paragraph(text=text)
                field += body
                flist += field
            out.append(flist)
        return out


class ValidateQuantities(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        from exactmtl.validate import quantities

        self.env.note_dependency(str(ROOT / "exactmtl" / "validate.py"))
        rows = [[nodes.literal(text=q.name), ", ".join(q.params), q.description, q.route,
                 q.docs] for q in quantities()]
        return [_table(["name", "parameters", "quantity", "computed by", "documented in"],
                       rows, [18, 12, 40, 24, 16])]


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("claim-catalogue", ClaimCatalogue)
    app.add_directive("validate-quantities", ValidateQuantities)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
