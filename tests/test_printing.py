"""Exact functions through sympy's printers and Jupyter: exact when short, bounded when long."""

from __future__ import annotations

import time
from fractions import Fraction as F

import pytest
import sympy
from hypothesis import given, settings

import exactmtl
from exactmtl import (
    Piecewise,
    equal,
    from_sympy,
    haar,
    sawtooth,
    telgarsky_network,
    triangle,
    walsh,
)
from exactmtl.printing import (
    DEFAULT_MAX_PIECES,
    HEAD,
    TAIL,
    display_expression,
    latex_form,
    str_form,
)
from exactmtl.strategies import piecewise_linear

X = sympy.Symbol("x")
ISOLATED = Piecewise([0, F(1, 2), 1], [(1,), (0, 2)], values=[5, 7, 9], closed=True)


@settings(max_examples=60, deadline=None)
@given(f=piecewise_linear(max_pieces=6))
def test_what_is_printed_is_the_function(f):
    """Read the displayed rows back with from_sympy: the same function, exactly."""
    for uni in (True, False):
        assert bool(equal(from_sympy(display_expression(f, unicode=uni), X), f))


def test_isolated_values_and_closed_ends_are_shown():
    e = display_expression(ISOLATED)
    assert (7, sympy.Eq(X, F(1, 2))) in [(a, b) for a, b in e.args]
    assert (9, sympy.Eq(X, 1)) in [(a, b) for a, b in e.args]
    back = from_sympy(e, X, closed=True)
    assert back == ISOLATED
    assert str_form(ISOLATED) == ("Piecewise((5, x == 0), (1, 0 < x < 1/2), (7, x == 1/2), "
                                  "(2*x, 1/2 < x < 1), (9, x == 1))")
    # falsifier: the same rows without the isolated value are another function
    assert back != Piecewise([0, F(1, 2), 1], [(1,), (0, 2)], closed=True)


def _mathml_presentation(obj):
    return sympy.mathml(obj, printer="presentation")


@pytest.mark.parametrize("printer", [sympy.latex, sympy.pretty, sympy.sstr, str, repr,
                                     sympy.mathml, _mathml_presentation])
@pytest.mark.parametrize("obj", [triangle(1), walsh(5), ISOLATED, haar(3, 1, normalized=True),
                                 triangle(12)], ids=["tri1", "walsh5", "isolated", "haar", "tri12"])
def test_sympy_printers_take_every_function(printer, obj):
    text = printer(obj)
    assert isinstance(text, str) and 0 < len(text) < 10_000


def test_printers_under_init_printing(capsys):
    import sys

    old = sys.displayhook
    try:
        sympy.init_printing(use_unicode=True)
        sys.displayhook(walsh(1))
        sys.displayhook(haar(1, 0, normalized=True))
    finally:
        sys.displayhook = old
    out = capsys.readouterr().out
    assert "for x ∈ [1/2, 1)" in out and "√2 *" in out


def test_latex_and_pretty_of_a_short_function_are_complete():
    tex = sympy.latex(sawtooth(2))
    assert tex.count(r"\text{for}") == 4 and "pieces" not in tex
    assert sympy.latex(haar(1, 0, normalized=True)).startswith(r"\sqrt{2} \cdot \begin{cases}")
    assert "1/2" in sympy.pretty(walsh(1)) and "[0, 1/2)" in sympy.pretty(walsh(1))
    assert sympy.sstr(walsh(1)) == "Piecewise((1, 0 <= x < 1/2), (-1, 1/2 <= x < 1))"


def test_long_functions_print_a_bounded_summary():
    f = triangle(12)
    t0 = time.process_time()
    tex = sympy.latex(f)
    cpu = time.process_time() - t0
    assert len(tex) < 10_000 and cpu < 0.5, (len(tex), cpu)
    assert "4096 pieces" in tex and tex.count(r"\text{for}") == HEAD + TAIL
    assert r"\frac{4095}{4096}" in tex and r"\frac{1}{4096}" in tex   # first and last pieces
    assert len(f._repr_latex_()) < 10_000 and "4096 pieces" in f._repr_latex_()
    assert len(sympy.pretty(f)) < 10_000 and "4096 pieces" in sympy.pretty(f)
    assert len(sympy.sstr(f)) < 1_000 and "<4096 pieces on [0, 1]>" in sympy.sstr(f)
    long_haar = haar(9, 3, normalized=True)
    assert sympy.latex(long_haar).startswith(r"16 \sqrt{2} \cdot")


def test_full_form_on_request():
    f = triangle(6)
    assert f.pieces > DEFAULT_MAX_PIECES
    assert "64 pieces" in sympy.latex(f)
    full = f.to_latex()
    assert full.count(r"\text{for}") == 64 and "pieces" not in full
    assert f.to_str().count("x <") == 64
    assert f.to_str(max_pieces=2).count("x <") == 2
    assert haar(9, 3, normalized=True).to_latex().count(r"\text{for}") == 4
    with pytest.raises(ValueError, match="max_pieces=0 must be an integer >= 1"):
        latex_form(f, max_pieces=0)


def test_sympy_printers_take_other_exactmtl_objects():
    objs = [equal(walsh(1), walsh(2)), telgarsky_network(2), exactmtl.GridFunction.from_piecewise(
        walsh(3)), exactmtl.haar_system(2), exactmtl.sandwich]
    for obj in objs:
        for printer in (sympy.latex, sympy.pretty, sympy.sstr):
            assert printer(obj)


def test_jupyter_kernel_shows_bounded_latex(monkeypatch):
    """In a real kernel, with and without init_printing: text/latex, bounded, piece count shown."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get(
        "PYTHONPATH")])))
    cells = ["from exactmtl import triangle, walsh, haar\ntriangle(12)",
             "import sympy\nsympy.init_printing()\ntriangle(12)",
             "[walsh(1), haar(1, 0, normalized=True)]"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    latex = [cell.outputs[0]["data"]["text/latex"] for cell in nb.cells]
    for text in latex[:2]:
        assert len(text) < 10_000 and "4096 pieces" in text
    assert r"\sqrt{2} \cdot \begin{cases}" in latex[2] and r"\frac{1}{2}" in latex[2]
