"""Grid functions and systems: exact arithmetic with overflow guards, Piecewise conversion,
Gram matrices and orthonormality verdicts (and that they say False on wrong input)."""

from __future__ import annotations

import operator
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from exactmtl import (
    GridFunction,
    GridSystem,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    Piecewise,
    gram,
    haar,
    haar_system,
    inner,
    integrate,
    sup_norm,
    walsh,
    walsh_system,
)
from exactmtl.strategies import grid_step_functions, step_functions


@st.composite
def grid_functions(draw, max_level=6, max_bits=20, max_exponent=6):
    n = draw(st.integers(0, max_level))
    lim = (1 << max_bits) - 1
    nums = draw(st.lists(st.integers(-lim, lim), min_size=1 << n, max_size=1 << n))
    return GridFunction(n, nums, draw(st.integers(0, max_exponent)))


def as_piecewise(f: GridFunction) -> Piecewise:
    return Piecewise.on_grid(f.values.tolist())


# --------------------------------------------------------------------------- construction

def test_canonical_exponent_and_read_only():
    f = GridFunction(2, [4, 8, 0, -12], exponent=3)
    assert f.numerators.tolist() == [1, 2, 0, -3] and f.exponent == 1 and f.denominator == 2
    with pytest.raises(ValueError, match="read-only"):
        f.numerators[0] = 5
    z = GridFunction(1, [0, 0], exponent=9)
    assert z.exponent == 0


def test_construction_errors():
    with pytest.raises(InvalidArgument, match=r"len\(numerators\)=3 must be 2\*\*level = 4"):
        GridFunction(2, [1, 2, 3])
    with pytest.raises(InvalidArgument, match=r"numerators are not all integers"):
        GridFunction(1, [Fraction(1, 2), 1])
    with pytest.raises(InexactInputError, match=r"numerators\[0\]=0\.5 is a float"):
        GridFunction(1, [0.5, 1])
    with pytest.raises(InvalidArgument, match=r"exponent=-1 must be an integer >= 0"):
        GridFunction(1, [1, 1], exponent=-1)
    with pytest.raises(InvalidArgument, match=r"values are not dyadic: their common "
                       r"denominator is 3"):
        GridFunction.from_values([Fraction(1, 3), 1])
    with pytest.raises(InvalidArgument, match=r"len\(values\)=2 does not match level=2"):
        GridFunction.from_values([1, 2], level=2)
    with pytest.raises(InvalidArgument, match=r"len\(values\)=3 is not a power of two"):
        GridFunction.from_values([1, 2, 3])
    with pytest.raises(InvalidArgument, match=r"numerators has shape \(2, 2\)"):
        GridFunction(1, [[1, 2], [3, 4]])


def test_from_piecewise_errors():
    with pytest.raises(InvalidArgument, match=r"f has degree 1; a GridFunction is a step"):
        GridFunction.from_piecewise(Piecewise.identity())
    with pytest.raises(InvalidArgument, match=r"closed interval \[0, 1\]"):
        GridFunction.from_piecewise(Piecewise.constant(1, closed=True))
    with pytest.raises(InvalidArgument, match=r"not right-continuous at x in \{1/2\}"):
        GridFunction.from_piecewise(Piecewise([0, Fraction(1, 2), 1], [(1,), (2,)],
                                              values=[1, 1]))
    with pytest.raises(InvalidArgument, match=r"non-dyadic knots \['1/3'\]"):
        GridFunction.from_piecewise(Piecewise.step([Fraction(1, 3)], [1, 2]))
    with pytest.raises(InvalidArgument, match=r"level=1 is too coarse: f has a knot at level 2"):
        GridFunction.from_piecewise(Piecewise.step([Fraction(1, 4)], [1, 2]), level=1)
    with pytest.raises(InvalidArgument, match=r"non-dyadic values"):
        GridFunction.from_piecewise(Piecewise.step([Fraction(1, 2)], [Fraction(1, 3), 2]))
    with pytest.raises(InvalidArgumentType, match=r"f has type list; expected a Piecewise"):
        GridFunction.from_piecewise([1, 2])


@given(grid_step_functions(max_level=6, bound=50))
def test_piecewise_round_trip(f):
    g = GridFunction.from_piecewise(f)
    assert g.to_piecewise() == f
    assert GridFunction.from_piecewise(f, level=g.level + 2).to_piecewise() == f


