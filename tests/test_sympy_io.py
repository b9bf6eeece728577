"""sympy interoperability: star import, sympy expressions wherever a function is taken, reader."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest
import sympy
from hypothesis import example, given, settings

import exactmtl
from exactmtl import (
    GridFunction,
    InexactInputError,
    InvalidArgument,
    Piecewise,
    ScaledPiecewise,
    code_length,
    equal,
    floor,
    frac,
    from_sympy,
    gram,
    haar,
    heaviside,
    inner,
    integrate,
    l2_norm_squared,
    maximum,
    midpoint_staircase,
    minimum,
    optimal_staircase,
    optimal_staircase_pieces,
    piecewise_linear_network,
    relu,
    sawtooth,
    step_network,
    sup_norm,
    tent,
    triangle,
    walsh,
)
from exactmtl.strategies import piecewise_linear
from exactmtl.sympy_io import as_piecewise, read_sympy

X = sympy.Symbol("x")
R = sympy.Rational
ROOT = Path(__file__).resolve().parent.parent
T = sympy.Piecewise((2 * X, X < R(1, 2)), (2 - 2 * X, True))  # the tent map, as sympy writes it


def _sympy_star_names() -> set[str]:
    ns: dict = {}
    exec("from sympy import *", ns)
    return set(ns)


# --------------------------------------------------------------------------- star import

def test_star_import_shadows_no_sympy_name():
    clash = sorted(set(exactmtl.__all__) & _sympy_star_names())
    assert clash == [], f"from exactmtl import * would replace sympy's {clash}"


def test_shadowed_names_stay_importable_with_aliases():
    ns = _sympy_star_names()
    for name in exactmtl.SYMPY_SHADOWED:
        assert name in ns, f"{name} is not a sympy name; put it back in __all__"
        assert name not in exactmtl.__all__
        assert hasattr(exactmtl, name)
    pairs = {"PiecewiseFunction": "Piecewise", "EqualityVerdict": "Equality",
             "integral": "integrate", "floor_of": "floor", "frac_of": "frac",
             "pointwise_max": "maximum", "pointwise_min": "minimum",
             "walsh_hadamard": "fwht", "inverse_walsh_hadamard": "ifwht"}
    for alias, name in pairs.items():
        assert getattr(exactmtl, alias) is getattr(exactmtl, name)
        assert alias in exactmtl.__all__
    assert set(pairs.values()) == set(exactmtl.SYMPY_SHADOWED)


def test_every_all_name_exists():
    missing = [n for n in exactmtl.__all__ if not hasattr(exactmtl, n)]
    assert missing == []


SESSION = r"""
import sys, time
import sympy
sympy.init_printing()
from sympy import *
from exactmtl import *
x = Symbol("x")
out = sympy.latex(triangle(1))
assert out.startswith(r"\begin{cases}") and r"\frac{1}{2}" in out, out
text = pretty(walsh(5))
assert "for x" in text and "1/8" in text, text
assert integrate(x**2, (x, 0, 1)) == Rational(1, 3)              # sympy's integrate
p = Piecewise((0, x < 0), (1, True))                              # sympy's Piecewise
assert isinstance(p, sympy.Piecewise) and p.subs(x, -1) == 0
assert inner(Piecewise((1, x < Rational(1, 2)), (-1, True)), haar(0, 0)) == 1
t0 = time.process_time()
big = latex(triangle(12))
cpu = time.process_time() - t0
assert len(big) < 10_000 and "4096 pieces" in big and cpu < 0.5, (len(big), cpu)
sys.displayhook(triangle(2))      # what the REPL does with init_printing
sys.displayhook(haar(3, 1, normalized=True))
print("SESSION OK", len(big))
"""


def test_plain_repl_session_from_the_issue(tmp_path):
    res = subprocess.run([sys.executable, "-c", SESSION], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    assert "SESSION OK" in res.stdout
    assert "for x ∈ [1/4, 1/2)" in res.stdout       # the displayhook printed triangle(2)
    assert "2⋅√2 *" in res.stdout                    # and the normalised Haar function


# --------------------------------------------------------------------------- reader

def test_subs_composition_of_the_tent_is_the_triangle_wave():
    assert bool(equal(from_sympy(T.subs(X, T), closed=True), triangle(2)))
    three = T.subs(X, T.subs(X, T))
    assert bool(equal(from_sympy(three, closed=True), triangle(3)))
    # falsifier: a wrong composition is told apart
    assert not equal(from_sympy(T.subs(X, 2 * X / 3), closed=True), triangle(2))


@pytest.mark.parametrize(("expr", "oracle"), [
    (sympy.Heaviside(T - R(1, 2), 1), lambda: heaviside(tent() - F(1, 2))),
    (sympy.Min(T, R(1, 2)), lambda: minimum(tent(), Piecewise.constant(F(1, 2), closed=True))),
    (sympy.Max(T, X), lambda: maximum(tent(), Piecewise.identity(closed=True))),
    (sympy.Abs(T - R(1, 2)), lambda: abs(tent() - F(1, 2))),
    (sympy.floor(3 * T), lambda: floor(3 * tent())),
    (sympy.frac(3 * T), lambda: frac(3 * tent())),
    (sympy.ceiling(3 * T), lambda: -floor(-3 * tent())),
    (sympy.Mod(3 * X, 1), lambda: frac(3 * Piecewise.identity(closed=True))),
    (sympy.sign(X - R(1, 3)), lambda: heaviside(Piecewise.identity(closed=True) - F(1, 3), 0)
     - heaviside(F(1, 3) - Piecewise.identity(closed=True), 0)),
    (sympy.Piecewise((sympy.Piecewise((1, X < R(1, 4)), (2, True)), X < R(1, 2)), (T, True)),
     lambda: Piecewise([0, F(1, 4), F(1, 2), 1], [(1,), (2,), (2, -2)], closed=True)),
    (sympy.Heaviside(X - R(1, 2)), lambda: Piecewise([0, F(1, 2), 1], [(0,), (1,)],
                                                     values=[0, F(1, 2), 1], closed=True)),
    (sympy.Lambda(X, 2 * X), lambda: 2 * Piecewise.identity(closed=True)),
])
def test_compositions_read_exactly(expr, oracle):
    assert bool(equal(from_sympy(expr, closed=True), oracle()))


@pytest.mark.parametrize("cond", [
    sympy.Xor(X < R(1, 4), X < R(1, 2)),
    sympy.ITE(X < R(1, 2), X < R(1, 4), X > R(3, 4)),
    sympy.Implies(X >= R(1, 2), X > R(3, 4)),
    sympy.Equivalent(X < R(1, 4), X < R(1, 2)),
    sympy.Nand(X >= R(1, 4), X < R(3, 4)),
    sympy.Nor(X < R(1, 4), X >= R(3, 4)),
    sympy.Contains(X, sympy.Interval.Lopen(R(1, 4), R(1, 2))),
    sympy.Ne(X, R(1, 2)),
])
def test_boolean_conditions_against_sympy_pointwise(cond):
    expr = sympy.Piecewise((3, cond), (-1, True))
    f = from_sympy(expr, closed=True)
    for k in range(17):  # every knot and the cells between them, against sympy's own evaluation
        t = R(k, 16)
        assert f(F(k, 16)) == F(int(expr.subs(X, t)))


@settings(max_examples=40, deadline=None)
@given(f=piecewise_linear(max_pieces=4), g=piecewise_linear(max_pieces=3))
@example(f=Piecewise.linear([F(1, 2)], [(0, 1), (1, -1)]),
         g=Piecewise.linear([F(1, 3)], [(0, 1), (F(1, 3), 0)]))
def test_subs_of_exported_expressions_is_composition(f, g):
    """from_sympy(f.to_sympy().subs(x, g.to_sympy())) is f o g: a second route through sympy."""
    lo, hi = g.range_bounds()
    if not (0 <= lo and hi < 1):
        return
    expr = f.to_sympy(X, form="heaviside").subs(X, g.to_sympy(X))
    assert bool(equal(from_sympy(expr), f.compose(g)))


@settings(max_examples=40, deadline=None)
@given(f=piecewise_linear(max_pieces=5))
def test_both_export_forms_read_back(f):
    for form in ("piecewise", "heaviside"):
        assert bool(equal(from_sympy(f.to_sympy(X, form=form)), f))


def test_normalised_haar_reads_back_with_its_algebraic_factor():
    h = haar(3, 1, normalized=True)
    back = from_sympy(h.to_sympy(X))
    assert isinstance(back, ScaledPiecewise)
    assert back.factor == 2 * sympy.sqrt(2) and back.base == h.base
    assert inner(back, h) == 1 and inner(h.to_sympy(X), h) == 1
    heav = read_sympy(h.to_sympy(X, form="heaviside"))
    assert heav.factor == 2 * sympy.sqrt(2) and heav.base == h.base
    # an irrational factor inside the values, not in front
    inside = sympy.Piecewise((sympy.sqrt(2), X < R(1, 2)), (-sympy.sqrt(2), True))
    assert read_sympy(inside).base == walsh(1)
    assert integrate(sympy.sqrt(3) * X) == sympy.sqrt(3) / 2
    assert sup_norm(sympy.sqrt(2) * (X - R(1, 2))) == sympy.sqrt(2) / 2


@pytest.mark.parametrize(("expr", "message"), [
    (sympy.sqrt(2) * X + sympy.sqrt(3), "not rational multiples of one constant"),
    (sympy.sqrt(2) * X + 1, "irrational constant sqrt.*mixed with rationals"),
    (sympy.pi * X, "not a real algebraic number"),
    (sympy.I * X, "constant I, which is not a real algebraic number"),
    (X ** (10**6), r"of degree 1000000; degrees above MAX_DEGREE=1024 are refused"),
    ((X**600 + 1) * (X**600 + 2), r"of degree 1200; degrees above MAX_DEGREE"),
    (sympy.floor(10**9 * X), r"spans \[0, 1000000000\]: more than MAX_FLOOR_PIECES=65536"),
    (sympy.Mod(X, R(1, 10**9)), r"more than MAX_FLOOR_PIECES"),
    (X ** sympy.sqrt(2), r"the power x\*\*\(sqrt\(2\)\)"),
    (sympy.Heaviside(X - sympy.sqrt(2) / 2), "irrational constant"),
    (sympy.sin(X), r"sin\(x\) \(sin\), which from_sympy does not convert"),
    (1 / X, r"power 1/x"),
    (X * sympy.Symbol("y"), r"free symbols \['x', 'y'\]"),
    (sympy.Piecewise((1, sympy.Symbol("b", bool=True)), (0, True)), "free symbols|condition"),
])
def test_reader_refuses_clearly(expr, message):
    with pytest.raises(InvalidArgument, match=message):
        read_sympy(expr)


def test_reader_refuses_floats_and_non_real_variables():
    with pytest.raises(InexactInputError, match="is a sympy Float"):
        read_sympy(X + sympy.Float("0.5"))
    with pytest.raises(InvalidArgument, match="declared non-real"):
        read_sympy(sympy.Symbol("z", real=False) + 1)
    with pytest.raises(InvalidArgument, match="free symbols"):
        from_sympy(X + sympy.Symbol("y"), X)


# --------------------------------------------------------------------------- coercion

HALF = R(1, 2)
SQ = sympy.Piecewise((1, X < HALF), (-1, True))       # r_1 = walsh(1)
RAMP = sympy.Min(X, 1 - X)                            # tent / 2 on [0, 1)


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: inner(SQ, walsh(1)), F(1)),
    (lambda: inner(walsh(1), SQ), F(1)),
    (lambda: inner(SQ, SQ), F(1)),
    (lambda: l2_norm_squared(X - HALF), F(1, 12)),
    (lambda: integrate(X**2), F(1, 3)),
    (lambda: integrate(X, 0, HALF), F(1, 8)),
    (lambda: sup_norm(X - R(1, 3)), F(2, 3)),
    (lambda: bool(equal(SQ, walsh(1))), True),
    (lambda: bool(equal(2 * X - sympy.floor(2 * X), sawtooth(1))), True),
    (lambda: heaviside(X - HALF) == heaviside(Piecewise.identity() - F(1, 2)), True),
    (lambda: relu(X - HALF) == relu(Piecewise.identity() - F(1, 2)), True),
    (lambda: floor(3 * X) == floor(3 * Piecewise.identity()), True),
    (lambda: frac(3 * X) == sawtooth(0).compose(frac(3 * Piecewise.identity())), True),
    (lambda: maximum(X, 1 - X)(F(1, 4)), F(3, 4)),
    (lambda: minimum(walsh(1), X)(F(3, 4)), F(-1)),
    (lambda: tent().compose(X / 2) == tent().compose(Piecewise.identity(closed=True) / 2), True),
    (lambda: gram([SQ, walsh(1)]), sympy.ones(2, 2)),
    (lambda: step_network(SQ).size().neurons, 1),
    (lambda: bool(equal(piecewise_linear_network(RAMP).to_piecewise(closed=False),
                        from_sympy(RAMP))), True),
    (lambda: optimal_staircase_pieces(RAMP, R(1, 8)), 3),
    (lambda: optimal_staircase(RAMP, R(1, 8)).pieces, 3),
    (lambda: midpoint_staircase(X, 1).values, (F(1, 4), F(3, 4))),
    (lambda: GridFunction.from_piecewise(SQ) == GridFunction.from_piecewise(walsh(1)), True),
    (lambda: code_length([SQ, -SQ, sympy.Integer(0)], 0), 2),
])
def test_every_function_taking_a_function_takes_sympy(call, expected):
    assert call() == expected


def test_coercion_takes_the_domain_of_the_other_argument():
    g = as_piecewise(1 - X, "g", like=triangle(1))
    assert g.domain == (0, 1) and g.closed and g(1) == 0
    h = as_piecewise(X, "h", like=Piecewise.identity((0, 2)))
    assert h.domain == (0, 2)
    assert inner(X, Piecewise.identity((0, 2))) == F(8, 3)
    with pytest.raises(InvalidArgument, match="the domains differ"):
        inner(as_piecewise(X, "f"), Piecewise.identity((0, 2)))


def test_coercion_errors_name_the_argument():
    with pytest.raises(InvalidArgument, match=r"^g contains sin\(x\)"):
        inner(walsh(1), sympy.sin(X))
    with pytest.raises(InvalidArgument, match=r"functions\[1\] contains exp"):
        gram([walsh(1), sympy.exp(X)])
    with pytest.raises(TypeError, match="expected a Piecewise"):
        inner(walsh(1), "x")


@pytest.mark.slow
def test_reading_long_exports_scales_near_linearly():
    """Rows are combined by halving: 4x the pieces costs about 4-5x, not 16x (a row sweep).

    A CPU-time ratio, so it runs only with --full (a shared machine makes it flaky)."""
    import time

    def cost(k):
        exprs = [triangle(k).to_sympy(X), triangle(k).to_sympy(X, form="heaviside")]
        t0 = time.process_time()
        out = [from_sympy(e, closed=True) for e in exprs]
        spent = time.process_time() - t0
        assert all(f == triangle(k) for f in out)
        return spent

    small, large = min(cost(6) for _ in range(3)), min(cost(8) for _ in range(2))
    assert large < 9 * small, (small, large)


def test_numeric_path_takes_sympy_and_scaled_functions():
    from exactmtl.numeric import evaluate_float, sample_float

    assert evaluate_float(X**2, [0.5]).tolist() == [0.25]
    h = haar(1, 0, normalized=True)
    assert evaluate_float(h, [0.1]).tolist() == [float(sympy.sqrt(2))]   # float zone
    assert sample_float(SQ, 4)[1].tolist() == [1.0, 1.0, -1.0, -1.0]
