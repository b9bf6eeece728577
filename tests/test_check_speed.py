"""The sped-up routines of the proof suite (issue 12) against their old implementations.

Each fast path that replaced a slower one in ``proofs/`` or in the coding modules is compared
here with the old code (kept verbatim as an oracle in ``tests/_oracle_*.py``) or with an
independent route, on the claims' own inputs and on random ones.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import _oracle_coding as oracle
import pytest
from _oracle_lp import lp_min as lp_min_fraction
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmtl import covering
from exactmtl.proofcheck import discover, select

PROOFS = Path(__file__).resolve().parent.parent / "proofs"


def _proof(claim_id: str):
    return select(discover([PROOFS]), [claim_id])[0].module


# --------------------------------------------------------------------------- D3.6: the simplex

D36 = _proof("D3.6")


def _d36_problems(step: Fraction):
    from exactmtl.companions.vector_tv import spec_example

    tasks = spec_example()[0]
    grid = D36._grid(step)
    one = [(Fraction(1),), (Fraction(-1),)]
    for tk, units in ((tasks, D36.UNIT_2D), (tasks[:1], one), (tasks[1:], one)):
        c, a_ub, b_ub, a_eq, b_eq, free, rows = D36._problem(tk, grid, units)
        yield c, a_ub, b_ub, a_eq, b_eq, free
        value, _ = lp_min_fraction(c, a_ub, b_ub, a_eq, b_eq, free)
        for row in rows:  # the optimal-face LPs of _solve
            for obj in (row, [-v for v in row]):
                yield obj, [*a_ub, c], [*b_ub, value], a_eq, b_eq, free


@pytest.mark.parametrize("step", [Fraction(1), Fraction(1, 2)])
def test_d36_integer_simplex_matches_the_fraction_simplex(step):
    """Same optimum and same optimal vertex (the pivots are the same) on every LP of D3.6."""
    for problem in _d36_problems(step):
        assert D36.lp_min(*problem) == lp_min_fraction(*problem)


@st.composite
def _lps(draw):
    n = draw(st.integers(1, 4))
    big = draw(st.sampled_from([3, 2 ** 40, 2 ** 70]))  # int64, near the bound, past it
    num = st.integers(-big, big)
    val = st.builds(Fraction, num, st.integers(1, 6))
    rows = draw(st.lists(st.lists(val, min_size=n, max_size=n), min_size=1, max_size=5))
    rhs = draw(st.lists(val, min_size=len(rows), max_size=len(rows)))
    split = draw(st.integers(0, len(rows)))
    free = draw(st.sets(st.integers(0, n - 1)))
    c = draw(st.lists(val, min_size=n, max_size=n))
    box = [[Fraction(int(i == k)) for i in range(n)] for k in range(n)]  # x_i <= 5: bounded
    return (c, [*rows[:split], *box], [*rhs[:split], *[Fraction(5)] * n], rows[split:],
            rhs[split:], free)


def _solve_or_error(lp_min, problem):
    try:
        return lp_min(*problem)
    except ValueError as exc:
        return str(exc)


@settings(max_examples=150, deadline=None)
@given(_lps())
def test_integer_simplex_matches_on_random_lps(problem):
    """Random LPs: values, vertices and the infeasible / unbounded verdicts agree."""
    assert _solve_or_error(D36.lp_min, problem) == _solve_or_error(lp_min_fraction, problem)


def test_integer_simplex_past_int64():
    """Coefficients near 2^62 force the Python-int tableau; the answer is still exact."""
    big = Fraction(2 ** 61 + 1, 3)
    problem = ([1, 1], [[big, 1], [1, big]], [big * 2, big * 2], [[1, -1]], [0], set())
    got = D36.lp_min(*problem)
    assert got == lp_min_fraction(*problem)
    problem = ([-1, -1], *problem[1:])
    assert D36.lp_min(*problem) == lp_min_fraction(*problem)
    assert D36.lp_min(*problem)[0] == -2 * (big * 2) / (big + 1)


# --------------------------------------------------------------------------- coding tables

def _old_block_separation(rows, cells):
    """The per-cell loop that ``construction_certify._block_separation`` replaced."""
    import numpy as np

    from exactmtl.construction_certify import _pairwise

    tasks = rows.shape[1] // (2 * cells)
    sep = None
    for c in range(cells):
        idx = [t * cells * 2 + c * 2 + r for t in range(tasks) for r in range(2)]
        block = rows[:, idx]
        sub = block[oracle.unique_rows(block)[0]]
        if sub.shape[0] > 1:
            d = _pairwise(sub)
            v = int(d[np.triu_indices(sub.shape[0], 1)].min())
            sep = v if sep is None else min(sep, v)
    return sep


def _families():
    import itertools

    for n in range(1, 5):
        for m in range(n + 1):
            for heads in ("sawtooth-walsh", "walsh"):
                if heads == "walsh" and m != n:
                    continue
                for size in (1, 2, 4):
                    yield from ((n, m, ks, heads) for ks in itertools.islice(
                        itertools.combinations(range(1 << m), min(size, 1 << m)), 3))


def test_output_tables_match_the_old_construction():
    import numpy as np

    from exactmtl.construction_certify import _block_separation, class_rows
    from exactmtl.construction_tables import output_table

    for n, m, ks, heads in _families():
        tab = output_table(n, m, list(ks), heads)
        values, scale = oracle.output_values(n, m, ks, heads)
        assert tab.scale == scale and tab.values.dtype == values.dtype
        assert np.array_equal(tab.values, values), (n, m, ks, heads)
        for task in (None, 0):
            rows, _ = class_rows(n, m, list(ks), task, heads)
            assert _block_separation(rows, 1 << n) == _old_block_separation(rows, 1 << n)
            first, inv = oracle.unique_rows(rows)
            new_first, new_inv = covering._unique_rows(rows)
            assert np.array_equal(first, new_first) and np.array_equal(inv, new_inv)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 24), st.sampled_from([3, 2 ** 20, 2 ** 61]),
       st.integers(0, 2 ** 32))
def test_unique_rows_and_block_separation_on_random_tables(rows, cols, big, seed):
    """Wide spans take the hashed grouping (verified), narrow ones the mixed-radix keys."""
    import numpy as np

    from exactmtl.construction_certify import _block_separation

    rng = np.random.default_rng(seed)
    base = rng.integers(-big, big, (rng.integers(1, 6), cols))
    x = base[rng.integers(0, base.shape[0], rows)]
    got, want = covering._unique_rows(x), oracle.unique_rows(x)
    assert all(np.array_equal(a, b) for a, b in zip(got, want))
    cells = 1 << int(rng.integers(0, 3))
    table = rng.integers(-3, 4, (rows, 2 * cells * int(rng.integers(1, 3)))) * (big // 3 + 1)
    assert _block_separation(table, cells) == _old_block_separation(table, cells)


def test_hashed_grouping_survives_collisions(monkeypatch):
    """Every row hashing alike: the exact verification rejects the grouping, rows are sorted."""
    import numpy as np

    from exactmtl.construction_certify import class_rows

    rows, _ = class_rows(3, 2, [0, 1, 2, 3], None)
    want = oracle.unique_rows(rows)
    monkeypatch.setattr(covering, "_HASH_RNG_WEIGHTS", np.zeros(4096, dtype=np.int64))
    got = covering._unique_rows(rows)
    assert all(np.array_equal(a, b) for a, b in zip(got, want))


def test_family_fast_path_agrees_with_the_full_checks(monkeypatch):
    from exactmtl import construction

    def run(*args):
        try:
            return construction._check_family(*args)
        except Exception as exc:  # the same refusal, with the same message
            return type(exc).__name__, str(exc)

    inputs = [(n, m, ks, heads) for n in (0, 1, 3, -1, 2.0, True, 70)
              for m in (None, 0, 1, 3, -1, 1.0)
              for ks in ([0], [1], [0, 1], [1, 1], [3, 2, 1], [], (0, 2), [0, True], [0, 1.0],
                         [4], [-1], "01", [(1, 1)], [0, 2 ** 80])
              for heads in ("sawtooth-walsh", "walsh", "x", None)]
    fast = [run(*a) for a in inputs]
    monkeypatch.setattr(construction, "_family_of_ints", lambda *a: None)
    assert fast == [run(*a) for a in inputs]


def test_cached_rho_and_theorems_agree_with_the_definitions():
    import itertools

    from exactmtl import construction
    from exactmtl.closed_forms import code_length_bounds, theorem_a, theorem_b

    for size in range(1, 5):
        for ks in itertools.combinations(range(16), size):
            basis = construction.rho_basis(list(ks))  # the validated echelon basis
            assert construction.rho(list(ks)) == sum(1 << (t - 1) for t in basis)
    a = theorem_a(4, 2, [3, 2, 1])
    assert (a.task_lengths, a.L_sep, a.L_joint) == ((14, 14, 13), 41, 15)
    assert theorem_b(3, 1, [1], Fraction(1, 4)).tasks == ((2, 3),)
    assert code_length_bounds(3, 2, [0, 1, 2, 3], Fraction(1, 2)).joint == (0, 3)


# --------------------------------------------------------------------------- other claims

def test_a6_forward_pass_matches_network_evaluate():
    from exactmtl import Network, heaviside_sawtooth_network, telgarsky_network

    a6 = _proof("A6")
    xs = [Fraction(i, 97) for i in range(97)] + [Fraction(i, 32) for i in range(33)]
    nets = [heaviside_sawtooth_network(4), telgarsky_network(3)]
    nets += [Network(nets[0].layers, h0=h) for h in (0, Fraction(1, 3))]
    nets.append(Network([{"weights": [[Fraction(2, 3)], [-1]], "biases": [Fraction(-1, 5), 1],
                          "activation": ["relu", "heaviside"], "skip": [1, Fraction(1, 7)]},
                         {"weights": [[1, Fraction(-5, 2)]], "biases": [0],
                          "activation": "identity"}]))
    for net in nets:
        assert a6.forward_pass(net, xs) == [net.evaluate(x) for x in xs]


def test_d13_running_sums_equal_kraft_sum():
    from exactmtl.prefixcodes import elias_delta_length, elias_gamma_length, kraft_sum

    d13 = _proof("D1.3")
    for length in (elias_gamma_length, elias_delta_length):
        sums = d13._running_sums(length, 200)
        assert sums == [kraft_sum(length(n) for n in range(1, N + 1)) for N in range(1, 201)]


def test_rank_over_q_matches_sympy():
    import random

    import sympy

    from exactmtl.companions.representation import _rank_q

    rng = random.Random(3)
    for _ in range(60):
        rows, cols = rng.randint(0, 5), rng.randint(1, 5)
        M = sympy.Matrix(rows, cols, lambda i, j: sympy.Rational(rng.randint(-2, 2),
                                                                 rng.randint(1, 3)))
        if rows > 1 and rng.random() < 0.5:
            M[rows - 1, :] = M[0, :] * 3  # rank deficient
        assert _rank_q(M) == M.rank()
    assert _rank_q(sympy.Matrix([[1, sympy.sqrt(2)], [sympy.sqrt(2), 2]])) == 1


def test_affine_gram_matches_pairwise_inner():
    import random

    from exactmtl import Piecewise, triangle, walsh
    from exactmtl.bases import _gram_affine, _gram_pairwise, gram
    from exactmtl.construction import outputs, sawtooth_walsh

    rng = random.Random(12)
    families = [[walsh(m) for m in range(16)], [triangle(k) - Fraction(1, 2) for k in range(1, 7)],
                [sawtooth_walsh(3, k) for k in range(8)], outputs(37, 3, 2, [0, 1, 2, 3]),
                [Piecewise.step([Fraction(1, 3)], [Fraction(2, 7), -5])]]
    for _ in range(40):
        q = rng.randint(0, 4)
        families.append([
            Piecewise.on_grid([Fraction(rng.randint(-9, 9), rng.randint(1, 4))
                               for _ in range(2 ** q)])
            * (Piecewise.identity() * rng.randint(-2, 2) + Fraction(1, rng.randint(1, 5)))
            for _ in range(rng.randint(1, 5))])
    families.append([Piecewise.on_grid([2 ** 70, -(2 ** 69) + 1]), walsh(1)])  # Python ints
    for fs in families:
        assert _gram_affine(fs) is not None
        assert gram(fs) == _gram_pairwise(fs)
    quad = Piecewise.identity() * Piecewise.identity()
    assert _gram_affine([quad, walsh(1)]) is None  # degree 2: the pairwise route
    assert gram([quad, walsh(1)]) == _gram_pairwise([quad, walsh(1)])


def test_output_code_tables_match_the_old_construction():
    import numpy as np

    from exactmtl.construction import feature_image_table, output_code_table

    for n in range(1, 5):
        for heads in ("sawtooth-walsh", "walsh"):
            for m in range(n + 1):
                if heads == "walsh" and m != n:
                    continue
                for k in range(1 << m):
                    got = output_code_table(n, m, k, heads)
                    want = oracle.output_codes(n, m, k, heads)
                    assert got.dtype == want.dtype and np.array_equal(got, want)
        table = feature_image_table(n, n + 1)
        assert np.array_equal(table, oracle.images(n, n + 1))
        table[0, 0] = -1  # the caller's copy: the cached table is unchanged
        assert feature_image_table(n, n + 1)[0, 0] == 0


def test_orbit_envelopes_match_the_scattered_maximum():
    """The reshape envelopes of ``ClassSolver.orbits`` against the old ``np.maximum.at``."""
    import numpy as np

    from exactmtl.construction_certify import ClassSolver

    for args in [(4, 2, [0, 1, 2, 3], None), (4, 1, [0, 1], 0), (3, 2, [1, 3], None),
                 (4, 4, [5, 9], None, "walsh")]:
        s = ClassSolver(*args)
        rows = s.rows.astype(np.int64)
        for q in range(args[0]):
            size = 1 << ((1 << q) - 1)
            key = np.arange(rows.shape[0], dtype=np.int64) & (size - 1)
            hi = np.full((size, rows.shape[1]), np.iinfo(np.int64).min)
            lo = np.full_like(hi, np.iinfo(np.int64).max)
            np.maximum.at(hi, key, rows)
            np.minimum.at(lo, key, rows)
            env, inv = np.unique(np.concatenate([hi, lo], axis=1), axis=0, return_inverse=True)
            index, diameters, d = s.orbits(q)
            assert np.array_equal(index, inv.reshape(-1)[key])
            h, lw = env[:, :rows.shape[1]], env[:, rows.shape[1]:]
            want = np.array([(np.maximum(h[i], h) - np.minimum(lw[i], lw)).max(axis=1)
                             for i in range(env.shape[0])])
            assert np.array_equal(d, want) and np.array_equal(diameters, np.diag(want))


def test_rational_code_length_fast_path_matches_the_checked_one():
    import random

    from exactmtl import prefixcodes

    rng = random.Random(5)
    values = [0, 1, -1, 7, True, Fraction(1, 1024), Fraction(-3, 8), Fraction(5, 7), 2 ** 4100,
              Fraction(1, 2 ** 4100)]
    values += [Fraction(rng.randint(-10 ** 9, 10 ** 9), rng.randint(1, 10 ** 6))
               for _ in range(300)]
    values += [Fraction(rng.randint(-999, 999), 2 ** rng.randint(0, 40)) for _ in range(300)]

    def slow(q, code):
        try:
            base, _, a, b = prefixcodes._parts(q, code, "q")
        except Exception as exc:
            return type(exc).__name__
        length = prefixcodes._INT_CODES[base][1]
        return 1 if a == 0 else length(a + 1) + 1 + length(b)

    def fast(q, code):
        try:
            return prefixcodes.rational_code_length(q, code)
        except Exception as exc:
            return type(exc).__name__

    for code in (*prefixcodes.RATIONAL_CODES, "gamma", None):
        for q in values:
            assert fast(q, code) == slow(q, code), (q, code)


def test_m26_forward_pass_matches_network_evaluate():
    import random

    m26 = _proof("M26")
    rng = random.Random(26)
    for _ in range(30):
        net = m26.random_hnet(rng)
        xs = [Fraction(i, 37) - 2 for i in range(5 * 37 + 1)]
        assert m26.forward_pass(net, xs) == [net.evaluate(x) for x in xs]


@pytest.mark.parametrize("bits", [1, 2, 8, 9, 23, 24, 40])
def test_narrow_butterfly_matches_int64(bits, monkeypatch):
    """int16 / int32 transforms (bound <= 15 / 31) against the int64 ones, at the edges."""
    import numpy as np

    from exactmtl import fwht, haar_system, transforms

    rng = np.random.default_rng(bits)
    level = 8  # growth 2^8: bound = bits + 8 straddles 15 and 31
    x = rng.integers(-(2 ** bits) + 1, 2 ** bits, (300, 1 << level))
    x[0, :] = 2 ** bits - 1  # the largest magnitudes, all the same sign
    x[1, :] = -(2 ** bits) + 1
    got = fwht(x, order="sequency")
    spec = haar_system(level).gram("haar").numerators
    monkeypatch.setattr(transforms, "_NARROW_MIN_SIZE", 1 << 62)
    want = fwht(x, order="sequency")
    assert got.dtype == want.dtype == np.int64 and np.array_equal(got, want)
    assert np.array_equal(spec, haar_system(level).gram("haar").numerators)


def test_bit_list_and_sigma_fast_paths():
    import random

    from exactmtl import construction
    from exactmtl.colouring import _bit_list

    def bits_by_loop(mask):
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out

    rng = random.Random(8)
    for width in (0, 1, 63, 64, 65, 700, 5000):
        for _ in range(20):
            mask = rng.getrandbits(width) if width else 0
            assert _bit_list(mask) == bits_by_loop(mask)

    def run(*args):
        try:
            return construction.sigma_bits(*args)
        except Exception as exc:
            return type(exc).__name__, str(exc)

    for n in (0, 2, 3):
        for sigma in range(2 ** ((1 << n) - 1)):
            assert run(sigma, n) == sigma == run(format(sigma, f"0{(1 << n) - 1}b")[::-1], n) \
                if n else run(sigma, n) == sigma
    assert run(8, 2)[0] == "InvalidArgument" and run(-1, 2)[0] == "InvalidArgument"
    assert run(True, 2)[0] == "InvalidArgumentType" and run(2.0, 2)[0] == "InexactInputError"
    assert run(2 ** 70, 3)[0] == "InvalidArgument" and run({(0, 0): 1}, 2) == 1


def test_cached_features_equal_fresh_ones():
    from exactmtl.construction import FEATURE_FORMS, _feature, feature

    for n in range(4):
        for mask in range(0, 1 << ((1 << n) - 1), 5):
            for form in FEATURE_FORMS:
                assert feature(mask, n, form) == _feature.__wrapped__(mask, n, form)


def test_haar_series_feature_matches_the_wavelet_sum():
    import random

    from exactmtl.construction import (
        _haar_series_feature,
        _haar_series_feature_by_wavelets,
        random_sigma,
    )

    for n in range(4):
        for mask in range(1 << ((1 << n) - 1)):
            assert _haar_series_feature(mask, n) == _haar_series_feature_by_wavelets(mask, n)
    rng = random.Random(12)
    for n in range(4, 8):
        mask = random_sigma(n, seed=rng.getrandbits(32))
        assert _haar_series_feature(mask, n) == _haar_series_feature_by_wavelets(mask, n)