@given(step_functions(max_pieces=6, dyadic_level=5,
                      values=st.builds(Fraction, st.integers(-64, 64),
                                       st.sampled_from([1, 2, 4, 16]))))
def test_piecewise_round_trip_dyadic_values(f):
    g = GridFunction.from_piecewise(f)
    assert g.to_piecewise() == f
    for t in (Fraction(0), Fraction(1, 3), Fraction(5, 7), Fraction(31, 32)):
        assert g(t) == f(t)


def test_evaluation():
    f = GridFunction.from_values([1, Fraction(3, 2), -2, 0])
    assert f(0) == 1 and f(Fraction(1, 4)) == Fraction(3, 2) and f(Fraction(3, 5)) == -2
    with pytest.raises(InvalidArgument, match=r"x=1 is outside the domain \[0, 1\)"):
        f(1)
    with pytest.raises(InexactInputError, match=r"x=0\.5 is a float"):
        f(0.5)


# --------------------------------------------------------------------------- arithmetic

@given(grid_functions(), grid_functions())
def test_arithmetic_matches_piecewise(f, g):
    pf, pg = as_piecewise(f), as_piecewise(g)
    assert (f + g).to_piecewise() == pf + pg
    assert (f - g).to_piecewise() == pf - pg
    assert (f * g).to_piecewise() == pf * pg
    assert (-f).to_piecewise() == -pf
    assert f.inner(g) == inner(pf, pg)
    assert f.integrate() == integrate(pf)
    assert f.sup_norm() == sup_norm(pf)


@given(grid_functions(max_bits=63, max_exponent=70), grid_functions(max_bits=63,
                                                                      max_exponent=70))
def test_arithmetic_near_the_int64_boundary_is_exact(f, g):
    level = max(f.level, g.level)
    a = [Fraction(v) for v in f.refine(level).values.tolist()]
    b = [Fraction(v) for v in g.refine(level).values.tolist()]
    for op in (operator.add, operator.sub, operator.mul):
        got = op(f, g).refine(level).values.tolist()
        assert got == [op(x, y) for x, y in zip(a, b)]
    assert f.inner(g) == sum(x * y for x, y in zip(a, b)) / (1 << level)


def test_int64_would_have_wrapped():
    big = GridFunction(1, [2**62, -(2**62) + 1])
    assert big.numerators.dtype == np.int64
    with np.errstate(over="ignore"):
        wrapped = big.numerators * big.numerators  # what an unguarded int64 product gives
    assert int(wrapped[0]) == 0  # 2^124 mod 2^64
    sq = big * big
    assert sq.numerators.dtype == object and sq.values.tolist() == [2**124, (2**62 - 1) ** 2]
    s = big + big
    assert s.values.tolist() == [2**63, -(2**63) + 2] and s.numerators.dtype == object
    assert big.inner(big) == Fraction(2**124 + (2**62 - 1) ** 2, 2)


def test_scalars_and_errors():
    f = GridFunction(1, [1, 3])
    assert (f * Fraction(3, 4)).values.tolist() == [Fraction(3, 4), Fraction(9, 4)]
    assert (2 - f).values.tolist() == [1, -1]
    assert (f + Piecewise.step([Fraction(1, 4)], [1, 2])).values.tolist() == [2, 3, 5, 5]
    with pytest.raises(InvalidArgument, match=r"other=1/3 is not dyadic"):
        f * Fraction(1, 3)
    with pytest.raises(InexactInputError, match=r"other=0\.5 is a float"):
        f + 0.5
    with pytest.raises(TypeError):
        f + "a"
    with pytest.raises(InvalidArgument, match=r"level=0 is coarser"):
        f.refine(0)


def test_equality_and_refinement():
    f = GridFunction(1, [1, 3])
    assert f == f.refine(4) and f.refine(4) == f
    assert f != GridFunction(1, [1, 4]) and f != GridFunction(1, [2, 6], exponent=1) * 3
    assert GridFunction(1, [2, 6], exponent=1) == f


def test_piecewise_hooks():
    f, g = GridFunction.walsh(3, 3), GridFunction.walsh(5, 3)
    assert inner(f, g) == 0 and inner(f, f) == 1 and integrate(f) == 0
    assert integrate(GridFunction(2, [1, 2, 3, 4]), 0, Fraction(1, 2)) == Fraction(3, 4)
    assert sup_norm(GridFunction.from_values([1, Fraction(-5, 2)])) == Fraction(5, 2)
    assert inner(GridFunction(1, [1, 3]), Piecewise.identity()) == Fraction(1, 8) + Fraction(9, 8)
    assert inner(Piecewise.identity(), GridFunction(1, [1, 3])) == Fraction(5, 4)
    m = gram([GridFunction.haar(0, 0, 2), GridFunction.haar(1, 1, 2), GridFunction.walsh(1, 2)])
    half = sympy.Rational(1, 2)
    assert m == sympy.Matrix([[1, 0, 1], [0, half, 0], [1, 0, 1]])  # w_1 = r_1 = psi_00


