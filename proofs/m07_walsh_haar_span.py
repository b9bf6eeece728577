"""M7 -- Walsh and Haar span the same space: the step functions on the level-m cells.

Statement   span{pal_k : k < 2^m} = span{1, psi_{j,k} : j < m} = the step functions on the
            level-m cells (dimension 2^m).
Check       sample both families on the level-m cells (each function's knots are checked to lie
            on the grid, so the samples determine it); exact rank (fraction-free integer
            elimination) of each family is 2^m and the rank of the two stacked is still 2^m;
            for m <= 3 the ranks are also computed by sympy.Matrix.rank.
Range       m <= 6 by default; m <= 8 with --full.
Falsifier   the Haar family with psi_{m-1,0} replaced by pal_{2^m} (a level-(m+1) function):
            the stacked rank exceeds 2^m.
Source      arXiv 2606.16028, reference construction: main construction §2.3 (span)
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl import Piecewise, haar, walsh
from exactmtl.proofcheck import Claim, cases, expect_equal

CLAIM = Claim("M7", "Walsh and Haar systems span the same level-m step functions")


def _rank(rows: list[list[int]]) -> int:
    """Exact rank of an integer matrix by fraction-free (Bareiss-style) elimination."""
    a = [list(r) for r in rows]
    rank, cols = 0, len(a[0]) if a else 0
    for c in range(cols):
        piv = next((r for r in range(rank, len(a)) if a[r][c]), None)
        if piv is None:
            continue
        a[rank], a[piv] = a[piv], a[rank]
        p = a[rank][c]
        for r in range(len(a)):
            if r != rank and a[r][c]:
                f = a[r][c]
                a[r] = [p * x - f * y for x, y in zip(a[r], a[rank])]
        rank += 1
    return rank


def _samples(f: Piecewise, level: int) -> list[int]:
    size = 2 ** level
    grid = {Fraction(c, size) for c in range(size + 1)}
    expect_equal(set(f.knots) <= grid, True, "knots off the level grid", level=level)
    return [int(f(Fraction(c, size))) for c in range(size)]


def _check(m: int, haar_family: list[Piecewise]) -> None:
    w = [_samples(walsh(k), m) for k in range(2 ** m)]
    h = []
    for f in haar_family:
        h.append(_samples(f, m + 1))
    w2 = [[v for v in row for _ in range(2)] for row in w]  # on the level-(m+1) grid
    dim = 2 ** m
    expect_equal(_rank(w2), dim, "rank of the Walsh family", m=m)
    expect_equal(_rank(h), dim, "rank of the Haar family", m=m)
    expect_equal(_rank(w2 + h), dim, "Walsh and Haar spans differ", m=m)
    if m <= 3:
        expect_equal(sympy.Matrix(w2 + h).rank(), dim, "sympy rank", m=m)


def _haar_family(m: int) -> list[Piecewise]:
    return [Piecewise.constant(1)] + [haar(j, k) for j in range(m) for k in range(2 ** j)]


@cases(lambda full: range((8 if full else 6) + 1),
       merge=lambda ms, _: {"m": f"0..{ms[-1]}"}, weight=lambda m: 50 / 8 ** (8 - m))
def check_spans(m: int) -> None:
    _check(m, _haar_family(m))


def falsify_foreign_function() -> None:
    m = 3
    fam = _haar_family(m)
    fam[fam.index(haar(m - 1, 0))] = walsh(2 ** m)
    _check(m, fam)
