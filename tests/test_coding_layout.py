"""The coding modules' imports point one way (no cycle with closed_forms / construction)."""

from __future__ import annotations

import ast
import pathlib

import pytest

import exactmtl

ROOT = pathlib.Path(exactmtl.__file__).parent
MODULES = ("closed_forms", "coding", "colouring", "construction", "construction_coding",
           "covering", "coding_check", "construction_tables", "construction_certify")


def _imports(name: str) -> set[str]:
    """exactmtl modules imported anywhere in ``name`` (top level or inside functions), except
    inside a module-level ``__getattr__`` (a compatibility alias resolved on first access)."""
    tree = ast.parse((ROOT / f"{name}.py").read_text())
    skip: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            skip.update(id(n) for n in ast.walk(node))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exactmtl."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("exactmtl."))
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return [*stack[stack.index(w):], w]
            if w not in state and (found := visit(w)):
                return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_coding_modules_have_no_import_cycle():
    graph = {m: _imports(m) & set(MODULES) for m in MODULES if (ROOT / f"{m}.py").exists()}
    assert _cycle(graph) is None, _cycle(graph)
    assert "construction_coding" not in graph["covering"] | graph["colouring"]
    assert graph["closed_forms"] <= {"construction"}
    assert not graph["construction"] & set(MODULES)


def test_cycle_finder_can_fail():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", ["closed_forms", "construction"])
def test_moved_names_still_importable(module):
    import importlib

    from exactmtl.construction_coding import joint_vs_separate

    mod = importlib.import_module(f"exactmtl.{module}")
    assert mod.joint_vs_separate is joint_vs_separate
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mod.nope  # noqa: B018