# --------------------------------------------------------------------------- systems

@pytest.mark.parametrize("n", range(0, 6))
def test_systems_match_bases(n):
    for order in ("paley", "sequency", "hadamard"):
        system = walsh_system(n, order)
        for m in range(1 << n):
            assert system[m] == GridFunction.from_piecewise(walsh(m, order, level=n), level=n)
            assert system[m] == GridFunction.walsh(m, n, order)
    hs = haar_system(n)
    assert hs[0] == GridFunction.constant(1, n)
    for j in range(n):
        for k in range(1 << j):
            assert hs[(1 << j) + k] == GridFunction.from_piecewise(haar(j, k), level=n)
            assert hs[(1 << j) + k] == GridFunction.haar(j, k, n)


@st.composite
def systems(draw, max_level=4, max_functions=6):
    n = draw(st.integers(0, max_level))
    k = draw(st.integers(1, max_functions))
    rows = draw(st.lists(st.lists(st.integers(-40, 40), min_size=1 << n, max_size=1 << n),
                         min_size=k, max_size=k))
    return GridSystem(n, rows, draw(st.integers(0, 3)))


@given(systems())
def test_gram_methods_agree_with_bases_gram(system):
    expected = gram([as_piecewise(f) for f in system])
    for method in ("auto", "walsh", "haar", "dense"):
        g = system.gram(method)
        assert g.to_sympy() == expected, method


@given(systems())
def test_verdicts_agree_with_the_gram_matrix(system):
    g = gram([as_piecewise(f) for f in system])
    k = len(system)
    v = system.is_orthonormal()
    assert bool(v) == (g == sympy.eye(k))
    if not v:
        c = v.counterexample
        assert g[c["i"], c["j"]] == sympy.Rational(c["inner"].numerator, c["inner"].denominator)
        assert g[c["i"], c["j"]] != (1 if c["i"] == c["j"] else 0)
    off = g - sympy.diag(*[g[i, i] for i in range(k)])
    assert bool(system.is_orthogonal()) == (off.is_zero_matrix and all(g[i, i] for i in range(k)))


@pytest.mark.parametrize("order", ["paley", "sequency", "hadamard"])
def test_walsh_system_orthonormal_structured(order):
    v = walsh_system(9, order).is_orthonormal()
    assert v and v.method == "walsh-spectrum" and v.exact
    assert v.certificate["functions"] == 512 and v.certificate["path"] == "int64"
    assert sorted(v.certificate["spectral_index"]) == list(range(512))


def test_haar_system_orthogonal_not_orthonormal():
    hs = haar_system(8)
    assert hs.is_orthogonal().method == "haar-spectrum"
    v = hs.is_orthonormal()
    assert not v and v.counterexample == {"i": 2, "j": 2, "inner": Fraction(1, 2)}
    g = hs.gram()
    assert g.method == "haar" and g.mismatch(None) is None
    assert [g.entry(i, i) for i in (0, 1, 2, 4, 255)] == [1, 1, Fraction(1, 2), Fraction(1, 4),
                                                          Fraction(1, 128)]


def test_orthonormal_but_not_spectrally_sparse_uses_the_dense_gram():
    # (w_a + w_b + w_c - w_d) / 2 and the other rows of a 4x4 Hadamard-type rotation
    w = walsh_system(3).numerators[[1, 2, 4, 7]]
    rot = np.array([[1, 1, 1, -1], [1, 1, -1, 1], [1, -1, 1, 1], [-1, 1, 1, 1]])
    system = GridSystem(3, rot @ w, exponent=1)
    v = system.is_orthonormal()
    assert v and v.method == "dense-gram"
    assert system.gram().is_identity()


def test_flipped_sign_is_rejected_with_the_exact_inner_product():
    rows = walsh_system(5).numerators.copy()
    rows[9, 17] *= -1
    system = GridSystem(5, rows)
    v = system.is_orthonormal()
    assert not v
    i, j = v.counterexample["i"], v.counterexample["j"]
    assert v.counterexample["inner"] == inner(as_piecewise(system[i]), as_piecewise(system[j]))
    assert not system.gram().is_identity()
    assert "not orthonormal" in str(v)


