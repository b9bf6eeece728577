"""Fast exact Walsh-Hadamard and Haar transforms: exactness on every path, the overflow guard,
orderings, bad input, and cross-checks against scipy, sympy and the Piecewise bases."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.linalg import hadamard
from sympy.discrete.transforms import fwht as sympy_fwht

from exactmtl import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    Piecewise,
    convert_walsh_index,
    haar,
    inner,
    walsh,
)
from exactmtl.bases import WALSH_ORDERS as BASES_ORDERS
from exactmtl.transforms import (
    TRANSFORM_PATHS,
    WALSH_ORDERS,
    _butterfly,
    convert_walsh_order,
    fwht,
    fwht_float64_numeric,
    fwht_reference,
    fwht_with_report,
    haar_lifting,
    haar_to_walsh,
    haar_to_walsh_with_report,
    haar_transform,
    haar_transform_with_report,
    ifwht,
    inverse_haar_lifting,
    inverse_haar_transform,
    involution_screen,
    normalized_haar_coefficients,
    walsh_index_map,
    walsh_permutation,
    walsh_to_haar,
    walsh_to_haar_with_report,
)

orders = st.sampled_from(WALSH_ORDERS)
paths = st.sampled_from(TRANSFORM_PATHS)


def definition(values, order):
    """O(N^2) definition: sum_x w_k(x) v[x] with the Sylvester entries (-1)^popcount(i & x)."""
    size = len(values)
    n = size.bit_length() - 1
    had = [sum(v * (-1) ** bin(i & x).count("1") for x, v in enumerate(values))
           for i in range(size)]
    return [had[convert_walsh_index(k, order, "hadamard", level=n)] for k in range(size)]


@st.composite
def int_vectors(draw, max_level=7, max_bits=70):
    n = draw(st.integers(0, max_level))
    bits = draw(st.integers(1, max_bits))
    lim = (1 << bits) - 1
    return draw(st.lists(st.integers(-lim, lim), min_size=1 << n, max_size=1 << n))


@st.composite
def boundary_vectors(draw, max_level=8):
    """Entries whose bit length puts bits + n exactly at 63 or 64: the guard's edge."""
    n = draw(st.integers(0, max_level))
    bits = 63 - n + draw(st.integers(0, 1))
    lim = (1 << bits) - 1
    top = st.sampled_from([lim, -lim, 1 << (bits - 1), -(1 << (bits - 1))])
    vals = draw(st.lists(st.one_of(top, st.integers(-lim, lim)), min_size=1 << n,
                         max_size=1 << n))
    return n, bits, vals


@st.composite
def frac_vectors(draw, max_level=5):
    n = draw(st.integers(0, max_level))
    dens = st.sampled_from([1, 2, 3, 8, 1024, 7 * 2**40])
    return draw(st.lists(st.builds(Fraction, st.integers(-10**6, 10**6), dens),
                         min_size=1 << n, max_size=1 << n))


# --------------------------------------------------------------------------- exactness

@given(int_vectors(), orders, paths)
@example([5], "hadamard", "auto")
@example([2**62, -(2**62), 3, 2**70], "sequency", "auto")
def test_fwht_matches_reference_on_every_path(values, order, path):
    ref = fwht_reference(values, order)
    try:
        got = fwht_with_report(values, order, path=path)
    except InvalidArgument as exc:  # only path="int64" may refuse, and only when unsafe
        assert path == "int64" and "not safe" in str(exc)
        assert max(abs(v) for v in values).bit_length() + len(values).bit_length() - 1 > 63
        return
    assert got.values.tolist() == ref
    back = "auto" if path == "int64" else path  # the coefficients have n more bits
    assert ifwht(got.values, order, path=back).tolist() == values


@given(int_vectors(max_level=5, max_bits=20), orders)
def test_reference_matches_definition(values, order):
    assert fwht_reference(values, order) == definition(values, order)


@given(frac_vectors(), orders)
@example([Fraction(1, 3), Fraction(-1, 6)], "paley")
def test_rationals_are_scaled_to_a_common_denominator(values, order):
    r = fwht_with_report(values, order)
    assert r.values.tolist() == fwht_reference(values, order)
    assert r.denominator == np.lcm.reduce([v.denominator for v in values]).item() or (
        r.denominator % max(v.denominator for v in values) == 0)
    assert ifwht(r.values, order).tolist() == values


