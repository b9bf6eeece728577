"""A7 -- triangle waves: T^k = T o S_{k-1} = 1 - |2 S_{k-1} - 1|.

Statement   For k >= 1 the k-fold tent map equals the tent map after the sawtooth S_{k-1}, and
            1 - |2 S_{k-1} - 1|, on [0, 1) (T^k is continuous on [0, 1]); it has 2^k pieces with
            slopes +-2^k and values 0, 1 alternately at i 2^-k.
Check       exact identities of piecewise-linear functions (equal(...) with the conventions §A.3
            verdict): triangle(k) against the composed tent (k <= 8), against T o S_{k-1} and
            1 - |2 S_{k-1} - 1| (k <= 12); exact slopes and values.
Range       k <= 12 by default, k <= 18 with --full.
Falsifier   k off by one: T^k compared with T o S_k.
Source      conventions §A.7 (docs/conventions.md); main construction §2.5
            (docs/main_construction.md); Telgarsky, arXiv 1602.04485.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import equal, sawtooth, tent, triangle
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, expect_true

CLAIM = Claim("A7", "triangle wave T^k = T o S_{k-1} = 1 - |2 S_{k-1} - 1|")


def _check_identity(k: int, j: int) -> None:
    """T^k against T o S_j and 1 - |2 S_j - 1| (true iff j = k - 1)."""
    t = triangle(k)
    s = sawtooth(j)
    expect_true(equal(t, tent().compose(s)), "T^k != T o S_j", k=k, j=j)
    expect_true(equal(t, 1 - abs(2 * s - 1)), "T^k != 1 - |2 S_j - 1|", k=k, j=j)


@cases(lambda full: range(1, (18 if full else 12) + 1),
       merge=lambda ks, _: {"orders": ks[-1]}, weight=lambda k: 30 / 2 ** (18 - k))
def check_identities(k: int) -> None:
    _check_identity(k, k - 1)
    t = triangle(k)
    size = 1 << k
    expect_equal(t.pieces, size, "wrong number of pieces", k=k)
    expect({abs(p[1]) for p in t.polys} == {size}, "slopes are not +-2^k", k=k)
    if k <= 10:
        expect_equal([t(Fraction(i, size)) for i in range(size + 1)],
                     [i % 2 for i in range(size + 1)], "values at i 2^-k", k=k)


def check_composed_tent() -> None:
    f = tent()
    for k in range(2, 9):
        f = tent().compose(f)
        expect_true(equal(f, triangle(k)), "k-fold tent map != triangle(k)", k=k)


def falsify_order_off_by_one() -> None:
    _check_identity(5, 5)