def test_duplicates_and_wrong_norms_are_rejected():
    w = walsh_system(4).numerators
    dup = GridSystem(4, w[[1, 3, 1]])
    v = dup.is_orthonormal()
    assert not v and v.counterexample == {"i": 0, "j": 2, "inner": 1}
    scaled = GridSystem(4, w[:3] * 2)
    v = scaled.is_orthonormal()
    assert not v and v.counterexample["inner"] == 4
    assert scaled.is_orthogonal()
    zero = GridSystem(2, [[1, 1, 1, 1], [0, 0, 0, 0]])
    assert not zero.is_orthogonal()
    many = GridSystem(1, [[1, 1], [1, -1], [1, 0]])  # 3 functions in a 2-dimensional space
    assert not many.is_orthonormal() and not many.is_orthogonal()


def test_screen_is_labelled_and_fails_on_wrong_systems():
    s = walsh_system(10, "sequency").screen_orthonormal(trials=3, seed=1)
    assert s and s.label == "randomised screen, not a proof"
    assert s.false_pass_bound == Fraction(1, 2**96)
    rows = walsh_system(6).numerators.copy()
    rows[3, 5] *= -1
    bad = GridSystem(6, rows).screen_orthonormal()
    assert not bad and bad.failure is not None
    assert not haar_system(3).screen_orthonormal()


def test_system_errors():
    with pytest.raises(InvalidArgument, match=r"numerators has shape \(4,\); expected "
                       r"\(K, 2\*\*level\) = \(K, 4\)"):
        GridSystem(2, [1, 2, 3, 4])
    with pytest.raises(InvalidArgument, match=r"method='fast' is not a Gram method; expected "
                       r"one of 'auto', 'walsh', 'haar', 'dense'"):
        walsh_system(2).gram("fast")
    with pytest.raises(InvalidArgument, match=r"basis='dct' is not a spectral basis"):
        walsh_system(2).spectra("dct")
    with pytest.raises(InvalidArgument, match=r"functions is empty"):
        GridSystem.from_functions([])
    with pytest.raises(InvalidArgument, match=r"i=4 is out of range"):
        walsh_system(2)[4]
    with pytest.raises(InvalidArgument, match=r"order='natural' is not a Walsh ordering"):
        walsh_system(2, "natural")


def test_from_functions_mixes_levels_and_exponents():
    s = GridSystem.from_functions([GridFunction.from_values([Fraction(1, 2), 1]),
                                   Piecewise.step([Fraction(1, 4)], [1, 3]),
                                   GridFunction(0, [2**70])])
    assert s.level == 2 and s.exponent == 1 and s.numerators.dtype == object
    assert s[2] == GridFunction(0, [2**70])
    g = s.gram()
    assert g.entry(2, 2) == 2**140 and g.entry(0, 1) == 2 and g.entry(0, 0) == Fraction(5, 8)


def test_spectra_report():
    r = walsh_system(3).spectra()
    assert r.path == "int64" and r.values.shape == (8, 8)
    h = haar_system(3).spectra("haar")
    assert (np.count_nonzero(h.numerators, axis=1) == 1).all()


@pytest.mark.slow
def test_full_gram_of_4096_walsh_functions():
    g = walsh_system(12).gram()
    assert g.method == "walsh" and g.is_identity()
    assert walsh_system(12, "sequency").is_orthonormal()


# ------------------------------------------------------------------ fast routes vs their oracles

def _mismatch_reference(g, diagonal=1):
    """The previous GramMatrix.mismatch: a whole K x K target and a K x K comparison."""
    num = g.numerators
    target = np.zeros(num.shape, dtype=object if num.dtype == object else np.int64)
    if diagonal is not None:
        d = Fraction(diagonal) * g.denominator
        if d.denominator != 1:
            return (0, 0, g.entry(0, 0))
        np.fill_diagonal(target, int(d))
    diff = num != target
    if diagonal is None:
        np.fill_diagonal(diff, False)
    bad = np.argwhere(diff)
    if bad.size == 0:
        return None
    i, j = (int(v) for v in bad[0])
    return i, j, g.entry(i, j)


@given(st.integers(1, 12), st.integers(0, 3), st.sampled_from([1, 2, 0, None, Fraction(1, 2)]),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(-3, 3)),
                max_size=4), st.booleans())