def test_sympy_rationals_and_numpy_integer_dtypes():
    assert fwht([sympy.Rational(1, 2), sympy.Integer(3)]).tolist() == [Fraction(7, 2),
                                                                       Fraction(-5, 2)]
    for dtype in (np.int8, np.int16, np.int32, np.uint8, np.uint32, np.int64):
        x = np.array([1, 2, 3, 4], dtype=dtype)
        assert fwht(x).tolist() == [10, -2, -4, 0]
    big = np.array([2**64 - 1, 0], dtype=np.uint64)
    assert fwht(big).tolist() == [2**64 - 1, 2**64 - 1]


def test_batched_rows_equal_single_transforms():
    rng = np.random.default_rng(0)
    x = rng.integers(-9, 9, (3, 2, 16))
    for order in WALSH_ORDERS:
        out = fwht(x, order)
        assert out.shape == x.shape
        for i in range(3):
            for j in range(2):
                assert out[i, j].tolist() == fwht_reference(x[i, j].tolist(), order)
        assert (ifwht(out, order) == x).all()


def test_long_rows_use_the_cache_blocked_kernel():
    rng = np.random.default_rng(1)
    x = rng.integers(-5, 5, 1 << 17)
    obj = fwht_with_report(x, "sequency", path="object").values
    assert np.array_equal(fwht(x, "sequency"), obj.astype(np.int64))


# --------------------------------------------------------------------------- overflow guard

@given(boundary_vectors(), orders)
def test_guard_switches_exactly_at_63_bits(case, order):
    n, _, values = case
    r = fwht_with_report(values, order)
    assert r.values.tolist() == fwht_reference(values, order)
    actual = max(abs(v) for v in values).bit_length()
    assert r.input_bits == actual
    assert r.path == ("int64" if actual + n <= 63 else "int64-limbs")


@pytest.mark.parametrize("n", [1, 2, 5, 10, 16])
def test_int64_would_have_wrapped_just_past_the_guard(n):
    size = 1 << n
    lim = (1 << (64 - n)) - 1  # bits + n = 64: the first size the guard refuses
    x = np.full(size, lim, dtype=np.int64)
    exact = size * lim  # fwht of a constant: N * value at index 0
    assert exact >= 2**63  # does not fit int64 ...
    raw = _butterfly(x.reshape(1, -1))[0]  # ... and the bare int64 kernel indeed wraps
    assert int(raw[0]) != exact and int(raw[0]) == exact - 2**64
    r = fwht_with_report(x)
    assert r.path == "int64-limbs" and "64 > 63" in r.reason
    assert int(r.values[0]) == exact and all(int(v) == 0 for v in r.values[1:])
    with pytest.raises(InvalidArgument, match=r"path='int64' is not safe here: max \|input\|"):
        fwht_with_report(x, path="int64")


@given(boundary_vectors(), orders)
@example((3, 61, [(1 << 61) - 1] * 8), "hadamard")
def test_past_the_guard_bare_int64_is_only_right_mod_2_64(case, order):
    """Where the guard refuses int64, the bare int64 kernel agrees with the exact result only
    modulo 2^64: every exact entry outside int64 comes out wrapped (so the guard is needed)."""
    n, _, values = case
    exact = fwht_reference(values, order)
    if max(abs(v) for v in values).bit_length() + n <= 63:
        assert fwht_with_report(values, order).path == "int64"
        return
    if max(abs(v) for v in values).bit_length() > 63:
        return  # the input itself is not an int64 array; nothing to compare
    raw = _butterfly(np.array(values, dtype=np.int64).reshape(1, -1))[0]
    perm = [convert_walsh_index(k, order, "hadamard", level=n) for k in range(1 << n)]
    raw = [int(raw[i]) for i in perm]
    assert all((r - e) % (1 << 64) == 0 for r, e in zip(raw, exact))
    assert all(r != e for r, e in zip(raw, exact) if not -(1 << 63) <= e < (1 << 63))
    assert fwht(values, order).tolist() == exact


@pytest.mark.parametrize("n", [1, 2, 5, 10, 16])
def test_int64_path_at_the_largest_safe_input(n):
    size = 1 << n
    lim = (1 << (63 - n)) - 1  # bits + n = 63: accepted, and the result fits
    for sign in (1, -1):
        x = np.full(size, sign * lim, dtype=np.int64)
        r = fwht_with_report(x)
        assert r.path == "int64" and r.values.dtype == np.int64
        assert int(r.values[0]) == sign * size * lim
        assert abs(sign * size * lim) < 2**63


def test_object_and_limb_paths_report_why():
    x = [2**100, -(2**99), 7, 0]
    limbs = fwht_with_report(x)
    obj = fwht_with_report(x, path="object")
    assert limbs.path == "int64-limbs" and limbs.limbs >= 2
    assert obj.path == "object" and "Python ints" in obj.reason
    assert limbs.values.tolist() == obj.values.tolist() == fwht_reference(x)
    assert "exact via int64-limbs path" in str(limbs)
    assert limbs.exact and obj.exact


