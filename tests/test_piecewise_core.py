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


@contextlib.contextmanager
def _index_merge():
    """Merges of different knot arrays take the general index path (not the insertion one)."""
    from exactmtl import _intcore

    saved = _intcore._FEW
    _intcore._FEW = 0
    try:
        yield
    finally:
        _intcore._FEW = saved


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
    with arrays_forced(), _index_merge():  # the general merge (knots in any position)
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


@given(fg=pairs(), use_index=st.booleans())
def test_integrate_inner_sup_norm(fg, use_index):
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    with arrays_forced(), (_index_merge() if use_index else contextlib.nullcontext()):
        assert integrate(fn) == old.integrate(fo)
        assert inner(fn, gn) == old.inner(fo, go) == old.integrate(fo * go)
        assert sup_norm(fn) == old.sup_norm(fo)
        if fn.is_step() and gn.is_step():
            assert integrate(fn * gn) == inner(fn, gn)


def _fields(r):
    return (r.verdict, r.domain, r.exceptions, r.witness, r.witness_point, r.values, r.intervals)


@given(fg=pairs(), use_index=st.booleans())
def test_equal_matches_oracle(fg, use_index):
    (fn, fo), (gn, go) = both(fg[0]), both(fg[1])
    with arrays_forced(), (_index_merge() if use_index else contextlib.nullcontext()):
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


def _assert_same_outcome(got: tuple, ref: tuple) -> None:
    """Both paths gave the same function, or refused with the same error."""
    assert got[0] == ref[0], (got, ref)
    if got[0] == "ok":
        assert same(got[1], ref[1])
    else:
        assert got[1] == ref[1]


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
    _assert_same_outcome(got, ref)


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


# --------------------------------------------------------------------------- fast paths (round 2)
#
# The kernels below are each checked against the Fraction oracle and against the simple path
# they replace: the insertion merge of nearly equal knot arrays against the general index merge
# (``_FEW = 0`` forces it), the block composition against the general one, the implicit slope
# and value arrays against explicit ones, the prefix-probed gcd against ``math.gcd``.

from exactmtl import _intcore as ic  # noqa: E402

index_merge = _index_merge


BOUNDARY = [2**61, 2**62 - 1, 2**62, 2**62 + 1, 2**63 - 1, 2**63, 2**64]
VALS = st.one_of(st.integers(-(2**20), 2**20), st.sampled_from(BOUNDARY + [-b for b in BOUNDARY]))


@st.composite
def near_pair(draw, max_pieces=120):
    """Two functions given by integer arrays on nearly the same knots (a few dropped or added on
    either side), values over mixed denominators, some at the int64 boundary, some merging."""
    n = draw(st.integers(2, max_pieces))
    den = draw(st.sampled_from([n, 3 * n, 2**62, 2**64]))
    base = sorted(draw(st.lists(st.integers(1, 4 * n), min_size=n - 1, max_size=n - 1,
                                unique=True)))
    top = 4 * n + 1

    def one():
        ks = list(base)
        for _ in range(draw(st.integers(0, 4))):  # drop a few knots
            if ks:
                ks.pop(draw(st.integers(0, len(ks) - 1)))
        extra = draw(st.lists(st.integers(1, top - 1), max_size=4))
        ks = sorted(set(ks) | set(extra))
        knots = [0, *ks, top]
        m = len(knots) - 1
        vals = draw(st.lists(VALS, min_size=m, max_size=m))
        for i in draw(st.lists(st.integers(1, m - 1), max_size=3)) if m > 1 else []:
            vals[i] = vals[i - 1]  # equal neighbours: merged by the canonical form
        vden = draw(st.sampled_from([1, 3, 1024, 2**62 + 1, 2**63]))
        slopes = None
        if draw(st.integers(0, 3)) == 0:
            slopes = draw(st.lists(st.integers(-3, 3), min_size=m, max_size=m))
        closed = draw(st.booleans())
        return knots, vals, vden, slopes, closed

    return den, one(), one()


