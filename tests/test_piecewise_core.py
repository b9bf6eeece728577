"""The integer-array core of Piecewise against the old Fraction implementation (the oracle).

``tests/_oracle_piecewise.py`` is the module as it was before the integer-array core. Every
test here builds the same random function in both, runs one operation through the array path
(forced for every size) and compares the exact results: knots, polynomials, point values,
integrals, verdicts. Coefficients and knots reach past the int64 range (2^62, 2^63, 2^64
numerators and denominators) so the checked switch to Python-int arrays is exercised too.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction as F

import _oracle_piecewise as old
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactmtl import InvalidArgument, Piecewise, equal, heaviside, inner, integrate, sup_norm
from exactmtl import piecewise as new_mod

BIG = [2**31, 2**53 + 1, 2**61 - 1, 2**62 - 1, 2**62, 2**62 + 1, 2**63 - 1, 2**63, 2**64 + 3]
NUMS = st.one_of(st.integers(-12, 12), st.sampled_from(BIG + [-b for b in BIG]))
DENS = st.one_of(st.integers(1, 12), st.sampled_from([2**k for k in (10, 31, 32, 61, 62, 63, 64)]))
RATS = st.builds(F, NUMS, DENS)
DOMAINS = st.sampled_from([(F(0), F(1)), (F(-1), F(2)), (F(1, 3), F(5, 7)),
                           (F(2**62), F(2**62 + 1)), (F(-(2**63)), F(2**63 - 1)),
                           (F(0), F(1, 2**61))])


@contextlib.contextmanager
def arrays_forced():
    """Every operation takes the integer-array path, whatever the size."""
    saved = new_mod._ARRAY_MIN_PIECES
    new_mod._ARRAY_MIN_PIECES = 0
    try:
        yield
    finally:
        new_mod._ARRAY_MIN_PIECES = saved


@st.composite
def raw(draw, domain, closed=None, max_pieces=7, max_degree=1):
    """(knots, polys, values, closed): random data with merges, jumps and isolated values."""
    a, b = domain
    den = draw(st.sampled_from([2, 3, 8, 1024, 2**40, 2**62, 2**63, 2**64]))
    cuts = draw(st.lists(st.integers(1, den - 1), max_size=max_pieces - 1, unique=True))
    knots = [a, *sorted(a + (b - a) * F(c, den) for c in cuts), b]
    polys = []
    for _ in range(len(knots) - 1):
        if polys and draw(st.booleans()):
            polys.append(polys[-1])  # a candidate for merging
            continue
        deg = draw(st.integers(-1, max_degree))
        polys.append(tuple(draw(RATS) for _ in range(deg + 1)))
    closed = draw(st.booleans()) if closed is None else closed
    values = []
    for i in range(len(knots) - (0 if closed else 1)):
        kind = draw(st.sampled_from(["right", "right", "left", "other"]))
        if kind == "other":
            values.append(draw(RATS))
        elif kind == "left" and i > 0:
            values.append(old._peval(old._trim(polys[i - 1]), knots[i]))
        else:
            values.append(None)
    return knots, polys, values, closed


@st.composite
def pairs(draw, max_degree=1, same_closed=False):
    dom = draw(DOMAINS)
    f = draw(raw(dom, max_degree=max_degree))
    g = draw(raw(dom, closed=f[3] if same_closed else None, max_degree=max_degree))
    return f, g


def both(data):
    """(new Piecewise held as integer arrays, oracle Piecewise) of the same data."""
    knots, polys, values, closed = data
    o = old.Piecewise(knots, polys, values, closed=closed)
    n = Piecewise(knots, polys, values, closed=closed)
    arr = n._as_arr()
    if arr is not None:
        n = Piecewise._from_arr(arr)
    return n, o


def same(n, o) -> bool:
    return (n.closed == o.closed and n.knots == o.knots and n.polys == o.polys
            and n.values == o.values)


# --------------------------------------------------------------------------- round trip

@given(data=st.data())
def test_round_trip_through_arrays(data):
    dom = data.draw(DOMAINS)
    n, o = both(data.draw(raw(dom)))
    assert n._arr is not None and n._fk is None  # held as integers only
    assert same(n, o)
    assert n.degree == o.degree and n.pieces == o.pieces and n.domain == o.domain
    assert n.is_step() == o.is_step()
    assert hash(n) == hash(Piecewise(o.knots, o.polys, o.values, closed=o.closed))


@given(data=st.data())
def test_point_values(data):
    dom = data.draw(DOMAINS)
    n, o = both(data.draw(raw(dom)))
    a, b = dom
    pts = list(o.knots[:-1]) + [(o.knots[i] + o.knots[i + 1]) / 2 for i in range(o.pieces)]
    if o.closed:
        pts.append(b)
    t = data.draw(st.fractions(min_value=a, max_value=b, max_denominator=2**66))
    if t < b or o.closed:
        pts.append(t)
    arr = n._arr
    for x in pts:
        assert n(x) == o(x)
        assert new_mod._ic.value_at(arr, x.numerator, x.denominator) == o(x)
    limits = [*o.values]
    for i, p in enumerate(o.polys):
        limits += [old._peval(p, o.knots[i]), old._peval(p, o.knots[i + 1])]
    if o.degree <= 1:
        assert n.range_bounds() == (min(limits), max(limits))
        with arrays_forced():
            assert Piecewise(o.knots, o.polys, o.values, closed=o.closed).range_bounds() == (
                min(limits), max(limits))


def test_range_bounds_counts_one_sided_limits():
    """The Fraction code before the integer core missed the right limit at a knot with an
    isolated value, so heaviside(f - 5) of this f failed with a domain error."""
    f = Piecewise([0, 1], [(0, 10)], values=[10])
    assert f.range_bounds() == (0, 10)
    assert old.Piecewise([0, 1], [(0, 10)], values=[10]).range_bounds() == (10, 10)  # the bug
    h = heaviside(f - 5)
    assert h(0) == 1 and h(F(1, 4)) == 0 and h(F(1, 2)) == 1


# --------------------------------------------------------------------------- algebra

@given(fg=pairs())
@example(fg=(([F(0), F(1)], [(2**63 - 1,)], [None], False),
             ([F(0), F(1, 2), F(1)], [(-(2**63),), (2**62, 2**62)], [None, None], False)))
def test_add_sub_mul(fg):
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    with arrays_forced():
        assert same(fn + gn, fo + go)
        assert same(fn - gn, fo - go)
        assert same(fn * gn, fo * go)


@given(data=st.data(), c=RATS)
def test_scalar_and_negation(data, c):
    n, o = both(data.draw(raw(data.draw(DOMAINS))))
    with arrays_forced():
        assert same(c * n, c * o)
        assert same(-n, -o)
        assert same(n * 0, o * 0)
        assert same(n + c, o + c)


@given(fg=pairs())
def test_integrate_inner_sup_norm(fg):
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    with arrays_forced():
        assert integrate(fn) == old.integrate(fo)
        assert inner(fn, gn) == old.inner(fo, go) == old.integrate(fo * go)
        assert sup_norm(fn) == old.sup_norm(fo)
        if fn.is_step() and gn.is_step():
            assert integrate(fn * gn) == inner(fn, gn)


def _fields(r):
    return (r.verdict, r.domain, r.exceptions, r.witness, r.witness_point, r.values, r.intervals)


@given(fg=pairs())
def test_equal_matches_oracle(fg):
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    with arrays_forced():
        assert _fields(equal(fn, gn)) == _fields(old.equal(fo, go))
        assert _fields(equal(fn, fn)) == _fields(old.equal(fo, fo))


@given(data=st.data())
def test_equal_exceptional_sets(data):
    """Change the value at some knots: equal reports exactly those points."""
    knots, polys, values, closed = data.draw(raw(data.draw(DOMAINS)))
    f = old.Piecewise(knots, polys, values, closed=closed)
    vals = list(f.values)
    hit = data.draw(st.sets(st.integers(0, len(vals) - 1)))
    for i in hit:
        vals[i] = vals[i] + data.draw(st.sampled_from([1, -1, F(1, 2**63), 2**64]))
    n1, o1 = both((f.knots, f.polys, list(f.values), closed))
    n2, o2 = both((f.knots, f.polys, vals, closed))
    with arrays_forced():
        r = equal(n1, n2)
        assert _fields(r) == _fields(old.equal(o1, o2))
        assert r.exceptions == frozenset(f.knots[i] for i in hit)
        assert r.almost_everywhere and bool(r) == (not hit)


def test_equal_detects_a_wrong_function():
    """The array path must say "differs" for a function that is wrong on one piece."""
    f = Piecewise.from_arrays(np.arange(1025), np.arange(1024), knot_denominator=1024)
    vals = np.arange(1024)
    vals[700] += 1
    g = Piecewise.from_arrays(np.arange(1025), vals, knot_denominator=1024)
    r = equal(f, g)
    assert r.verdict == "differs" and r.witness == (F(700, 1024), F(701, 1024))
    assert not equal(f, g + F(1, 2**70))


# --------------------------------------------------------------------------- constructors

@given(data=st.data())
def test_from_arrays_matches_step(data):
    n = data.draw(st.integers(1, 40))
    den = data.draw(st.sampled_from([1, 3, 2**20, 2**62, 2**64]))
    vden = data.draw(st.sampled_from([1, 7, 2**63]))
    knots = sorted(data.draw(st.lists(st.integers(-(2**63), 2**63), min_size=n + 1,
                                      max_size=n + 1, unique=True)))
    vals = data.draw(st.lists(NUMS, min_size=n, max_size=n))
    closed = data.draw(st.booleans())
    kk = np.array(knots, dtype=object)
    f = Piecewise.from_arrays(kk, np.array(vals, dtype=object), knot_denominator=den,
                              value_denominator=vden, closed=closed)
    ks = [F(k, den) for k in knots]
    ref = old.Piecewise(ks, [(F(v, vden),) for v in vals], closed=closed)
    assert same(f, ref)


def test_from_arrays_refuses_bad_input():
    with pytest.raises(InvalidArgument, match="strictly increasing"):
        Piecewise.from_arrays(np.array([0, 2, 1]), np.array([1, 2]))
    with pytest.raises(InvalidArgument, match="len"):
        Piecewise.from_arrays(np.array([0, 1, 2]), np.array([1]))
    with pytest.raises(TypeError, match="float"):
        Piecewise.from_arrays(np.array([0.0, 1.0]), np.array([1]))
    with pytest.raises(InvalidArgument, match="knot_denominator"):
        Piecewise.from_arrays(np.array([0, 1]), np.array([1]), knot_denominator=0)


@settings(max_examples=30)
@given(fg=pairs(same_closed=True))
def test_large_functions_use_arrays_by_default(fg):
    """Above the size threshold the default path is the array path; results agree."""
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    assert same(fn + gn, fo + go)


# --------------------------------------------------------------------------- composition

UNIT = st.one_of(st.sampled_from([F(0), F(1), F(1, 2)]),
                 st.builds(F, st.integers(0, 2**64), st.just(2**64)),
                 st.fractions(min_value=0, max_value=1, max_denominator=40))


@st.composite
def into(draw, target, inner_domain):
    """A piecewise-linear map on ``inner_domain`` with values in ``target`` (ends included)."""
    a, b = target
    lo, hi = inner_domain
    n = draw(st.integers(1, 6))
    den = draw(st.sampled_from([4, 6, 2**63]))
    cuts = draw(st.lists(st.integers(1, den - 1), max_size=n - 1, unique=True))
    knots = [lo, *sorted(lo + (hi - lo) * F(c, den) for c in cuts), hi]
    polys = []
    for i in range(len(knots) - 1):
        y0, y1 = draw(UNIT), draw(UNIT) if draw(st.booleans()) else None
        y0 = a + (b - a) * y0
        y1 = y0 if y1 is None else a + (b - a) * y1
        u, v = knots[i], knots[i + 1]
        slope = (y1 - y0) / (v - u)
        polys.append((y0 - slope * u, slope))
    closed = draw(st.booleans())
    values = [None if draw(st.booleans()) else a + (b - a) * draw(UNIT)
              for _ in range(len(knots) - (0 if closed else 1))]
    return knots, polys, values, closed


def _outcome(fn):
    try:
        return ("ok", fn())
    except InvalidArgument as exc:
        return ("error", str(exc))


@given(data=st.data())
@example(data=None)
def test_compose_matches_oracle(data):
    if data is None:  # the sawtooth of the benchmark composed with a 2^12-piece step function
        rng = np.random.default_rng(1)
        outer = Piecewise.from_arrays(np.arange(4097), rng.integers(-9, 9, 4096),
                                      knot_denominator=4096)
        saw = Piecewise.linear([F(1, 2)], [(0, 2), (-1, 2)])
        got = outer.compose(saw)
        ref = old.Piecewise(outer.knots, outer.polys, outer.values).compose(
            old.Piecewise(saw.knots, saw.polys, saw.values))
        assert same(got, ref)
        return
    dom = data.draw(DOMAINS)
    fn, fo = both(data.draw(raw(dom)))
    inner_dom = data.draw(DOMAINS)
    gn, go = both(data.draw(into(dom, inner_dom)))
    with arrays_forced():
        got = _outcome(lambda: fn.compose(gn))
    ref = _outcome(lambda: fo.compose(go))
    assert got[0] == ref[0], (got, ref)
    if got[0] == "ok":
        assert same(got[1], ref[1])
    else:
        assert got[1] == ref[1]


# --------------------------------------------------------------------------- integer-form producers

def _old_triangle(k: int):
    size = 1 << k
    knots = [F(c, size) for c in range(size + 1)]
    polys = [(F(-c), F(size)) if c % 2 == 0 else (F(c + 1), F(-size)) for c in range(size)]
    values = [F(c % 2) for c in range(size + 1)]
    return old.Piecewise(knots, polys, values, closed=True)


@pytest.mark.parametrize("k", [1, 5, 6, 9])
def test_triangle_and_sawtooth_match_fraction_construction(k):
    from exactmtl import sawtooth, triangle

    size = 1 << k
    assert same(triangle(k), _old_triangle(k))
    saw = old.Piecewise([F(c, size) for c in range(size + 1)],
                        [(F(-c), F(size)) for c in range(size)])
    assert same(sawtooth(k), saw)


@pytest.mark.parametrize("k", [2, 7, 10])
def test_compiled_network_outputs_match_oracle(k):
    """The integer-form outputs of compile() against the oracle's composition of tent maps."""
    from exactmtl import telgarsky_network

    out = telgarsky_network(k).compile().outputs[0]
    assert out._arr is not None
    tent = old.Piecewise([F(0), F(1, 2), F(1)], [(0, 2), (2, -2)], closed=True)
    ref = old.Piecewise.identity(closed=True)
    for _ in range(k):
        ref = tent.compose(ref)
    assert same(out, ref)
    wrong = _old_triangle(k)
    wrong = old.Piecewise(wrong.knots, wrong.polys, [*wrong.values[:-1], F(1, 2)], closed=True)
    assert not same(out, wrong)
    assert old.equal(ref, wrong).exceptions == frozenset({F(1)})