def test_limbs_recombine_in_int64_when_the_actual_results_fit():
    rng = np.random.default_rng(5)
    x = rng.integers(-(2**54), 2**54, 1 << 10)  # guard: 55 + 10 > 63, random signs cancel
    r = fwht_with_report(x)
    assert r.path == "int64-limbs" and "recombined in int64" in r.reason
    assert r.values.tolist() == fwht_reference(x.tolist())


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("length", [0, 3, 6, 12])
def test_length_not_a_power_of_two_is_refused(length):
    with pytest.raises(InvalidArgument,
                       match=rf"len\(values\)={length} is not a power of two.*no padding"):
        fwht(list(range(length)))
    with pytest.raises(InvalidArgument, match=r"len\(coefficients\)=.* not a power of two"):
        ifwht(np.zeros(max(length, 3), dtype=np.int64))
    with pytest.raises(InvalidArgument, match=r"not a power of two"):
        haar_transform(list(range(max(length, 3))))


def test_unknown_ordering_lists_the_valid_ones():
    with pytest.raises(InvalidArgument, match=r"order='natural' is not a Walsh ordering; "
                       r"expected one of 'hadamard', 'paley', 'sequency'"):
        fwht([1, 2], order="natural")
    with pytest.raises(InvalidArgument, match=r"source='gray' is not a Walsh ordering"):
        convert_walsh_order([1, 2], "gray", "paley")
    with pytest.raises(InvalidArgument, match=r"path='fast' is not a transform path; "
                       r"expected one of 'auto', 'int64', 'limbs', 'object'"):
        fwht([1, 2], path="fast")
    assert set(WALSH_ORDERS) == set(BASES_ORDERS)


def test_floats_are_refused():
    with pytest.raises(InexactInputError, match=r"values\[1\]=0\.5 is a float; pass "
                       r"Fraction\('0\.5'\)"):
        fwht([1, 0.5])
    with pytest.raises(InexactInputError, match=r"values has dtype float64 \(floating point\)"):
        fwht(np.array([1.0, 2.0]))
    with pytest.raises(InexactInputError, match=r"coefficients has dtype float32"):
        ifwht(np.array([1.0, 2.0], dtype=np.float32))
    with pytest.raises(InexactInputError, match=r"values\[1\]=np.float64\(2.5\) is a float"):
        haar_transform(np.array([1, np.float64(2.5)], dtype=object))
    with pytest.raises(InexactInputError, match=r"sympy Float"):
        fwht([sympy.Float(1.5), 1])


def test_other_bad_inputs():
    with pytest.raises(InvalidArgumentType, match=r"values=3 is a scalar"):
        fwht(np.array(3))
    with pytest.raises(InvalidArgumentType, match=r"values has type int64; expected a seq"):
        fwht(np.int64(3))
    with pytest.raises(InvalidArgumentType, match=r"values has type int; expected a sequence"):
        fwht(3)
    with pytest.raises(InvalidArgumentType, match=r"values has dtype bool"):
        fwht(np.array([True, False]))
    with pytest.raises(InvalidArgument, match=r"values is ragged"):
        fwht([[1, 2], [3]])
    with pytest.raises(InvalidArgumentType, match=r"values\[0\]=sqrt\(2\) is not a rational"):
        fwht([sympy.sqrt(2), 1])
    with pytest.raises(InvalidArgument, match=r"integer lifting scheme takes integers"):
        haar_lifting([Fraction(1, 2), 1])


# --------------------------------------------------------------------------- cross-checks

@pytest.mark.parametrize("n", range(0, 9))
def test_hadamard_order_equals_scipy_hadamard(n):
    rng = np.random.default_rng(n)
    x = rng.integers(-1000, 1000, 1 << n)
    assert np.array_equal(fwht(x), hadamard(1 << n, dtype=np.int64) @ x)
    # the transform of the identity is the Sylvester matrix itself
    assert np.array_equal(fwht(np.eye(1 << n, dtype=np.int64)), hadamard(1 << n))


@pytest.mark.parametrize("n", range(0, 7))
def test_hadamard_order_equals_sympy_fwht(n):
    rng = np.random.default_rng(100 + n)
    x = [int(v) for v in rng.integers(-50, 50, 1 << n)]
    assert fwht(x).tolist() == [int(v) for v in sympy_fwht(x)]
    q = [Fraction(int(v), 3) for v in x]
    assert fwht(q).tolist() == [Fraction(int(v.p), int(v.q))
                                for v in sympy_fwht([sympy.Rational(v.numerator, 3) for v in x])]