def build_pair(data):
    """(new Piecewise from arrays, oracle Piecewise) for one side of ``near_pair``."""
    den, (knots, vals, vden, slopes, closed) = data
    f = Piecewise.from_arrays(np.array(knots, dtype=object), np.array(vals, dtype=object),
                              knot_denominator=den, value_denominator=vden, slopes=slopes,
                              closed=closed)
    ks = [F(k, den) for k in knots]
    if slopes is None:
        polys = [(F(v, vden),) for v in vals]
    else:  # v / vden + s (x - t_i)
        polys = [(F(v, vden) - s * t, F(s)) for v, s, t in zip(vals, slopes, ks)]
    o = old.Piecewise(ks, polys, closed=closed)
    return f, o


@settings(max_examples=60)
@given(data=near_pair(), use_index=st.booleans())
@example(data=(8, ([0, 1, 2, 3, 5, 7, 8, 9], [2**62, 2**62 - 1, 0, 1, 1, -(2**63), 5], 3, None,
                   True),
               ([0, 2, 3, 4, 5, 8, 9], [1, 2, 3, 4, 5, 6], 1024, None, True)), use_index=False)
def test_nearly_equal_knots_match_oracle(data, use_index):
    """Merges of nearly equal knot arrays (insertion runs) and the general merge agree with the
    oracle: sums, products, inner products, integrals of products, verdicts."""
    den, one, two = data
    fn, fo = build_pair((den, one))
    gn, go = build_pair((den, two))
    ctx = index_merge() if use_index else contextlib.nullcontext()
    with arrays_forced(), ctx:
        assert same(fn + gn, fo + go)
        assert same(fn - gn, fo - go)
        if fn.degree <= 0 or gn.degree <= 0:
            assert same(fn * gn, fo * go)
            assert integrate(fn * gn) == old.integrate(fo * go)
        assert inner(fn, gn) == old.inner(fo, go)
        assert _fields(equal(fn, gn)) == _fields(old.equal(fo, go))


