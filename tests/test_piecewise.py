"""Exact piecewise functions: algebra laws, calculus against sympy and brute force, errors."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactmtl import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    Piecewise,
    equal,
    floor,
    from_sympy,
    heaviside,
    inner,
    integrate,
    l2_norm_squared,
    maximum,
    minimum,
    rademacher,
    relu,
    sawtooth,
    sup_norm,
    tent,
    triangle,
)
from exactmtl.numeric import evaluate_float
from exactmtl.strategies import dyadics, piecewise_linear, rationals, step_functions

X = sympy.Symbol("x")


# --------------------------------------------------------------------------- algebra laws

@given(f=piecewise_linear(), g=piecewise_linear(), h=piecewise_linear())
def test_ring_laws(f, g, h):
    assert f + g == g + f
    assert f * g == g * f
    assert (f + g) + h == f + (g + h)
    assert (f * g) * h == f * (g * h)
    assert f * (g + h) == f * g + f * h
    assert equal(f - f, 0)


@given(f=piecewise_linear(), g=piecewise_linear(), x=dyadics(10), c=rationals())
def test_pointwise_operations(f, g, x, c):
    assert (f + g)(x) == f(x) + g(x)
    assert (f * g)(x) == f(x) * g(x)
    assert (c * f)(x) == c * f(x)
    assert (f - c)(x) == f(x) - c
    assert abs(f)(x) == abs(f(x))
    assert relu(f)(x) == max(f(x), 0)
    assert maximum(f, g)(x) == max(f(x), g(x))
    assert minimum(f, g)(x) == min(f(x), g(x))
    assert heaviside(f)(x) == (1 if f(x) >= 0 else 0)
    assert heaviside(f, 0)(x) == (1 if f(x) > 0 else 0)


@given(f=piecewise_linear(), x=dyadics(10))
def test_floor_is_exact(f, x):
    import math

    assert floor(f)(x) == math.floor(f(x))


def _into_unit(g: Piecewise) -> Piecewise:
    """A piecewise-linear map into [0, 1): the fractional part of g."""
    return g - floor(g)


@given(f=piecewise_linear(closed=False), g=piecewise_linear(), x=dyadics(10))
@example(f=Piecewise.step([F(1, 2)], [1, -1]), g=1 - Piecewise.identity(), x=F(1, 2))
def test_compose_pointwise(f, g, x):
    inner_map = _into_unit(g)
    assert f.compose(inner_map)(x) == f(inner_map(x))


@given(f=step_functions(), g=piecewise_linear(max_pieces=4), h=piecewise_linear(max_pieces=4))
def test_compose_associative(f, g, h):
    gg, hh = _into_unit(g), _into_unit(h)
    assert f.compose(gg).compose(hh) == f.compose(gg.compose(hh))


def test_compose_decreasing_inner_keeps_point_values():
    step = Piecewise.step([F(1, 2)], [0, 1])          # H(x - 1/2) with H(0) = 1
    flipped = step.compose(F(3, 4) - Piecewise.identity() / 2)  # x -> H(1/4 - x/2)
    assert flipped(F(1, 2)) == 1 and flipped(F(3, 4)) == 0 and flipped(F(1, 4)) == 1
    assert flipped.exceptional_points() == ()
    assert not flipped.is_right_continuous()


# --------------------------------------------------------------------------- calculus

@settings(max_examples=25)
@given(f=piecewise_linear(max_pieces=4, dyadic_level=3), g=piecewise_linear(max_pieces=4,
                                                                            dyadic_level=3))
def test_inner_matches_sympy(f, g):
    expected = sympy.integrate(sympy.piecewise_fold(f.to_sympy(X) * g.to_sympy(X)), (X, 0, 1))
    assert sympy.Rational(*_pq(inner(f, g))) == expected


def _pq(v: F) -> tuple[int, int]:
    return v.numerator, v.denominator


@given(n=st.integers(0, 8), data=st.data())
def test_step_inner_is_cell_sum(n, data):
    size = 1 << n
    a = data.draw(st.lists(st.integers(-9, 9), min_size=size, max_size=size))
    b = data.draw(st.lists(rationals(6), min_size=size, max_size=size))
    expected = sum(F(x) * y for x, y in zip(a, b)) / size
    f, g = Piecewise.on_grid(a), Piecewise.on_grid(b)
    assert inner(f, g) == expected
    assert integrate(f * g) == expected  # generic route agrees with the fast merge


@given(f=piecewise_linear(), start=dyadics(4), length=st.integers(1, 16))
def test_integrate_additive(f, start, length):
    stop = min(start + F(length, 16), F(1))
    if stop <= start:
        return
    assert integrate(f, start, stop) + (integrate(f, 0, start) if start else 0) + (
        integrate(f, stop, 1) if stop < 1 else 0) == integrate(f)


@given(f=piecewise_linear())
def test_sup_norm_is_max_over_knots_and_limits(f):
    cands = [abs(v) for v in f.values]
    for t in f.knots[1:]:
        cands.append(abs(f.limit(t, "left")))
    assert sup_norm(f) == max(cands)


def test_sup_norm_not_attained_and_quadratic():
    f = Piecewise.identity()                       # sup over [0, 1) is 1, not attained
    assert sup_norm(f) == 1
    q = (Piecewise.identity() - F(1, 3)) * (Piecewise.identity() - F(1, 3)) - F(1, 2)
    assert sup_norm(q) == F(1, 2)                  # vertex at 1/3
    assert sup_norm(q - q) == 0


def test_sup_norm_cubic_matches_sympy():
    x = Piecewise.identity()
    f = x * x * x - x * F(1, 2)                    # critical point 1/sqrt(6), irrational
    expected = sympy.Rational(1, 2) * sympy.sqrt(6) / 9  # |f(1/sqrt 6)| = 1/(3 sqrt 6)
    value = sup_norm(f)
    assert sympy.nsimplify(value - expected) == 0 or value == F(1, 2)  # endpoint 1 gives 1/2
    assert value == sympy.Rational(1, 2)


def test_l2_norm_squared_matches_sympy():
    f = triangle(3) - F(1, 2)
    expected = sympy.integrate(sympy.piecewise_fold(f.to_sympy(X) ** 2), (X, 0, 1))
    assert sympy.Rational(*_pq(l2_norm_squared(f))) == expected == sympy.Rational(1, 12)


def test_inner_of_2_16_pieces_is_fast():
    import random
    import time

    rng = random.Random(1)
    f = Piecewise.on_grid([rng.randint(-5, 5) for _ in range(1 << 16)])
    g = Piecewise.on_grid([F(rng.randint(-5, 5), 3) for _ in range(1 << 16)])
    start = time.process_time()
    inner(f, g)
    assert time.process_time() - start < 1.0  # CPU: milliseconds in practice; generous for CI


# --------------------------------------------------------------------------- equality

def test_equal_reports_everywhere_exceptions_and_witness():
    ok = equal(triangle(3), tent().compose(sawtooth(2)))
    assert ok and ok.exceptions == frozenset() and ok.verdict == "everywhere"
    k = 3
    gray_link = equal(1 - 2 * heaviside(triangle(k) - F(1, 2)),
                      rademacher(k) * rademacher(k + 1))
    assert not gray_link and gray_link.almost_everywhere
    assert gray_link.exceptions == frozenset(F(4 * z + 3, 16) for z in range(4))
    bad = equal(triangle(3), triangle(2))
    assert not bad and not bad.almost_everywhere
    u, v = bad.witness
    assert u < bad.witness_point < v
    assert triangle(3)(bad.witness_point) != triangle(2)(bad.witness_point)


@given(f=piecewise_linear(), i=st.integers(0, 5), e=st.integers(10, 30))
def test_perturbed_coefficient_is_detected(f, i, e):
    i %= f.pieces
    polys = list(f.polys)
    p = list(polys[i]) + [F(0)] * 2
    p[0] += F(1, 1 << e)
    polys[i] = tuple(p)
    g = Piecewise(f.knots, polys, closed=f.closed)
    r = equal(f, g)
    assert not r and r.witness[0] >= f.knots[i] and r.witness[1] <= f.knots[i + 1]


# --------------------------------------------------------------------------- sympy

@given(f=piecewise_linear(max_pieces=4))
def test_sympy_round_trip(f):
    assert from_sympy(f.to_sympy(X), X) == f
    assert from_sympy(f.to_sympy(X, form="heaviside"), X) == f


def test_heaviside_h0_is_explicit():
    half = F(1, 2)
    assert from_sympy(sympy.Heaviside(X - sympy.Rational(1, 2)), X)(half) == half  # sympy H0
    assert from_sympy(sympy.Heaviside(X - sympy.Rational(1, 2), 1), X)(half) == 1
    expr = 2 * X - sympy.Heaviside(X - sympy.Rational(1, 2), 1)
    assert equal(from_sympy(expr, X), sawtooth(1))
    assert equal(from_sympy(sympy.frac(8 * X), X), sawtooth(3))
    pw = sympy.Piecewise((1, X < sympy.Rational(1, 3)), (2, sympy.Eq(X, sympy.Rational(1, 3))),
                         (3, True))
    f = from_sympy(pw, X)
    assert [f(F(1, 4)), f(F(1, 3)), f(F(1, 2))] == [1, 2, 3]
    assert f.exceptional_points() == (F(1, 3),)


def test_to_sympy_evaluates_like_the_function():
    f = Piecewise([0, F(1, 3), 1], [(1, 2), (0, 0, 3)], values=[1, 7])
    expr = f.to_sympy(X)
    for x in [F(0), F(1, 5), F(1, 3), F(2, 3)]:
        assert expr.subs(X, sympy.Rational(*_pq(x))) == sympy.Rational(*_pq(f(x)))


# --------------------------------------------------------------------------- numeric path

@given(f=piecewise_linear(), x=dyadics(8))
def test_float_path_matches_exact(f, x):
    got = evaluate_float(f, [float(x)])[0]
    assert abs(got - float(f(x))) <= 1e-9 * (1 + abs(float(f(x))))  # float zone tolerance


# --------------------------------------------------------------------------- errors

def test_float_refused_with_hint():
    with pytest.raises(InexactInputError, match=r"x=0\.1 is a float; pass Fraction\('0\.1'\)"):
        sawtooth(3)(0.1)
    with pytest.raises(InexactInputError, match=r"knots\[1\]=0\.5 is a float"):
        Piecewise([0, 0.5, 1], [(1,), (2,)])
    with pytest.raises(InexactInputError, match=r"other=0\.5 is a float"):
        sawtooth(1) + 0.5


def test_bad_knots_and_domains():
    with pytest.raises(InvalidArgument,
                       match=r"strictly increasing; knots\[1\]=1/2 and knots\[2\]=1/4"):
        Piecewise([0, F(1, 2), F(1, 4)], [(1,), (2,)])
    with pytest.raises(InvalidArgument,
                       match=r"breakpoints\[0\]=3/2 is outside the open domain \(0, 1\)"):
        Piecewise.step([F(3, 2)], [1, 2])
    with pytest.raises(InvalidArgument, match=r"len\(polys\)=1 must be len\(knots\) - 1 = 2"):
        Piecewise([0, F(1, 2), 1], [(1,)])
    with pytest.raises(InvalidArgument, match=r"x=1 is outside the domain \[0, 1\)"):
        sawtooth(2)(1)
    with pytest.raises(InvalidArgument, match="the domains differ"):
        Piecewise.identity() + Piecewise.identity(domain=(0, 2))
    with pytest.raises(InvalidArgumentType, match="truth value of a Piecewise is ambiguous"):
        bool(Piecewise.identity())


def test_compose_errors():
    with pytest.raises(InvalidArgument, match=r"outside the domain \[0, 1\) of the outer"):
        sawtooth(1).compose(2 * Piecewise.identity())
    with pytest.raises(InvalidArgument, match="needs a piecewise-linear inner function"):
        sawtooth(1).compose(Piecewise.identity() * Piecewise.identity())
    with pytest.raises(InvalidArgumentType, match="expected a Piecewise"):
        sawtooth(1).compose(lambda x: x)


def test_from_sympy_errors():
    with pytest.raises(InexactInputError, match="is a sympy Float"):
        from_sympy(X + sympy.Float(0.5), X)
    with pytest.raises(InvalidArgument, match=r"irrational constant sqrt.*mixed with rationals"):
        from_sympy(sympy.sqrt(2) * X + 1, X)  # sqrt(2) * X alone is read exactly (sympy_io)
    with pytest.raises(InvalidArgument, match="does not convert"):
        from_sympy(sympy.sin(X), X)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Piecewise.step([F(1, 2), F(1, 4)], [1, 2, 3]),
     r"breakpoints must be strictly increasing; breakpoints\[1\]=1/4 follows 1/2"),
    (lambda: Piecewise.step([F(1, 2), F(1, 2)], [1, 2, 3]),
     r"breakpoints must be strictly increasing; breakpoints\[1\]=1/2 follows 1/2"),
    (lambda: Piecewise.step([0], [1, 2]), r"breakpoints\[0\]=0 is outside the open domain"),
    (lambda: Piecewise.step([1], [1, 2]), r"breakpoints\[0\]=1 is outside the open domain"),
    (lambda: Piecewise.step([F(-1, 2)], [1, 2]), r"breakpoints\[0\]=-1/2 is outside"),
    (lambda: Piecewise.linear([F(1, 2)], [(0, 1)]),
     r"len\(pieces\)=1 must be len\(breakpoints\) \+ 1 = 2"),
    (lambda: Piecewise.on_grid([1, 2, 3]), r"len\(values\)=3 is not a power of two"),
    (lambda: Piecewise.constant(1, domain=(1, 0)), r"domain=\(1, 0\) must have a < b"),
    (lambda: sawtooth(1)(F(-1, 2)), r"x=-1/2 is outside the domain \[0, 1\)"),
    (lambda: sawtooth(1).compose(Piecewise.identity() - F(1, 2)),
     r"inner function takes the value -1/2 at x=0, outside the domain \[0, 1\)"),
    (lambda: sawtooth(1).compose(tent()),
     r"inner function takes the value 1 at x=1/2, outside the domain \[0, 1\)"),
    (lambda: sawtooth(1).restrict(F(1, 2), F(1, 4)), r"must lie in the domain"),
    (lambda: sawtooth(1) ** -1, r"exponent=-1 must be an integer >= 0"),
    (lambda: sawtooth(1).limit(F(1, 2), "up"), r"side='up' must be 'left' or 'right'"),
])
def test_more_bad_arguments_name_the_argument(call, message):
    with pytest.raises(InvalidArgument, match=message):
        call()


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Piecewise.step([0.5], [1, 2]), r"breakpoints\[0\]=0\.5 is a float; pass Fraction"),
    (lambda: Piecewise.step([F(1, 2)], [1, 0.25]), r"values\[1\]=0\.25 is a float"),
    (lambda: integrate(sawtooth(1), 0.5, 1), r"start=0\.5 is a float"),
    (lambda: sawtooth(1) / 0.5, r"divisor=0\.5 is a float"),
    (lambda: 0.5 * sawtooth(1), r"other=0\.5 is a float"),
    (lambda: equal(sawtooth(1), 0.5), r"g=0\.5 is a float"),
    (lambda: sawtooth(1) ** 2.0, r"exponent=2\.0 is a float; expected an integer"),
])
def test_more_floats_are_refused(call, message):
    with pytest.raises(InexactInputError, match=message):
        call()


@settings(max_examples=30)
@given(f=step_functions(max_pieces=12, dyadic_level=None), g=step_functions(max_pieces=12),
       big=st.integers(60, 90))
def test_step_inner_exact_on_both_paths(f, g, big):
    """The int64 merge (bit bound holds) and the Python-int merge (values ~2^big) agree."""
    assert inner(f, g) == integrate(f * g)
    h = g * (1 << big) + 1
    assert inner(f, h) == integrate(f * h) == inner(f, g) * (1 << big) + integrate(f)