@pytest.mark.parametrize("n", range(0, 5))
@pytest.mark.parametrize("order", WALSH_ORDERS)
def test_coefficients_are_piecewise_inner_products(n, order):
    size = 1 << n
    rng = np.random.default_rng(7 * n)
    vals = [Fraction(int(v), 4) for v in rng.integers(-20, 20, size)]
    f = Piecewise.on_grid(vals)
    expected = [size * inner(f, walsh(k, order=order, level=n)) for k in range(size)]
    assert fwht(vals, order).tolist() == expected


def test_float64_numeric_is_the_same_kernel_but_not_exact():
    x = np.arange(16)
    assert np.array_equal(fwht_float64_numeric(x), fwht(x).astype(np.float64))
    big = np.array([2**60 + 1, 0, 0, 0], dtype=np.int64)  # float64 cannot hold 2^60 + 1
    assert int(fwht_float64_numeric(big)[0]) != 2**60 + 1
    assert int(fwht(big)[0]) == 2**60 + 1


# --------------------------------------------------------------------------- orderings

def test_permutations_match_bases_convert_index():
    for n in range(0, 8):
        for src in WALSH_ORDERS:
            for dst in WALSH_ORDERS:
                got = walsh_index_map(n, src, dst).tolist()
                assert got == [convert_walsh_index(i, src, dst, level=n) for i in range(1 << n)]
        for order in WALSH_ORDERS:
            perm = walsh_permutation(n, order)
            assert sorted(perm.tolist()) == list(range(1 << n))
            assert not perm.flags.writeable


def test_golden_vector():
    assert walsh_index_map(3, "hadamard", "sequency").tolist() == [0, 7, 3, 4, 1, 6, 2, 5]


@given(int_vectors(max_level=6, max_bits=30), orders, orders)
def test_convert_walsh_order(values, src, dst):
    assert np.array_equal(convert_walsh_order(fwht(values, src), src, dst), fwht(values, dst))


def test_sequency_rows_have_s_sign_changes():
    n = 6
    rows = fwht(np.eye(1 << n, dtype=np.int64), "sequency")  # rows[x, s] = wal_s(x)
    changes = (np.diff(rows, axis=0) != 0).sum(axis=0)
    assert changes.tolist() == list(range(1 << n))


# --------------------------------------------------------------------------- Haar

def _haar_definition(values):
    """c[0] = mean, c[2^j + k] = <f, psi_{j,k}> / <psi, psi> from exact Piecewise integrals."""
    n = len(values).bit_length() - 1
    f = Piecewise.on_grid(values)
    out = [inner(f, Piecewise.constant(1))]
    for j in range(n):
        for k in range(1 << j):
            psi = haar(j, k)
            out.append(inner(f, psi) / inner(psi, psi))
    return out


@given(int_vectors(max_level=5, max_bits=40))
def test_haar_matches_definition(values):
    assert haar_transform(values).tolist() == _haar_definition(values)


@given(st.one_of(int_vectors(max_level=8, max_bits=80), frac_vectors()), paths)
def test_haar_round_trip(values, path):
    if path == "int64":
        path = "auto"
    c = haar_transform(values, path=path)
    assert inverse_haar_transform(c, path=path).tolist() == values


@given(boundary_vectors())
def test_haar_guard_at_the_boundary(case):
    n, _, values = case
    r = haar_transform_with_report(values)
    assert r.path == ("int64" if r.input_bits + n <= 63 else "int64-limbs")
    assert inverse_haar_transform(r).tolist() == values
    obj = haar_transform_with_report(values, path="object")
    assert r.values.tolist() == obj.values.tolist()


@given(st.one_of(int_vectors(max_level=8, max_bits=64), boundary_vectors().map(lambda c: c[2])))
@example([2**63 - 1, -(2**63) + 1])
def test_lifting_is_an_exact_integer_bijection(values):
    out = haar_lifting(values)
    assert all(isinstance(v, (int, np.integer)) for v in out.tolist())
    assert inverse_haar_lifting(out).tolist() == values


def test_lifting_floor_averages():
    assert haar_lifting([3, 0]).tolist() == [1, 3]  # floor(3/2), 3 - 0
    assert haar_lifting([-3, 0]).tolist() == [-2, -3]


@given(int_vectors(max_level=7, max_bits=30))
def test_normalized_coefficients_parseval(values):
    q, root = normalized_haar_coefficients(values)
    energy = sum(Fraction(v) ** 2 * 2 ** int(s) for v, s in zip(q.tolist(), root.tolist()))
    assert energy == Fraction(sum(v * v for v in values), len(values))