@given(level=st.integers(0, 8), data=st.data())
def test_grid_to_piecewise_matches_step(level, data):
    from exactmtl.grid import GridFunction

    size = 1 << level
    nums = data.draw(st.lists(NUMS, min_size=size, max_size=size))
    exp = data.draw(st.integers(0, 70))
    f = GridFunction(level, nums, exponent=exp).to_piecewise()
    ref = old.Piecewise.step([F(c, size) for c in range(1, size)],
                             [F(v, 2**exp) for v in nums])
    assert same(f, ref)


@given(xs=st.lists(st.one_of(st.integers(-(2**62) + 1, 2**62 - 1), st.sampled_from(BIG)),
                   min_size=1, max_size=20),
       start=st.one_of(st.integers(0, 50), st.sampled_from([2**k for k in (0, 1, 10, 62, 64)])))
def test_gcd_all(xs, start):
    import math

    from exactmtl import _intcore

    assert _intcore.gcd_all(_intcore.ints(xs), start) == math.gcd(start, *xs)


@given(data=st.data())
def test_materialised_methods_match_oracle(data):
    """Methods that read the Fractions of a function held in integer form."""
    dom = data.draw(DOMAINS)
    n, o = both(data.draw(raw(dom)))
    assert n.exceptional_points() == o.exceptional_points()
    assert n.is_right_continuous() == o.is_right_continuous()
    a, b = dom
    mid = (a + b) / 2
    assert n.limit(mid, "left") == o.limit(mid, "left")
    assert n.limit(mid, "right") == o.limit(mid, "right")
    assert same(n.restrict(a, mid), o.restrict(a, mid))
    assert repr(n) == repr(o)
    if n.pieces <= 3:
        assert n.to_sympy(form="heaviside") == o.to_sympy(form="heaviside")