@settings(max_examples=40)
@given(data=near_pair(max_pieces=60))
def test_union_kinds_agree(data):
    """The three kinds of knot union (same, insertion, index) give the same merged arrays."""
    den, one, two = data
    import math

    f, g = build_pair((den, one))[0]._arr, build_pair((den, two))[0]._arr
    D = math.lcm(f.D, g.D)
    fa, ga = ic._Side(f, D // f.D), ic._Side(g, D // g.D)  # knots over one denominator
    if fa.K.dtype != ga.K.dtype:
        fa.K, ga.K = ic.obj(fa.K), ic.obj(ga.K)
    u = ic._Union(fa.K, ga.K)
    with index_merge():
        v = ic._Union(fa.K, ga.K)
    assert list(u.K) == list(v.K) == sorted(set(fa.K.tolist()) | set(ga.K.tolist()))
    for arr, side in ((fa.A, 0), (ga.A, 1)):
        assert list(u.pieces(arr, side)) == list(v.pieces(arr, side))
    if u.runs is not None:  # the runs cover every union piece with the right offsets
        covered = []
        for start, stop, oa, ob in u.runs:
            covered += range(start, stop)
            assert list(fa.A[start - oa:stop - oa]) == list(u.pieces(fa.A, 0)[start:stop])
            assert list(ga.A[start - ob:stop - ob]) == list(u.pieces(ga.A, 1)[start:stop])
        assert covered == list(range(len(u.K) - 1))


def test_einsum_inner_at_the_int64_bound():
    """The slice-wise int64 inner product is taken only while span * |a| * |c| < 2^62; at and
    past the bound the exact object path gives the same number as the oracle."""
    for top in (2**20, 2**21 - 1, 2**21, 2**22):
        va = np.array([top, -top, top - 1, 3], dtype=np.int64)
        vc = np.array([top, top, -top, 1], dtype=np.int64)
        K = np.array([0, 2**20 - 1, 2**20, 2**20 + 5, 2**20 + 6], dtype=np.int64)
        f = Piecewise.from_arrays(K, va, knot_denominator=2**20)
        g = Piecewise.from_arrays(K, vc, knot_denominator=2**20, value_denominator=3)
        fo = old.Piecewise([F(int(k), 2**20) for k in K], [(int(v),) for v in va])
        go = old.Piecewise([F(int(k), 2**20) for k in K], [(F(int(v), 3),) for v in vc])
        with arrays_forced():
            assert inner(f, g) == old.inner(fo, go)
            assert integrate(f * g) == old.integrate(fo * go)


# --------------------------------------------------------------------------- composition kernels

def _composable(data) -> tuple:
    """A random outer function and an inner one mapping into its domain: (new, oracle) pairs
    and the integer forms ``fa``, ``ga`` (``None`` when either has none)."""
    dom = data.draw(DOMAINS)
    fn, fo = both(data.draw(raw(dom)))
    gn, go = both(data.draw(into(dom, data.draw(DOMAINS))))
    return fn, fo, gn, go, fn._as_arr(), gn._as_arr()


@given(data=st.data())
def test_block_and_general_compose_agree(data):
    """The block kernel (few inner pieces) and the general kernel give the same canonical form
    (or both refuse), and it is the oracle's."""
    _, fo, _, go, fa, ga = _composable(data)
    if fa is None or ga is None:
        return
    x, y = ic._compose_blocks(fa, ga), ic._compose_general(fa, ga)
    assert (x is None) == (y is None)
    if x is not None:
        assert ic.equal_arrays(x, y)
        ref = fo.compose(go)
        assert same(Piecewise._from_arr(x), ref)


@pytest.mark.parametrize("inner_kind", ["sawtooth", "tent", "decreasing", "flat", "big"])
def test_block_compose_of_a_large_outer_function(inner_kind):
    """A 300-piece outer function (isolated point values included) composed with small inner
    maps, increasing, decreasing and flat, against the oracle."""
    rng = np.random.default_rng(12)
    n = 300
    knots = np.arange(n + 1)
    vals = rng.integers(-5, 5, n)
    slopes = rng.integers(-2, 3, n)
    outer = Piecewise.from_arrays(knots, vals, knot_denominator=n, slopes=slopes, closed=True)
    ovals = list(outer.values)
    ovals[7] += 1  # an isolated point value: not right-continuous
    outer = Piecewise(outer.knots, outer.polys, ovals, closed=True)
    h = F(1, 2)
    inner_map = {
        "sawtooth": Piecewise.linear([h], [(0, 2), (-1, 2)]),
        "tent": Piecewise.linear([h], [(0, 2), (2, -2)], closed=True),
        "decreasing": Piecewise.linear([F(1, 3)], [(1, -1), (F(5, 6), F(-1, 2))], closed=True),
        "flat": Piecewise([0, F(1, 5), F(3, 5), 1], [(F(7, 300),), (0, 1), (F(2**64 + 1, 2**65),)],
                          values=[None, F(1, 3), None, None], closed=True),
        "big": Piecewise.linear([F(1, 2**63)], [(0, 2**63), (F(2**63, 2**63 - 1),
                                                             F(-(2**63), 2**63 - 1))],
                                closed=True),
    }[inner_kind]
    fo = old.Piecewise(outer.knots, outer.polys, outer.values, closed=True)
    go = old.Piecewise(inner_map.knots, inner_map.polys, inner_map.values,
                       closed=inner_map.closed)
    with arrays_forced():
        got = outer.compose(inner_map)
    assert same(got, fo.compose(go))
    x = ic._compose_general(outer._as_arr(), inner_map._as_arr())
    assert ic.equal_arrays(got._as_arr(), x)


# --------------------------------------------------------------------------- implicit arrays

@given(data=st.data())
def test_implicit_slope_and_value_arrays(data):
    """``Bx`` is omitted iff every slope is zero and ``Vx`` iff the function is right-continuous
    (the canonical form); the arrays made on demand are the oracle's values."""
    n, o = both(data.draw(raw(data.draw(DOMAINS))))
    arr = n._arr
    if arr is None:
        return
    assert (arr.Bx is None) == (o.degree <= 0)
    assert arr.rc == o.is_right_continuous() == n.is_right_continuous()
    vals = [F(int(v), arr.M) for v in arr.V]
    assert vals == list(o.values)
    if arr.closed:
        assert F(arr.end, arr.M) == o.values[-1]
    # the explicit form of the same function is recognised and dropped
    again = ic.make(arr.K, arr.D, arr.A, arr.B, arr.V, arr.M, arr.closed)
    assert ic.equal_arrays(again, arr)
    assert arr.bound("A") >= ic.mx(arr.A) and arr.bound("V") >= ic.mx(arr.V)


def test_triangle_sawtooth_and_network_outputs_store_no_value_array():
    from exactmtl import sawtooth, telgarsky_network, triangle

    for f in (triangle(7), sawtooth(7), telgarsky_network(7).compile().outputs[0]):
        arr = f._as_arr()
        assert arr.rc and arr.Bx is not None
    assert ic.equal_arrays(triangle(7)._as_arr(),
                           telgarsky_network(7).compile().outputs[0]._as_arr())


def test_one_entry_perturbations_are_detected():
    """Falsifier: a copy of T^12 with one entry changed (a knot, a piece value, a slope, a point
    value, the right end) is never reported equal, and the verdict names the spot."""
    from exactmtl import triangle

    t = triangle(12)
    arr = t._as_arr()
    n = arr.pieces
    K, A, B = (np.array(x, dtype=np.int64) for x in (arr.K, arr.A, arr.B))

    def rebuilt(K, A, B, V=None, end=0):
        return Piecewise._from_arr(ic.make(K, arr.D, A, B, V, arr.M, True, end=end))

    assert equal(rebuilt(K, A, B), t)
    for which in ("K", "A", "B", "V", "end"):
        k2, a2, b2, v2 = K.copy(), A.copy(), B.copy(), None
        if which == "K":  # knots over 2D (so A doubles, M doubles), knot 1001 moved by 1/2
            k2 = 2 * K
            k2[1001] += 1
            f = Piecewise._from_arr(ic.make(k2, 2 * arr.D, 2 * A, B, None, 2 * arr.M, True,
                                            end=0))
        elif which == "A":
            a2[2047] += 1
            f = rebuilt(k2, a2, b2)
        elif which == "B":
            b2[5] *= -1
            f = rebuilt(k2, a2, b2)
        elif which == "V":
            v2 = np.concatenate((A + B * K[:-1], [0]))
            v2[333] += 1
            f = rebuilt(k2, a2, b2, v2)
        else:
            f = rebuilt(k2, a2, b2, end=1)
        r = equal(f, t)
        assert not r, which
        assert not ic.equal_arrays(f._as_arr(), arr)
        if which == "V":
            assert r.exceptions == frozenset({F(333, n)})
        if which == "end":
            assert r.exceptions == frozenset({F(1)})
        if which in ("A", "B"):
            assert r.verdict == "differs"


# --------------------------------------------------------------------------- integer helpers

@given(mult=st.sampled_from([1, 2, 3, 6, 1024, 3 * 2**40, 7**20, 2**61 - 1]),
       n=st.integers(65, 200), data=st.data())
def test_gcd_all_long_arrays(mult, n, data):
    """Arrays longer than the probe whose first 64 entries share a factor the rest may lack."""
    import math

    head = [mult * data.draw(st.integers(-5, 5)) for _ in range(64)]
    tail = data.draw(st.lists(st.one_of(st.integers(-(2**40), 2**40).map(lambda x: x * mult),
                                        st.integers(-(2**61), 2**61)),
                              min_size=n - 64, max_size=n - 64))
    start = data.draw(st.sampled_from([mult, 2 * mult, 12, 2**62 - 2, 2**64, 3**30, 1031**2]))
    xs = head + tail
    assert ic.gcd_all(ic.ints(xs), start) == math.gcd(start, *xs)


@given(xs=st.lists(st.integers(-(2**63), 2**63), min_size=2, max_size=40), data=st.data())
def test_remove_and_insert(xs, data):
    a = ic.ints(xs)
    idx = sorted(data.draw(st.sets(st.integers(0, len(xs) - 1), max_size=len(xs) - 1)))
    want = [x for i, x in enumerate(xs) if i not in set(idx)]
    for owned in (False, True):
        b = a.copy()
        assert list(ic._remove(b, np.array(idx, dtype=np.intp), owned)) == want
    pos = sorted(data.draw(st.lists(st.integers(0, len(xs)), max_size=5)))
    vals = ic.ints(data.draw(st.lists(st.integers(-(2**64), 2**64), min_size=len(pos),
                                      max_size=len(pos))))
    got = ic._insert(a, np.array(pos, dtype=np.intp), vals)
    assert list(got) == list(np.insert(ic.obj(a), pos, ic.obj(vals)))


def test_from_arrays_leaves_the_callers_arrays_alone():
    """Building compacts merged neighbours in place, but only in its own copies."""
    knots = np.arange(9, dtype=np.int64)
    vals = np.array([1, 1, 2, 2, 2, 3, 1, 1], dtype=np.int64)
    f = Piecewise.from_arrays(knots, vals, knot_denominator=8)
    assert knots.tolist() == list(range(9)) and vals.tolist() == [1, 1, 2, 2, 2, 3, 1, 1]
    assert f.knots == (0, F(1, 4), F(5, 8), F(3, 4), 1) and f.pieces == 4
    arr = f._as_arr()
    with pytest.raises(ValueError, match="read-only"):
        arr.A[0] = 5


@settings(max_examples=40)
@given(n=st.integers(48, 120), data=st.data(),
       defect=st.sampled_from(["none", "order", "outside", "float", "length", "value float",
                               "equal"]))
def test_step_from_long_lists_matches_oracle(n, data, defect):
    """``Piecewise.step`` with many pieces checks order on integer arrays; every defect still
    gets the element-wise path's exact message (the same as the oracle's)."""
    dom = data.draw(DOMAINS)
    a, b = dom
    dens = st.sampled_from([n + 1, 3 * (n + 1), 2**63, 2**64 + 1])
    cuts = sorted(data.draw(st.sets(st.integers(1, 10**6), min_size=n - 1, max_size=n - 1)))
    den = data.draw(dens)
    bps = [a + (b - a) * F(c, 10**6 + 1) for c in cuts]
    bps = [F(t.numerator * den, t.denominator * den) for t in bps]  # the same values
    vals = data.draw(st.lists(RATS, min_size=n, max_size=n))
    i = data.draw(st.integers(1, n - 3))
    if defect == "order":
        bps[i], bps[i + 1] = bps[i + 1], bps[i]
    elif defect == "equal":
        bps[i + 1] = bps[i]
    elif defect == "outside":
        bps[-1] = b
    elif defect == "float":
        bps[i] = 0.5
    elif defect == "value float":
        vals[i] = 0.25
    elif defect == "length":
        vals.append(F(1))
    got = _outcome_any(lambda: Piecewise.step(bps, vals, domain=dom))
    ref = _outcome_any(lambda: old.Piecewise.step(bps, vals, domain=dom))
    assert got[0] == ref[0], (got, ref)
    if got[0] == "ok":
        assert same(got[1], ref[1]) and got[1]._arr is not None
    else:
        assert got[1] == ref[1]
    assert (got[0] == "ok") == (defect == "none")


def _outcome_any(fn):
    try:
        return ("ok", fn())
    except (TypeError, ValueError) as exc:
        return (type(exc).__name__, str(exc))


def canonical_ok(arr) -> bool:
    """The normal form of ``exactmtl._intcore``: what makes ``equal_arrays`` a true equality."""
    import math

    K, A = arr.K.tolist(), arr.A.tolist()
    B = arr.Bx.tolist() if arr.Bx is not None else [0] * len(A)
    V = arr.V.tolist()
    n = len(A)
    ok = all(K[i] < K[i + 1] for i in range(n))
    ok &= math.gcd(arr.D, *K) == 1
    ok &= math.gcd(arr.M, *A, *B, *V) == 1
    ok &= (arr.Bx is None) == (not any(B))
    rc = all(V[i] == A[i] + B[i] * K[i] for i in range(n))
    ok &= (arr.Vx is None) == rc
    ok &= (arr.end is None) == (not arr.closed)
    for i in range(1, n):  # no two neighbours that one piece could hold
        ok &= not (A[i] == A[i - 1] and B[i] == B[i - 1] and V[i] == A[i] + B[i] * K[i])
    for x in (arr.K, arr.A, arr.Bx, arr.Vx):
        if x is not None:
            big = max(map(abs, x.tolist())) >= 2**62
            ok &= (x.dtype == object) == big and not x.flags.writeable
    return bool(ok)


@settings(max_examples=60)
@given(fg=pairs(), c=RATS, use_index=st.booleans())
def test_results_are_canonical(fg, c, use_index):
    """Every array-path result is in normal form (so ``==`` on arrays is equality of functions),
    whichever merge or composition kernel made it."""
    fn, gn = both(fg[0])[0], both(fg[1])[0]
    with arrays_forced(), (_index_merge() if use_index else contextlib.nullcontext()):
        outs = [fn + gn, fn - gn, c * fn, fn * 0, fn + c]
        if fn.degree <= 0 or gn.degree <= 0:
            outs.append(fn * gn)
    for out in outs:
        arr = out._as_arr()
        assert arr is not None and canonical_ok(arr)


@given(data=st.data())
def test_compositions_are_canonical(data):
    *_, fa, ga = _composable(data)
    if fa is None or ga is None:
        return
    for kernel in (ic._compose_blocks, ic._compose_general):
        out = kernel(fa, ga)
        if out is not None:
            assert canonical_ok(out)


def test_canonical_checker_can_fail():
    """The checker itself rejects forms that break each rule."""
    good = ic.from_steps([0, 1, 2], [3, 5], 2, 1, closed=True)
    assert canonical_ok(good)
    bad = [
        ic.Arr(good.K, good.D, good.A, None, ic.ints([3, 5, 5]), good.M, True, 5),  # V stored
        ic.Arr(good.K, good.D, good.A, ic.ints([0, 0]), None, good.M, True, 5),  # zero slopes
        ic.Arr(ic.ints([0, 2, 4]), 4, good.A, None, None, good.M, True, 5),  # D not lowest
        ic.Arr(good.K, good.D, ic.ints([6, 10]), None, None, 2, True, 10),  # M not lowest
        ic.Arr(good.K, good.D, ic.ints([3, 3]), None, None, 1, True, 3),  # unmerged
    ]
    for arr in bad:
        for x in (arr.K, arr.A, arr.Bx, arr.Vx):
            if x is not None:
                x.setflags(write=False)
        assert not canonical_ok(arr)


# --------------------------------------------------------------------------- the Fraction path
# Functions built from Fractions (no integer form yet) with fewer pieces than the array threshold
# locate points, compose and merge on integer knot keys; the oracle compares Fractions.

def _fraction_held(data):
    knots, polys, values, closed = data
    n = Piecewise(knots, polys, values, closed=closed)
    assert n._arr is None
    return n, old.Piecewise(knots, polys, values, closed=closed)


@given(data=st.data())
def test_fraction_path_point_location_matches_oracle(data):
    dom = data.draw(DOMAINS)
    n, o = _fraction_held(data.draw(raw(dom)))
    a, b = dom
    tiny = F(1, data.draw(st.sampled_from([3, 2**64])))
    pts = list(o.knots) + [(o.knots[i] + o.knots[i + 1]) / 2 for i in range(o.pieces)]
    pts += [a - tiny, b + tiny, b - tiny * (b - a), a + tiny * (b - a),
            data.draw(st.fractions(min_value=a - 1, max_value=b + 1, max_denominator=2**66))]
    for x in pts:
        assert _outcome(lambda x=x: n(x)) == _outcome(lambda x=x: o(x)), x
        for side in ("left", "right"):
            assert (_outcome(lambda x=x, side=side: n.limit(x, side))
                    == _outcome(lambda x=x, side=side: o.limit(x, side)))
    assert n._ik is not None  # the integer keys were used


def test_fraction_path_point_location_rejects_outside():
    f = Piecewise([F(1, 3), F(1, 2), F(5, 7)], [(1,), (2, 3)])
    assert f(F(1, 3)) == 1 and f(F(1, 2)) == F(7, 2) and f(F(2, 3)) == 4
    for x in (F(1, 3) - F(1, 2**70), F(5, 7), F(5, 7) + F(1, 2**70)):
        with pytest.raises(InvalidArgument, match="outside the domain"):
            f(x)
    g = Piecewise([F(1, 3), F(1, 2), F(5, 7)], [(1,), (2, 3)], closed=True)
    assert g(F(5, 7)) == F(2) + F(15, 7)


@given(data=st.data())
def test_fraction_path_compose_matches_oracle(data):
    dom = data.draw(DOMAINS)
    fn, fo = _fraction_held(data.draw(raw(dom)))
    gn, go = _fraction_held(data.draw(into(dom, data.draw(DOMAINS))))
    got = _outcome(lambda: fn.compose(gn))
    ref = _outcome(lambda: fo.compose(go))
    _assert_same_outcome(got, ref)


@given(fg=pairs(), c=st.one_of(st.just(F(0)), RATS))
def test_fraction_path_add_sub_mul_match_oracle(fg, c):
    (fn, fo), (gn, go) = _fraction_held(fg[0]), _fraction_held(fg[1])
    assert same(fn * c, fo * c) and same(-fn, -fo) and same(c * gn, c * go)
    assert hash(fn * c) == hash(Piecewise(fo.knots, fo.polys, fo.values, closed=fo.closed) * c)
    assert same(fn + gn, fo + go)
    assert same(fn - gn, fo - go)
    assert same(fn * gn, fo * go)
    for n, o in ((fn, fo), (gn, go), (fn - gn, fo - go)):
        assert n.pieces < new_mod._ARRAY_MIN_PIECES  # the Fraction path
        assert sup_norm(n) == old.sup_norm(o)


@given(p=st.lists(RATS, max_size=4), x=RATS)
def test_peval_matches_oracle(p, x):
    p = old._trim(p)
    got = new_mod._peval(p, x)
    assert type(got) is F and got == old._peval(p, x)
    assert (got.numerator, got.denominator) == (old._peval(p, x).numerator,
                                                old._peval(p, x).denominator)


@pytest.mark.parametrize("level", [0, 1, 3, 10, 11])
def test_grid_knots_cached_and_built_agree(level):
    want = tuple(F(c, 2**level) for c in range(2**level + 1))
    assert new_mod._grid_knots(level) == want == new_mod._build_grid_knots(level)
    assert all(type(t) is F for t in new_mod._grid_knots(level))


# --------------------------------------------------------------------------- shared uniform grids

def test_uniform_knots_are_shared_and_other_knots_copied():
    """Consecutive integer knots become the one shared read-only grid array (no copy per
    function); any other knots are copied, so changing the caller's arrays afterwards changes
    nothing; int32 knots and ends at 2^62 take the checked routes."""
    n = 1 << 10
    knots = np.arange(n + 1, dtype=np.int64)
    vals = np.arange(n, dtype=np.int64) % 7
    f = Piecewise.from_arrays(knots, vals, knot_denominator=n)
    g = Piecewise.from_arrays(np.arange(n + 1, dtype=np.int32), vals[::-1].copy(),
                              knot_denominator=n)
    assert f._as_arr().K is g._as_arr().K is ic.consecutive(0, n + 1)
    before = (f.breakpoints, f(F(1, 3)))
    knots[5] = 10**9
    vals[:] = 0
    assert (f.breakpoints, f(F(1, 3))) == before
    with pytest.raises(ValueError, match="read-only"):
        f._as_arr().K[0] = 1
    shifted = np.arange(5, 5 + n + 1, dtype=np.int64)
    h = Piecewise.from_arrays(shifted, np.arange(n), knot_denominator=n)
    assert h._as_arr().K is ic.consecutive(5, n + 1) and h.domain == (F(5, n), F(5 + n, n))
    gaps = np.array([0, 1, 3, 4], dtype=np.int64)
    k = Piecewise.from_arrays(gaps, np.array([1, 2, 3]), knot_denominator=4)
    assert not np.shares_memory(k._as_arr().K, gaps)
    gaps[1] = 2
    assert k.breakpoints == (F(1, 4), F(3, 4))
    top = np.arange(2**62 - 2, 2**62 + 1, dtype=np.int64)  # consecutive, but an end at 2^62
    t = Piecewise.from_arrays(top, np.array([1, -1]), knot_denominator=2**62)
    assert t._as_arr().K.dtype == object and t.breakpoints == (F(2**62 - 1, 2**62),)
    assert t(F(2**62 - 1, 2**62)) == -1 and t.domain == (F(2**62 - 2, 2**62), 1)
    s = Piecewise.step([F(c, 64) for c in range(1, 64)], [c % 5 for c in range(64)])
    assert s._as_arr().K is Piecewise.on_grid([1, 2] * 32)._as_arr().K is ic.consecutive(0, 65)
    assert s == Piecewise.on_grid([c % 5 for c in range(64)]) and s(F(63, 64)) == 3
    with pytest.raises(InvalidArgument, match=r"knots\[1\]=5 and knots\[2\]=5"):
        Piecewise.from_arrays(np.array([0, 5, 5], dtype=np.int32), np.array([1, 2]))


def _python_inner(K: np.ndarray, a: np.ndarray, c: np.ndarray) -> int:
    """sum (K[i+1] - K[i]) a[i] c[i] in Python ints (the oracle of the blocked kernel)."""
    k, x, y = K.tolist(), a.tolist(), c.tolist()
    return sum((k[i + 1] - k[i]) * x[i] * y[i] for i in range(len(x)))


def test_blocked_inner_matches_a_python_sum():
    """``inner`` of step functions over several kernel blocks (no array of piece lengths is
    made) on uniform knots (every length 1), uneven knots, knots one function lacks (a merged
    neighbour) and unrelated knots, against a Python-int sum; one value off changes it."""
    rng = np.random.default_rng(12)
    n = 3 * ic._BLOCK + 17
    uniform = np.arange(n + 1, dtype=np.int64)
    uneven = np.concatenate(([0], np.cumsum(rng.integers(1, 9, n)))).astype(np.int64)
    for K in (uniform, uneven):
        D = int(K[-1])
        a = rng.integers(-(1 << 20), 1 << 20, n, dtype=np.int64)
        c = rng.integers(-(1 << 20), 1 << 20, n, dtype=np.int64)
        c[1000] = c[999]  # g merges two pieces: its knots lack K[1000]
        f = Piecewise.from_arrays(K, a, knot_denominator=D, value_denominator=3)
        g = Piecewise.from_arrays(K, c, knot_denominator=D, value_denominator=1 << 10)
        assert g.pieces == n - 1 and ic._Union(f._as_arr().K, g._as_arr().K).kind == "insert"
        want = F(_python_inner(K, a, c), 3 * (1 << 10) * D)
        assert inner(f, g) == want == inner(g, f)
        a2 = a.copy()
        a2[n - 5] += 1  # one value off, in the last block
        assert inner(Piecewise.from_arrays(K, a2, knot_denominator=D, value_denominator=3),
                     g) != want
    # unrelated knots (a gather, not runs): the uneven grid against the uniform one; the
    # product's integral is the second route
    fu = Piecewise.from_arrays(uneven, a, knot_denominator=int(uneven[-1]))
    gu = Piecewise.from_arrays(uniform, c, knot_denominator=n)
    assert ic._Union(fu._as_arr().K * n, gu._as_arr().K * int(uneven[-1])).kind == "index"
    assert inner(fu, gu) == inner(gu, fu) == integrate(fu * gu)