def test_normalized_coefficients_match_sympy():
    values = [4, 2, 5, 5, 1, 0, 0, 3]
    q, root = normalized_haar_coefficients(values)
    f = Piecewise.on_grid(values)
    basis = [(0, None)] + [(j, k) for j in range(3) for k in range(1 << j)]
    for i, (j, k) in enumerate(basis):
        expected = 1 if k is None else None
        if k is None:
            expected = sympy.Rational(inner(f, Piecewise.constant(1)))
        else:
            pw = haar(j, k, normalized=True)
            expected = pw._exact_inner(f)
        got = sympy.Rational(q[i].numerator, q[i].denominator) * sympy.sqrt(2) ** int(root[i])
        assert sympy.nsimplify(got - expected) == 0


@given(st.one_of(int_vectors(max_level=8, max_bits=70), frac_vectors()), orders)
def test_haar_walsh_change_of_basis(values, order):
    n = len(values).bit_length() - 1
    c = haar_transform(values)
    w = haar_to_walsh(c, order)
    direct = fwht(values, order)
    assert (np.asarray(w, dtype=object) * (1 << n) == np.asarray(direct, dtype=object)).all()
    assert walsh_to_haar(w, order).tolist() == c.tolist()


def test_change_of_basis_reports_and_accepts_results():
    r = haar_to_walsh_with_report(haar_transform_with_report([2**62, 0, 0, 0]))
    assert r.path == "int64-limbs"
    assert r.values.tolist() == [2**60, 2**60, 2**60, 2**60]
    back = walsh_to_haar_with_report(r)
    assert back.values.tolist() == haar_transform([2**62, 0, 0, 0]).tolist()


def test_one_coefficient_off_is_detected():
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    c = haar_transform(values)
    c[5] = c[5] + 1
    assert inverse_haar_transform(c).tolist() != values
    assert not (haar_to_walsh(c) * 8 == fwht(values, "paley")).all()


# --------------------------------------------------------------------------- screen

def test_involution_screen_is_labelled_and_can_fail():
    ok = involution_screen(12, trials=2, seed=3)
    assert ok.passed and bool(ok) and ok.label == "randomised screen, not a proof"
    assert ok.false_pass_bound == Fraction(1, 2**64)
    assert "not a proof" in str(ok)
    bad = involution_screen(5, transform=lambda v: np.roll(fwht(v), 1))
    assert not bad.passed and bad.failure is not None and "FAILED" in str(bad)
    sign = involution_screen(5, transform=lambda v: fwht(v) * np.where(np.arange(32) == 3, -1, 1))
    assert not sign


@pytest.mark.slow
def test_level_20_every_path_agrees():
    rng = np.random.default_rng(20)
    x = rng.integers(-(1 << 43), 1 << 43, 1 << 20)  # 43 + 20 = 63: int64
    r64 = fwht_with_report(x, "sequency")
    assert r64.path == "int64"
    xl = x.astype(object) << 1  # one bit more: limbs
    rl = fwht_with_report(xl, "sequency")
    assert rl.path == "int64-limbs"
    assert np.array_equal(rl.values, r64.values.astype(object) << 1)
    ro = fwht_with_report(x, "sequency", path="object")
    assert np.array_equal(ro.values.astype(np.int64), r64.values)
    assert np.array_equal(ifwht(r64.values, "sequency"), x)


@given(st.integers(0, 12), st.integers(1, 5),
       st.sampled_from([np.int16, np.int32, np.int64, object, np.float64]), st.integers(0, 2**31))
def test_split_butterfly_matches_the_radix_kernel(level, rows, dtype, seed):
    from exactmtl.transforms import _butterfly_radix

    bound = max(1, (1 << (15 - level)) - 1) if dtype is np.int16 else 1000
    x = np.random.default_rng(seed).integers(-bound, bound + 1, size=(rows, 1 << level))
    x = x.astype(dtype)
    got, want = _butterfly(x), _butterfly_radix(x)
    assert got.dtype == x.dtype and np.array_equal(got, want)
    assert np.array_equal(x, x.copy())  # the input is untouched


def test_split_butterfly_past_the_row_block():
    from exactmtl.transforms import _butterfly_radix

    x = np.random.default_rng(3).integers(-7, 8, size=(3, 1 << 17)).astype(np.int32)
    assert np.array_equal(_butterfly(x), _butterfly_radix(x))
    assert np.array_equal(_butterfly(x)[:, :1], x.sum(axis=1, keepdims=True))
