"""Amortised intrinsic dimension and the exact manifold dimension (intrinsic_dim)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmtl.companions.intrinsic_dim import (
    amortised_dimension,
    exact_rank,
    jacobian,
    jacobian_rank,
    manifold_dimension,
    per_task_dimension,
    random_instance,
    simulate_per_task_dimension,
)
from exactmtl.errors import InexactInputError, InvalidArgument


def test_amortised_dimension_formula_and_limit():
    assert amortised_dimension(100, 4, 10) == 44
    assert amortised_dimension(100, 4, 400) == 5
    assert [amortised_dimension(10, 2, n) for n in (1, 2, 5)] == [22, 12, 6]
    with pytest.raises(InvalidArgument, match="n=0 must be an integer >= 1"):
        amortised_dimension(10, 2, 0)
    with pytest.raises(InexactInputError, match=r"l=1\.5 is a float"):
        amortised_dimension(1.5, 2, 3)


@settings(max_examples=25)
@given(l=st.integers(1, 6), n=st.integers(1, 6), k=st.integers(1, 6), seed=st.integers(0, 50))
def test_exact_jacobian_rank_is_k_l_plus_n_minus_k(l, n, k, seed):
    if k > min(l, n):
        with pytest.raises(InvalidArgument, match=r"k=\d+ > min"):
            manifold_dimension(l, n, k)
        return
    rank = jacobian_rank(l, n, k, seed=seed)
    assert rank <= manifold_dimension(l, n, k)
    # a drawn integer point may be degenerate; a second seed then attains the generic rank
    ranks = {rank} | {jacobian_rank(l, n, k, seed=seed + s) for s in range(1, 4)}
    assert max(ranks) == k * (l + n - k)


def test_naive_count_is_wrong_when_k_is_at_least_one():
    # the raw parameter count l k + n k overcounts by k^2 (the GL(k) symmetry)
    l, n, k = 5, 4, 2
    assert jacobian_rank(l, n, k) == l * k + n * k - k * k
    assert jacobian_rank(l, n, k) != l * k + n * k


def test_per_task_dimension_falls_to_k():
    vals = [per_task_dimension(50, n, 3) for n in (3, 10, 100, 1000)]
    assert vals == sorted(vals, reverse=True) and all(v > 3 for v in vals)
    assert per_task_dimension(50, 1000, 3) - 3 == Fraction(47 * 3, 1000)


def test_exact_rank_and_jacobian_layout():
    assert exact_rank([[2, 4, 6], [1, 2, 3], [0, 0, 1]]) == 2
    assert exact_rank([[0, 0], [0, 0]]) == 0
    with pytest.raises(InvalidArgument, match="different lengths"):
        exact_rank([[1, 2], [3]])
    P, Q, A = random_instance(3, 2, 2, seed=3)
    J = jacobian(P, Q, A)
    assert len(J) == len(P) * 2 and len(J[0]) == 3 * 2 + 2 * 2


def test_simulation_agrees_with_the_exact_formula():
    rows = simulate_per_task_dimension(l=8, k=2, ns=(2, 4, 16))
    for r in rows:
        assert r["rank"] == manifold_dimension(8, r["n"], 2)
    per_task = [r["per_task"] for r in rows]
    assert per_task == sorted(per_task, reverse=True) and per_task[-1] < 3


def test_spec_formula_needs_k_at_most_min_l_n():
    # SPEC D.1 states k (l + n - k) without a condition; for k > min(l, n) it is false:
    # l = 5, n = 1, k = 2 gives 8, but the image {P Q a} is range(P), of dimension l n = 5.
    P = [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1],
         [1, 2, 3, 4, 5]]
    Q = [[1, 2], [0, 1], [3, 1], [2, 2], [1, 0]]
    A = [[1], [2]]
    assert exact_rank(jacobian(P, Q, A)) == 5 != 2 * (5 + 1 - 2)
    with pytest.raises(InvalidArgument, match=r"k=2 > min\(l=5, n=1\)"):
        manifold_dimension(5, 1, 2)