def test_mismatch_matches_the_dense_reference(k, e, diagonal, edits, huge):
    from exactmtl.grid import GramMatrix

    den = 1 << e
    num = np.zeros((k, k), dtype=object if huge else np.int64)
    np.fill_diagonal(num, den * (2**70 if huge else 1))
    for i, j, v in edits:
        if i < k and j < k:
            num[i, j] = v
    g = GramMatrix(num, den, "dense", "object" if huge else "int64")
    assert g.mismatch(diagonal) == _mismatch_reference(g, diagonal)


@pytest.mark.parametrize("where", [None, (1499, 3), (1200, 1200), (1025, 7), (0, 1499)])
def test_mismatch_in_a_late_block_matches_the_dense_reference(where):
    from exactmtl.grid import GramMatrix

    num = np.eye(1500, dtype=np.int64) * 4
    if where is not None:
        num[where] += 1
    g = GramMatrix(num, 4, "dense", "int64")
    for diagonal in (1, None, 2):
        assert g.mismatch(diagonal) == _mismatch_reference(g, diagonal)
    assert g.is_identity() == (where is None)


def _blocked_off(monkeypatch):
    """Force the previous whole-array spectral routes (the oracle of the blocked ones)."""
    import exactmtl.grid as grid

    monkeypatch.setattr(grid, "_narrow_row_blocks", lambda *args: None)


def _big_systems():
    rng = np.random.default_rng(20261203)
    w = walsh_system(8).numerators
    flipped = w.copy()
    flipped[200, 17] *= -1
    dup = w.copy()
    dup[255] = w[3]
    scaled = w * 3
    return {
        "walsh": walsh_system(8), "sequency": walsh_system(8, "sequency"),
        "haar": haar_system(8), "flipped": GridSystem(8, flipped),
        "duplicate": GridSystem(8, dup), "scaled": GridSystem(8, scaled, exponent=1),
        "int32": GridSystem(8, w * 1000),  # bits 10 + level 8 > 15: the int32 narrow run
        "dense": GridSystem(8, rng.integers(-1, 2, size=(256, 256))),
        "wide": GridSystem(9, np.vstack([w.repeat(2, axis=1)] * 2)),  # 512 x 512, repeats
    }


@pytest.mark.parametrize("name", list(_big_systems()))
def test_blocked_gram_and_verdicts_match_the_whole_array_routes(name, monkeypatch):
    system = _big_systems()[name]
    new_gram, new_on, new_og = system.gram(), system.is_orthonormal(), system.is_orthogonal()
    _blocked_off(monkeypatch)
    old_gram, old_on, old_og = system.gram(), system.is_orthonormal(), system.is_orthogonal()
    assert (new_gram.method, new_gram.path, new_gram.denominator) == (
        old_gram.method, old_gram.path, old_gram.denominator)
    assert np.array_equal(new_gram.numerators, old_gram.numerators)
    assert new_gram.numerators.dtype == old_gram.numerators.dtype
    for new, old in ((new_on, old_on), (new_og, old_og)):
        assert (new.holds, new.method, new.counterexample, new.certificate) == (
            old.holds, old.method, old.counterexample, old.certificate)
    dense = system.gram("dense")  # an independent route: the integer product V V^T
    assert new_gram.to_sympy() == dense.to_sympy() if len(system) <= 64 else np.array_equal(
        new_gram.numerators * dense.denominator, dense.numerators * new_gram.denominator)


def test_blocked_gram_rejects_a_flipped_sign_at_level_11():
    rows = walsh_system(11).numerators.copy()
    rows[2000, 5] *= -1
    g = GridSystem(11, rows).gram()  # 4 blocks of 512 rows on the int16 path
    assert not g.is_identity()
    i, j, val = g.mismatch(1)
    assert 2000 in (i, j) and val == Fraction(int(rows[i] @ rows[j]), 2048)
    v = GridSystem(11, rows).is_orthonormal()  # 2^33 dense products: the spectral Gram decides
    assert not v and v.method == "walsh-gram"
    i, j = v.counterexample["i"], v.counterexample["j"]
    assert v.counterexample["inner"] == Fraction(int(rows[i] @ rows[j]), 2048)
    rows = walsh_system(10).numerators.copy()
    rows[1000, 5] *= -1
    v = GridSystem(10, rows).is_orthonormal()  # not structured: the exact Gram decides
    assert not v and 1000 in (v.counterexample["i"], v.counterexample["j"])
