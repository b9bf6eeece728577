"""The sped-up routines of the proof suite (issue 12) against their old implementations.

Each fast path that replaced a slower one in ``proofs/`` or in the coding modules is compared
here with the old code (kept verbatim as an oracle in ``tests/_oracle_*.py``) or with an
independent route, on the claims' own inputs and on random ones.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from _oracle_lp import lp_min as lp_min_fraction
from hypothesis import given, settings
from hypothesis import strategies as st

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
